"""Factories and helpers for the standardization tests."""

import datetime
import io

import openpyxl

from accounts.roles import Role, Section
from enterprises.choices import StandardKind, StandardStatus
from tests.factories import ProductFactory, StandardFactory, UserFactory


def standards_staff(**kwargs):
    return UserFactory(role=Role.SUPERVISOR, section=Section.STANDARDIZATION, **kwargs)


def standard(code: str, **kwargs):
    kwargs.setdefault("title", f"标准 {code}")
    kwargs.setdefault("kind", StandardKind.NATIONAL)
    return StandardFactory(code=code, **kwargs)


def own_standard(enterprise, code: str = "Q/ABC 0001S-2025", **kwargs):
    return StandardFactory(
        code=code,
        title=kwargs.pop("title", "企业标准"),
        kind=StandardKind.ENTERPRISE,
        owner=enterprise,
        published_on=kwargs.pop("published_on", datetime.date(2025, 1, 1)),
        **kwargs,
    )


def replaced(code: str, successor_code: str):
    successor = standard(successor_code)
    old = standard(code, status=StandardStatus.REPLACED, successor=successor)
    return old, successor


def product_executing(enterprise, *standards, **kwargs):
    product = ProductFactory(enterprise=enterprise, **kwargs)
    product.standards.set(standards)
    return product


HEADER = ["标准号*", "标准名称*", "类别", "状态", "代替标准号", "发布日期", "实施日期", "废止日期"]


def csv_file(rows, header=HEADER) -> io.BytesIO:
    lines = [",".join(header)] + [",".join(str(cell) for cell in row) for row in rows]
    return io.BytesIO(("\n".join(lines) + "\n").encode("utf-8-sig"))


def xlsx_file(rows, header=HEADER) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
