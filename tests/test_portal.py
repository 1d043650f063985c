"""The public portal pages (no login): the home, the search over published results, each enterprise's public page
and the draws. The world below holds one thing of each kind that is public and one of each that is not; every test
checks that only the first shows, by listing and by guessing ids."""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from brands import services as brands
from brands.choices import HonourStatus
from brands.models import Honour
from credit.choices import BlacklistStatus
from credit.models import CreditGrade
from credit.services import recalculate_enterprises
from enterprises.models import Enterprise
from inspections.choices import Verdict
from inspections.models import Campaign, PublishedResult, Task
from inspections.services import publication, sampling, testing
from tests.brands_flow import Call
from tests.factories import (
    BlacklistEntryFactory,
    CampaignFactory,
    EnterpriseFactory,
    ProductFactory,
    UserFactory,
    final_task,
)
from tests.spotcheck import SpotCheck, photo, sampling_values

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@dataclass
class World:
    """What is public: `published` (a nonconforming result with the enterprise's reply, of `shown`), `honoured`'s
    current honour, `listed`'s listing. What is not: `unpublished` (final, never published), `withdrawn` (published,
    then withdrawn), `draft` (a final task in a draft campaign), `revoked` and `expired` honours, `removed` and
    `ahead` (dated tomorrow) listings."""

    spot: SpotCheck
    campaign: Campaign
    draft: Campaign
    published: PublishedResult
    withdrawn: PublishedResult
    shown: Enterprise
    unpublished: Enterprise
    withdrawn_at: Enterprise
    in_draft: Enterprise
    listed: Enterprise
    removed: Enterprise
    ahead: Enterprise
    honours: dict | None = None


def _name(enterprise: Enterprise, name: str) -> Enterprise:
    Enterprise.objects.filter(pk=enterprise.pk).update(name=name)
    enterprise.refresh_from_db()
    return enterprise


def _sampled(spot: SpotCheck, task: Task, product_name: str) -> Task:
    product = ProductFactory(enterprise=task.enterprise, name=product_name, trademark="洞庭")
    sampling.sampling_file(
        actor=spot.inspector_of(task), task=task, values=sampling_values(product=product), photos=[photo()]
    )
    return Task.objects.get(pk=task.pk)


def build_world(actors) -> World:
    spot = SpotCheck(actors, enterprises=3, batches=3)
    shown = _name(spot.enterprise, "岳阳已公布甲食品有限公司")
    unpublished = _name(spot.pool[1], "岳阳未公布乙食品有限公司")
    withdrawn_at = _name(spot.pool[2], "岳阳已撤回丙食品有限公司")
    spot.start()
    own = _sampled(spot, spot.task_at(shown), "洞庭香米")
    testing.result_accept(actor=spot.enterprise_user, lab_test=spot.checked(own, cadmium="0.35"))
    spot.checked(_sampled(spot, spot.task_at(unpublished), "君山银针米"), cadmium="0.1")
    withdrawn_task = _sampled(spot, spot.task_at(withdrawn_at), "岳州糯米")
    spot.checked(withdrawn_task, cadmium="0.1")
    publication.results_publish(actor=spot.supervisor, campaign=spot.campaign, task_ids=[own.pk, withdrawn_task.pk])
    published = PublishedResult.objects.get(task=own)
    publication.publication_reply(actor=spot.enterprise_user, publication=published, reply="已停产整改，复检合格")
    withdrawn = publication.publication_withdraw(
        actor=spot.supervisor, publication=PublishedResult.objects.get(task=withdrawn_task), reason="批次号录入错误"
    )
    assert Task.objects.filter(enterprise=unpublished, verdict=Verdict.CONFORMING, status="final").exists()

    draft = CampaignFactory(title="草稿抽查计划", year=TODAY.year)
    in_draft = EnterpriseFactory(name="岳阳草稿丁食品有限公司")
    final_task(in_draft, Verdict.NONCONFORMING, campaign=draft)

    listed = EnterpriseFactory(name="岳阳失信戊食品有限公司")
    BlacklistEntryFactory(enterprise=listed, decision_number="岳市监信〔2026〕88号")
    removed = EnterpriseFactory(name="岳阳已修复己食品有限公司")
    BlacklistEntryFactory(
        enterprise=removed,
        decision_number="岳市监信〔2025〕7号",
        status=BlacklistStatus.REMOVED,
        removed_on=TODAY,
        published_on=TODAY - datetime.timedelta(days=400),
    )
    ahead = EnterpriseFactory(name="岳阳待公布庚食品有限公司")
    BlacklistEntryFactory(
        enterprise=ahead, decision_number="岳市监信〔2026〕99号", published_on=TODAY + datetime.timedelta(days=1)
    )
    return World(
        spot=spot,
        campaign=spot.campaign,
        draft=draft,
        published=published,
        withdrawn=withdrawn,
        shown=shown,
        unpublished=unpublished,
        withdrawn_at=withdrawn_at,
        in_draft=in_draft,
        listed=listed,
        removed=removed,
        ahead=ahead,
    )


