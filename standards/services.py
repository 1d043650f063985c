"""Writes of the standardization app: the catalogue (enterprises.Standard, kept here), self-declarations and their
check, the standard a product executes, standard-setting projects and yearly targets. Each is keyword-only,
validated, atomic, audited and emits its event in the same transaction."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.events import event_emit
from enterprises import selectors as enterprise_selectors
from enterprises import services as enterprise_services
from enterprises.choices import OUTDATED_STANDARD_STATUSES, StandardKind, StandardStatus
from standards import events
from standards.choices import CheckOutcome, DeclarationPlatform
from standards.models import CatalogueLoad, Declaration, DeclaredIndicator, StandardProject, YearTarget

DECLARED_KINDS = (StandardKind.ENTERPRISE, StandardKind.GROUP)
MAX_INDICATORS = 50
TEXT_LIMITS = {"name": 128, "unit": 32}


def _clean_text(value, *, field: str, limit: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(limit)s characters.") % {"limit": limit}})
    if any(0xD800 <= ord(char) <= 0xDFFF or (ord(char) < 32 and char not in "\n\r\t") for char in text):
        raise ValidationError({field: _("This text holds characters that cannot be stored.")})
    return text


# The catalogue


def catalogue_write(*, parsed, on_file: dict, result, filename: str, user) -> CatalogueLoad:
    """Write a validated catalogue file (standards.importing calls this inside its transaction): add or update each
    standard, then link the successors (a successor may be a row further down the file)."""
    Standard = enterprise_selectors.standards().model
    by_number = dict(on_file)
    newly_outdated = []
    for row in parsed:
        standard = by_number.get(row.number)
        if standard is None:
            standard = Standard(code=row.number)
            result.created += 1
        else:
            result.updated += 1
            if standard.status not in OUTDATED_STANDARD_STATUSES and row.status in OUTDATED_STANDARD_STATUSES:
                newly_outdated.append(row.number)
        # A replaced standard must name its successor, which may be further down the file: until the second pass
        # links it, the row keeps a status the database accepts without one.
        standard.title, standard.kind = row.title, row.kind
        standard.status = StandardStatus.CURRENT if row.successor else row.status
        standard.issued_on, standard.effective_on = row.issued_on, row.effective_on
        standard.abolished_on = row.abolished_on
        standard.successor = None  # linked below, once every row of the file is on file
        standard.save()
        by_number[row.number] = standard
    for row in parsed:
        if row.successor:
            standard = by_number[row.number]
            standard.successor, standard.status = by_number[row.successor], row.status
            standard.save(update_fields=["successor", "status"])
    result.outdated = len(newly_outdated)
    load = CatalogueLoad.objects.create(
        filename=filename[:255],
        rows=result.rows,
        created=result.created,
        updated=result.updated,
        outdated=result.outdated,
        loaded_by=user,
    )
    audit(
        actor=user,
        action="standards.catalogue_load",
        target=load,
        summary=f"{filename}: +{result.created} ~{result.updated}",
        outdated=newly_outdated[:200],
    )
    event_emit(events.CATALOGUE_LOADED, enterprise_id=None, load=load.pk, outdated=len(newly_outdated))
    return load


@transaction.atomic
def standard_save(*, actor, standard, **fields):
    """Staff edit a catalogue record (title, kind, status, successor, dates). An enterprise's own standard keeps
    its kind; an abolished or replaced one may name its successor, a replaced one must."""
    allowed = {"code", "title", "kind", "status", "successor", "issued_on", "effective_on", "abolished_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"standard_save: unknown fields {sorted(unknown)}")
    if standard.pk and standard.owner_id and fields.get("kind", standard.kind) != standard.kind:
        raise ValidationError({"kind": _("An enterprise's own standard keeps its kind.")})
    if (
        "kind" in fields
        and not standard.owner_id
        and fields["kind"] in (StandardKind.ENTERPRISE, StandardKind.FOOD_SAFETY)
    ):
        raise ValidationError({"kind": _("An enterprise's own standard is declared or filed by its enterprise.")})
    for name in ("code", "title"):
        if name in fields:
            fields[name] = _clean_text(fields[name], field=name, limit=64 if name == "code" else 255, required=True)
    successor = fields.get("successor", standard.successor if standard.pk else None)
    if successor is not None and standard.pk and successor.pk == standard.pk:
        raise ValidationError({"successor": _("A standard cannot replace itself.")})
    was_outdated = standard.pk and standard.status in OUTDATED_STANDARD_STATUSES
    for name, value in fields.items():
        setattr(standard, name, value)
    if standard.status not in OUTDATED_STANDARD_STATUSES and standard.successor_id:
        raise ValidationError({"successor": _("Only an abolished or replaced standard has a successor.")})
    if standard.status == StandardStatus.REPLACED and not standard.successor_id:
        raise ValidationError({"successor": _("A replaced standard names the standard that replaces it.")})
    if standard.status == StandardStatus.ABOLISHED and standard.abolished_on is None:
        standard.abolished_on = timezone.localdate()
    created = standard.pk is None
    enterprise_services.record_save(standard, actor=actor)
    audit(
        actor=actor,
        action="standards.standard_add" if created else "standards.standard_change",
        target=standard,
        summary=standard.code,
        status=standard.status,
        successor=standard.successor_id,
    )
    event_emit(
        events.STANDARD_CHANGED,
        enterprise_id=standard.owner_id,
        standard=standard.pk,
        outdated=bool(standard.status in OUTDATED_STANDARD_STATUSES and not was_outdated),
    )
    return standard


# Self-declaration


def _indicator_rows(indicators) -> list[DeclaredIndicator]:
    rows = []
    if len(indicators) > MAX_INDICATORS:
        raise ValidationError({"indicators": _("At most %(limit)s indicators.") % {"limit": MAX_INDICATORS}})
    for number, item in enumerate(indicators, start=1):
        try:
            name = _clean_text(item.get("name"), field="indicators", limit=128, required=True)
            unit = _clean_text(item.get("unit"), field="indicators", limit=32)
        except ValidationError as error:
            raise ValidationError(
                {"indicators": _("Indicator %(number)s: %(error)s") % {"number": number, "error": error.messages[0]}}
            ) from error
        values = {}
        for key in ("declared_value", "national_value"):
            raw = item.get(key)
            if raw in (None, "") and key == "national_value":
                values[key] = None
                continue
            try:
                value = Decimal(str(raw))
                if not value.is_finite() or abs(value) >= Decimal("1e10"):
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                raise ValidationError(
                    {"indicators": _("Indicator %(number)s: the values must be numbers.") % {"number": number}}
                ) from None
            values[key] = value.quantize(Decimal("0.0001"))
        rows.append(
            DeclaredIndicator(
                name=name,
                unit=unit,
                higher_is_better=bool(item.get("higher_is_better", True)),
                key=bool(item.get("key", True)),
                **values,
            )
        )
    return rows


@transaction.atomic
def declaration_create(
    *,
    actor,
    enterprise,
    standard,
    declared_on: datetime.date,
    platform: str,
    url: str = "",
    claimed_standard=None,
    indicators=(),
) -> Declaration:
    """An enterprise declares and publishes a standard it executes (自我声明公开): an enterprise standard of its own
    (with its indicators, against the national standard it claims to follow) or a group standard. A food-safety
    enterprise standard is filed (备案) instead, and national, industry and local standards need no declaration.
    A key indicator below the national value puts the declaration on the staff's check worklist."""
    if standard.kind == StandardKind.FOOD_SAFETY:
        raise ValidationError({"standard": _("A food-safety enterprise standard is filed (备案), not self-declared.")})
    if standard.kind not in DECLARED_KINDS:
        raise ValidationError({"standard": _("Only an enterprise or group standard is self-declared.")})
    if standard.kind == StandardKind.ENTERPRISE and standard.owner_id != enterprise.pk:
        raise ValidationError({"standard": _("An enterprise declares only its own enterprise standards.")})
    if standard.status in OUTDATED_STANDARD_STATUSES:
        raise ValidationError({"standard": _("This standard is abolished or replaced.")})
    if declared_on > timezone.localdate():
        raise ValidationError({"declared_on": _("The date cannot be in the future.")})
    if platform not in DeclarationPlatform.values:
        raise ValidationError({"platform": _("Choose where it was published.")})
    if claimed_standard is not None and claimed_standard.kind != StandardKind.NATIONAL:
        raise ValidationError({"claimed_standard": _("Name a national standard.")})
    if indicators and standard.kind != StandardKind.ENTERPRISE:
        raise ValidationError({"indicators": _("Indicators are declared for an enterprise's own standard.")})
    rows = _indicator_rows(list(indicators))
    if Declaration.objects.active().filter(enterprise=enterprise, standard=standard).exists():
        raise ValidationError({"standard": _("The enterprise has already declared this standard.")})
    declaration = Declaration(
        enterprise=enterprise,
        standard=standard,
        declared_on=declared_on,
        platform=platform,
        url=_clean_text(url, field="url", limit=500),
        claimed_standard=claimed_standard,
        declared_by=actor,
        below_national=any(row.below_national for row in rows),
    )
    declaration.full_clean()
    declaration._history_user = actor
    declaration.save()
    for row in rows:
        row.declaration = declaration
    DeclaredIndicator.objects.bulk_create(rows)
    audit(actor=actor, action="standards.declare", target=declaration, summary=str(standard.code))
    event_emit(
        events.DECLARED, enterprise_id=enterprise.pk, declaration=declaration.pk, below=declaration.below_national
    )
    return declaration


