"""Writes in brand cultivation and the quality award. Each checks who may act and from which state, is atomic and
audited; awarding and revoking an honour emit their events (brands.events), and the holder's credit grade
(honours are a positive indicator) follows once the write has committed. The bureau prepares and submits; the
honours are conferred by the conferring body (the city government, the promotion committee), whose decision is
recorded (`conferral_record`)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import BUREAU_STAFF_ROLES, Role
from brands import criteria
from brands.choices import (
    STAGE_ORDER,
    ApplicationStatus,
    HonourStatus,
    ObjectionStatus,
    ProgrammeKind,
    ProgrammeStatus,
    ProposalStatus,
    ReviewStatus,
    RevocationCause,
    Stage,
    TargetStatus,
)
from brands.eligibility import eligibility_checks
from brands.events import HONOUR_AWARDED, HONOUR_REVOKED
from brands.models import (
    Application,
    ApplicationAttachment,
    Conferral,
    CultivationTarget,
    HelpRecord,
    Honour,
    HonourReview,
    Milestone,
    Notice,
    Objection,
    Programme,
    ProgressNote,
    ReviewAssignment,
    RevocationProposal,
    StageResult,
    conferring_body_for,
)
from brands.scoring import stage_scores
from core.audit import audit
from core.events import event_emit
from core.transitions import require_perm, require_state
from core.workdays import due_date
from credit.choices import Grade


def _required(values: dict, *names: str) -> None:
    missing = {name: _("This field is required.") for name in names if not str(values.get(name) or "").strip()}
    if missing:
        raise ValidationError(missing)


def _saved(record, actor):
    record.full_clean()
    record._history_user = actor
    record.save()
    return record


# Cultivation targets.

TARGET_FIELDS = ("enterprise", "year", "category", "officer", "goal", "plan")


@transaction.atomic
def target_save(*, actor, values: dict, target: CultivationTarget | None = None) -> CultivationTarget:
    """Put an enterprise on the year's list of cultivation targets, or change its plan."""
    require_perm(actor, "brands.manage_targets")
    if target is not None:  # a change names only what changes
        require_state(target, [TargetStatus.ACTIVE])
        values = {**{name: getattr(target, name) for name in ("goal", "plan")}, **values}
    _required(values, "goal", "plan")
    officer = values.get("officer")
    if officer is not None and (officer.role not in BUREAU_STAFF_ROLES or not officer.is_active):
        raise ValidationError({"officer": _("The responsible officer is a member of the bureau's staff.")})
    creating = target is None
    target = target or CultivationTarget(created_by=actor)
    for name in TARGET_FIELDS:
        if name in values and not (name == "enterprise" and not creating):
            setattr(target, name, values[name])
    _saved(target, actor)
    audit(actor=actor, action="brands.target.save", target=target, trail=target.enterprise, summary=str(target))
    return target


@transaction.atomic
def target_close(*, actor, target: CultivationTarget, note: str) -> CultivationTarget:
    require_perm(actor, "brands.manage_targets")
    require_state(target, [TargetStatus.ACTIVE])
    if not note.strip():
        raise ValidationError({"note": _("Say why the cultivation ends (e.g. honour won, plan abandoned).")})
    target.status, target.closed_note = TargetStatus.CLOSED, note.strip()
    _saved(target, actor)
    audit(actor=actor, action="brands.target.close", target=target, trail=target.enterprise)
    return target


@transaction.atomic
def milestone_add(*, actor, target: CultivationTarget, title: str, due_on: datetime.date) -> Milestone:
    require_perm(actor, "brands.manage_targets")
    require_state(target, [TargetStatus.ACTIVE])
    if not title.strip():
        raise ValidationError({"title": _("Name the milestone.")})
    milestone = _saved(Milestone(target=target, title=title.strip(), due_on=due_on), actor)
    audit(actor=actor, action="brands.milestone.add", target=milestone, trail=target, summary=milestone.title)
    return milestone


@transaction.atomic
def milestone_done(*, actor, milestone: Milestone, done_on: datetime.date, note: str = "") -> Milestone:
    require_perm(actor, "brands.manage_targets")
    require_state(milestone.target, [TargetStatus.ACTIVE])
    if milestone.done_on:
        raise ValidationError(_("This milestone is already marked as reached."))
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A milestone is reached today at the latest.")})
    milestone.done_on, milestone.note = done_on, note.strip()
    _saved(milestone, actor)
    audit(actor=actor, action="brands.milestone.done", target=milestone, trail=milestone.target)
    return milestone


