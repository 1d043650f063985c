"""The dashboard's tables: each one is shown as an HTML table, drawn as a chart from the same numbers, and written as
a sheet of the .xlsx export, so the three can never disagree."""

from dataclasses import dataclass, field

from django.utils.functional import Promise

TEXT, COUNT, PERCENT = "text", "count", "percent"


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: str = COUNT


@dataclass(frozen=True)
class Series:
    """One column of a table drawn as bars or a line; axis 0 is for counts, axis 1 for percentages."""

    column: str
    type: str = "bar"
    axis: int = 0
    stack: str = ""


@dataclass(frozen=True)
class Chart:
    """How a table is drawn: a pie of its one series, or bars and lines over its first column (across or up)."""

    kind: str  # "pie" or "cartesian"
    series: tuple[Series, ...]
    horizontal: bool = False


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass
class Table:
    """Rows of values keyed by column; the first column names the row (the chart's categories)."""

    key: str
    title: str | Promise
    columns: list[Column]
    rows: list[dict]
    total: dict | None = None
    chart: Chart | None = None
    note: str | Promise = ""
    empty: str | Promise = ""
    extra: dict = field(default_factory=dict)

    def body(self) -> list[list[Cell]]:
        return [self._cells(row) for row in self.rows]

    def footer(self) -> list[Cell] | None:
        return self._cells(self.total) if self.total is not None else None

    def _cells(self, row: dict) -> list[Cell]:
        return [Cell(row.get(column.key), column.kind) for column in self.columns]

    def chart_data(self) -> dict | None:
        """What static/js/dashboard.js draws: JSON-ready, every label already translated."""
        if self.chart is None or not self.rows:
            return None
        category, columns = self.columns[0].key, {column.key: column for column in self.columns}
        return {
            "key": self.key,
            "title": str(self.title),
            "kind": self.chart.kind,
            "horizontal": self.chart.horizontal,
            "categories": [str(row[category]) for row in self.rows],
            "series": [
                {
                    "name": str(columns[series.column].label),
                    "type": series.type,
                    "axis": series.axis,
                    "stack": series.stack,
                    "percent": columns[series.column].kind == PERCENT,
                    "data": [row.get(series.column) for row in self.rows],
                }
                for series in self.chart.series
            ],
        }


def pass_rate(tested: int, failed: int) -> float | None:
    """Conforming results per hundred tested, to one decimal; None when nothing was tested."""
    return round(100.0 * (tested - failed) / tested, 1) if tested else None


def share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None
