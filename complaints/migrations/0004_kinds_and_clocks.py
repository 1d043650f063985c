"""The records on file under the complaint rules (SAMR Order 20): a counterfeit tip is a tip; a "complaint" filed
anonymously could never be mediated (a complaint is named), so it is a tip too; a named complaint stays a
complaint. The clocks still running are set from the receipt and acceptance dates on the record (a closed record
predates them and gets none: it must not show as overdue). Reversed, every tip is a counterfeit tip again."""


from django.conf import settings
from django.db import migrations
from django.utils import timezone

OPEN = ("received", "in_progress")


def _due(moment, days):
    from core.workdays import CalendarNotLoaded, due_date

    if moment is None:
        return None
    try:
        return due_date(timezone.localdate(moment), days, "working")
    except CalendarNotLoaded:
        return None


def forwards(apps, schema_editor):
    for name in ("Complaint", "HistoricalComplaint"):
        model = apps.get_model("complaints", name)
        model.objects.filter(kind="counterfeit").update(kind="tip")
        model.objects.filter(kind="complaint", anonymous=True).update(kind="tip")
    complaint_model = apps.get_model("complaints", "Complaint")
    for complaint in complaint_model.objects.filter(status__in=OPEN).only("kind", "status", "received_at", "triaged_at"):
        if complaint.kind == "complaint":
            complaint.accept_due = _due(complaint.received_at, settings.COMPLAINT_ACCEPT_WORKING_DAYS)
            if complaint.status == "in_progress":
                complaint.mediation_due = _due(complaint.triaged_at, settings.COMPLAINT_MEDIATION_WORKING_DAYS)
        else:
            complaint.decision_due = _due(complaint.received_at, settings.TIP_DECISION_WORKING_DAYS)
        complaint.save(update_fields=["accept_due", "mediation_due", "decision_due"])


def backwards(apps, schema_editor):
    for name in ("Complaint", "HistoricalComplaint"):
        model = apps.get_model("complaints", name)
        model.objects.filter(kind="tip").update(
            kind="counterfeit", accept_due=None, mediation_due=None, decision_due=None, notice_due=None
        )
        model.objects.update(accept_due=None, mediation_due=None)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_complaints_and_tips_order_20"), ("core", "0005_load_calendar_2025")]
    operations = [migrations.RunPython(forwards, backwards)]
