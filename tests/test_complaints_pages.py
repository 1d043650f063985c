"""The complaints pages: the public form with its spam protection and photo checks, following a complaint by its
number (public fields only), staff triage to a credit effect, who sees which complaint, the reward, the public's
nominations taken into a campaign, and bounded queries."""

import io
import time

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.roles import Role
from complaints import services
from complaints.choices import ComplaintKind, ComplaintStatus, NominationStatus, Outcome
from complaints.models import Complaint, Nomination
from complaints.views import public
from credit.models import CreditGrade
from inspections.choices import CampaignStatus
from tests.clients import signed_in
from tests.factories import CampaignFactory, DistrictFactory, EnterpriseFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = "/public/complaints/new/"
TRACK = "/public/complaints/track/"
NOMINATE = "/public/nominations/"


def photo(name: str = "label.png", size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def answered(response) -> dict:
    """The challenge of the form on `response`, answered right."""
    form = response.context["form"]
    token = form.data.get("challenge") if form.is_bound else form.initial["challenge"]
    first, second = (int(part) for part in form.question.split("+"))
    return {"challenge": token, "answer": str(first + second)}


def complaint_values(**values) -> dict:
    return {
        "kind": ComplaintKind.COMPLAINT,
        "product_name": "电热水壶",
        "brand": "美好",
        "enterprise_name": "某电器厂",
        "place": "岳阳楼区步行街某商店",
        "description": "使用一周后底座漏电",
        "contact_name": "李四",
        "contact_phone": "13800001111",
        "contact_address": "岳阳楼区洞庭路1号",
        **values,
    }


def file_complaint(client, **values):
    """GET the form, then POST it with the challenge answered (and whatever `values` change)."""
    data = {**answered(client.get(NEW)), **complaint_values()}
    data.update(values)
    return client.post(NEW, {key: value for key, value in data.items() if value is not None})


def filed(**values) -> Complaint:
    return services.complaint_file(values=complaint_values(**values))


# Filing


def test_an_anonymous_complaint_with_photos_is_filed_and_followed_by_its_number(client):
    district = DistrictFactory()
    form = client.get(NEW)
    assert form.status_code == 200 and form["Cache-Control"].startswith("max-age=0")
    content = form.content.decode()
    for testid in ("complaint-form", "field-kind", "field-photos", "field-anonymous", "honeypot", "answer"):
        assert f'data-testid="{testid}"' in content
    data = {
        **answered(form),
        **complaint_values(kind=ComplaintKind.TIP, anonymous="on", district=district.pk),
        "photos": [photo("a.png"), photo("b.jpg")],
    }
    response = client.post(NEW, data)
    assert response.status_code == 302 and response["Location"] == reverse("complaints:filed")
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.contact_name == "" and complaint.contact_phone == ""
    assert complaint.kind == ComplaintKind.TIP and complaint.district == district
    assert sorted(complaint.photos.values_list("original_name", flat=True)) == ["a.png", "b.jpg"]
    confirmation = client.get(response["Location"])
    assert confirmation.context["number"] == complaint.tracking_number
    assert 'data-testid="tracking-number"' in confirmation.content.decode()
    follow = reverse("complaints:track_status", args=[complaint.tracking_number])
    assert follow in confirmation.content.decode()
    status = client.get(follow)
    assert status.status_code == 200 and status.context["complaint"] == complaint
    # The confirmation belongs to the session that filed it.
    assert client.__class__().get(reverse("complaints:filed"))["Location"] == NEW


def test_a_named_complaint_keeps_its_contact_and_one_without_a_phone_is_refused(client):
    refused = file_complaint(client, contact_phone="")
    assert refused.status_code == 200 and "contact_phone" in refused.context["form"].errors
    assert file_complaint(client).status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.anonymous, complaint.contact_name, complaint.contact_phone) == (False, "李四", "13800001111")


def test_a_wrong_answer_is_refused_and_a_new_question_shown(client):
    form = client.get(NEW)
    challenge = answered(form)
    wrong = str(int(challenge["answer"]) + 1)
    response = client.post(NEW, {**complaint_values(), **challenge, "answer": wrong})
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert response.context["form"].has_error("answer", "wrong")
    renewed = answered(response)
    assert renewed["challenge"] != challenge["challenge"]
    assert response.context["form"].data["answer"] == ""  # the answer field comes back empty
    # The new question works.
    assert client.post(NEW, {**complaint_values(), **renewed}).status_code == 302


