"""The enterprise quality file in the browser: forms, self-service, self-reports, history and the refusals."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from enterprises.choices import ReportStatus, StandardKind
from enterprises.models import Enterprise, Interview, Penalty, Product, SelfReport, Standard
from enterprises.services import self_report_due_on
from tests.clients import signed_in
from tests.factories import EnterpriseFactory, LicenceFactory, UserFactory

pytestmark = pytest.mark.django_db


def enterprise_payload(enterprise: Enterprise, **changes) -> dict:
    data = {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "legal_representative": enterprise.legal_representative,
        "address": enterprise.address,
        "district": enterprise.district_id,
        "area": enterprise.area_id,
        "industry": enterprise.industry_id,
        "scale": enterprise.scale,
        "established_on": enterprise.established_on.isoformat() if enterprise.established_on else "",
        "status": enterprise.status,
        "contact_person": "",
        "contact_phone": "",
        "contact_email": "",
    }
    return {**data, **changes}


def report_payload(**changes) -> dict:
    data = {
        "year": 2026,
        "quarter": 3,
        "quality_awareness": "good",
        "assurance_system": "good",
        "quality_level": "adequate",
        "site_management": "good",
        "after_sales": "needs_work",
        "findings": "售后响应偏慢，已增设客服岗位。",
        "output_value": "1250.50",
        "quality_loss_rate": "1.20",
        "complaints_received": 3,
    }
    return {**data, **changes}


def test_staff_create_a_file_and_a_bad_credit_code_is_explained_in_chinese(client, actors, enterprise):
    client = signed_in(client, actors[Role.SUPERVISOR])
    template = EnterpriseFactory.build(area=enterprise.area, district=enterprise.district)
    bad = client.post(reverse("enterprises:create"), enterprise_payload(template, credit_code="91350100M000100Y44"))
    assert bad.status_code == 200
    assert "校验码错误：应为 3，而不是 4。" in bad.content.decode()
    assert not Enterprise.objects.filter(name=template.name).exists()
    good = client.post(reverse("enterprises:create"), enterprise_payload(template, credit_code=template.credit_code))
    created = Enterprise.objects.get(credit_code=template.credit_code)
    assert good["Location"] == created.get_absolute_url()
    assert created.history.get().history_user == actors[Role.SUPERVISOR]


def test_identity_changes_are_traced_with_who_and_before_after(client, actors, enterprise):
    client = signed_in(client, actors[Role.SUPERVISOR])
    old_name = enterprise.name
    client.post(
        reverse("enterprises:edit", args=[enterprise.pk]), enterprise_payload(enterprise, name="岳阳新名称有限公司")
    )
    enterprise.refresh_from_db()
    assert enterprise.name == "岳阳新名称有限公司"
    page = client.get(enterprise.get_absolute_url()).content.decode()
    assert f"<del>{old_name}</del> → <ins>岳阳新名称有限公司</ins>" in page
    assert actors[Role.SUPERVISOR].get_full_name() in page


def test_enterprise_user_edits_contact_data_but_never_identity(client, actors, enterprise):
    client = signed_in(client, actors[Role.ENTERPRISE])
    response = client.post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        enterprise_payload(enterprise, name="改名企图", contact_person="王经理", contact_phone="0730-8888888"),
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.contact_person == "王经理" and enterprise.name != "改名企图"
    # The enterprise does not see the change history, which is for staff.
    assert "变更记录" not in client.get(enterprise.get_absolute_url()).content.decode()


@pytest.mark.parametrize("url_name", ["enterprises:edit", "enterprises:product_create", "enterprises:report_create"])
def test_enterprise_user_cannot_touch_another_enterprise(client, actors, other_enterprise, url_name):
    response = signed_in(client, actors[Role.ENTERPRISE]).get(reverse(url_name, args=[other_enterprise.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.ENTERPRISE])
@pytest.mark.parametrize(
    "url_name", ["enterprises:licence_create", "enterprises:penalty_create", "enterprises:interview_create"]
)
def test_only_bureau_staff_record_licences_penalties_and_interviews(
    client, actors, enterprise, inspector_at_enterprise, role, url_name
):
    response = signed_in(client, actors[role]).get(reverse(url_name, args=[enterprise.pk]))
    assert response.status_code == 403


def test_inspectors_read_the_files_of_their_tasks_only_and_cannot_edit_them(
    client, enterprise, other_enterprise, inspector_at_enterprise
):
    client = signed_in(client, inspector_at_enterprise)
    assert client.get(enterprise.get_absolute_url()).status_code == 200
    assert client.get(reverse("enterprises:edit", args=[enterprise.pk])).status_code == 403
    assert client.get(other_enterprise.get_absolute_url()).status_code == 404  # no task there
    assert client.get(reverse("enterprises:list")).status_code == 403  # no register-wide browsing


def test_products_follow_public_and_own_filed_standards_and_are_discontinued_not_deleted(client, actors, enterprise):
    public = Standard.objects.create(
        code="GB 7099-2015", title="食品安全国家标准 糕点、面包", kind=StandardKind.NATIONAL
    )
    own = Standard.objects.create(
        code="Q/YYCA 0001S-2026",
        title="企业标准",
        kind=StandardKind.FOOD_SAFETY,
        owner=enterprise,
        filing_number="430600-2026-001",
        filed_on=datetime.date(2026, 1, 5),
    )
    foreign = Standard.objects.create(
        code="Q/OTHER 0001S-2026",
        title="他人企业标准",
        kind=StandardKind.FOOD_SAFETY,
        owner=EnterpriseFactory(),
        filing_number="430600-2026-002",
        filed_on=datetime.date(2026, 1, 5),
    )
    client = signed_in(client, actors[Role.ENTERPRISE])
    url = reverse("enterprises:product_create", args=[enterprise.pk])
    refused = client.post(url, {"name": "绿豆糕", "standards": [foreign.pk]})
    assert "standards" in refused.context["form"].errors
    client.post(url, {"name": "绿豆糕", "specification": "250g", "standards": [public.pk, own.pk]})
    product = Product.objects.get(enterprise=enterprise)
    assert set(product.standards.all()) == {public, own}
    client.post(reverse("enterprises:product_discontinue", args=[enterprise.pk, product.pk]))
    product.refresh_from_db()
    assert product.discontinued_on == timezone.localdate()
    assert [h.discontinued_on for h in product.history.order_by("history_date", "history_id")][
        -1
    ] == product.discontinued_on


def test_self_report_submission_review_and_resubmission(client, actors, enterprise):
    client = signed_in(client, actors[Role.ENTERPRISE])
    url = reverse("enterprises:report_create", args=[enterprise.pk])
    upload = SimpleUploadedFile("自查报告.pdf", b"%PDF-1.4 self report", content_type="application/pdf")
    response = client.post(url, {**report_payload(), "attachments": [upload]})
    report = SelfReport.objects.get(enterprise=enterprise)
    assert response["Location"] == report.get_absolute_url()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == actors[Role.ENTERPRISE]
    assert report.due_on == datetime.date(2026, 10, 15) == self_report_due_on(2026, 3)
    assert report.attachments.get().sha256 == hashlib.sha256(b"%PDF-1.4 self report").hexdigest()
    again = client.post(url, report_payload())
    assert "已经提交" in again.content.decode() or "already" in again.content.decode()
    assert SelfReport.objects.count() == 1

    # The enterprise cannot review its own report.
    assert client.post(report.get_absolute_url(), {"decision": "accept"}).status_code == 403

    staff = signed_in(client, actors[Role.SUPERVISOR])
    no_reason = staff.post(report.get_absolute_url(), {"decision": "return", "comment": ""})
    assert "comment" in no_reason.context["form"].errors
    staff.post(report.get_absolute_url(), {"decision": "return", "comment": "质量损失率计算有误"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.reviewed_by == actors[Role.SUPERVISOR]

    ent = signed_in(client, actors[Role.ENTERPRISE])
    page = ent.get(report.get_absolute_url()).content.decode()
    assert "质量损失率计算有误" in page
    ent.post(
        reverse("enterprises:report_resubmit", args=[enterprise.pk, report.pk]),
        report_payload(quality_loss_rate="0.80"),
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and str(report.quality_loss_rate) == "0.80"

    signed_in(client, actors[Role.LEADER]).post(report.get_absolute_url(), {"decision": "accept", "comment": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert [h.status for h in report.history.order_by("history_date")] == [
        ReportStatus.SUBMITTED,
        ReportStatus.RETURNED,
        ReportStatus.SUBMITTED,
        ReportStatus.ACCEPTED,
    ]


def test_a_late_report_is_flagged_for_staff(client, actors, enterprise):
    client = signed_in(client, actors[Role.ENTERPRISE])
    client.post(reverse("enterprises:report_create", args=[enterprise.pk]), report_payload(year=2025, quarter=1))
    report = SelfReport.objects.get()
    assert report.is_late
    queue = signed_in(client, actors[Role.SUPERVISOR]).get(reverse("enterprises:report_queue")).content.decode()
    assert report.enterprise.name in queue and "逾期" in queue


def test_bad_report_values_are_refused_field_by_field(client, actors, enterprise):
    client = signed_in(client, actors[Role.ENTERPRISE])
    response = client.post(
        reverse("enterprises:report_create", args=[enterprise.pk]),
        report_payload(quality_loss_rate="120", quarter=5, complaints_received=-1),
    )
    errors = response.context["form"].errors
    assert {"quality_loss_rate", "quarter", "complaints_received"} <= set(errors)
    assert not SelfReport.objects.exists()


def test_staff_record_a_penalty_and_an_interview_on_the_timeline(client, actors, enterprise):
    client = signed_in(client, actors[Role.SUPERVISOR])
    client.post(
        reverse("enterprises:penalty_create", args=[enterprise.pk]),
        {
            "decision_number": "岳市监处罚〔2026〕12号",
            "decided_on": "2026-06-01",
            "grounds": "生产不合格产品",
            "amount": "50000",
            "is_heavier": "on",
        },
    )
    client.post(
        reverse("enterprises:interview_create", args=[enterprise.pk]),
        {"held_on": "2026-06-10", "reason": "抽检不合格约谈", "attendees": "总经理、质量负责人", "outcome": "限期整改"},
    )
    penalty = Penalty.objects.get()
    assert penalty.recorded_by == actors[Role.SUPERVISOR] and penalty.is_heavier
    assert Interview.objects.get().attendees == "总经理、质量负责人"
    timeline = client.get(enterprise.get_absolute_url()).context["timeline"]
    assert [event.when for event in timeline][:2] == [datetime.date(2026, 6, 10), datetime.date(2026, 6, 1)]


def test_licence_worklist_shows_what_needs_attention(client, actors, enterprise):
    today = timezone.localdate()
    soon = LicenceFactory(
        enterprise=enterprise,
        issued_on=today - datetime.timedelta(days=1000),
        expires_on=today + datetime.timedelta(days=10),
    )
    LicenceFactory(enterprise=enterprise, issued_on=today, expires_on=today + datetime.timedelta(days=400))
    client = signed_in(client, actors[Role.SUPERVISOR])
    page = client.get(reverse("enterprises:licence_worklist"))
    assert [licence.pk for licence in page.context["page"]] == [soon.pk]
    assert (
        signed_in(client, actors[Role.LAB_TECHNICIAN]).get(reverse("enterprises:licence_worklist")).status_code == 403
    )


def test_file_page_runs_a_bounded_number_of_queries(client, actors, enterprise, django_assert_max_num_queries):
    for _ in range(5):
        LicenceFactory(enterprise=enterprise)
    client = signed_in(client, actors[Role.SUPERVISOR])
    client.post(reverse("enterprises:edit", args=[enterprise.pk]), enterprise_payload(enterprise, address="新地址1号"))
    # + 2 for the standards section (the enterprise's declarations and its products on an outdated standard)
    with django_assert_max_num_queries(32 + 2):
        response = client.get(enterprise.get_absolute_url())
    assert response.status_code == 200


def test_quality_staff_with_at_most_one_chief_quality_officer(client, actors, enterprise):
    client = signed_in(client, actors[Role.ENTERPRISE])
    url = reverse("enterprises:staff_create", args=[enterprise.pk])
    client.post(url, {"name": "刘质量", "position": "质量总监", "is_chief_quality_officer": "on"})
    second = client.post(url, {"name": "陈质量", "position": "质量经理", "is_chief_quality_officer": "on"})
    assert second.status_code == 200
    assert "该企业已有首席质量官。" in second.content.decode()
    assert enterprise.quality_staff.count() == 1
    client.post(url, {"name": "陈质量", "position": "质量经理"})
    assert [m.name for m in enterprise.quality_staff.all()] == ["刘质量", "陈质量"]


def test_enterprise_files_its_own_food_safety_standard(client, actors, enterprise, other_enterprise):
    client = signed_in(client, actors[Role.ENTERPRISE])
    url = reverse("enterprises:standard_file", args=[enterprise.pk])
    missing = client.post(url, {"code": "Q/YY 1S-2026", "title": "x", "kind": "food_safety"})
    assert {"filing_number", "filed_on"} <= set(missing.context["form"].errors)
    client.post(
        url,
        {
            "code": "Q/YY 1S-2026",
            "title": "桂花糕",
            "kind": "food_safety",
            "filing_number": "430600-2026-9",
            "filed_on": "2026-03-01",
            "published_on": "2026-03-02",  # not a self-declared one: ignored
        },
    )
    standard = Standard.objects.get(code="Q/YY 1S-2026")
    assert standard.owner == enterprise and standard.kind == StandardKind.FOOD_SAFETY
    assert standard.published_on is None and standard.filing_number == "430600-2026-9"
    assert client.get(reverse("enterprises:standard_file", args=[other_enterprise.pk])).status_code == 404


def test_penalties_are_voided_with_a_reason_never_deleted(client, actors, enterprise):
    penalty = Penalty.objects.create(
        enterprise=enterprise,
        decision_number="岳市监处罚〔2026〕1号",
        decided_on=datetime.date(2026, 5, 1),
        grounds="x",
        amount=1000,
        recorded_by=actors[Role.SUPERVISOR],
    )
    url = reverse("enterprises:sanction_void", args=[enterprise.pk, "penalty", penalty.pk])
    assert signed_in(client, actors[Role.ENTERPRISE]).post(url, {"reason": "x"}).status_code == 403
    staff = signed_in(client, actors[Role.SUPERVISOR])
    staff.post(url, {"reason": ""})
    penalty.refresh_from_db()
    assert penalty.voided_at is None
    staff.post(url, {"reason": "复议撤销"})
    penalty.refresh_from_db()
    assert penalty.voided_at and penalty.void_reason == "复议撤销"
    page = staff.get(enterprise.get_absolute_url())
    assert "复议撤销" in page.content.decode()
    assert all(event.section != "行政处罚" for event in page.context["timeline"])  # voided: off the timeline


def test_a_returned_report_is_corrected_through_the_new_report_form_too(client, actors, enterprise):
    client = signed_in(client, actors[Role.ENTERPRISE])
    url = reverse("enterprises:report_create", args=[enterprise.pk])
    client.post(url, report_payload())
    report = SelfReport.objects.get()
    first_submitted = report.submitted_at
    signed_in(client, actors[Role.SUPERVISOR]).post(
        report.get_absolute_url(), {"decision": "return", "comment": "补充"}
    )
    signed_in(client, actors[Role.ENTERPRISE]).post(url, report_payload(complaints_received=5))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.complaints_received == 5
    assert report.submitted_at == first_submitted  # timeliness is judged by the first submission
    assert SelfReport.objects.count() == 1


def test_a_resubmission_cannot_move_to_another_quarter(client, actors, enterprise):
    client = signed_in(client, actors[Role.ENTERPRISE])
    client.post(reverse("enterprises:report_create", args=[enterprise.pk]), report_payload(year=2025, quarter=2))
    report = SelfReport.objects.get()
    signed_in(client, actors[Role.SUPERVISOR]).post(report.get_absolute_url(), {"decision": "return", "comment": "x"})
    signed_in(client, actors[Role.ENTERPRISE]).post(
        reverse("enterprises:report_resubmit", args=[enterprise.pk, report.pk]), report_payload(year=2100, quarter=4)
    )
    report.refresh_from_db()
    assert (report.year, report.quarter, report.status) == (2025, 2, ReportStatus.SUBMITTED)


def test_a_quarter_that_has_not_ended_cannot_be_reported(client, actors, enterprise):
    client = signed_in(client, actors[Role.ENTERPRISE])
    this_year = timezone.localdate().year
    response = client.post(
        reverse("enterprises:report_create", args=[enterprise.pk]), report_payload(year=this_year + 1, quarter=1)
    )
    assert "quarter" in response.context["form"].errors
    assert not SelfReport.objects.exists()


def test_the_timeline_shows_each_step_of_a_report_in_order(client, actors, enterprise):
    client = signed_in(client, actors[Role.ENTERPRISE])
    client.post(reverse("enterprises:report_create", args=[enterprise.pk]), report_payload())
    report = SelfReport.objects.get()
    signed_in(client, actors[Role.SUPERVISOR]).post(
        report.get_absolute_url(), {"decision": "return", "comment": "补充"}
    )
    timeline = client.get(enterprise.get_absolute_url()).context["timeline"]
    titles = [event.title for event in timeline if event.section == "企业自查"]
    assert titles == ["2026Q3 自查报告：已退回修改", "2026Q3 自查报告：已提交"]


def test_change_history_shows_names_and_labels_newest_first(client, actors, enterprise):
    from tests.factories import ResponsibilityAreaFactory

    client = signed_in(client, actors[Role.SUPERVISOR])
    new_area = ResponsibilityAreaFactory(district=enterprise.district, name="新责任区")
    url = reverse("enterprises:edit", args=[enterprise.pk])
    client.post(url, enterprise_payload(enterprise, scale="below"))
    enterprise.refresh_from_db()
    client.post(url, enterprise_payload(enterprise, area=new_area.pk))
    history = client.get(enterprise.get_absolute_url()).context["history"]
    assert history[0].changes == [("责任区", str(enterprise.area), str(new_area))]
    assert history[1].changes == [("规模", "规模以上", "规模以下")]


@pytest.mark.parametrize("kind", ["product", "staff", "report", "attachment"])
def test_guessing_ids_of_another_enterprise_finds_nothing(client, actors, enterprise, other_enterprise, kind):
    from enterprises.models import QualityStaff

    product = Product.objects.create(enterprise=other_enterprise, name="别家产品")
    member = QualityStaff.objects.create(enterprise=other_enterprise, name="别家人员")
    other_user = UserFactory(role=Role.ENTERPRISE, enterprise=other_enterprise)
    signed_in(client, other_user).post(
        reverse("enterprises:report_create", args=[other_enterprise.pk]),
        {**report_payload(), "attachments": [SimpleUploadedFile("a.pdf", b"%PDF secret")]},
    )
    report = SelfReport.objects.get(enterprise=other_enterprise)
    attachment = report.attachments.get()
    urls = {
        # the user's own enterprise in the URL, the other enterprise's row id
        "product": reverse("enterprises:product_edit", args=[enterprise.pk, product.pk]),
        "staff": reverse("enterprises:staff_edit", args=[enterprise.pk, member.pk]),
        "report": reverse("enterprises:report", args=[enterprise.pk, report.pk]),
        "attachment": reverse("enterprises:attachment", args=[enterprise.pk, report.pk, attachment.pk]),
    }
    client = signed_in(client, actors[Role.ENTERPRISE])
    assert client.get(urls[kind]).status_code == 404
    assert client.post(urls[kind], {"name": "改"}).status_code in (404, 405)
    product.refresh_from_db()
    member.refresh_from_db()
    assert product.name == "别家产品" and member.name == "别家人员"


def test_attachments_are_served_only_to_those_who_may_read_the_file(client, actors, enterprise):
    client = signed_in(client, actors[Role.ENTERPRISE])
    client.post(
        reverse("enterprises:report_create", args=[enterprise.pk]),
        {**report_payload(), "attachments": [SimpleUploadedFile("检测报告.pdf", b"%PDF content")]},
    )
    attachment = SelfReport.objects.get().attachments.get()
    url = reverse("enterprises:attachment", args=[enterprise.pk, attachment.report_id, attachment.pk])
    download = signed_in(client, actors[Role.SUPERVISOR]).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF content"
    assert signed_in(client, actors[Role.LAB_TECHNICIAN]).get(url).status_code == 404


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("enterprises:edit", {"contact_person": "x"}),
        ("enterprises:product_create", {"name": "x"}),
        ("enterprises:staff_create", {"name": "x"}),
        ("enterprises:licence_create", {"kind": "ccc", "number": "1"}),
        ("enterprises:penalty_create", {"decision_number": "x"}),
    ],
)
def test_inspectors_write_nothing(client, actors, enterprise, inspector_at_enterprise, url_name, data):
    from enterprises.models import Licence, QualityStaff

    before = (Product.objects.count(), QualityStaff.objects.count(), Licence.objects.count(), Penalty.objects.count())
    response = signed_in(client, actors[Role.INSPECTOR]).post(reverse(url_name, args=[enterprise.pk]), data)
    assert response.status_code == 403
    after = (Product.objects.count(), QualityStaff.objects.count(), Licence.objects.count(), Penalty.objects.count())
    assert before == after


def test_an_enterprise_cannot_claim_a_national_standard_code(client, actors, enterprise):
    response = signed_in(client, actors[Role.ENTERPRISE]).post(
        reverse("enterprises:standard_file", args=[enterprise.pk]),
        {"code": "GB 7099-2015", "title": "x", "kind": "enterprise", "published_on": "2026-01-01"},
    )
    assert "code" in response.context["form"].errors
    assert not Standard.objects.exists()


def test_staff_see_which_enterprises_have_not_filed_an_overdue_report(client, actors, enterprise, other_enterprise):
    from enterprises.selectors import last_finished_quarter

    year, quarter = last_finished_quarter(timezone.localdate())
    if timezone.localdate() <= self_report_due_on(year, quarter):
        pytest.skip("the last quarter's report is not overdue yet today")
    signed_in(client, actors[Role.ENTERPRISE]).post(
        reverse("enterprises:report_create", args=[enterprise.pk]), report_payload(year=year, quarter=quarter)
    )
    page = signed_in(client, actors[Role.SUPERVISOR]).get(reverse("enterprises:report_queue"), {"view": "missing"})
    assert list(page.context["page"]) == [other_enterprise]
    assert page.context["missing_count"] == 1


def test_the_api_lists_attachments_with_a_checked_download_link(client, actors, enterprise):
    from rest_framework.test import APIClient

    signed_in(client, actors[Role.ENTERPRISE]).post(
        reverse("enterprises:report_create", args=[enterprise.pk]),
        {**report_payload(), "attachments": [SimpleUploadedFile("a.pdf", b"%PDF a")]},
    )
    api = APIClient()
    api.force_authenticate(actors[Role.SUPERVISOR])
    (attachment,) = api.get("/api/v1/self-reports/").json()["results"][0]["attachments"]
    assert attachment["original_name"] == "a.pdf"
    assert signed_in(client, actors[Role.SUPERVISOR]).get(attachment["url"]).status_code == 200