@transaction.atomic
def declaration_withdraw(*, actor, declaration: Declaration, reason: str, on: datetime.date | None = None):
    """A declaration is withdrawn (the enterprise stopped executing the standard, or revised it), never deleted."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.withdrawn_on:
        raise ValidationError(_("This declaration is already withdrawn."))
    declaration.withdrawal_reason = _clean_text(reason, field="withdrawal_reason", limit=255, required=True)
    declaration.withdrawn_on = on or timezone.localdate()
    declaration.full_clean()
    declaration._history_user = actor
    declaration.save()
    audit(
        actor=actor, action="standards.declaration_withdraw", target=declaration, summary=declaration.withdrawal_reason
    )
    event_emit(events.DECLARATION_WITHDRAWN, enterprise_id=declaration.enterprise_id, declaration=declaration.pk)
    return declaration


@transaction.atomic
def declaration_check(*, actor, declaration: Declaration, outcome: str, note: str = "") -> Declaration:
    """Staff record their check of a declaration whose key indicators look below the national standard claimed
    (Standardization Law Art 21): it conforms, or it is below and the enterprise must revise its standard."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if outcome not in CheckOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the check.")})
    if declaration.withdrawn_on:
        raise ValidationError(_("This declaration is withdrawn."))
    if declaration.check_outcome:
        raise ValidationError(_("This declaration has already been checked."))
    note = _clean_text(note, field="note", limit=2000, required=outcome == CheckOutcome.BELOW)
    declaration.check_outcome, declaration.check_note = outcome, note
    declaration.checked_by, declaration.checked_on = actor, timezone.localdate()
    declaration._history_user = actor
    declaration.save()
    audit(actor=actor, action="standards.declaration_check", target=declaration, summary=outcome)
    event_emit(
        events.DECLARATION_CHECKED, enterprise_id=declaration.enterprise_id, declaration=declaration.pk, outcome=outcome
    )
    return declaration