def test_a_challenge_is_answered_once(client):
    challenge = answered(client.get(NEW))
    assert client.post(NEW, {**complaint_values(), **challenge}).status_code == 302
    again = client.post(NEW, {**complaint_values(), **challenge})
    assert again.context["form"].has_error("answer", "used") and Complaint.objects.count() == 1


def test_an_expired_or_forged_challenge_is_refused(client, monkeypatch):
    fresh = answered(client.get(NEW))
    # A question issued 31 minutes ago.
    issued = int(time.time()) - 31 * 60
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(issued))
    old = answered(client.get(NEW))
    monkeypatch.undo()
    expired = client.post(NEW, {**complaint_values(), **old})
    assert expired.context["form"].has_error("answer", "expired")
    forged = {**fresh, "challenge": fresh["challenge"][:-2] + "xx"}
    assert client.post(NEW, {**complaint_values(), **forged}).context["form"].has_error("answer", "invalid")
    unsigned = {**fresh, "challenge": signing.dumps({"n": "abc", "d": "0"}, salt="another")}
    assert client.post(NEW, {**complaint_values(), **unsigned}).context["form"].has_error("answer", "invalid")
    missing = client.post(NEW, {**complaint_values(), "answer": "3"})
    assert "challenge" in missing.context["form"].errors
    assert not Complaint.objects.exists()


def test_a_filled_honeypot_is_refused(client):
    response = client.post(NEW, {**complaint_values(), **answered(client.get(NEW)), "homepage": "http://spam.example"})
    assert response.context["form"].has_error("__all__", "honeypot") and not Complaint.objects.exists()


def test_filing_is_rate_limited_per_address(client):
    for _ in range(public.FILINGS.count):
        assert file_complaint(client).status_code == 302
    limited = file_complaint(client)
    assert limited.status_code == 429 and limited.context["form"].has_error("__all__", "rate_limited")
    assert Complaint.objects.count() == public.FILINGS.count
    # Another address is not affected.
    response = client.get(NEW, REMOTE_ADDR="10.0.0.9")
    data = {**complaint_values(), **answered(response)}
    assert client.post(NEW, data, REMOTE_ADDR="10.0.0.9").status_code == 302


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("evil.svg", b"<svg/>", content_type="image/svg+xml"), "type"),
        (SimpleUploadedFile("doc.pdf", b"%PDF-1.4", content_type="application/pdf"), "type"),
        (SimpleUploadedFile("huge.jpg", b"x" * 2048, content_type="image/jpeg"), "size"),
        (SimpleUploadedFile("page.jpg", b"<html><script>alert(1)</script>", content_type="image/jpeg"), "content"),
        (SimpleUploadedFile("phone.heic", b"not a heic file at all", content_type="image/heic"), "content"),
    ],
)
def test_photos_are_checked_for_type_and_size(client, settings, upload, code):
    settings.UPLOAD_MAX_BYTES = 1024
    response = file_complaint(client, photos=[upload])
    assert response.status_code == 200 and "photos" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_at_most_six_photos(client):
    response = file_complaint(client, photos=[photo(f"{n}.png") for n in range(7)])
    assert response.context["form"].has_error("photos", "too_many") and not Complaint.objects.exists()


# Following a complaint by its number


def test_the_tracking_page_shows_public_fields_only(client, actors, enterprise, reference_data):
    complaint = filed(contact_name="李四秘密", contact_phone="13912345678")
    complaint = services.complaint_accept(
        actor=actors[Role.SUPERVISOR], complaint=complaint, enterprise=enterprise, assigned_to=actors[Role.INSPECTOR]
    )
    url = reverse("complaints:track_status", args=[complaint.tracking_number])
    open_page = client.get(url).content.decode()
    assert 'data-value="in_progress"' in open_page and 'data-testid="status-reply"' not in open_page
    services.complaint_resolve(
        actor=actors[Role.INSPECTOR],
        complaint=complaint,
        outcome=Outcome.MEDIATED,
        reply="经查属实，已责令整改",
        note="内部备注不公开",
    )
    page = client.get(url)
    content = page.content.decode()
    assert 'data-value="resolved"' in content and 'data-value="mediated"' in content
    assert "经查属实，已责令整改" in content and "电热水壶" in content
    for secret in (
        "李四秘密",
        "13912345678",
        "内部备注不公开",
        enterprise.name,
        enterprise.credit_code,
        actors[Role.INSPECTOR].get_full_name(),
        "使用一周后底座漏电",
    ):
        assert secret not in content


