"""No orphan files: a request whose uploads were written and which then failed (a later validation or database error,
a full disk) leaves none of its files behind; a file store that refuses writes is a clear 503, never the 500 page."""

import errno

import pytest
from celery.signals import task_postrun, task_prerun
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from rest_framework.test import APIClient

from complaints import services
from complaints.models import Complaint, ComplaintPhoto
from core.files import StorageUnavailable, _request_started, _unit_finished
from tests.test_complaints_pages import NEW, complaint_values, file_complaint, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _files(media) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()) if media.exists() else []


def test_a_database_error_after_the_photos_were_written_leaves_no_file(client, media, monkeypatch):
    def fail(**_kwargs):
        raise DatabaseError("the audit insert failed")

    monkeypatch.setattr("complaints.services.audit", fail)
    client.raise_request_exception = False
    response = file_complaint(client, photos=[photo("a.png"), photo("b.png")])
    assert response.status_code == 500
    assert not Complaint.objects.exists() and not ComplaintPhoto.objects.exists()
    assert _files(media) == []


def test_a_kept_upload_stays(client, media):
    assert file_complaint(client, photos=[photo("a.png")]).status_code == 302
    stored = ComplaintPhoto.objects.get()
    assert _files(media) == [stored.file.name]


def test_a_service_that_rolls_back_after_storing_loses_its_files_at_the_end_of_the_task(media, monkeypatch):
    """Outside a request (a Celery task, a command), the same clean-up runs when the task ends."""
    monkeypatch.setattr("complaints.services.audit", lambda **_kw: (_ for _ in ()).throw(DatabaseError("boom")))
    task_prerun.send(sender=None)  # as a Celery task starts
    with pytest.raises(DatabaseError):
        services.complaint_file(values=complaint_values(), photos=[photo("a.png"), photo("b.png")])
    assert len(_files(media)) == 2  # written before the failure...
    task_postrun.send(sender=None)  # ...and removed when the task ends
    assert _files(media) == []


def test_an_eager_task_inside_a_request_does_not_clean_up_before_the_request_ends(media, monkeypatch):
    _request_started()  # as the request signals would (sending request_finished here would close the connection)
    services.complaint_file(values=complaint_values(), photos=[photo("kept.png")])
    task_prerun.send(sender=None)
    task_postrun.send(sender=None)  # the inner task ends: the request's files are not checked yet
    assert len(_files(media)) == 1
    _unit_finished()  # the request ends: its row is there, its file stays
    assert len(_files(media)) == 1


def test_a_failing_insert_removes_its_file_at_once(media, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise DatabaseError("disk full on the database server")

    monkeypatch.setattr(ComplaintPhoto, "save", refuse)
    with pytest.raises(DatabaseError):
        services.complaint_file(values=complaint_values(), photos=[photo("a.png")])
    assert _files(media) == []


class _FillsTheDisk(SimpleUploadedFile):
    """An upload whose write to the media folder (its second reading, after the hash) runs out of space after the
    first chunk."""

    readings = 0

    def chunks(self, chunk_size=None):
        self.readings += 1
        if self.readings == 1:
            yield from super().chunks(chunk_size)
            return
        yield b"\x89PNG partial"
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_removes_the_half_written_file_and_is_a_503(client, media, monkeypatch):
    from core.files import stored_file_create

    original = stored_file_create

    def with_full_disk(model, upload, **owner):
        full = _FillsTheDisk(upload.name, upload.read(), content_type="image/png")
        upload.seek(0)
        return original(model, full, **owner)

    monkeypatch.setattr("core.files.stored_file_create", with_full_disk)
    with pytest.raises(StorageUnavailable):
        services.complaint_file(values=complaint_values(), photos=[photo("a.png")])
    assert _files(media) == [] and not Complaint.objects.exists()


@pytest.fixture
def unwritable_media(settings, tmp_path):
    """A media folder that cannot be written (a file stands where a folder should be: refused even for root)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"
    return settings.MEDIA_ROOT


def test_an_unwritable_media_folder_is_a_friendly_503_page(client, unwritable_media):
    client.raise_request_exception = False
    response = file_complaint(client, photos=[photo("a.png")])
    assert response.status_code == 503
    html = response.content.decode()
    assert 'data-testid="storage-unavailable"' in html
    assert "Nothing was saved" in html or "未保存" in html or "没有保存" in html
    assert not Complaint.objects.exists()
    assert client.get(NEW).status_code == 200  # the rest of the portal goes on


def test_an_unwritable_media_folder_is_a_503_in_the_api(unwritable_media):
    """A public complaint with a photo through the API: the same refusal, as the API's JSON error."""
    response = APIClient().post(
        "/api/v1/complaints/public/",
        {**complaint_values(), "photos": [SimpleUploadedFile("a.png", photo().read(), content_type="image/png")]},
        format="multipart",
    )
    assert response.status_code == 503, response.content
    assert response.json()["error"]["code"] == "storage_unavailable"
    assert not Complaint.objects.exists()


def test_the_503_message_is_translated_text_not_a_trace(client, unwritable_media):
    client.raise_request_exception = False
    response = file_complaint(client, photos=[photo("a.png")])
    assert "Traceback" not in response.content.decode() and "OSError" not in response.content.decode()
    assert "<title>" in response.content.decode()
