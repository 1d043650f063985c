"""The public brand pages (no login): current honours, published notices and the signed-objection form; and the
honour certificate PDF, checked in the PDF bytes themselves (embedded CJK font, extracted text)."""

import datetime
import re
import zlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from brands import services
from brands.choices import ApplicationStatus, HonourStatus, ProgrammeKind
from brands.models import Honour, Objection
from core.documents import chinese_date
from inspections.choices import Verdict
from tests.brands_flow import Call
from tests.clients import signed_in
from tests.factories import ProductFactory, UserFactory, enterprise_user, final_task

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# Seven working days never span thirty calendar days, whatever the holidays: a notice this old is closed.
LONG_AGO = TODAY - datetime.timedelta(days=30)


def _propose(call: Call, application, *, propose: bool = True):
    application = call.through_scored_stages(application)
    services.committee_decide(
        actor=call.leader, application=application, propose=propose, note="" if propose else "名额已满"
    )
    application.refresh_from_db()
    return application


def _notice_call(*, published_on=TODAY, year=TODAY.year) -> dict:
    """A quality-award call in public notice: two proposed winners, and one applicant each that was ineligible,
    not selected by the committee, and withdrew — whose names must never appear in public."""
    call = Call(award_count=2, reviewers=3, year=year, title=f"{year}年度岳阳市政府质量奖")
    winner, winner_user = call.applicant(name="岳阳拟授奖甲有限公司")
    runner_up, runner_up_user = call.applicant(name="岳阳拟授奖乙有限公司")
    failed, failed_user = call.applicant(name="岳阳不合格丙有限公司")
    final_task(failed, Verdict.NONCONFORMING, days_ago=100)
    rejected, rejected_user = call.applicant(name="岳阳未入选丁有限公司")
    quitter, quitter_user = call.applicant(name="岳阳已撤回戊有限公司")

    applications = {
        "winner": call.apply(winner_user),
        "runner_up": call.apply(runner_up_user),
        "ineligible": call.apply(failed_user),
        "rejected": call.apply(rejected_user),
        "withdrawn": call.apply(quitter_user),
    }
    assert applications["ineligible"].status == ApplicationStatus.INELIGIBLE
    applications["withdrawn"] = services.application_withdraw(
        actor=quitter_user, application=applications["withdrawn"], reason="不再参评"
    )
    call.start_review()
    applications["winner"] = _propose(call, applications["winner"])
    applications["runner_up"] = _propose(call, applications["runner_up"])
    applications["rejected"] = _propose(call, applications["rejected"], propose=False)
    notice = services.notice_publish(
        actor=call.supervisor,
        programme=call.programme,
        text="拟授予名单公示，公示期内可实名提出异议。",
        today=published_on,
    )
    return {"call": call, "notice": notice, "users": {"winner": winner_user}, **applications}


@pytest.fixture
def open_notice(reference_data):
    return _notice_call()


@pytest.fixture
def closed_notice(reference_data):
    return _notice_call(published_on=LONG_AGO)


def _honour(kind=ProgrammeKind.QUALITY_AWARD, *, name: str, product_name: str | None = None, year=TODAY.year):
    """One applicant honoured in a call of `kind` (noticed long ago, awarded today); returns (honour, its user)."""
    call = Call(kind=kind, award_count=1, reviewers=3, year=year, title=f"{year}年度{ProgrammeKind(kind).label}")
    enterprise, user = call.applicant(name=name)
    product = ProductFactory(enterprise=enterprise, name=product_name) if product_name else None
    application = call.apply(user, product=product)
    call.start_review()
    _propose(call, application)
    services.notice_publish(actor=call.supervisor, programme=call.programme, text="公示", today=LONG_AGO)
    [honour] = call.award()
    return honour, user


# The pages answer anyone.


