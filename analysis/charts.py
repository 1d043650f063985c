"""Charts for the printed quality report, drawn on the server as inline SVG: WeasyPrint renders SVG but runs no
JavaScript, so the dashboard's ECharts cannot be used in the PDF. Every text is escaped; sizes are CSS pixels
(a width of 640 fills the A4 text column)."""

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
PALETTE = ("#2f5d8a", "#c0504d", "#7f9f3f", "#8064a2", "#e08a2e")
GRID = "#d9dee5"
INK = "#1d2530"
MUTED = "#5c6773"
LABEL_MAX = 14  # characters of a category name kept on a horizontal bar chart's axis

Values = Sequence[float | int | None]


def _number(value: float | int | None, percent: bool) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}%" if percent else f"{value:g}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _nice_max(value: float) -> float:
    """The top of a count axis: 1, 2 or 5 times a power of ten, at least the largest value."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text inside was escaped where it was written
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="10" role="img">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "middle", size: int = 10, fill: str = INK, extra="") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}"{extra}>'
        f"{escape(text)}</text>"
    )


def _legend(names: Sequence[str], y: float) -> list[str]:
    parts, x = [], 48.0
    for index, name in enumerate(names):
        parts.append(f'<rect x="{x:.1f}" y="{y - 8:.1f}" width="10" height="10" fill="{PALETTE[index % 5]}"/>')
        parts.append(_text(x + 14, y, name, anchor="start"))
        x += 24 + 11 * len(name)
    return parts


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Values]],
    *,
    title: str,
    percent: bool = False,
    horizontal: bool = False,
) -> SafeString:
    """Bars of one or more series (side by side) over the categories: up the page, or across it when the category
    names are long or many. Percentages run from 0 to 100; counts to a round number above the largest."""
    if horizontal:
        return _horizontal_bars(categories, series, title=title, percent=percent)
    return _vertical_bars(categories, series, title=title, percent=percent)


def _scale_top(series: Sequence[tuple[str, Values]], percent: bool) -> float:
    if percent:
        return 100.0
    # Four steps of a whole, round number, so that the ticks are counts (0, 1, 2, 3, 4 rather than 0, 0.75, …).
    largest = max((value or 0 for _name, values in series for value in values), default=0)
    return 4 * max(1, _nice_max(largest / 4))


def _vertical_bars(categories, series, *, title: str, percent: bool) -> SafeString:
    height, left, right, top, bottom = 230, 48, 12, 26 if len(series) > 1 else 12, 42
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    top_value = _scale_top(series, percent)
    body = _legend([name for name, _values in series], 14) if len(series) > 1 else []
    for tick in range(5):
        value = top_value * tick / 4
        y = top + plot_h - plot_h * tick / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 4, y + 3, _number(value, percent).replace(".0%", "%"), anchor="end", fill=MUTED))
    slot = plot_w / max(len(categories), 1)
    bar_w = min(36.0, slot * 0.7 / max(len(series), 1))
    group_w = bar_w * len(series)
    for index, category in enumerate(categories):
        x0 = left + slot * index + (slot - group_w) / 2
        for number, (_name, values) in enumerate(series):
            value = values[index]
            x = x0 + bar_w * number
            if value:
                bar_h = plot_h * min(value, top_value) / top_value
                body.append(
                    f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" '
                    f'fill="{PALETTE[number % 5]}"/>'
                )
            label_y = top + plot_h - (plot_h * min(value or 0, top_value) / top_value) - 3
            body.append(_text(x + bar_w / 2, label_y, _number(value, percent), size=9))
        label = _short(str(category), max(4, int(slot / 10)))
        body.append(_text(left + slot * (index + 0.5), top + plot_h + 14, label))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" y2="{top + plot_h}" stroke="{INK}"/>')
    return _svg(WIDTH, height, body, title)


def _horizontal_bars(categories, series, *, title: str, percent: bool) -> SafeString:
    row_h = 14 * len(series) + 8
    left, right, top = 150, 48, 26 if len(series) > 1 else 8
    height = top + row_h * max(len(categories), 1) + 20
    plot_w = WIDTH - left - right
    top_value = _scale_top(series, percent)
    body = _legend([name for name, _values in series], 14) if len(series) > 1 else []
    plot_bottom = top + row_h * len(categories)
    for tick in range(5):
        value = top_value * tick / 4
        x = left + plot_w * tick / 4
        body.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{plot_bottom}" stroke="{GRID}"/>')
        body.append(_text(x, plot_bottom + 13, _number(value, percent).replace(".0%", "%"), fill=MUTED))
    for index, category in enumerate(categories):
        y0 = top + row_h * index + 4
        body.append(_text(left - 6, y0 + row_h / 2, _short(str(category), LABEL_MAX), anchor="end"))
        for number, (_name, values) in enumerate(series):
            value = values[index]
            y = y0 + 14 * number
            bar_w = plot_w * min(value or 0, top_value) / top_value
            if bar_w:
                body.append(
                    f'<rect x="{left}" y="{y:.1f}" width="{bar_w:.1f}" height="11" fill="{PALETTE[number % 5]}"/>'
                )
            body.append(_text(left + bar_w + 4, y + 9, _number(value, percent), anchor="start", size=9))
    body.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{plot_bottom}" stroke="{INK}"/>')
    return _svg(WIDTH, height, body, title)


def line_chart(categories: Sequence[str], values: Values, *, title: str) -> SafeString:
    """A percentage over time (a pass rate by quarter): the axis starts at a round 20 below the lowest value so
    that small changes show; a quarter without a value breaks the line."""
    height, left, right, top, bottom = 220, 48, 16, 16, 34
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    known = [value for value in values if value is not None]
    # A multiple of 20, so that the four steps up to 100% are round numbers.
    low = min(80.0, max(0.0, math.floor((min(known) - 2) / 20) * 20)) if known else 0.0
    span = 100.0 - low
    body = []
    for tick in range(5):
        value = low + span * tick / 4
        y = top + plot_h - plot_h * tick / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 4, y + 3, f"{value:.0f}%", anchor="end", fill=MUTED))
    slot = plot_w / max(len(categories), 1)
    points: list[tuple[float, float] | None] = []
    for index, (category, value) in enumerate(zip(categories, values, strict=True)):
        x = left + slot * (index + 0.5)
        body.append(_text(x, top + plot_h + 14, str(category)))
        points.append(None if value is None else (x, top + plot_h - plot_h * (value - low) / span))
    runs, run = [], []
    for point in [*points, None]:
        if point is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(point)
    for run in runs:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        body.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    for point, value in zip(points, values, strict=True):
        if point is not None:
            x, y = point
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[0]}"/>')
            body.append(_text(x, y - 7, _number(value, True), size=9))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" y2="{top + plot_h}" stroke="{INK}"/>')
    return _svg(WIDTH, height, body, title)
