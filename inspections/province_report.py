"""The report to the provincial bureau of follow-ups whose first re-check failed (SAMR Order 18 Art 47): an A4
document in Chinese (PDF) and a CSV of the cases, produced from one `ProvinceReport`. It is an official document
sent upward in Chinese whatever the reader's interface language, so its headings are written in Chinese."""

import csv
import io

from django.conf import settings
from django.utils import timezone

from core.documents import chinese_date, pdf_from_template
from inspections.choices import Verdict
from inspections.models import LabTest, ProvinceReport

BOM = "\ufeff"  # so that Excel opens the Chinese text correctly
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula
COLUMNS = (
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所在区县",
    "地址",
    "抽查任务",
    "产品名称",
    "不合格项目",
    "责令整改日期",
    "整改报告提交日期",
    "首次复查不合格日期",
    "复查不合格项目",
)


def _failed_items(task) -> str:
    tests = [test for test in task.lab_tests.all() if test.verdict == Verdict.NONCONFORMING]
    if not tests:
        return "拒绝复查" if task.verdict == Verdict.REFUSED else ""
    final = max(tests, key=lambda test: (test.kind == "retest", test.pk))
    return "、".join(item.name for item in LabTest.failed_items(final))


def cases(report: ProvinceReport) -> list[dict]:
    """One row per follow-up of the report, in the order of the enterprises' names."""
    follow_ups = (
        report.follow_ups.select_related("enterprise__district", "task__campaign", "task__sampling")
        .prefetch_related("task__lab_tests__item_results__item", "rechecks__lab_tests__item_results__item")
        .order_by("enterprise__name", "pk")
    )
    rows = []
    for n, follow_up in enumerate(follow_ups, start=1):
        task = follow_up.task
        first_recheck = next((t for t in follow_up.rechecks.all() if t.recheck_round == 1), None)
        sampling = getattr(task, "sampling", None)
        rows.append(
            {
                "序号": n,
                "企业名称": follow_up.enterprise.name,
                "统一社会信用代码": follow_up.enterprise.credit_code,
                "所在区县": follow_up.enterprise.district.name if follow_up.enterprise.district_id else "",
                "地址": follow_up.enterprise.address,
                "抽查任务": task.campaign.title,
                "产品名称": sampling.product_name if sampling else "",
                "不合格项目": _failed_items(task),
                "责令整改日期": follow_up.ordered_on.isoformat(),
                "整改报告提交日期": timezone.localdate(follow_up.report_submitted_at).isoformat()
                if follow_up.report_submitted_at
                else "未提交",
                "首次复查不合格日期": follow_up.first_recheck_failed_on.isoformat()
                if follow_up.first_recheck_failed_on
                else "",
                "复查不合格项目": _failed_items(first_recheck) if first_recheck else "",
            }
        )
    return rows


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def province_report_csv(report: ProvinceReport) -> str:
    """The cases of the report as CSV (UTF-8 with a byte-order mark), one row per follow-up."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in cases(report):
        writer.writerow([_cell(row[column]) for column in COLUMNS])
    return out.getvalue()


def province_report_pdf(report: ProvinceReport) -> bytes:
    """The report as an A4 PDF in Chinese."""
    prepared_on = timezone.localdate(report.created_at)
    context = {
        "report": report,
        "bureau": settings.BUREAU_NAME,
        "prepared_on": chinese_date(prepared_on),
        "sent_on": chinese_date(report.sent_on) if report.sent_on else "",
        "columns": COLUMNS,
        "rows": [[row[column] for column in COLUMNS] for row in cases(report)],
    }
    return pdf_from_template("inspections/province_report_pdf.html", context)


def report_file_name(report: ProvinceReport, extension: str) -> str:
    return f"复查不合格情况报告-{report.number}.{extension}"