# The standards a product executes


@transaction.atomic
def product_standard_replace(*, actor, product, old, new):
    """The enterprise (or staff) replace a standard a product executes, e.g. an abolished one by its successor.
    The new standard must be current or to be implemented, and an enterprise's own standard be the product's
    enterprise's."""
    current = list(product.standards.all())
    if old not in current:
        raise ValidationError({"old": _("The product does not execute this standard.")})
    if new.status in OUTDATED_STANDARD_STATUSES:
        raise ValidationError({"new": _("This standard is abolished or replaced.")})
    if new.owner_id is not None and new.owner_id != product.enterprise_id:
        raise ValidationError({"new": _("Another enterprise's own standard cannot be executed.")})
    standards = [s for s in current if s.pk != old.pk]
    if new not in standards:
        standards.append(new)
    enterprise_services.product_save(actor=actor, product=product, standards=standards)
    audit(
        actor=actor,
        action="standards.product_standard_replace",
        target=product,
        trail=product.enterprise,
        summary=f"{old.code} → {new.code}",
    )
    event_emit(
        events.PRODUCT_STANDARD_CHANGED,
        enterprise_id=product.enterprise_id,
        product=product.pk,
        old=old.pk,
        new=new.pk,
    )
    return product


# Standards work


@transaction.atomic
def project_save(*, actor, project: StandardProject) -> StandardProject:
    """Add or update a standard-setting project; its district follows its enterprise's."""
    if project.enterprise_id:
        project.district_id = project.enterprise.district_id
        if not project.industry_id:
            project.industry_id = project.enterprise.industry_id
    created = project.pk is None
    project.full_clean()
    project._history_user = actor
    project.save()
    audit(
        actor=actor,
        action="standards.project_add" if created else "standards.project_change",
        target=project,
        summary=project.title,
        stage=project.stage,
    )
    event_emit(events.PROJECT_SAVED, enterprise_id=project.enterprise_id, project=project.pk, stage=project.stage)
    return project


@transaction.atomic
def target_set(*, actor, year: int, measure: str, district=None, target: int) -> YearTarget:
    """Set (or change) a yearly target for the city (no district) or a district."""
    row = YearTarget.objects.filter(year=year, measure=measure, district=district).first() or YearTarget(
        year=year, measure=measure, district=district
    )
    row.target = target
    row.full_clean(validate_unique=row.pk is None)
    row._history_user = actor
    row.save()
    audit(actor=actor, action="standards.target_set", target=row, summary=f"{year} {measure}: {target}")
    return row