def test_an_unknown_number_is_a_404_and_numbers_are_normalised(client):
    complaint = filed()
    assert client.get(reverse("complaints:track_status", args=["TS20260101ABCDEFGHJK"])).status_code == 404
    assert client.get(reverse("complaints:track_status", args=["不存在"])).status_code == 404
    typed = complaint.tracking_number.lower()[:6] + " " + complaint.tracking_number.lower()[6:]
    response = client.get(TRACK, {"number": typed})
    assert response["Location"] == reverse("complaints:track_status", args=[complaint.tracking_number])
    lower = reverse("complaints:track_status", args=[complaint.tracking_number.lower()])
    assert client.get(lower).status_code == 200


def test_lookups_are_rate_limited_whether_the_number_exists_or_not(client):
    complaint = filed()
    for n in range(public.LOOKUPS.count):
        client.get(reverse("complaints:track_status", args=[f"TS2026UNKNOWN{n}"]))
    limited = client.get(reverse("complaints:track_status", args=[complaint.tracking_number]))
    assert limited.status_code == 429 and limited.context["limited"]
    content = limited.content.decode()
    assert 'data-testid="rate-limited"' in content and 'data-testid="track-status"' not in content
    assert complaint.product_name not in content


# Staff


def accept_and_resolve(client, actors, complaint, enterprise, *, outcome=Outcome.SUBSTANTIATED, **resolve):
    supervisor = signed_in(client, actors[Role.SUPERVISOR])
    response = supervisor.post(
        complaint.get_absolute_url(),
        {"action": "accept", "credit_code": enterprise.credit_code, "assigned_to": actors[Role.INSPECTOR].pk},
    )
    assert response.status_code == 302, response.context["link_form"].errors
    inspector = signed_in(client, actors[Role.INSPECTOR])
    response = inspector.post(
        complaint.get_absolute_url(),
        {"action": "resolve", "resolve-outcome": outcome, "resolve-reply": "经查属实，已责令整改", **resolve},
    )
    assert response.status_code == 302, response.context["resolve_form"].errors
    complaint.refresh_from_db()
    return complaint


def test_staff_triage_and_the_handler_resolves_to_a_credit_effect(
    client, actors, enterprise, reference_data, django_capture_on_commit_callbacks
):
    complaint = filed(kind=ComplaintKind.TIP, enterprise_name=enterprise.name[:4])
    supervisor = signed_in(client, actors[Role.SUPERVISOR])
    page = supervisor.get(complaint.get_absolute_url())
    assert page.status_code == 200
    assert enterprise in page.context["link_form"].fields["enterprise"].queryset  # matched by the reported name
    assert 'data-testid="accept-submit"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the grade follows the resolution's commit
        complaint = accept_and_resolve(client, actors, complaint, enterprise)
    assert complaint.status == ComplaintStatus.RESOLVED and complaint.enterprise == enterprise
    assert complaint.assigned_to == actors[Role.INSPECTOR] and complaint.closed_by == actors[Role.INSPECTOR]
    grade = CreditGrade.objects.get(enterprise=enterprise)
    assert grade.indicator_values["complaint_substantiated"] == 1
    # The enterprise's file shows it to staff: the card and the timeline.
    file_page = signed_in(client, actors[Role.SUPERVISOR]).get(enterprise.get_absolute_url())
    section = next(ctx for name, ctx in file_page.context["sections"] if name == "complaints/file_section.html")
    assert (section["records"].total, section["records"].substantiated) == (1, 1)
    assert any(complaint.tracking_number in event.title for event in file_page.context["timeline"])
    # The change history on the complaint's page.
    detail = signed_in(client, actors[Role.SUPERVISOR]).get(complaint.get_absolute_url())
    fields = {row[0] for change in detail.context["changes"] for row in change.changes}
    assert {"状态", "结果"} <= fields or {"status", "outcome"} <= fields
    assert 'data-testid="complaint-history"' in detail.content.decode()


