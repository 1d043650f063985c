"""Issue 22's "Done when", in headless Chromium: with the browser offline the inspector completes a sampling record
with a photo and three signatures, reloads the page (the service worker serves it, the record comes back from
IndexedDB), goes online, and the record arrives once; a forced resend creates nothing new; the PDF and the seal
labels are generated; the laboratory's receipt scan (the QR text posted as a scanner would) unlocks testing, and a
broken-seal receipt blocks it."""

import re

import pytest

from inspections import custody
from inspections.choices import LabTestStatus
from inspections.models import LabTest, SamplingRecord, SamplingSignature, SamplingUpload
from tests.spotcheck import PNG, SpotCheck
from tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign(page, role: str) -> None:
    """Draw a signature with the finger (mouse) in the role's box."""
    canvas = page.locator(f"canvas[data-signature-pad={role}]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 20, y + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 8):
        page.mouse.move(x + 20 + step * box["width"] / 10, y + box["height"] * (0.3 + 0.1 * (step % 3)))
    page.mouse.up()
    page.wait_for_function(
        "role => document.querySelector(`[data-signature-state=${role}]`).textContent.length > 0", arg=role
    )


def fill_sampling(page, *, photo_path) -> None:
    page.fill("input[name=product_name]", "早籼米")
    page.fill("input[name=batch_number]", "20261101")
    page.fill("input[name=quantity]", "4 袋：2 袋检验，2 袋备样")
    page.fill("input[name=seal_numbers]", "YYSJ-00001, YYSJ-00002")
    page.fill("input[name=enterprise_signatory]", "王质检")
    page.set_input_files("input[name=photos]", str(photo_path))
    page.wait_for_selector("[data-photo-list] [data-key]")
    for role in ("enterprise", "inspector_1", "inspector_2"):
        sign(page, role)


def state(page) -> str:
    return page.get_attribute("[data-sync-status]", "data-state") or ""


def test_a_sampling_record_made_offline_arrives_once_and_its_sample_is_tracked_to_the_lab(
    browser, live_server, actors, tmp_path
):
    spot = SpotCheck(actors)
    spot.start()
    task = spot.task_at()
    inspector = spot.inspector_of(task)
    photo_path = tmp_path / "seal.png"
    photo_path.write_bytes(PNG)

    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    log_in(page, live_server, inspector.username)
    page.wait_for_url(f"{live_server.url}/")
    # The worklist registers the service worker, which keeps the day's task pages on the phone.
    page.goto(f"{live_server.url}/tasks/")
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000
    )
    sampling_path = f"/tasks/{task.pk}/sampling/"
    page.wait_for_function("path => caches.match(path).then(Boolean)", arg=sampling_path, timeout=15000)
    page.goto(f"{live_server.url}{sampling_path}")
    page.wait_for_selector("form[data-ready=true]")

    # Offline: the form is completed and filed; it stays on the phone.
    context.set_offline(True)
    fill_sampling(page, photo_path=photo_path)
    page.get_by_test_id("sampling-submit").click()
    page.wait_for_function("() => document.querySelector('[data-sync-status]').dataset.state === 'queued'")
    assert "保存在本机" in page.inner_text("[data-sync-status]") or state(page) == "queued"
    assert not SamplingRecord.objects.exists() and not SamplingUpload.objects.exists()

    # Reloaded while offline: the service worker serves the page, IndexedDB gives the record back.
    page.reload()
    page.wait_for_selector("form[data-ready=true]")
    assert page.input_value("input[name=batch_number]") == "20261101"
    assert state(page) == "queued"
    assert page.locator("[data-photo-list] [data-key]").count() == 1

    # Online again: sent by itself, once.
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.querySelector('[data-sync-status]').dataset.state === 'sent'", timeout=20000)
    record = SamplingRecord.objects.get(task=task)
    assert record.photos.count() == 1 and SamplingSignature.objects.filter(record=record).count() == 3
    assert record.seal_numbers == "YYSJ-00001, YYSJ-00002"

    # A forced resend (as after a lost answer): the phone sends the same record again; nothing new is created.
    page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("qs-field", 1);
            open.onsuccess = () => {
                const tx = open.result.transaction("drafts", "readwrite");
                const drafts = tx.objectStore("drafts");
                const get = drafts.get(document.querySelector("[data-sampling-form]").dataset.task);
                get.onsuccess = () => {
                    const draft = get.result;
                    draft.status = "queued";
                    draft.photos.forEach((photo) => { photo.uploaded = true; });
                    drafts.put(draft);
                };
                tx.oncomplete = () => resolve();
            };
        })"""
    )
    api_url = f"/api/v1/tasks/{task.pk}/sampling/"
    with page.expect_response(
        lambda response: response.url.endswith(api_url) and response.request.method == "POST"
    ) as answer:
        page.reload()
    assert answer.value.status == 200 and answer.value.json()["id"] == record.pk
    page.wait_for_function("() => document.querySelector('[data-sync-status]').dataset.state === 'sent'")
    assert SamplingRecord.objects.filter(task=task).count() == 1
    assert LabTest.objects.filter(task=task).count() == 1

    # The printed record and the seal labels.
    for link in ("sampling-pdf", "seal-labels"):
        page.goto(f"{live_server.url}/tasks/{task.pk}/")
        href = page.get_by_test_id(link).get_attribute("href")
        pdf = page.request.get(f"{live_server.url}{href}")
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")
    context.close()

    # The laboratory: no findings before the receipt; the scan of the seal label unlocks testing.
    lab_test = LabTest.objects.get(task=task)
    lab = browser.new_context(locale="zh-CN").new_page()
    lab.on("dialog", lambda dialog: dialog.accept())  # 提交审核 asks for confirmation
    log_in(lab, live_server, spot.technician.username)
    lab.wait_for_url(f"{live_server.url}/")
    lab.goto(f"{live_server.url}/results/{lab_test.pk}/")
    lab.fill(f"input[name=item_{spot.cadmium.pk}]", "0.1")
    lab.click("button[name=submit]")
    lab.wait_for_load_state()
    assert "请先登记接收此样品" in lab.inner_text("main")
    assert LabTest.objects.get(pk=lab_test.pk).status == LabTestStatus.PENDING
    scanned = lab.request.post(
        f"{live_server.url}/api/v1/custody/",
        data={"code": custody.qr_content(lab_test, "YYSJ-00001"), "kind": "received", "seal_intact": True},
        headers={"X-CSRFToken": csrf(lab)},
    )
    assert scanned.status == 201, scanned.text()
    lab.goto(f"{live_server.url}/results/{lab_test.pk}/")
    lab.fill(f"input[name=item_{spot.cadmium.pk}]", "0.1")
    lab.select_option(f"select[name=item_{spot.labelling.pk}]", "yes")
    lab.click("button[name=submit]")
    lab.wait_for_load_state()
    assert LabTest.objects.get(pk=lab_test.pk).status == LabTestStatus.SUBMITTED

    # A second sample arrives with its seal broken: testing stays blocked.
    other = spot.task_at(spot.pool[1])
    spot.sample(other)
    broken = LabTest.objects.get(task=other)
    lab.goto(f"{live_server.url}/custody/scan/")
    lab.fill("input[name=code]", custody.qr_content(broken, "FY-0001"))
    lab.select_option("select[name=kind]", "received")
    lab.select_option("select[name=seal_intact]", "false")
    lab.set_input_files("input[name=photo]", str(photo_path))
    lab.locator("[data-testid=scan-form] button[type=submit]").click()
    lab.wait_for_load_state()
    assert broken.custody_events.filter(kind="received", seal_intact=False).exists()
    lab.goto(f"{live_server.url}/results/{broken.pk}/")
    lab.fill(f"input[name=item_{spot.cadmium.pk}]", "0.1")
    lab.click("button[name=submit]")
    lab.wait_for_load_state()
    assert re.search("封|broken", lab.inner_text("main"))
    assert LabTest.objects.get(pk=broken.pk).status == LabTestStatus.PENDING
    assert not broken.item_results.exists()
    lab.context.close()


def csrf(page) -> str:
    return next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "csrftoken")
