"""CSV for the open-data API (`?format=csv`): one row per record of the page, the columns named as in the JSON
(a nested object's fields as `parent.field`), with a UTF-8 byte-order mark so that Excel opens Chinese text
correctly."""

import csv
import io
import json

from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

BOM = "\ufeff"
PAGE_KEYS = {"count", "next", "previous", "results"}  # core.api.pagination.StandardPagination's page
# A spreadsheet runs a cell starting with one of these as a formula: such text is written with a leading quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _columns(serializer, prefix: str = "") -> list[str]:
    columns = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer):  # a nested object (not a list of them): its fields flattened
            columns += _columns(field, f"{prefix}{name}.")
        else:
            columns.append(f"{prefix}{name}")
    return columns


def _flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            value = "; ".join("" if item is None else str(item) for item in value)
        else:
            value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, int | float):
        return str(value)
    value = str(value)
    return f"'{value}" if value.startswith(FORMULA_START) else value


class CSVRenderer(BaseRenderer):
    """A page of records (or one record, or an error) as CSV. The header comes from the serializer, so an empty
    page still names its columns."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        renderer_context = renderer_context or {}
        if isinstance(data, dict) and data.keys() == PAGE_KEYS:
            records = data["results"]  # a page: the paging is in the Link and X-Total-Count headers
        elif isinstance(data, list):
            records = data
        elif data is None:
            records = []
        else:
            records = [data]
        source = getattr(records, "serializer", None) or getattr(data, "serializer", None)
        if isinstance(source, serializers.ListSerializer):
            source = source.child
        rows = [_flatten(record) if isinstance(record, dict) else {"value": record} for record in records]
        if isinstance(source, serializers.Serializer):
            header = _columns(source)
        else:
            header = list(dict.fromkeys(key for row in rows for key in row))
        out = io.StringIO()
        out.write(BOM)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in header])
        response = renderer_context.get("response")
        view = renderer_context.get("view")
        if response is not None and view is not None and not response.exception:
            name = getattr(view, "export_name", None) or "export"
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return out.getvalue().encode(self.charset)