@transaction.atomic
def help_record(*, actor, target: CultivationTarget, kind: str, given_on: datetime.date, description: str):
    require_perm(actor, "brands.manage_targets")
    require_state(target, [TargetStatus.ACTIVE])
    if not description.strip():
        raise ValidationError({"description": _("Describe the help given.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Record help once it has been given.")})
    record = HelpRecord(target=target, kind=kind, given_on=given_on, description=description.strip(), recorded_by=actor)
    _saved(record, actor)
    audit(actor=actor, action="brands.help.record", target=record, trail=target, summary=record.get_kind_display())
    return record


@transaction.atomic
def progress_note(*, actor, target: CultivationTarget, text: str) -> ProgressNote:
    require_perm(actor, "brands.manage_targets")
    require_state(target, [TargetStatus.ACTIVE])
    if not text.strip():
        raise ValidationError({"text": _("Write the progress note.")})
    note = _saved(ProgressNote(target=target, text=text.strip(), author=actor), actor)
    audit(actor=actor, action="brands.progress.note", target=note, trail=target)
    return note


# Programmes.

PROGRAMME_FIELDS = (
    "kind",
    "year",
    "title",
    "description",
    "closes_on",
    "award_count",
    "validity_years",
    "stages",
    "min_reviewers",
    "trim_from",
    "eligibility",
    "notice_working_days",
)


def clean_stages(stages) -> list[str]:
    """The stages in their fixed order, each once, at least one scored, ending with the committee."""
    stages = [str(stage) for stage in (stages or [])]
    if any(stage not in STAGE_ORDER for stage in stages) or len(set(stages)) != len(stages):
        raise ValidationError({"stages": _("Choose stages from: paper review, presentation, site review, committee.")})
    ordered = [stage for stage in STAGE_ORDER if stage in stages]
    if ordered[-1:] != [Stage.COMMITTEE] or len(ordered) < 2:
        raise ValidationError(
            {"stages": _("At least one scored stage (paper, presentation or site review), then the committee.")}
        )
    return ordered


def clean_eligibility(rules) -> dict:
    rules = rules if isinstance(rules, dict) else {}
    grades = [str(grade) for grade in rules.get("grades") or []]
    if not grades or any(grade not in Grade.values for grade in grades):
        raise ValidationError({"eligibility": _("Name the credit grades that may apply (A, B or C).")})
    cleaned = {"grades": sorted(set(grades)), "valid_licences": bool(rules.get("valid_licences"))}
    labels = {
        "clean_years": _("No failed spot check or listing in the last (years)"),
        "trading_years": _("Trading for at least (years)"),
    }
    for name, limit in (("clean_years", 10), ("trading_years", 50)):
        try:
            value = int(rules.get(name))
        except (TypeError, ValueError):
            message = _("Give %(rule)s as a whole number of years.") % {"rule": labels[name]}
            raise ValidationError({"eligibility": message}) from None
        if not 0 <= value <= limit:
            raise ValidationError(
                {"eligibility": _("%(rule)s must be 0 to %(limit)s years.") % {"rule": labels[name], "limit": limit}}
            )
        cleaned[name] = value
    return cleaned


@transaction.atomic
def programme_create(*, actor, values: dict, today: datetime.date | None = None) -> Programme:
    """Make a yearly call with its rules."""
    require_perm(actor, "brands.manage_programmes")
    _required(values, "title", "closes_on")
    today = today or timezone.localdate()
    if values["closes_on"] < today:
        raise ValidationError({"closes_on": _("Applications must close today or later.")})
    programme = Programme(created_by=actor, **{name: values[name] for name in PROGRAMME_FIELDS if name in values})
    programme.stages = clean_stages(programme.stages)
    programme.eligibility = clean_eligibility(programme.eligibility)
    _saved(programme, actor)
    audit(actor=actor, action="brands.programme.create", target=programme, summary=programme.title)
    return programme


@transaction.atomic
def programme_start_review(*, actor, programme: Programme) -> Programme:
    """Close applications and start the review (also before the closing date, e.g. when all expected are in)."""
    require_perm(actor, "brands.manage_programmes")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    require_state(programme, [ProgrammeStatus.OPEN])
    programme.status = ProgrammeStatus.REVIEWING
    _saved(programme, actor)
    audit(actor=actor, action="brands.programme.review", target=programme)
    return programme