def test_the_public_pages_need_no_login(client, open_notice):
    for url in (
        reverse("portal:honours"),
        reverse("brands_public:notices"),
        reverse("brands_public:notice", args=[open_notice["notice"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert b'href="/public/honours/"' in response.content  # the footer links to both lists
    assert b'href="/public/notices/"' in response.content


def test_the_notice_list_shows_published_notices_newest_first_and_whether_open(client, reference_data):
    old = _notice_call(published_on=LONG_AGO, year=TODAY.year - 1)["notice"]
    new = _notice_call()["notice"]
    response = client.get(reverse("brands_public:notices"))
    assert [notice.pk for notice in response.context["page"]] == [new.pk, old.pk]
    html = response.content.decode()
    assert re.search(rf'data-notice="{new.pk}".*?data-open="true"', html, re.S)
    assert re.search(rf'data-notice="{old.pk}".*?data-open="false"', html, re.S)


def test_a_notice_shows_its_period_and_only_the_proposed_winners(client, open_notice):
    notice = open_notice["notice"]
    response = client.get(reverse("brands_public:notice", args=[notice.pk]))
    html = response.content.decode()
    assert response.context["is_open"] is True
    assert notice.published_on.isoformat() in html and notice.ends_on.isoformat() in html
    assert notice.text in html
    assert {application.pk for application in response.context["winners"]} == {
        open_notice["winner"].pk,
        open_notice["runner_up"].pk,
    }
    assert "岳阳拟授奖甲有限公司" in html and "岳阳拟授奖乙有限公司" in html
    # Not in the table, nor among the objection form's choices.
    for name in ("岳阳不合格丙有限公司", "岳阳未入选丁有限公司", "岳阳已撤回戊有限公司"):
        assert name not in html
    assert 'data-testid="objection-form"' in html


def test_an_upheld_objection_takes_the_winner_off_the_notice(client, open_notice):
    notice, runner_up = open_notice["notice"], open_notice["runner_up"]
    objection = services.objection_file(
        actor=None,
        notice=notice,
        application=runner_up,
        values={"name": "王五", "phone": "13800000000", "text": "不实"},
    )
    services.objection_resolve(actor=open_notice["call"].supervisor, objection=objection, upheld=True, note="属实")
    html = client.get(reverse("brands_public:notice", args=[notice.pk])).content.decode()
    assert "岳阳拟授奖乙有限公司" not in html and "岳阳拟授奖甲有限公司" in html


def test_after_the_award_the_notice_lists_the_winners_as_awarded(client, closed_notice):
    closed_notice["call"].award()
    response = client.get(reverse("brands_public:notice", args=[closed_notice["notice"].pk]))
    assert {application.status for application in response.context["winners"]} == {ApplicationStatus.AWARDED}
    assert len(response.context["winners"]) == 2
    assert response.context["form"] is None


def test_a_missing_or_not_yet_published_notice_is_404(client, reference_data):
    assert client.get(reverse("brands_public:notice", args=[987654])).status_code == 404
    ahead = _notice_call(published_on=TODAY + datetime.timedelta(days=3))["notice"]
    assert client.get(reverse("brands_public:notice", args=[ahead.pk])).status_code == 404
    assert client.get(reverse("brands_public:objection_filed", args=[ahead.pk])).status_code == 404
    assert ahead.pk not in [notice.pk for notice in client.get(reverse("brands_public:notices")).context["page"]]


# The signed objection.


def _objection(application, **overrides) -> dict:
    return {
        "application": application.pk,
        "name": "李四",
        "phone": "0730-8888888",
        "organisation": "岳阳市消费者协会",
        "text": "该企业去年有产品抽检不合格。",
        **overrides,
    }


def test_anyone_files_a_signed_objection_and_is_told_staff_will_look_into_it(client, open_notice):
    notice, winner = open_notice["notice"], open_notice["winner"]
    url = reverse("brands_public:notice", args=[notice.pk])
    response = client.post(url, _objection(winner))
    assert response.status_code == 302
    assert response["Location"] == reverse("brands_public:objection_filed", args=[notice.pk])
    objection = Objection.objects.get()
    assert (objection.application, objection.name, objection.phone, objection.filed_by) == (
        winner,
        "李四",
        "0730-8888888",
        None,
    )
    assert objection.organisation == "岳阳市消费者协会"
    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200 and b'data-testid="objection-filed"' in confirmation.content


def test_a_signed_in_user_is_recorded_on_the_objection(client, open_notice, actors):
    user = actors[Role.INSPECTOR]
    url = reverse("brands_public:notice", args=[open_notice["notice"].pk])
    assert signed_in(client, user).post(url, _objection(open_notice["winner"])).status_code == 302
    assert Objection.objects.get().filed_by == user


def test_name_and_phone_are_required(client, open_notice):
    url = reverse("brands_public:notice", args=[open_notice["notice"].pk])
    response = client.post(url, _objection(open_notice["winner"], name="", phone=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "phone"}
    response = client.post(url, _objection(open_notice["winner"], phone="12"))
    assert set(response.context["form"].errors) == {"phone"}  # the service's own check, on its field
    assert not Objection.objects.exists()


@pytest.mark.parametrize("which", ["ineligible", "rejected", "withdrawn"])
def test_only_a_proposed_winner_can_be_objected_to(client, open_notice, which):
    url = reverse("brands_public:notice", args=[open_notice["notice"].pk])
    response = client.post(url, _objection(open_notice[which]))
    assert response.status_code == 200 and "application" in response.context["form"].errors
    assert not Objection.objects.exists()


def test_the_form_is_replaced_once_the_period_is_over(client, closed_notice):
    url = reverse("brands_public:notice", args=[closed_notice["notice"].pk])
    response = client.get(url)
    assert response.context["form"] is None and b'data-testid="objection-closed"' in response.content
    assert b'data-testid="objection-form"' not in response.content
    response = client.post(url, _objection(closed_notice["winner"]))
    assert response.status_code == 409 and b'data-testid="objection-closed"' in response.content
    assert not Objection.objects.exists()


def test_objections_are_limited_per_address(client, open_notice):
    url = reverse("brands_public:notice", args=[open_notice["notice"].pk])
    for n in range(5):
        response = client.post(url, _objection(open_notice["winner"], text=f"异议{n}"), REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 302
    response = client.post(url, _objection(open_notice["winner"]), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429 and b'data-testid="objection-rate-limited"' in response.content
    assert response.context["form"].non_field_errors()
    assert Objection.objects.count() == 5
    response = client.post(url, _objection(open_notice["winner"]), REMOTE_ADDR="203.0.113.8")
    assert response.status_code == 302 and Objection.objects.count() == 6


def test_the_objection_form_is_csrf_protected(open_notice):
    client = Client(enforce_csrf_checks=True)
    url = reverse("brands_public:notice", args=[open_notice["notice"].pk])
    assert client.post(url, _objection(open_notice["winner"])).status_code == 403
    assert not Objection.objects.exists()


# Current honours.


@pytest.fixture
def honours(reference_data):
    current, _user = _honour(name="岳阳质量奖甲有限公司")
    brand, _user = _honour(ProgrammeKind.FAMOUS_BRAND, name="岳阳名牌乙有限公司", product_name="洞庭香米")
    revoked, _user = _honour(name="岳阳已撤销丙有限公司", year=TODAY.year - 1)
    expired, _user = _honour(name="岳阳已过期丁有限公司", year=TODAY.year - 2)
    Honour.objects.filter(pk=revoked.pk).update(status=HonourStatus.REVOKED, revoked_on=TODAY)
    Honour.objects.filter(pk=expired.pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    return {"current": current, "brand": brand, "revoked": revoked, "expired": expired}


def _listed(client, **params) -> set[int]:
    response = client.get(reverse("portal:honours"), params)
    assert response.status_code == 200
    return {honour.pk for honour in response.context["page"]}


def test_the_honour_list_shows_only_current_honours(client, honours):
    assert _listed(client) == {honours["current"].pk, honours["brand"].pk}
    html = client.get(reverse("portal:honours")).content.decode()
    assert honours["current"].certificate_number in html and "洞庭香米" in html
    assert "岳阳已撤销丙有限公司" not in html and "岳阳已过期丁有限公司" not in html
    assert _listed(client, q="已撤销") == set()
    assert _listed(client, q=honours["revoked"].certificate_number) == set()


def test_the_honour_list_searches_and_filters(client, honours):
    current, brand = honours["current"], honours["brand"]
    assert _listed(client, q="质量奖甲") == {current.pk}
    assert _listed(client, q="香米") == {brand.pk}
    assert _listed(client, q=brand.certificate_number) == {brand.pk}
    assert _listed(client, programme_kind=ProgrammeKind.FAMOUS_BRAND) == {brand.pk}
    assert _listed(client, programme_kind=ProgrammeKind.QUALITY_AWARD) == {current.pk}
    assert _listed(client, year=str(TODAY.year)) == {current.pk, brand.pk}
    assert _listed(client, year=str(TODAY.year - 1)) == set()
    assert _listed(client, programme_kind="nonsense", year="x") == {current.pk, brand.pk}  # unknown filters are ignored
    assert _listed(client, kind=ProgrammeKind.FAMOUS_BRAND) == {brand.pk}  # the page's earlier name still works


def test_the_public_lists_read_a_bounded_number_of_queries(
    client, honours, reference_data, django_assert_max_num_queries
):
    _notice_call(year=TODAY.year - 3)
    with django_assert_max_num_queries(5):
        client.get(reverse("portal:honours"))
    with django_assert_max_num_queries(4):
        client.get(reverse("brands_public:notices"))


# The certificate PDF.


def _streams(pdf: bytes) -> dict[int, bytes]:
    """Every stream object's data, inflated when it is compressed, by object number."""
    streams = {}
    for match in re.finditer(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n", pdf, re.S):
        length = re.search(rb"/Length (\d+)(?! \d+ R)", match.group(2))
        if not length:
            continue
        data = pdf[match.end() : match.end() + int(length.group(1))]
        if b"/FlateDecode" in match.group(2):
            data = zlib.decompress(data)
        streams[int(match.group(1))] = data
        # Object streams hold the small objects (fonts, pages): unpack them too.
        if b"/ObjStm" in match.group(2):
            first = int(re.search(rb"/First (\d+)", match.group(2)).group(1))
            header = [int(n) for n in data[:first].split()]
            pairs = list(zip(header[::2], header[1::2], strict=True))
            for index, (number, offset) in enumerate(pairs):
                end = first + pairs[index + 1][1] if index + 1 < len(pairs) else len(data)
                streams.setdefault(number, data[first + offset : end])
    return streams


def _cmap(data: bytes) -> dict[int, str]:
    """A ToUnicode CMap: glyph code to text."""
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for source, target in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(source, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, target in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start = int(target, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def pdf_fonts(pdf: bytes) -> set[str]:
    objects = b"\n".join([pdf, *_streams(pdf).values()])
    return {name.decode() for name in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", objects)}


def pdf_text(pdf: bytes) -> str:
    """The text drawn on the pages, decoded through each font's ToUnicode map (WeasyPrint writes two-byte glyph
    codes in hex strings, one Tf per font change)."""
    objects = _streams(pdf)
    cmaps = {}
    for number, body in objects.items():
        found = re.search(rb"/ToUnicode (\d+) 0 R", body)
        if found and int(found.group(1)) in objects:
            cmaps[number] = _cmap(objects[int(found.group(1))])
    names = {}  # a page's resource name for each font
    for body in objects.values():
        for name, number in re.findall(rb"/([^\s/<>\[\]()]+) (\d+) 0 R", body):
            if int(number) in cmaps:
                names[name] = cmaps[int(number)]
    contents = [int(n) for body in objects.values() for n in re.findall(rb"/Contents (\d+) 0 R", body)]
    lines, font = [], {}
    for number in contents:
        line = ""
        for token in re.finditer(
            rb"/([^\s/<>\[\]()]+) [\d.]+ Tf|<([0-9a-fA-F]*)>|\b(Tm|Td|TD|T\*|ET)\b", objects[number]
        ):
            if token.group(1):
                font = names.get(token.group(1), {})
            elif token.group(3):
                lines.append(line)
                line = ""
            else:
                codes = token.group(2)
                line += "".join(font.get(int(codes[i : i + 4], 16), "�") for i in range(0, len(codes), 4))
        lines.append(line)
    return "\n".join(line for line in lines if line)


def _certificate(client, honour):
    return client.get(reverse("brands_public:certificate", args=[honour.pk]))


def test_the_holder_gets_its_certificate_in_chinese(client, reference_data):
    honour, user = _honour(name="岳阳证书甲有限公司")
    response = _certificate(signed_in(client, user), honour)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    fonts = pdf_fonts(pdf)
    assert any(re.fullmatch(r"[A-Z]{6}\+WenQuanYi.*", name) for name in fonts), fonts
    text = pdf_text(pdf).replace("\n", "")
    assert "荣誉证书" in text
    assert "岳阳证书甲有限公司" in text and honour.certificate_number in text
    assert chinese_date(honour.awarded_on) in text and chinese_date(honour.valid_until) in text
    assert "已撤销" not in text


def test_staff_get_any_certificate_and_a_revoked_one_is_marked(client, reference_data):
    honour, _user = _honour(ProgrammeKind.FAMOUS_BRAND, name="岳阳证书乙有限公司", product_name="君山银针")
    Honour.objects.filter(pk=honour.pk).update(status=HonourStatus.REVOKED, revoked_on=TODAY)
    response = _certificate(signed_in(client, UserFactory(role=Role.SUPERVISOR)), honour)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content).replace("\n", "")
    assert "君山银针" in text and "已撤销" in text and chinese_date(TODAY) in text


def test_anyone_else_gets_404_and_anonymous_logs_in(client, reference_data, other_enterprise):
    honour, _user = _honour(name="岳阳证书丙有限公司")
    url = reverse("brands_public:certificate", args=[honour.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in (
        enterprise_user(other_enterprise),
        UserFactory(role=Role.EXPERT),
        UserFactory(role=Role.INSPECTOR),
    ):
        assert _certificate(signed_in(Client(), user), honour).status_code == 404
    assert client.get(reverse("brands_public:certificate", args=[987654])).status_code == 302


def test_chinese_dates():
    assert chinese_date(datetime.date(2026, 11, 22)) == "2026年11月22日"
    assert chinese_date(datetime.date(2027, 1, 5)) == "2027年1月5日"
