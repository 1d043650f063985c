"""The net content of prepackaged goods (JJF 1070): the sampling plan at each lot-size boundary, the tolerable
shortfall at each nominal-quantity boundary, hand-worked verdicts on lots at the criteria's edges, and a failed lot
flowing through inspections into the ordinary follow-up."""

import datetime
import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from inspections.choices import CampaignKind, LabTestStatus, LimitKind, Verdict
from inspections.models import Campaign, FollowUp, LabTest
from inspections.models import TestItem as CampaignTestItem
from inspections.services import campaigns
from metrology.models import NetContentTest
from metrology.netcontent import TABLES, net_content_verdict, sampling_plan, tolerable_shortfall
from metrology.services import net_content_test_record
from tests.clients import signed_in
from tests.factories import StandardFactory
from tests.spotcheck import SpotCheck


@pytest.mark.parametrize(
    "lot, n, correction, c",
    [
        (1, 1, None, 0),
        (10, 10, None, 0),  # up to 10: the whole lot, no correction
        (11, 10, "1.028", 0),
        (50, 10, "1.028", 0),
        (51, 13, "0.848", 1),
        (99, 13, "0.848", 1),
        (100, 50, "0.379", 3),
        (500, 50, "0.379", 3),
        (501, 80, "0.295", 5),
        (3200, 80, "0.295", 5),
        (3201, 125, "0.234", 7),
        (1_000_000, 125, "0.234", 7),
    ],
)
def test_the_sampling_plan_at_each_boundary(lot, n, correction, c):
    plan = sampling_plan(lot)
    assert (plan.sample_size, plan.correction, plan.allowed_short) == (n, D(correction) if correction else None, c)


@pytest.mark.parametrize(
    "nominal, kind, tolerance",
    [
        ("10", "mass_volume", "0.9"),
        ("25", "mass_volume", "2.2"),  # 2.25 rounded half to even (GB/T 8170)
        ("50", "mass_volume", "4.5"),  # 9 % up to 50 included
        ("50.1", "mass_volume", "4.5"),
        ("100", "mass_volume", "4.5"),
        ("150", "mass_volume", "6.8"),  # 6.75 → 6.8
        ("200", "mass_volume", "9.0"),
        ("200.1", "mass_volume", "9"),
        ("300", "mass_volume", "9"),
        ("400", "mass_volume", "12.0"),
        ("500", "mass_volume", "15.0"),
        ("500.1", "mass_volume", "15"),
        ("1000", "mass_volume", "15"),
        ("2000", "mass_volume", "30"),  # above 1 kg rounded to whole grams
        ("10000", "mass_volume", "150"),
        ("15000", "mass_volume", "150"),
        ("20000", "mass_volume", "200"),
        ("50000", "mass_volume", "500"),
        ("5", "length", "0"),
        ("10", "length", "0.2"),
        ("100", "area", "3"),
        ("50", "count", "0"),
        ("51", "count", "1"),
        ("150", "count", "2"),
    ],
)
def test_the_tolerable_shortfall_at_each_boundary(nominal, kind, tolerance):
    assert tolerable_shortfall(D(nominal), kind) == D(tolerance)


def test_beyond_the_tables_is_refused():
    for call in (
        lambda: tolerable_shortfall(D("50001")),
        lambda: tolerable_shortfall(D("0")),
        lambda: tolerable_shortfall(D("10"), "weight"),
        lambda: sampling_plan(0),
        lambda: net_content_verdict(lot_size=20, nominal=D("500"), contents=[D("500")] * 9),
        lambda: net_content_verdict(lot_size=5, nominal=D("500"), contents=[D("-1")] * 5),
    ):
        with pytest.raises(ValidationError):
            call()


def test_the_tables_cite_their_source():
    assert "JJF 1070" in json.loads(TABLES.read_text(encoding="utf-8"))["source"]


# Hand-worked lots, 500 g nominal: T = 15 g, 2T = 30 g.