# Applications.


@transaction.atomic
def application_submit(
    *,
    actor,
    programme: Programme,
    values: dict,
    files: list[UploadedFile] = (),
    today: datetime.date | None = None,
) -> Application:
    """An enterprise applies with its statement, self-assessment (points per GB/T 19580 category) and attachments.
    Eligibility is checked from its record at once: an ineligible application is kept, with the reasons."""
    require_perm(actor, "brands.apply")
    today = today or timezone.localdate()
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status != ProgrammeStatus.OPEN or today > programme.closes_on:
        raise ValidationError(_("This call is not open for applications."))
    enterprise = actor.enterprise
    errors = {}
    if not str(values.get("summary") or "").strip():
        errors["summary"] = _("Describe the enterprise's (or product's) quality achievements.")
    product = values.get("product")
    if programme.needs_product and product is None:
        errors["product"] = _("Name the product this application is for.")
    elif product is not None and (product.enterprise_id != enterprise.pk or product.discontinued_on):
        errors["product"] = _("Choose one of your current products.")
    scores, score_errors = criteria.clean_scores(values.get("self_assessment"))
    if score_errors:
        errors["self_assessment"] = list(score_errors.values())
    if errors:
        raise ValidationError(errors)
    if (
        Application.objects.filter(programme=programme, enterprise=enterprise)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .exists()
    ):
        raise ValidationError(_("This enterprise has already applied to this call."))
    checks = eligibility_checks(enterprise, programme.eligibility, today=today)
    eligible = all(check["passed"] for check in checks)
    application = Application(
        programme=programme,
        enterprise=enterprise,
        product=product if programme.needs_product else None,
        summary=values["summary"].strip(),
        self_assessment=scores,
        self_total=criteria.total(scores),
        status=ApplicationStatus.IN_REVIEW if eligible else ApplicationStatus.INELIGIBLE,
        stage=programme.stages[0] if eligible else "",
        eligibility=checks,
        eligible=eligible,
        checked_at=timezone.now(),
        submitted_by=actor,
    )
    _saved(application, actor)
    for upload in files:
        ApplicationAttachment.store(upload, application=application)
    audit(
        actor=actor,
        action="brands.application.submit",
        target=application,
        trail=programme,
        summary=str(enterprise),
        eligible=eligible,
    )
    return application


@transaction.atomic
def eligibility_bypass(*, actor, application: Application, reason: str) -> Application:
    """Staff admit an application that failed a check, recording why; the failed checks stay on file."""
    require_perm(actor, "brands.bypass_eligibility")
    application = Application.objects.select_for_update(of=("self",)).select_related("programme").get(pk=application.pk)
    require_state(application, [ApplicationStatus.INELIGIBLE])
    if application.programme.status not in (ProgrammeStatus.OPEN, ProgrammeStatus.REVIEWING):
        raise ValidationError(_("The review of this call is over."))
    if not reason.strip():
        raise ValidationError({"reason": _("Record why the application is admitted despite the failed check.")})
    application.status = ApplicationStatus.IN_REVIEW
    application.stage = application.programme.stages[0]
    application.bypass_reason = reason.strip()
    application.bypassed_by, application.bypassed_at = actor, timezone.now()
    _saved(application, actor)
    audit(
        actor=actor,
        action="brands.application.bypass",
        target=application,
        trail=application.programme,
        summary=reason.strip(),
        failed=[check["code"] for check in application.failed_checks],
    )
    return application