def test_the_enterprise_and_others_do_not_see_complaints_in_the_file(client, actors, enterprise, reference_data):
    complaint = filed()
    services.complaint_accept(actor=actors[Role.SUPERVISOR], complaint=complaint, enterprise=enterprise)
    own = signed_in(client, actors[Role.ENTERPRISE]).get(enterprise.get_absolute_url())
    assert "complaints/file_section.html" not in [name for name, _ctx in own.context["sections"]]
    assert complaint.tracking_number not in own.content.decode()


def test_the_file_page_with_complaints_stays_bounded(client, actors, enterprise, django_assert_max_num_queries):
    for n in range(8):
        complaint = filed(product_name=f"产品{n}")
        services.complaint_accept(actor=actors[Role.SUPERVISOR], complaint=complaint, enterprise=enterprise)
    client = signed_in(client, actors[Role.SUPERVISOR])
    # + 2 for the standards section of the file
    with django_assert_max_num_queries(32 + 2):
        response = client.get(enterprise.get_absolute_url())
    section = next(ctx for name, ctx in response.context["sections"] if name == "complaints/file_section.html")
    assert (section["records"].total, section["records"].open, len(section["records"].latest)) == (8, 8, 5)


def test_the_link_form_checks_the_credit_code_and_the_product(client, actors, enterprise, other_enterprise):
    complaint = filed()
    mine, theirs = ProductFactory(enterprise=enterprise), ProductFactory(enterprise=other_enterprise)
    client = signed_in(client, actors[Role.SUPERVISOR])
    unknown = client.post(complaint.get_absolute_url(), {"action": "accept", "credit_code": "91430600MA4L000000"})
    assert "credit_code" in unknown.context["link_form"].errors
    looked_up = client.get(complaint.get_absolute_url(), {"credit_code": enterprise.credit_code})
    assert list(looked_up.context["link_form"].fields["product"].queryset) == [mine]
    wrong = client.post(
        complaint.get_absolute_url(), {"action": "accept", "credit_code": enterprise.credit_code, "product": theirs.pk}
    )
    assert "product" in wrong.context["link_form"].errors
    right = client.post(
        complaint.get_absolute_url(), {"action": "accept", "credit_code": enterprise.credit_code, "product": mine.pk}
    )
    assert right.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.enterprise, complaint.product) == (enterprise, mine)
    assert complaint.status == ComplaintStatus.IN_PROGRESS
    # Being handled: the same form changes the links.
    moved = client.post(complaint.get_absolute_url(), {"action": "update", "enterprise": enterprise.pk})
    assert moved.status_code == 302
    complaint.refresh_from_db()
    assert complaint.product is None