def test_a_small_lot_has_no_mean_correction():
    # N = 10: every unit tested; five at 498 g and five at 500 g: mean 499 < 500, fails on the mean alone.
    contents = [D("498")] * 5 + [D("500")] * 5
    verdict = net_content_verdict(lot_size=10, nominal=D("500"), contents=contents)
    assert verdict.mean == D("499") and verdict.mean_limit == D("500") and not verdict.mean_ok
    assert verdict.count_ok and not verdict.passed
    # N = 11: n = 10 with λ = 1.028; s = √(10/9) = 1.0541; limit 500 − 1.0836 = 498.916: the same units pass.
    verdict = net_content_verdict(lot_size=11, nominal=D("500"), contents=contents)
    assert round(verdict.std_dev, 4) == D("1.0541") and round(verdict.mean_limit, 3) == D("498.916")
    assert verdict.mean_ok and verdict.passed


def test_short_by_exactly_t_is_not_short_by_more_than_t():
    # N = 10, c = 0: nine at 502 g and one at 485 g (short by 15 = T): mean 500.3, none short by more than T.
    passing = [D("502")] * 9 + [D("485")]
    verdict = net_content_verdict(lot_size=10, nominal=D("500"), contents=passing)
    assert verdict.short_count == 0 and verdict.passed
    # 484.9 g is short by 15.1 > T: one unit beyond c = 0 fails the lot, though the mean (500.29) holds.
    failing = [D("502")] * 9 + [D("484.9")]
    verdict = net_content_verdict(lot_size=10, nominal=D("500"), contents=failing)
    assert verdict.short_count == 1 and verdict.mean_ok and not verdict.passed


def test_the_allowed_count_grows_with_the_lot():
    # N = 51: n = 13, c = 1. Twelve at 506 g and one at 484 g (short 16 > T): one allowed, the lot passes.
    one_short = [D("506")] * 12 + [D("484")]
    assert net_content_verdict(lot_size=51, nominal=D("500"), contents=one_short).passed
    # The same sample from a lot of 50 would be the wrong size; at N = 50 (n = 10, c = 0) one short unit fails.
    assert not net_content_verdict(lot_size=50, nominal=D("500"), contents=[D("506")] * 9 + [D("484")]).passed
    # Two short units exceed c = 1.
    two_short = [D("508")] * 11 + [D("484")] * 2
    verdict = net_content_verdict(lot_size=51, nominal=D("500"), contents=two_short)
    assert verdict.short_count == 2 and verdict.mean_ok and not verdict.passed


def test_no_unit_may_be_short_by_more_than_twice_t():
    # N = 100: n = 50, c = 3. One unit at 470 g (short 30 = 2T) passes; at 469.9 g (short 30.1 > 2T) it fails.
    at_2t = [D("505")] * 49 + [D("470")]
    assert net_content_verdict(lot_size=100, nominal=D("500"), contents=at_2t).passed
    beyond = [D("505")] * 49 + [D("469.9")]
    verdict = net_content_verdict(lot_size=100, nominal=D("500"), contents=beyond)
    assert verdict.gross_short_count == 1 and verdict.short_count == 1 and not verdict.passed


@pytest.mark.parametrize("lot, n, c", [(500, 50, 3), (501, 80, 5), (3200, 80, 5), (3201, 125, 7)])
def test_c_short_units_pass_and_one_more_fails(lot, n, c):
    ok = [D("505")] * (n - c) + [D("484")] * c
    assert net_content_verdict(lot_size=lot, nominal=D("500"), contents=ok).passed
    too_many = [D("505")] * (n - c - 1) + [D("484")] * (c + 1)
    assert not net_content_verdict(lot_size=lot, nominal=D("500"), contents=too_many).passed


def test_the_mean_criterion_with_its_correction():
    # N = 100 (n = 50, λ = 0.379): 25 at 499 g and 25 at 497 g: mean 498, s = √(50/49) = 1.0102, limit 499.617.
    contents = [D("499")] * 25 + [D("497")] * 25
    verdict = net_content_verdict(lot_size=100, nominal=D("500"), contents=contents)
    assert verdict.short_count == 0 and not verdict.mean_ok and not verdict.passed
    assert round(verdict.mean_limit, 3) == D("499.617")


# The flow: a net-content campaign's sample, tested in metrology, judged through inspections.