@transaction.atomic
def application_withdraw(*, actor, application: Application, reason: str) -> Application:
    """The enterprise withdraws its application before the award."""
    require_perm(actor, "brands.withdraw_application", application)
    # The call first, as the award takes it, so a withdrawal and the award never cross.
    Programme.objects.select_for_update().get(pk=application.programme_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    require_state(application, [ApplicationStatus.IN_REVIEW, ApplicationStatus.INELIGIBLE, ApplicationStatus.PROPOSED])
    application.status, application.closed_note = ApplicationStatus.WITHDRAWN, reason.strip()
    _saved(application, actor)
    audit(actor=actor, action="brands.application.withdraw", target=application, trail=application.programme)
    return application


# Expert review.


def _still_at(application: Application, stage: str | None) -> None:
    """Refuse a decision taken on a page that showed the application at another stage than it is at now."""
    if stage is not None and stage != application.stage:
        raise ValidationError(_("The application has moved on since this page was opened: reload it and decide again."))


@transaction.atomic
def reviewers_assign(*, actor, application: Application, reviewers, stage: str | None = None) -> list[ReviewAssignment]:
    """Assign reviewers to the application at its current stage. A reviewer who recused from it before is not
    assigned to it again: the conflict of interest holds at every stage."""
    require_perm(actor, "brands.assign_reviewers")
    application = Application.objects.select_for_update(of=("self",)).select_related("programme").get(pk=application.pk)
    require_state(application, [ApplicationStatus.IN_REVIEW])
    _still_at(application, stage)
    if application.programme.status != ProgrammeStatus.REVIEWING:
        raise ValidationError(_("Close applications and start the review first."))
    if application.stage == Stage.COMMITTEE:
        raise ValidationError(_("The committee decides; it has no reviewers to assign."))
    reviewers = list(reviewers)
    if not reviewers:
        raise ValidationError({"reviewers": _("Choose at least one reviewer.")})
    errors = []
    recused = set(application.reviews.filter(status=ReviewStatus.RECUSED).values_list("reviewer_id", flat=True))
    assigned = set(application.reviews.filter(stage=application.stage).values_list("reviewer_id", flat=True))
    for reviewer in reviewers:
        if reviewer.role != Role.EXPERT or not reviewer.is_active:
            errors.append(_("%(name)s is not an active expert reviewer.") % {"name": reviewer})
        elif reviewer.pk in recused:
            errors.append(_("%(name)s recused from this application for a conflict of interest.") % {"name": reviewer})
        elif reviewer.pk in assigned:
            errors.append(_("%(name)s is already assigned at this stage.") % {"name": reviewer})
    if errors:
        raise ValidationError({"reviewers": errors})
    # One by one (a handful per stage) so that each assignment's history starts with its creation.
    created = [
        _saved(
            ReviewAssignment(application=application, stage=application.stage, reviewer=reviewer, assigned_by=actor),
            actor,
        )
        for reviewer in reviewers
    ]
    audit(
        actor=actor,
        action="brands.review.assign",
        target=application,
        trail=application.programme,
        summary=", ".join(str(reviewer) for reviewer in reviewers),
        stage=application.stage,
        reviewers=[reviewer.pk for reviewer in reviewers],
    )
    return created


def _open_assignment(actor, assignment: ReviewAssignment) -> ReviewAssignment:
    require_perm(actor, "brands.review", assignment)
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",)).select_related("application").get(pk=assignment.pk)
    )
    require_state(assignment, [ReviewStatus.ASSIGNED])
    application = assignment.application
    if application.status != ApplicationStatus.IN_REVIEW or application.stage != assignment.stage:
        raise ValidationError(_("This stage of the review is over."))
    return assignment


@transaction.atomic
def review_recuse(*, actor, assignment: ReviewAssignment, reason: str) -> ReviewAssignment:
    """A reviewer with a conflict of interest recuses, saying what the conflict is (kept on file)."""
    assignment = _open_assignment(actor, assignment)
    if not reason.strip():
        raise ValidationError({"reason": _("State the conflict of interest.")})
    assignment.status, assignment.recusal_reason = ReviewStatus.RECUSED, reason.strip()
    assignment.closed_at = timezone.now()
    _saved(assignment, actor)
    audit(
        actor=actor,
        action="brands.review.recuse",
        target=assignment,
        trail=assignment.application.programme,
        summary=reason.strip(),
    )
    return assignment


@transaction.atomic
def review_submit(*, actor, assignment: ReviewAssignment, scores: dict, comment: str = "") -> ReviewAssignment:
    """A reviewer submits their points per category; once submitted they are final (and the reviewer may then
    see the other submitted scores)."""
    assignment = _open_assignment(actor, assignment)
    cleaned, errors = criteria.clean_scores(scores)
    if errors:
        raise ValidationError({"scores": list(errors.values())})
    assignment.scores, assignment.total = cleaned, criteria.total(cleaned)
    assignment.comment = comment.strip()
    assignment.status, assignment.closed_at = ReviewStatus.SUBMITTED, timezone.now()
    _saved(assignment, actor)
    audit(
        actor=actor,
        action="brands.review.submit",
        target=assignment,
        trail=assignment.application.programme,
        total=assignment.total,
    )
    return assignment