@pytest.fixture
def world(actors, reference_data) -> World:
    return build_world(actors)


def honours_world() -> dict:
    """A current honour, a revoked one and an expired one, each the only public thing of its enterprise (if any)."""
    made = {}
    for key, name, year in (
        ("current", "岳阳质量奖辛有限公司", TODAY.year),
        ("revoked", "岳阳已撤销壬有限公司", TODAY.year - 1),
        ("expired", "岳阳已过期癸有限公司", TODAY.year - 2),
    ):
        call = Call(award_count=1, reviewers=3, year=year, title=f"{year}年度岳阳市政府质量奖")
        _enterprise, user = call.applicant(name=name)
        application = call.apply(user)
        call.start_review()
        call.propose(application)
        brands.notice_publish(
            actor=call.supervisor,
            programme=call.programme,
            text="公示",
            today=TODAY - datetime.timedelta(days=30),
        )
        [made[key]] = call.award()
    Honour.objects.filter(pk=made["revoked"].pk).update(status=HonourStatus.REVOKED, revoked_on=TODAY)
    Honour.objects.filter(pk=made["expired"].pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    return made


@pytest.fixture
def honours(reference_data) -> dict:
    return honours_world()


def _page_ids(response) -> set[int]:
    assert response.status_code == 200
    return {row.pk for row in response.context["page"]}


def _search(client, **params) -> set[int]:
    return _page_ids(client.get(reverse("portal:results"), params))


# The pages answer anyone, and link to each other.


def test_the_public_pages_need_no_login(client, world):
    for url in (
        reverse("portal:home"),
        reverse("portal:results"),
        reverse("portal:draws"),
        reverse("portal:enterprise", args=[world.shown.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for link in ("/public/", "/public/results/", "/public/blacklist/", "/public/honours/", "/public/draws/"):
            assert f'href="{link}"' in html, (url, link)  # the footer links every public list


def test_the_home_links_every_public_list_and_counts_only_what_is_published(client, world, honours):
    response = client.get(reverse("portal:home"))
    html = response.content.decode()
    for name in (
        "inspections:public_campaigns",
        "portal:results",
        "portal:blacklist",
        "portal:honours",
        "brands_public:notices",
        "portal:draws",
    ):
        assert f'href="{reverse(name)}"' in html, name
    assert response.context["result_count"] == 1  # not the unpublished, withdrawn or draft ones
    assert response.context["listed_count"] == 1  # not the removed entry nor the one dated ahead
    assert response.context["honour_count"] == 1  # not the revoked or expired honour
    assert [campaign.pk for campaign in response.context["campaigns"]] == [world.campaign.pk]
    assert "草稿抽查计划" not in html
    assert f'href="{reverse("inspections:public_draw", args=[world.campaign.draws.get().pk])}"' in html


def test_the_draws_list_links_every_draw_to_its_verification(client, world):
    draw = world.campaign.draws.get()
    response = client.get(reverse("portal:draws"))
    assert _page_ids(response) == {draw.pk}
    assert f'href="{reverse("inspections:public_draw", args=[draw.pk])}"' in response.content.decode()
    assert draw.seed not in response.content.decode()  # the seed is revealed only on the draw's own page, in time


def test_the_campaign_pages_show_no_draft_campaign(client, world):
    assert "草稿抽查计划" not in client.get(reverse("inspections:public_campaigns")).content.decode()
    assert client.get(reverse("inspections:public_campaign", args=[world.draft.pk])).status_code == 404


# The search over published results.


def test_the_search_lists_only_published_results(client, world):
    response = client.get(reverse("portal:results"))
    assert _page_ids(response) == {world.published.pk}
    html = response.content.decode()
    assert "岳阳已公布甲食品有限公司" in html and "洞庭香米" in html and "已停产整改，复检合格" in html
    assert f'href="{reverse("portal:enterprise", args=[world.shown.pk])}"' in html
    hidden = ["岳阳未公布乙食品有限公司", "君山银针米", "岳阳已撤回丙食品有限公司", "岳州糯米"]
    for text in [*hidden, "岳阳草稿丁食品有限公司"]:
        assert text not in html, text


def test_the_search_filters_by_enterprise_product_verdict_campaign_and_year(client, world):
    published = {world.published.pk}
    assert _search(client, enterprise="已公布甲") == published
    assert _search(client, enterprise=world.shown.credit_code.lower()) == published  # the exact code, any case
    assert _search(client, enterprise=world.shown.credit_code[:10]) == set()  # a code matches whole, not in part
    assert _search(client, enterprise="未公布乙") == set()
    assert _search(client, enterprise="已撤回丙") == set()
    assert _search(client, product="香米") == published
    assert _search(client, product="银针") == set()
    assert _search(client, verdict=Verdict.NONCONFORMING) == published
    assert _search(client, verdict=Verdict.CONFORMING) == set()  # the conforming ones were not published
    assert _search(client, campaign=world.campaign.pk) == published
    assert _search(client, campaign=world.draft.pk) == set()
    assert _search(client, year=TODAY.year) == published
    assert _search(client, year=TODAY.year - 1) == set()
    assert _search(client, enterprise="已公布甲", product="香米", verdict=Verdict.NONCONFORMING) == published


def test_the_search_ignores_values_it_does_not_understand(client, world):
    response = client.get(reverse("portal:results"), {"year": "二〇二六", "campaign": "x", "verdict": "nonsense"})
    assert _page_ids(response) == {world.published.pk}
    assert b'data-testid="filter-errors"' in response.content


def test_the_search_offers_only_campaigns_with_published_results(client, world):
    response = client.get(reverse("portal:results"))
    assert [campaign.pk for campaign in response.context["campaigns"]] == [world.campaign.pk]
    assert response.context["years"] == [TODAY.year]


# An enterprise's public page.


def test_the_enterprise_page_shows_what_is_published_about_it(client, world):
    BlacklistEntryFactory(enterprise=world.shown, decision_number="岳市监信〔2026〕1号")
    response = client.get(reverse("portal:enterprise", args=[world.shown.pk]))
    assert _page_ids(response) == {world.published.pk}
    html = response.content.decode()
    assert "岳阳已公布甲食品有限公司" in html and world.shown.credit_code in html
    assert b'data-testid="listing"' in response.content and "岳市监信〔2026〕1号" in html
    assert b'data-testid="replies"' in response.content and "已停产整改，复检合格" in html
    assert [row.pk for row in response.context["profile"].replies] == [world.published.pk]
    assert "岳州糯米" not in html and "批次号录入错误" not in html  # its withdrawn result is not there


def test_an_enterprise_with_nothing_published_is_not_found(client, world):
    for enterprise in (world.unpublished, world.withdrawn_at, world.in_draft, world.removed, world.ahead):
        response = client.get(reverse("portal:enterprise", args=[enterprise.pk]))
        assert response.status_code == 404, enterprise.name
    assert client.get(reverse("portal:enterprise", args=[10**9])).status_code == 404
    assert client.get("/public/enterprises/99999999999999999999999/").status_code == 404


def test_a_listing_in_force_makes_an_enterprise_public(client, world):
    response = client.get(reverse("portal:enterprise", args=[world.listed.pk]))
    assert response.status_code == 200 and "岳市监信〔2026〕88号" in response.content.decode()
    assert _page_ids(response) == set()


def test_a_current_honour_makes_an_enterprise_public_and_a_revoked_or_expired_one_does_not(client, honours):
    current = honours["current"]
    response = client.get(reverse("portal:enterprise", args=[current.enterprise_id]))
    assert response.status_code == 200
    assert f'data-certificate="{current.certificate_number}"' in response.content.decode()
    for key in ("revoked", "expired"):
        assert client.get(reverse("portal:enterprise", args=[honours[key].enterprise_id])).status_code == 404, key


def test_a_revoked_honour_is_not_shown_beside_what_is_published(client, world, honours):
    # The holder of the revoked honour also has a published result: its page shows the result, not the honour.
    revoked = honours["revoked"]
    task = Task.objects.get(pk=world.published.task_id)
    Task.objects.filter(pk=task.pk).update(enterprise=revoked.enterprise)
    PublishedResult.objects.filter(task=task).update(enterprise=revoked.enterprise)  # as if published so
    response = client.get(reverse("portal:enterprise", args=[revoked.enterprise_id]))
    assert response.status_code == 200 and _page_ids(response) == {world.published.pk}
    assert revoked.certificate_number not in response.content.decode()
    assert b'data-testid="honours"' not in response.content


def test_the_credit_grade_shows_only_where_the_bureau_publishes_grades(client, world, settings):
    recalculate_enterprises([world.shown.pk], cause="manual")
    grade = CreditGrade.objects.get(enterprise=world.shown).grade
    url = reverse("portal:enterprise", args=[world.shown.pk])
    assert not hasattr(settings, "PUBLISH_CREDIT_GRADES") or not settings.PUBLISH_CREDIT_GRADES
    assert b'data-testid="credit-grade"' not in client.get(url).content
    settings.PUBLISH_CREDIT_GRADES = True
    response = client.get(url)
    assert b'data-testid="credit-grade"' in response.content
    assert response.context["enterprise"].credit_grade == grade
    # A grade alone publishes nothing: an enterprise graded but with nothing published stays unknown.
    recalculate_enterprises([world.unpublished.pk], cause="manual")
    assert client.get(reverse("portal:enterprise", args=[world.unpublished.pk])).status_code == 404


def test_signed_in_users_read_the_same_public_pages(client, world, actors):
    client.force_login(actors[Role.SUPERVISOR])  # staff see everything elsewhere, but here only what is public
    assert _search(client) == {world.published.pk}
    assert client.get(reverse("portal:enterprise", args=[world.unpublished.pk])).status_code == 404


# Bounded queries.


def _more_published(world: World, count: int) -> None:
    """`count` more published results of as many enterprises, straight into the table (publishing is tested in
    test_publication)."""
    staff = UserFactory(role=Role.SUPERVISOR)
    now = timezone.now()
    rows = []
    for _ in range(count):
        enterprise = EnterpriseFactory()
        task = final_task(enterprise, Verdict.CONFORMING, campaign=world.campaign)
        rows.append(
            PublishedResult(
                task=task,
                campaign=world.campaign,
                enterprise=enterprise,
                year=world.campaign.year,
                enterprise_name=enterprise.name,
                credit_code=enterprise.credit_code,
                district_name="岳阳楼区",
                product_name="大米",
                verdict=Verdict.CONFORMING,
                published_at=now,
                published_by=staff,
                reply="已知悉",
                replied_at=now,
            )
        )
    PublishedResult.objects.bulk_create(rows)


def test_the_pages_read_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    _more_published(world, 3)
    budgets = {}
    for count in (3, 30):
        if count == 30:
            _more_published(world, 27)
        for name, args in (("portal:home", []), ("portal:results", []), ("portal:draws", [])):
            with django_assert_max_num_queries(8) as queries:
                assert client.get(reverse(name, args=args)).status_code == 200
            budgets.setdefault(name, []).append(len(queries.captured_queries))
    assert all(first == second for first, second in budgets.values()), budgets


def test_the_enterprise_page_reads_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    task_ids = []
    for _ in range(12):
        task = final_task(world.shown, Verdict.CONFORMING, campaign=world.campaign)
        task_ids.append(task.pk)
    publication.results_publish(actor=world.spot.supervisor, campaign=world.campaign, task_ids=task_ids)
    BlacklistEntryFactory(enterprise=world.shown)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("portal:enterprise", args=[world.shown.pk]))
    assert len(response.context["page"]) == 13