class NetContentCheck(SpotCheck):
    def plan(self, *, batches: int, is_food: bool) -> Campaign:
        today = timezone.localdate()
        campaign = campaigns.campaign_save(
            actor=self.supervisor,
            campaign=Campaign(
                year=today.year,
                title="定量包装商品净含量专项监督抽查",
                legal_basis="《定量包装商品计量监督管理办法》",
                product_categories="大米",
                batches=batches,
                period_start=today,
                period_end=today + datetime.timedelta(days=60),
                lab=self.lab,
                kind=CampaignKind.NET_CONTENT,
            ),  # fmt: skip
            roster=self.inspectors,
        )
        campaign.pool_filters = {"area": str(self.enterprise.area_id)}
        campaign.save()
        self.net_item = campaigns.test_item_save(
            actor=self.supervisor,
            item=CampaignTestItem(
                campaign=campaign,
                name="净含量",
                standard=StandardFactory(),
                limit_kind=LimitKind.QUALITATIVE,
                requirement="JJF 1070",
            ),  # fmt: skip
        )
        return campaign


@pytest.fixture
def check(actors):
    check = NetContentCheck(actors)
    check.start()
    return check


def _sampled(check) -> LabTest:
    task = check.task_at()
    check.sample(task)
    lab_test = LabTest.objects.get(task=task, kind="initial")
    check.receive(lab_test)  # the laboratory scans the seal on receipt before it weighs anything
    return lab_test


@pytest.mark.django_db
def test_a_failed_lot_flows_into_the_follow_up(check):
    lab_test = _sampled(check)
    contents = [str(D("506"))] * 12 + ["484", "484"]  # 14 units: the wrong count for N = 51
    with pytest.raises(ValidationError):
        net_content_test_record(actor=check.technician, lab_test_id=lab_test.pk, lot_size=51, nominal="500",
                                contents=contents)  # fmt: skip
    test = net_content_test_record(
        actor=check.technician, lab_test_id=lab_test.pk, lot_size=51, nominal="500", contents=contents[1:]
    )
    assert not test.passed and test.short_count == 2 and test.enterprise == lab_test.task.enterprise
    lab_test.refresh_from_db()
    assert lab_test.status == LabTestStatus.SUBMITTED and lab_test.verdict == Verdict.NONCONFORMING
    check.notify(lab_test)
    assert FollowUp.objects.filter(task=lab_test.task).exists()


@pytest.mark.django_db
def test_a_passing_lot_conforms(check):
    lab_test = _sampled(check)
    net_content_test_record(actor=check.technician, lab_test_id=lab_test.pk, lot_size=10, nominal="500",
                            contents=["501"] * 10)  # fmt: skip
    lab_test.refresh_from_db()
    assert lab_test.verdict == Verdict.CONFORMING


@pytest.mark.django_db
def test_only_the_laboratory_enters_it_and_only_for_a_net_content_sample(check, actors):
    lab_test = _sampled(check)
    for actor in (actors[Role.SUPERVISOR], actors[Role.ENTERPRISE], check.retest_technician):
        with pytest.raises(PermissionDenied):
            net_content_test_record(actor=actor, lab_test_id=lab_test.pk, lot_size=10, nominal="500",
                                    contents=["501"] * 10)  # fmt: skip
    for nominal, contents in (("abc", ["501"] * 10), ("500", ["x"] * 10), ("500", "501")):
        with pytest.raises(ValidationError):
            net_content_test_record(actor=check.technician, lab_test_id=lab_test.pk, lot_size=10, nominal=nominal,
                                    contents=contents)  # fmt: skip
    assert not NetContentTest.objects.exists()


@pytest.mark.django_db
def test_the_entry_page(client, check):
    lab_test = _sampled(check)
    signed_in(client, check.technician)
    url = reverse("metrology:net_content", args=[lab_test.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"quantity_kind": "mass_volume", "lot_size": 10, "nominal": "500", "contents": "501 502"})
    assert bad.status_code == 200 and bad.context["form"].errors
    response = client.post(
        url, {"quantity_kind": "mass_volume", "lot_size": 10, "nominal": "500", "contents": "\n".join(["499"] * 10)}
    )
    assert response.status_code == 302
    assert NetContentTest.objects.get().passed is False  # mean 499 < 500
    worklist = client.get(reverse("inspections:lab"))
    assert worklist.status_code == 200
    signed_in(client, check.supervisor)
    assert client.get(url).status_code == 403