@transaction.atomic
def stage_decide(
    *, actor, application: Application, advance: bool, note: str = "", stage: str | None = None
) -> StageResult:
    """Close a scored stage for the application: its aggregated score and rank are recorded, and it goes on to the
    next stage or stops there (with the reason)."""
    require_perm(actor, "brands.decide_stage")
    application = Application.objects.select_for_update(of=("self",)).select_related("programme").get(pk=application.pk)
    require_state(application, [ApplicationStatus.IN_REVIEW])
    _still_at(application, stage)
    programme, stage = application.programme, application.stage
    if stage == Stage.COMMITTEE:
        raise ValidationError(_("The committee decides this stage."))
    score = next((s for s in stage_scores(programme, stage) if s.application_id == application.pk), None)
    if score is None or not score.complete:
        raise ValidationError(_("Every assigned reviewer must submit or recuse first."))
    if score.submitted < programme.min_reviewers:
        raise ValidationError(
            _("%(needed)s reviewers' scores are needed at this stage; %(have)s submitted. Assign more reviewers.")
            % {"needed": programme.min_reviewers, "have": score.submitted}
        )
    if not advance and not note.strip():
        raise ValidationError({"note": _("Say why the application stops here.")})
    result = StageResult.objects.create(
        application=application,
        stage=stage,
        score=score.score,
        scores_counted=score.counted,
        scores_dropped=score.dropped,
        rank=score.rank,
        advanced=advance,
        note=note.strip(),
        decided_by=actor,
    )
    if advance:
        application.stage = programme.next_stage(stage)
    else:
        application.status, application.closed_note = ApplicationStatus.NOT_SELECTED, note.strip()
    _saved(application, actor)
    audit(
        actor=actor,
        action="brands.stage.decide",
        target=application,
        trail=programme,
        summary=f"{stage}: {score.score}",
        stage=stage,
        advanced=advance,
        score=score.score,
        rank=score.rank,
    )
    return result


def latest_score(application: Application) -> float | None:
    result = application.stage_results.exclude(score__isnull=True).order_by("-decided_at", "-pk").first()
    return result.score if result else None


@transaction.atomic
def committee_decide(*, actor, application: Application, propose: bool, note: str = "") -> StageResult:
    """The committee proposes the application for the award (within the call's number of awards) or not."""
    require_perm(actor, "brands.committee_decide")
    # The call first (it caps the proposals), then the application, in the order every service takes them.
    programme = Programme.objects.select_for_update().get(pk=application.programme_id)
    application = Application.objects.select_for_update(of=("self",)).select_related("programme").get(pk=application.pk)
    require_state(application, [ApplicationStatus.IN_REVIEW])
    if application.stage != Stage.COMMITTEE:
        raise ValidationError(_("The application has not reached the committee."))
    if not propose and not note.strip():
        raise ValidationError({"note": _("Say why the committee does not propose it.")})
    if propose:
        proposed = programme.applications.filter(
            status__in=[ApplicationStatus.PROPOSED, ApplicationStatus.AWARDED]
        ).count()
        if proposed >= programme.award_count:
            raise ValidationError(
                _("The call has %(count)s awards, all proposed already.") % {"count": programme.award_count}
            )
    result = StageResult.objects.create(
        application=application,
        stage=Stage.COMMITTEE,
        score=latest_score(application),
        advanced=propose,
        note=note.strip(),
        decided_by=actor,
    )
    if propose:
        application.status = ApplicationStatus.PROPOSED
    else:
        application.status, application.closed_note = ApplicationStatus.NOT_SELECTED, note.strip()
    _saved(application, actor)
    audit(actor=actor, action="brands.committee.decide", target=application, trail=programme, proposed=propose)
    return result


# The public notice, objections and the award.