def test_staff_reject_with_a_reply_shown_on_the_tracking_page(client, actors):
    complaint = filed()
    staff = signed_in(client, actors[Role.SUPERVISOR])
    empty = staff.post(complaint.get_absolute_url(), {"action": "reject", "reject-reply": ""})
    assert "reply" in empty.context["reject_form"].errors
    no_ground = staff.post(complaint.get_absolute_url(), {"action": "reject", "reject-reply": "消费纠纷"})
    assert "reason" in no_ground.context["reject_form"].errors  # a complaint is refused on an Order 20 ground only
    staff.post(
        complaint.get_absolute_url(),
        {"action": "reject", "reject-reply": "不属于本局职责，请向消协反映", "reject-reason": "not_our_remit"},
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.REJECTED
    client.logout()
    page = client.get(reverse("complaints:track_status", args=[complaint.tracking_number]))
    assert "不属于本局职责，请向消协反映" in page.content.decode()


def test_inspectors_see_only_their_complaints(client, actors, enterprise):
    mine, theirs = filed(product_name="我的"), filed(product_name="别人的")
    other_inspector = UserFactory(role=Role.INSPECTOR)
    services.complaint_accept(actor=actors[Role.SUPERVISOR], complaint=mine, assigned_to=actors[Role.INSPECTOR])
    services.complaint_accept(actor=actors[Role.SUPERVISOR], complaint=theirs, assigned_to=other_inspector)
    theirs_photo = services.complaint_file(values=complaint_values(), photos=[photo()])
    client = signed_in(client, actors[Role.INSPECTOR])
    listed = client.get(reverse("complaints:list"))
    assert [complaint.pk for complaint in listed.context["page"]] == [mine.pk]
    assert client.get(theirs.get_absolute_url()).status_code == 404
    stored = theirs_photo.photos.get()
    assert client.get(reverse("complaints:photo", args=[theirs_photo.pk, stored.pk])).status_code == 404
    page = client.get(mine.get_absolute_url())
    assert page.context["can"] == {
        "accept": False,
        "reject": False,
        "update": False,
        "resolve": True,
        "reward": False,
        "extend": False,
        "notify": False,
    }
    # Triage is for staff.
    assert client.post(theirs.get_absolute_url(), {"action": "accept"}).status_code == 404
    assert client.post(mine.get_absolute_url(), {"action": "update"}).status_code == 403


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.EXPERT, Role.LAB_TECHNICIAN, Role.ADMIN])
def test_other_roles_are_refused_the_staff_pages(client, actors, role):
    complaint = services.complaint_file(values=complaint_values(), photos=[photo()])
    client = signed_in(client, actors[role])
    urls = [
        reverse("complaints:list"),
        complaint.get_absolute_url(),
        reverse("complaints:photo", args=[complaint.pk, complaint.photos.get().pk]),
        reverse("complaints:nominations"),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_anonymous_users_are_sent_to_log_in(client):
    complaint = filed()
    for url in (reverse("complaints:list"), complaint.get_absolute_url(), reverse("complaints:nominations")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_see_the_photos_through_the_access_check(client, actors):
    complaint = services.complaint_file(values=complaint_values(), photos=[photo("receipt.png")])
    stored = complaint.photos.get()
    client = signed_in(client, actors[Role.SUPERVISOR])
    page = client.get(complaint.get_absolute_url())
    url = reverse("complaints:photo", args=[complaint.pk, stored.pk])
    assert url in page.content.decode() and stored.file.url not in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_only_a_leader_records_a_tips_reward(client, actors, enterprise, reference_data):
    tip = filed(kind=ComplaintKind.TIP)  # named and reachable
    tip = accept_and_resolve(
        client, actors, tip, enterprise, **{"resolve-led_to_case": "on", "resolve-major_violation": "on"}
    )
    assert tip.led_to_case and tip.major_violation
    supervisor = signed_in(client, actors[Role.SUPERVISOR])
    assert not supervisor.get(tip.get_absolute_url()).context["can"]["reward"]
    refused = supervisor.post(tip.get_absolute_url(), {"action": "reward", "reward-amount": "500", "reward-note": "x"})
    assert refused.status_code == 403
    leader = signed_in(client, actors[Role.LEADER])
    page = leader.get(tip.get_absolute_url())
    assert 'data-testid="reward-form"' in page.content.decode()
    missing = leader.post(tip.get_absolute_url(), {"action": "reward", "reward-amount": "500", "reward-note": ""})
    assert "note" in missing.context["reward_form"].errors
    done = leader.post(
        tip.get_absolute_url(), {"action": "reward", "reward-amount": "500", "reward-note": "岳市监奖〔2026〕3号"}
    )
    assert done.status_code == 302
    tip.refresh_from_db()
    assert tip.reward_amount == 500 and tip.reward_recorded_by == actors[Role.LEADER]
    assert not leader.get(tip.get_absolute_url()).context["can"]["reward"]  # once


def test_the_list_filters(client, actors, enterprise):
    district = DistrictFactory()
    first = filed(product_name="电热水壶", district=district)
    second = filed(product_name="儿童玩具", kind=ComplaintKind.TIP)
    services.complaint_accept(actor=actors[Role.SUPERVISOR], complaint=second, enterprise=enterprise)
    client = signed_in(client, actors[Role.SUPERVISOR])

    def numbers(**params):
        return [complaint.pk for complaint in client.get(reverse("complaints:list"), params).context["page"]]

    assert numbers() == [second.pk, first.pk]
    assert numbers(status=ComplaintStatus.IN_PROGRESS) == [second.pk]
    assert numbers(kind=ComplaintKind.COMPLAINT) == [first.pk]
    assert numbers(district=district.pk) == [first.pk]
    assert numbers(q=first.tracking_number.lower()) == [first.pk]
    assert numbers(q="玩具") == [second.pk]
    assert numbers(q=enterprise.name) == [second.pk]
    assert numbers(enterprise=enterprise.pk) == [second.pk]
    today = timezone.localdate(first.received_at).isoformat()
    assert numbers(received_from=today, received_to=today) == [second.pk, first.pk]
    assert numbers(received_from="2000-01-01", received_to="2000-01-02") == []
    assert numbers(received_from="not a date") == [second.pk, first.pk]  # an invalid filter is ignored


def test_the_list_runs_a_bounded_number_of_queries(client, actors, enterprise, django_assert_max_num_queries):
    client = signed_in(client, actors[Role.SUPERVISOR])
    for n in range(25):
        complaint = services.complaint_file(values=complaint_values(product_name=f"产品{n}"), photos=[photo()])
        if n % 2:
            services.complaint_accept(
                actor=actors[Role.SUPERVISOR],
                complaint=complaint,
                enterprise=EnterpriseFactory(),
                assigned_to=actors[Role.INSPECTOR],
            )
    with django_assert_max_num_queries(9):  # with the overdue records above the list
        response = client.get(reverse("complaints:list"))
    assert len(response.context["page"]) == 25
    detail = Complaint.objects.filter(enterprise__isnull=False).first()
    with django_assert_max_num_queries(16):
        assert client.get(detail.get_absolute_url()).status_code == 200


# Nominations (你点我检)


def nominate(client, product_name: str):
    data = {**answered(client.get(NOMINATE)), "product_name": product_name, "reason": "担心质量"}
    return client.post(NOMINATE, data)


def test_the_public_nominates_products_and_sees_the_most_nominated(client):
    for name in ("儿童玩具", "儿童玩具", "电动自行车头盔"):
        response = nominate(client, name)
        assert response.status_code == 302 and response["Location"] == NOMINATE
    page = client.get(NOMINATE)
    assert [(row["product_name"], row["nominations"]) for row in page.context["top"]] == [
        ("儿童玩具", 2),
        ("电动自行车头盔", 1),
    ]
    assert 'data-testid="top-nomination"' in page.content.decode()
    wrong = client.post(NOMINATE, {**answered(client.get(NOMINATE)), "answer": "99", "product_name": "x"})
    assert wrong.context["form"].has_error("answer", "wrong") and Nomination.objects.count() == 3


def test_nominations_are_rate_limited(client):
    for n in range(public.NOMINATIONS.count):
        assert nominate(client, f"产品{n}").status_code == 302
    assert nominate(client, "再来一个").status_code == 429
    assert Nomination.objects.count() == public.NOMINATIONS.count


def test_the_top_list_runs_one_query(client, django_assert_max_num_queries):
    for n in range(30):
        Nomination.objects.create(product_name=f"产品{n % 25}")
    with django_assert_max_num_queries(3):
        page = client.get(NOMINATE)
    assert len(page.context["top"]) == 20


def test_staff_take_nominations_into_a_draft_campaign(client, actors):
    for name in ("儿童玩具", "儿童玩具", "电动自行车头盔"):
        services.nomination_submit(values={"product_name": name})
    draft = CampaignFactory(product_categories="电热水壶")
    approved = CampaignFactory(status=CampaignStatus.APPROVED)
    client = signed_in(client, actors[Role.SUPERVISOR])
    page = client.get(reverse("complaints:nominations"))
    assert [row["product_name"] for row in page.context["products"]] == ["儿童玩具", "电动自行车头盔"]
    assert list(page.context["form"].fields["campaign"].queryset) == [draft]
    refused = client.post(reverse("complaints:nominations"), {"campaign": approved.pk, "product_names": ["儿童玩具"]})
    assert "campaign" in refused.context["form"].errors
    nothing = client.post(reverse("complaints:nominations"), {"campaign": draft.pk})
    assert "product_names" in nothing.context["form"].errors
    done = client.post(reverse("complaints:nominations"), {"campaign": draft.pk, "product_names": ["儿童玩具"]})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.categories() == ["电热水壶", "儿童玩具"]
    assert Nomination.objects.filter(status=NominationStatus.ADOPTED, campaign=draft).count() == 2
    assert [row["product_name"] for row in client.get(NOMINATE).context["top"]] == ["电动自行车头盔"]


def test_inspectors_do_not_see_the_nominations(client, actors):
    assert signed_in(client, actors[Role.INSPECTOR]).get(reverse("complaints:nominations")).status_code == 403
