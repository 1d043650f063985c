"""What the public may read, and nothing else: the one definition of "published" for every record the portal pages
and the open-data API show. Each reuses its app's own definition (the published spot-check snapshot, the listed and
published dishonesty entry, the honour in force), so a page and the API can never disagree about what is public.

An enterprise is public only through something published about it: a published result, a current honour or a
listing in force. Any other enterprise id answers 404, as if it did not exist."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField, Count, Exists, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from brands.selectors import public_honours
from credit.selectors import public_blacklist, public_blacklist_removed
from enterprises.selectors import enterprises_on_file
from inspections.selectors import campaigns_with_results, public_campaigns, public_draws, standing_results


def grades_published() -> bool:
    """Does the bureau publish credit grades? Off unless the PUBLISH_CREDIT_GRADES setting turns it on."""
    return bool(getattr(settings, "PUBLISH_CREDIT_GRADES", False))


def published_results() -> QuerySet:
    """Every published result not withdrawn, across campaigns. The snapshot is all the public reads: never the task
    or lab test."""
    return standing_results()


def result_rows() -> QuerySet:
    """Published results with their campaign, newest first: one table read in the order of one of its indexes (all
    standing results, or those of one campaign, year, verdict or enterprise; see PublishedResult.Meta), joined to
    the campaign for the page's rows. A result carries its enterprise and its campaign's year, so no filter and no
    link reaches the task."""
    return published_results().select_related("campaign").order_by("-published_at", "-pk")


def campaigns() -> QuerySet:
    """The public campaigns, each with its count of published results, newest first."""
    counted = published_results().filter(campaign=OuterRef("pk")).order_by().values("campaign")
    return (
        public_campaigns()  # a published result not withdrawn, or a draw (its commitment at least)
        .annotate(
            published_count=Coalesce(
                Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
            )
        )
        .order_by("-year", "-pk")
    )


def result_campaigns() -> QuerySet:
    """The campaigns with a published result standing, newest first, for the search's choice of campaign and year:
    one probe of the campaign's index each, never a count."""
    return campaigns_with_results().only("pk", "year", "title")


def draws() -> QuerySet:
    """Every draw, newest first: a draw's verification page is public from its commitment on (its seed and result
    only once revealed, which Draw.is_revealed decides)."""
    return public_draws()


def blacklist(today: datetime.date) -> QuerySet:
    """Entries on the dishonesty list as the public list shows them (portal.views.blacklist): listed, not removed
    after credit repair, and published by `today` (a decision dated ahead is not published yet)."""
    return public_blacklist(today)


def blacklist_rows(today: datetime.date) -> QuerySet:
    """What a public list row shows of an entry: only what the decision published (never the facts)."""
    return (
        blacklist(today)
        .select_related("enterprise", "ground")
        .only(
            "ground__code",
            "ground__title",
            "decision_number",
            "published_on",
            "enterprise__name",
            "enterprise__credit_code",
        )
        .order_by("-published_on", "-pk")
    )


def honours(today: datetime.date) -> QuerySet:
    """Honours in force (brands: not revoked, within their validity), newest first."""
    return (
        public_honours(today)
        .select_related("enterprise", "product", "programme")
        .order_by("-awarded_on", "certificate_number")
    )


def _count(rows: QuerySet, enterprise_field: str) -> Coalesce:
    per_enterprise = rows.filter(**{enterprise_field: OuterRef("pk")}).order_by().values(enterprise_field)
    return Coalesce(
        Subquery(per_enterprise.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
        0,
    )


def public_enterprises(today: datetime.date) -> QuerySet:
    """Enterprises with something published: a published result, a current honour, or a listing in force; with
    those counts, and the credit grade only where the bureau publishes grades. One query for any number of them
    (the test for "something published" is three uncorrelated id lists, which the database reads once each)."""
    current_honours = public_honours(today)
    listing = blacklist(today)
    enterprises = enterprises_on_file().filter(
        Q(pk__in=published_results().values("enterprise_id"))
        | Q(pk__in=current_honours.values("enterprise_id"))
        | Q(pk__in=listing.values("enterprise_id"))
    )
    return (
        enterprises.annotate(
            published_count=_count(published_results(), "enterprise"),
            honour_count=_count(current_honours, "enterprise"),
            is_listed=Exists(listing.filter(enterprise=OuterRef("pk"))),
            credit_grade=F("credit__grade") if grades_published() else Value(None, output_field=CharField()),
        )
        .select_related("district", "industry")
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class EnterpriseProfile:
    """An enterprise's public page: what is published about it, and its grade where grades are published."""

    enterprise: Model
    results: QuerySet  # of published results
    honours: list  # of honours in force
    listing: Model | None  # the dishonesty-list entry in force

    @property
    def credit_grade(self) -> str | None:
        return self.enterprise.credit_grade

    @property
    def replies(self) -> QuerySet:
        """Its replies beside its published results, latest first."""
        return self.results.exclude(reply="").order_by("-replied_at", "-pk")


def enterprise_profile(pk: int, *, today: datetime.date) -> EnterpriseProfile:
    """The public profile of enterprise `pk`; ObjectDoesNotExist (Enterprise.DoesNotExist) unless something about
    it is published.
    A fixed number of queries."""
    enterprise = public_enterprises(today).get(pk=pk)
    listing = blacklist(today).filter(enterprise=enterprise).order_by("-published_on", "-pk").first()
    return EnterpriseProfile(
        enterprise=enterprise,
        results=result_rows().filter(enterprise=enterprise),
        honours=list(honours(today).filter(enterprise=enterprise)),
        listing=listing,
    )


def blacklist_removed_rows(today: datetime.date) -> QuerySet:
    """Listings removed lately, as the public page names them (credit.selectors.public_blacklist_removed): the
    enterprise, the listing decision and the removal date."""
    return (
        public_blacklist_removed(today)
        .select_related("enterprise")
        .only("decision_number", "published_on", "removed_on", "enterprise__name", "enterprise__credit_code")
        .order_by("-removed_on", "-pk")
    )
