"""The public side in headless Chromium: an anonymous visitor on a phone searches the published results, downloads
them as CSV, files an anonymous tip with a photo and follows it by its tracking number; a supervisor finds
it, links it to the enterprise by its credit code, accepts and resolves it as substantiated, which lowers the
enterprise's credit score; the visitor then reads the outcome and the reply, and nothing the bureau keeps for
itself."""

import csv
import io
import re
import struct
import zlib

import pytest

from accounts.roles import Role
from complaints.choices import ComplaintStatus, Outcome
from complaints.models import Complaint
from credit.choices import GradeCause
from credit.models import CreditGrade
from credit.services import recalculate_enterprises
from enterprises.models import Enterprise
from inspections.choices import Verdict
from inspections.models import PublishedResult, Task
from inspections.services import publication, sampling, testing
from tests.factories import ProductFactory
from tests.spotcheck import SpotCheck, photo, sampling_values
from tests.test_browser_spot_check import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOWN, HIDDEN = "岳阳洞庭香米食品有限公司", "岳阳君山未公布食品有限公司"
SHOWN_PRODUCT, HIDDEN_PRODUCT = "洞庭香米", "君山银针米"
REPLY = "经抽样复核，投诉属实，已责令企业召回该批次产品并整改。"
NOTE = "内部备注：企业负责人已约谈，下月回访。"


def tiny_png(width: int = 8, height: int = 8) -> bytes:
    """A valid red PNG, made here so the test needs no file on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))  # filter byte, then RGB pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _sampled(spot: SpotCheck, task: Task, product_name: str) -> Task:
    product = ProductFactory(enterprise=task.enterprise, name=product_name, trademark="洞庭")
    sampling.sampling_file(
        actor=spot.inspector_of(task), task=task, values=sampling_values(product=product), photos=[photo()]
    )
    return Task.objects.get(pk=task.pk)


@pytest.fixture
def published(actors, reference_data):
    """A campaign with one published (nonconforming, accepted) result of SHOWN, and a final but never published
    result of HIDDEN; SHOWN graded from its record."""
    spot = SpotCheck(actors, enterprises=2, batches=2)
    shown, hidden = spot.pool
    for enterprise, name in ((shown, SHOWN), (hidden, HIDDEN)):
        Enterprise.objects.filter(pk=enterprise.pk).update(name=name)
        enterprise.refresh_from_db()
    spot.start()
    own = _sampled(spot, spot.task_at(shown), SHOWN_PRODUCT)
    testing.result_accept(actor=spot.enterprise_user, lab_test=spot.checked(own, cadmium="0.35"))
    spot.checked(_sampled(spot, spot.task_at(hidden), HIDDEN_PRODUCT), cadmium="0.1")
    publication.results_publish(actor=spot.supervisor, campaign=spot.campaign, task_ids=[own.pk])
    assert Task.objects.filter(enterprise=hidden, status="final").exists()
    recalculate_enterprises([shown.pk], cause=GradeCause.MANUAL)
    return {
        "shown": shown,
        "hidden": hidden,
        "result": PublishedResult.objects.get(task=own),
        "product": own.sampling.product,
        "campaign": spot.campaign,
    }


@pytest.fixture
def session(browser, live_server):
    session = Session(browser, live_server)
    yield session
    session.close()


@pytest.fixture
def visitor(browser):
    """An anonymous visitor on a phone: no login, its own cookies."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


def press(page, test_id: str) -> None:
    page.get_by_test_id(test_id).click()
    page.wait_for_load_state()


def result_ids(page) -> list[str]:
    return [row.get_attribute("data-result") for row in page.get_by_test_id("result-row").all()]


def answer_of(page) -> int:
    question = page.get_by_test_id("row-answer").get_attribute("data-question")
    first, second = re.fullmatch(r"(\d+) \+ (\d+)", question).groups()
    return int(first) + int(second)


