"""Eligibility for a call, checked from the enterprise's record and explained rule by rule: its credit grade, no
failed spot check and no listing on the dishonesty list in the look-back years, valid licences, and years of
trading. A check is stored as data ({code, passed, params}) and put into words when shown, in the reader's
language."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.selectors import current_grade, listing_decisions
from enterprises.choices import LicenceKind
from enterprises.selectors import licence_kinds
from inspections.selectors import failed_results_since


def eligibility_checks(enterprise: Model, rules: dict, *, today: datetime.date | None = None) -> list[dict]:
    """Each rule of the call applied to the enterprise's record today (a fixed number of queries, each read
    from the app that keeps that part of the record)."""
    today = today or timezone.localdate()
    checks = []
    grades = list(rules.get("grades") or [])
    if grades:
        grade = current_grade(enterprise.pk)
        checks.append({"code": "grade", "passed": grade in grades, "params": {"grade": grade, "allowed": grades}})
    clean_years = rules.get("clean_years")
    if clean_years is not None:
        since = today - relativedelta(years=int(clean_years))
        failed = failed_results_since(enterprise.pk, since, today=today)
        latest = failed["latest"] and timezone.localdate(failed["latest"]).isoformat()
        checks.append(
            {
                "code": "spot_checks",
                "passed": not failed["count"],
                "params": {
                    "years": clean_years,
                    "since": since.isoformat(),
                    "count": failed["count"],
                    "latest": latest,
                },
            }
        )
        listings = listing_decisions(enterprise.pk, since=since, today=today)
        checks.append(
            {
                "code": "blacklist",
                "passed": not listings,
                "params": {"years": clean_years, "since": since.isoformat(), "decisions": listings},
            }
        )
    if rules.get("valid_licences"):
        held = licence_kinds(enterprise.pk)
        valid = licence_kinds(enterprise.pk, valid_on=today)
        lacking = sorted(held - valid)
        checks.append({"code": "licences", "passed": not lacking, "params": {"lacking": lacking, "held": len(held)}})
    trading_years = rules.get("trading_years")
    if trading_years is not None:
        established = enterprise.established_on
        needed_by = today - relativedelta(years=int(trading_years))
        checks.append(
            {
                "code": "trading",
                "passed": established is not None and established <= needed_by,
                "params": {
                    "years": trading_years,
                    "established": established.isoformat() if established else None,
                },
            }
        )
    return checks


RULE_LABELS = {
    "grade": lambda p: _("Credit grade %(allowed)s") % {"allowed": "/".join(p["allowed"])},
    "spot_checks": lambda p: _("No failed spot check in the last %(years)s years") % p,
    "blacklist": lambda p: _("Not on the serious-dishonesty list in the last %(years)s years") % p,
    "licences": lambda p: _("Licences valid"),
    "trading": lambda p: _("Trading for at least %(years)s years") % p,
}


def _explain(code: str, passed: bool, p: dict) -> str:
    if code == "grade":
        if p["grade"] is None:
            return _("Not graded yet.")
        return _("Grade %(grade)s.") % p
    if code == "spot_checks":
        if passed:
            return _("No failed spot check since %(since)s.") % p
        return _("%(count)s failed spot check(s) since %(since)s, the latest on %(latest)s.") % p
    if code == "blacklist":
        if passed:
            return _("Not listed since %(since)s.") % p
        return _("Listed (decision %(decisions)s).") % {"decisions": ", ".join(p["decisions"])}
    if code == "licences":
        if passed:
            return _("No licence held.") if not p["held"] else _("Every licence held is valid today.")
        kinds = ", ".join(str(LicenceKind(kind).label) for kind in p["lacking"] if kind in LicenceKind.values)
        return _("No valid licence today (expired or revoked): %(kinds)s.") % {"kinds": kinds}
    if code == "trading":
        if p["established"] is None:
            return _("The date of establishment is not on file.")
        return _("Established on %(established)s.") % p
    return ""


def explained(checks: list[dict]) -> list[dict]:
    """The checks in words: the rule, passed or not, and what in the record decided it."""
    return [
        {
            "code": check["code"],
            "passed": check["passed"],
            "rule": RULE_LABELS[check["code"]](check["params"]),
            "explanation": _explain(check["code"], check["passed"], check["params"]),
        }
        for check in checks
        if check["code"] in RULE_LABELS
    ]