@transaction.atomic
def notice_publish(*, actor, programme: Programme, text: str, today: datetime.date | None = None) -> Notice:
    """Publish the proposed winners for the call's notice period (working days), open to signed objections."""
    require_perm(actor, "brands.publish_notice")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    require_state(programme, [ProgrammeStatus.REVIEWING])
    if programme.applications.filter(status=ApplicationStatus.IN_REVIEW).exists():
        raise ValidationError(_("Some applications are still under review: decide them first."))
    if not programme.applications.filter(status=ApplicationStatus.PROPOSED).exists():
        raise ValidationError(_("The committee has proposed no winner."))
    if not text.strip():
        raise ValidationError({"text": _("Write the notice text.")})
    today = today or timezone.localdate()
    notice = Notice.objects.create(
        programme=programme,
        text=text.strip(),
        published_on=today,
        ends_on=due_date(today, programme.notice_working_days, "working"),
        published_by=actor,
    )
    programme.status = ProgrammeStatus.NOTICE
    _saved(programme, actor)
    audit(actor=actor, action="brands.notice.publish", target=notice, trail=programme, ends_on=notice.ends_on)
    return notice


@transaction.atomic
def objection_file(
    *, actor, notice: Notice, application: Application, values: dict, today: datetime.date | None = None
) -> Objection:
    """Anyone files a signed objection to a proposed winner while the notice runs (name and phone required)."""
    today = today or timezone.localdate()
    if not notice.is_open(today):
        raise ValidationError(_("The notice period is over: objections are no longer accepted."))
    application = Application.objects.get(pk=application.pk)
    if application.programme_id != notice.programme_id or application.status != ApplicationStatus.PROPOSED:
        raise ValidationError({"application": _("Choose one of the proposed winners in this notice.")})
    _required(values, "name", "phone", "text")
    phone = "".join(ch for ch in values["phone"] if ch.isdigit() or ch == "-")
    if len(phone.replace("-", "")) < 7:
        raise ValidationError({"phone": _("Give a phone number we can reach you on.")})
    objection = Objection(
        notice=notice,
        application=application,
        name=values["name"].strip(),
        phone=phone,
        organisation=str(values.get("organisation") or "").strip(),
        text=values["text"].strip(),
        filed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    objection.full_clean()
    objection.save()
    audit(actor=actor, action="brands.objection.file", target=objection, trail=notice.programme)
    return objection


@transaction.atomic
def objection_resolve(*, actor, objection: Objection, upheld: bool, note: str) -> Objection:
    """Staff resolve an objection; an upheld one takes the application out of the award."""
    require_perm(actor, "brands.resolve_objection")
    objection = Objection.objects.select_for_update(of=("self",)).select_related("application").get(pk=objection.pk)
    require_state(objection, [ObjectionStatus.OPEN])
    if not note.strip():
        raise ValidationError({"note": _("Record how the objection was looked into and the conclusion.")})
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.resolution_note, objection.resolved_by, objection.resolved_at = note.strip(), actor, timezone.now()
    objection.save()
    application = objection.application
    if upheld and application.status == ApplicationStatus.PROPOSED:
        application.status = ApplicationStatus.NOT_SELECTED
        application.closed_note = _("Objection upheld: %s") % note.strip()
        _saved(application, actor)
    audit(
        actor=actor,
        action="brands.objection.resolve",
        target=objection,
        trail=application.programme,
        upheld=upheld,
    )
    return objection


def _plain(values: dict, limits: dict[str, int]) -> dict[str, str]:
    """The text fields stripped, each within its length and free of unencodable characters (a lone surrogate from a
    JSON body), as field errors."""
    cleaned, errors = {}, {}
    for name, limit in limits.items():
        text = str(values.get(name) or "").strip()
        if any(0xD800 <= ord(char) <= 0xDFFF or ord(char) < 32 and char not in "\n\r\t" for char in text):
            errors[name] = _("Remove the characters that are not text.")
        elif len(text) > limit:
            errors[name] = _("At most %(limit)s characters.") % {"limit": limit}
        cleaned[name] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def programme_submit(*, actor, programme: Programme, note: str = "", today: datetime.date | None = None) -> Conferral:
    """After the notice period, with every objection resolved, submit the proposed winners to the conferring body
    (the city government for the quality award, the promotion committee for famous brands; a setting per kind).
    The bureau prepares and submits; nothing is awarded until the body's decision is recorded."""
    require_perm(actor, "brands.submit_for_conferral")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    require_state(programme, [ProgrammeStatus.NOTICE])
    today = today or timezone.localdate()
    notice = programme.notice
    if today <= notice.ends_on:
        raise ValidationError(
            _("The public notice runs until %(date)s: submit after it.") % {"date": notice.ends_on.isoformat()}
        )
    if notice.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise ValidationError(_("Resolve every objection before the submission."))
    if not programme.applications.filter(status=ApplicationStatus.PROPOSED).exists():
        raise ValidationError(_("No proposed winner is left to submit."))
    text = _plain({"note": note}, {"note": 2000})
    conferral = _saved(
        Conferral(
            programme=programme,
            conferring_body=conferring_body_for(programme.kind),
            submitted_on=today,
            submission_note=text["note"],
            submitted_by=actor,
        ),
        actor,
    )
    programme.status = ProgrammeStatus.SUBMITTED
    _saved(programme, actor)
    audit(
        actor=actor,
        action="brands.programme.submit",
        target=programme,
        summary=conferral.conferring_body,
        conferring_body=conferral.conferring_body,
    )
    return conferral


CERTIFICATE_PREFIX = {ProgrammeKind.FAMOUS_BRAND: "MP", ProgrammeKind.QUALITY_AWARD: "ZLJ"}


def honour_title(application: Application) -> str:
    programme = application.programme
    if application.product_id:
        return f"{programme.title}：{application.product}"
    return f"{programme.title}：{application.enterprise}"


@transaction.atomic
def conferral_record(
    *,
    actor,
    programme: Programme,
    decided_on: datetime.date,
    document_number: str = "",
    conferring_body: str = "",
    not_conferred=(),
    reason: str = "",
    today: datetime.date | None = None,
) -> list[Honour]:
    """Record the conferring body's decision on the submitted winners: its name (the submission's unless given),
    document number (文号) and date. The winners it conferred become honours valid for the call's number of years
    from the decision date, counting in their holders' credit grades once this commits; those in `not_conferred`
    (all of them for a decision not to confer) close with the reason."""
    require_perm(actor, "brands.record_conferral")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    require_state(programme, [ProgrammeStatus.SUBMITTED])
    conferral = Conferral.objects.select_for_update().get(programme=programme)
    today = today or timezone.localdate()
    text = _plain(
        {"document_number": document_number, "conferring_body": conferring_body, "reason": reason},
        {"document_number": 64, "conferring_body": 128, "reason": 2000},
    )
    winners = list(
        programme.applications.filter(status=ApplicationStatus.PROPOSED)
        .select_for_update(of=("self",))
        .select_related("enterprise", "product")
        .order_by("pk")
    )
    refused = {getattr(application, "pk", application) for application in not_conferred}
    errors = {}
    if refused - {winner.pk for winner in winners}:
        errors["not_conferred"] = _("Choose among the winners submitted to the conferring body.")
    if decided_on is None:
        errors["decided_on"] = _("This field is required.")
    elif decided_on > today:
        errors["decided_on"] = _("Record a decision once it has been taken: today at the latest.")
    elif decided_on < conferral.submitted_on:
        errors["decided_on"] = _("The decision cannot predate the submission (%(date)s).") % {
            "date": conferral.submitted_on.isoformat()
        }
    conferred = [winner for winner in winners if winner.pk not in refused]
    if conferred and not text["document_number"]:
        errors["document_number"] = _("Give the document number of the decision (文号).")
    if not winners and not text["reason"]:  # every winner withdrew while the decision was awaited
        text["reason"] = _("Every winner submitted withdrew before the decision.")
    if refused and not text["reason"]:
        errors["reason"] = _("Say why the conferring body did not confer.")
    if errors:
        raise ValidationError(errors)
    conferral.conferring_body = text["conferring_body"] or conferral.conferring_body
    conferral.conferred = bool(conferred)
    conferral.document_number, conferral.decided_on = text["document_number"], decided_on
    conferral.decision_note = text["reason"]
    conferral.decided_by, conferral.decided_at = actor, timezone.now()
    _saved(conferral, actor)
    prefix = f"{programme.year}-{CERTIFICATE_PREFIX[programme.kind]}-"
    honours = []
    for number, application in enumerate(conferred, start=1):
        honours.append(
            _saved(
                Honour(
                    application=application,
                    programme=programme,
                    enterprise=application.enterprise,
                    product=application.product,
                    certificate_number=f"{prefix}{number:03d}",
                    title=honour_title(application),
                    conferring_body=conferral.conferring_body,
                    decision_number=conferral.document_number,
                    awarded_on=decided_on,
                    valid_until=Honour.validity_end(decided_on, programme.validity_years),
                ),
                actor,
            )
        )
        application.status = ApplicationStatus.AWARDED
        _saved(application, actor)
    for application in winners:
        if application.pk in refused:
            application.status = ApplicationStatus.NOT_CONFERRED
            application.closed_note = _("Not conferred by %(body)s: %(reason)s") % {
                "body": conferral.conferring_body,
                "reason": text["reason"],
            }
            _saved(application, actor)
    programme.status = ProgrammeStatus.DECIDED
    _saved(programme, actor)
    audit(
        actor=actor,
        action="brands.programme.decision",
        target=programme,
        summary=f"{conferral.conferring_body} {conferral.document_number}".strip(),
        conferred=conferral.conferred,
        honours=[honour.pk for honour in honours],
        not_conferred=sorted(refused),
    )
    # Each holder's grade counts its current honours: it follows once the decision has committed.
    for enterprise_id in sorted({honour.enterprise_id for honour in honours}):
        event_emit(HONOUR_AWARDED, enterprise_id=enterprise_id)
    return honours


# Yearly review and revocation.


@transaction.atomic
def honour_review(*, actor, honour: Honour, year: int, passed: bool, note: str) -> HonourReview:
    """The yearly check of a current honour, with the holder's record checked against the call's rules today.
    A failed review proposes revocation."""
    require_perm(actor, "brands.review_honour")
    honour = Honour.objects.select_for_update(of=("self",)).select_related("programme", "enterprise").get(pk=honour.pk)
    if not honour.is_current():
        raise ValidationError(_("Only a current honour is reviewed."))
    if not note.strip():
        raise ValidationError({"note": _("Record the findings of the review.")})
    if HonourReview.objects.filter(honour=honour, year=year).exists():
        raise ValidationError({"year": _("This honour has already been reviewed for that year.")})
    review = HonourReview.objects.create(
        honour=honour,
        year=year,
        passed=passed,
        note=note.strip(),
        checks=eligibility_checks(honour.enterprise, honour.programme.eligibility),
        reviewed_by=actor,
    )
    if not passed:
        RevocationProposal.objects.get_or_create(
            honour=honour,
            trigger=f"review:{year}",
            defaults={"cause": RevocationCause.YEARLY_REVIEW, "detail": note.strip()[:255]},
        )
    audit(actor=actor, action="brands.honour.review", target=review, trail=honour, passed=passed)
    return review


@transaction.atomic
def proposal_decide(*, actor, proposal: RevocationProposal, confirm: bool, note: str) -> RevocationProposal:
    """Staff confirm a revocation proposal (the honour is revoked, leaves the public list and stops counting in
    the credit grade) or dismiss it, with the reasons."""
    require_perm(actor, "brands.decide_revocation")
    # The honour first: two proposals for one honour decided at once must not both revoke it.
    Honour.objects.select_for_update().get(pk=proposal.honour_id)
    proposal = RevocationProposal.objects.select_for_update(of=("self",)).select_related("honour").get(pk=proposal.pk)
    require_state(proposal, [ProposalStatus.OPEN])
    if not note.strip():
        raise ValidationError({"note": _("Record the grounds of the decision.")})
    if confirm and proposal.honour.status != HonourStatus.CURRENT:
        raise ValidationError(_("The honour is no longer current: there is nothing to revoke."))
    proposal.record_decision(
        actor=actor, status=ProposalStatus.CONFIRMED if confirm else ProposalStatus.DISMISSED, note=note
    )
    honour = proposal.honour
    if confirm:
        honour.status, honour.revoked_on = HonourStatus.REVOKED, timezone.localdate()
        honour.revocation_reason = f"{proposal.get_cause_display()}: {note.strip()}"
        _saved(honour, actor)
        for other in honour.revocation_proposals.open().exclude(pk=proposal.pk):
            other.record_decision(actor=actor, status=ProposalStatus.DISMISSED, note=_("The honour is revoked."))
    audit(actor=actor, action="brands.revocation.decide", target=proposal, trail=honour, confirmed=confirm)
    if confirm:
        event_emit(HONOUR_REVOKED, enterprise_id=honour.enterprise_id, honour=honour.pk, proposal=proposal.pk)
    return proposal