def test_a_visitor_finds_a_result_files_a_complaint_and_follows_it_to_its_credit_effect(
    session, visitor, actors, published
):
    url = session.url
    shown, hidden, result = published["shown"], published["hidden"], published["result"]
    before = CreditGrade.objects.get(enterprise=shown)
    assert before.indicator_values.get("complaint_substantiated", 0) == 0

    # 1. The visitor searches the published results from the public home, by enterprise then by product.
    visitor.goto(f"{url}/public/")
    assert visitor.get_by_test_id("count-results").inner_text() == "1"
    search = visitor.get_by_test_id("home-search")
    search.locator("input[name=enterprise]").fill("洞庭香米食品")
    search.locator("button[type=submit]").click()
    visitor.wait_for_url(re.compile(r"/public/results/\?"))
    assert result_ids(visitor) == [str(result.pk)]
    row = visitor.get_by_test_id("result-row")
    assert SHOWN in row.inner_text() and SHOWN_PRODUCT in row.inner_text()
    filters = visitor.get_by_test_id("result-filters")
    filters.locator("input[name=enterprise]").fill("")
    filters.locator("input[name=product]").fill(SHOWN_PRODUCT)
    filters.locator("select[name=verdict]").select_option(Verdict.NONCONFORMING)
    filters.locator("button[type=submit]").click()
    visitor.wait_for_load_state()
    assert result_ids(visitor) == [str(result.pk)]
    visitor.screenshot(path="/tmp/public-results.png", full_page=True)

    # Nothing of the unpublished result, whatever is searched.
    for field, text in (("enterprise", HIDDEN), ("product", HIDDEN_PRODUCT), ("enterprise", hidden.credit_code)):
        visitor.goto(f"{url}/public/results/?{field}={text}")
        assert result_ids(visitor) == [], (field, text)
    visitor.goto(f"{url}/public/results/")
    assert result_ids(visitor) == [str(result.pk)]
    assert HIDDEN not in visitor.locator("main").inner_text()
    assert HIDDEN_PRODUCT not in visitor.locator("main").inner_text()

    # The enterprise's public page, from the result's link; the other enterprise has none.
    visitor.get_by_test_id("result-row").get_by_role("link", name=SHOWN).click()
    visitor.wait_for_url(f"**/public/enterprises/{shown.pk}/")
    assert visitor.get_by_test_id("enterprise-name").inner_text() == SHOWN
    assert result_ids(visitor) == [str(result.pk)]
    assert visitor.goto(f"{url}/public/enterprises/{hidden.pk}/").status == 404

    # The open data as CSV: a header row, then the published result with its Chinese name, and only that one.
    response = visitor.request.get(f"{url}/api/v1/public/results/?format=csv")
    assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
    text = response.body().decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    assert header[:3] == ["id", "published_at", "campaign"]
    assert {"enterprise_name", "credit_code", "product_name", "verdict", "reply"} <= set(header)
    assert len(rows) == 1
    record = dict(zip(header, rows[0], strict=True))
    assert (record["id"], record["enterprise_name"]) == (str(result.pk), SHOWN)
    assert record["credit_code"] == shown.credit_code
    assert (record["product_name"], record["verdict"]) == (SHOWN_PRODUCT, Verdict.NONCONFORMING)
    assert HIDDEN not in text and HIDDEN_PRODUCT not in text

    # 2. The visitor files an anonymous complaint with a photo; a wrong answer first files nothing.
    visitor.goto(f"{url}/public/complaints/new/")
    photo_file = {"name": "米袋.png", "mimeType": "image/png", "buffer": tiny_png()}

    def fill_complaint(answer: int) -> None:
        visitor.check("input[name=kind][value=tip]")  # anonymous: a tip (举报)
        visitor.fill("input[name=product_name]", SHOWN_PRODUCT)
        visitor.fill("input[name=brand]", "洞庭")
        visitor.fill("input[name=enterprise_name]", SHOWN)
        visitor.fill("input[name=place]", "岳阳楼区步行街某超市")
        visitor.select_option("select[name=district]", str(shown.district_id))
        visitor.fill("textarea[name=description]", "买回的香米有霉味，煮熟后发黄。")
        visitor.set_input_files("input[name=photos]", files=[photo_file])
        visitor.check("input[name=anonymous]")
        visitor.fill("input[name=answer]", str(answer))

    fill_complaint(answer_of(visitor) + 1)
    assert visitor.get_by_test_id("honeypot").input_value() == ""
    assert not visitor.get_by_test_id("honeypot").is_visible()
    visitor.screenshot(path="/tmp/public-complaint-form.png", full_page=True)
    press(visitor, "complaint-submit")
    assert visitor.url.endswith("/public/complaints/new/")
    assert visitor.get_by_test_id("error-answer").is_visible()
    assert visitor.locator("input[name=answer]").input_value() == ""  # a new question, to be answered again
    assert visitor.locator("input[name=product_name]").input_value() == SHOWN_PRODUCT  # the rest is kept
    assert not Complaint.objects.exists()
    visitor.screenshot(path="/tmp/public-complaint-error.png", full_page=True)

    fill_complaint(answer_of(visitor))  # the photo again: a file input comes back empty
    press(visitor, "complaint-submit")
    visitor.wait_for_url("**/public/complaints/received/")
    assert visitor.get_by_test_id("complaint-filed").is_visible()
    number = visitor.get_by_test_id("tracking-number").inner_text().strip()
    visitor.screenshot(path="/tmp/public-complaint-filed.png", full_page=True)
    complaint = Complaint.objects.get()
    assert number == complaint.tracking_number
    assert complaint.anonymous and complaint.contact_name == "" and complaint.contact_phone == ""
    assert (complaint.product_name, complaint.enterprise_name) == (SHOWN_PRODUCT, SHOWN)
    assert complaint.photos.count() == 1 and complaint.status == ComplaintStatus.RECEIVED
    assert visitor.get_by_test_id("follow-link").get_attribute("href").endswith(f"/public/complaints/track/{number}/")

    # 3. The visitor follows it by its number, typed as people do (lower case, with spaces).
    visitor.goto(f"{url}/public/complaints/track/")
    typed = " ".join(re.findall(".{1,4}", number.lower()))
    visitor.get_by_test_id("track-form").get_by_test_id("number").fill(typed)
    press(visitor, "track-submit")
    visitor.wait_for_url(f"**/public/complaints/track/{number}/")
    assert visitor.get_by_test_id("status-number").inner_text() == number
    assert visitor.get_by_test_id("status-value").get_attribute("data-value") == ComplaintStatus.RECEIVED
    assert visitor.get_by_test_id("status-outcome").count() == 0 and visitor.get_by_test_id("status-reply").count() == 0

    # 4. A supervisor finds it by its number, links the enterprise by its credit code, and accepts it.
    supervisor = actors[Role.SUPERVISOR]
    staff = session.page("supervisor")
    staff.goto(f"{url}/complaints/")
    staff.get_by_test_id("complaint-filters").locator("input[name=q]").fill(number)
    press(staff, "filter-submit")
    rows = staff.get_by_test_id("complaint-row")
    assert rows.count() == 1 and rows.get_attribute("data-status") == ComplaintStatus.RECEIVED
    rows.get_by_role("link", name=number).click()
    staff.wait_for_url(f"**/complaints/{complaint.pk}/")
    assert staff.get_by_test_id("complaint-number").inner_text() == number
    assert staff.get_by_test_id("complaint-photo").count() == 1
    image = staff.request.get(url + staff.get_by_test_id("complaint-photo").get_attribute("href"))
    assert image.status == 200 and image.body() == photo_file["buffer"]
    link = staff.get_by_test_id("link-form")
    link.get_by_test_id("link-credit-code").fill(shown.credit_code)
    link.get_by_test_id("link-product").select_option(str(published["product"].pk))  # offered: the name matches
    link.get_by_test_id("link-assigned-to").select_option(str(supervisor.pk))
    press(staff, "accept-submit")
    assert staff.get_by_test_id("complaint-status").get_attribute("data-value") == ComplaintStatus.IN_PROGRESS
    assert SHOWN in staff.get_by_test_id("complaint-enterprise").inner_text()
    complaint.refresh_from_db()
    assert (complaint.enterprise, complaint.product, complaint.assigned_to) == (
        shown,
        published["product"],
        supervisor,
    )

    # It resolves it as substantiated, with a reply to the visitor and a note for the bureau.
    resolve = staff.get_by_test_id("resolve-form")
    resolve.get_by_test_id("resolve-outcome").select_option(Outcome.SUBSTANTIATED)
    resolve.get_by_test_id("resolve-reply").fill(REPLY)
    resolve.get_by_test_id("resolve-note").fill(NOTE)
    press(staff, "resolve-submit")
    assert staff.get_by_test_id("complaint-status").get_attribute("data-value") == ComplaintStatus.RESOLVED
    assert staff.get_by_test_id("complaint-outcome").get_attribute("data-value") == Outcome.SUBSTANTIATED

    # The credit effect: one substantiated complaint, 5 points off the score, on the enterprise's file.
    after = CreditGrade.objects.get(enterprise=shown)
    assert after.indicator_values["complaint_substantiated"] == 1
    assert after.score == before.score - 5
    staff.goto(f"{url}/enterprises/{shown.pk}/")
    section = staff.get_by_test_id("complaints-section")
    assert section.get_by_test_id("complaints-substantiated").inner_text() == "1"
    assert section.get_by_test_id("complaints-total").inner_text() == "1"
    assert number in section.get_by_test_id("file-complaints").inner_text()
    credit = staff.locator("#credit")
    shown_score = credit.get_by_test_id("credit-score").inner_text()
    assert float(shown_score) == float(after.score)
    assert credit.get_by_test_id("credit-grade").inner_text() == after.grade
    staff.screenshot(path="/tmp/public-enterprise-file.png", full_page=True)

    # 5. The visitor reloads the status page: resolved, with the outcome and the reply, and nothing internal.
    visitor.goto(f"{url}/public/complaints/track/{number}/")
    assert visitor.get_by_test_id("status-value").get_attribute("data-value") == ComplaintStatus.RESOLVED
    assert visitor.get_by_test_id("status-outcome").get_attribute("data-value") == Outcome.SUBSTANTIATED
    assert visitor.get_by_test_id("status-reply").inner_text().strip() == REPLY
    visitor.screenshot(path="/tmp/public-complaint-status.png", full_page=True)
    html = visitor.content()
    for secret in (
        supervisor.full_name,
        NOTE,
        SHOWN,
        shown.credit_code,
        f"/enterprises/{shown.pk}/",
        f"/complaints/{complaint.pk}/",
    ):
        assert secret not in html, secret
