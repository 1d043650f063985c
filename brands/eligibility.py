"""Eligibility for a call, checked from the enterprise's record and explained rule by rule: its credit grade, no
failed spot check and no listing on the dishonesty list in the look-back years, valid licences, and years of
trading. A check is stored as data ({code, passed, params}) and put into words when shown, in the reader's
language."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.choices import BlacklistStatus
from credit.models import BlacklistEntry, CreditGrade
from enterprises.choices import LicenceKind
from enterprises.models import Enterprise, Licence
from inspections.choices import FAILED_VERDICTS, TaskStatus
from inspections.models import Task


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def eligibility_checks(enterprise: Enterprise, rules: dict, *, today: datetime.date | None = None) -> list[dict]:
    """Each rule of the call applied to the enterprise's record today (a fixed number of queries)."""
    today = today or timezone.localdate()
    checks = []
    grades = list(rules.get("grades") or [])
    if grades:
        grade = CreditGrade.objects.filter(enterprise=enterprise).values_list("grade", flat=True).first()
        checks.append({"code": "grade", "passed": grade in grades, "params": {"grade": grade, "allowed": grades}})
    clean_years = rules.get("clean_years")
    if clean_years is not None:
        since = today - relativedelta(years=int(clean_years))
        failed = Task.objects.filter(
            enterprise=enterprise,
            status=TaskStatus.FINAL,
            verdict__in=FAILED_VERDICTS,
            finalised_at__gte=_start_of(since),
            finalised_at__lt=_start_of(today + datetime.timedelta(days=1)),
        ).aggregate(count=Count("pk"), latest=Max("finalised_at"))
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
        listings = list(
            BlacklistEntry.objects.filter(enterprise=enterprise, published_on__lte=today)
            .filter(Q(status=BlacklistStatus.LISTED) | Q(published_on__gte=since) | Q(removed_on__gte=since))
            .values_list("decision_number", flat=True)
        )
        checks.append(
            {
                "code": "blacklist",
                "passed": not listings,
                "params": {"years": clean_years, "since": since.isoformat(), "decisions": listings},
            }
        )
    if rules.get("valid_licences"):
        held = set(Licence.objects.filter(enterprise=enterprise).values_list("kind", flat=True))
        valid = set(
            Licence.objects.filter(enterprise=enterprise, revoked_on__isnull=True, expires_on__gte=today).values_list(
                "kind", flat=True
            )
        )
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
    "blacklist": lambda p: _("Not on the dishonesty list in the last %(years)s years") % p,
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
