"""What waits in the to-do inbox (core.inbox) from brand cultivation: the leader's committee decisions and awards
to submit, the revocation proposals staff confirm or dismiss, and the experts' reviews."""

import datetime

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from brands.choices import ApplicationStatus, ProgrammeStatus, ProposalStatus, ReviewStatus, Stage
from brands.models import Application, Programme, ReviewAssignment, RevocationProposal
from core.inbox import InboxItem, inbox_count


def _programme_url(pk: int) -> str:
    return reverse("brands:programme", args=[pk])


def brands_inbox(user, *, today: datetime.date | None = None) -> list[InboxItem]:
    today = today or timezone.localdate()
    programmes = reverse("brands:programmes")
    if user.role == Role.LEADER:
        return [
            inbox_count(
                Application.objects.filter(status=ApplicationStatus.IN_REVIEW, stage=Stage.COMMITTEE),
                kind="brands.committee_decisions",
                label=_("Award applications awaiting the committee's decision"),
                url=programmes,
                today=today,
                one_url=lambda pk: reverse("brands:application", args=[pk]),
            ),
            inbox_count(
                Programme.objects.filter(status=ProgrammeStatus.NOTICE, notice__ends_on__lt=today),
                kind="brands.awards_to_submit",
                label=_("Awards to submit to the conferring body"),
                url=programmes,
                today=today,
                one_url=_programme_url,
            ),
        ]
    if user.role == Role.SUPERVISOR:
        return [
            inbox_count(
                RevocationProposal.objects.filter(status=ProposalStatus.OPEN),
                kind="brands.revocations_to_decide",
                label=_("Honour revocations to confirm or dismiss"),
                url=reverse("brands:proposals"),
                today=today,
                one_url=lambda pk: reverse("brands:proposal", args=[pk]),
            )
        ]
    if user.role == Role.EXPERT:
        return [
            inbox_count(
                ReviewAssignment.objects.filter(
                    reviewer=user,
                    status=ReviewStatus.ASSIGNED,
                    application__status=ApplicationStatus.IN_REVIEW,
                    stage=F("application__stage"),
                ),
                kind="brands.reviews_to_score",
                label=_("Applications to review"),
                url=reverse("brands:reviews"),
                today=today,
                one_url=lambda pk: reverse("brands:review", args=[pk]),
            )
        ]
    return []
