"""Charts as inline SVG, drawn on the server (no script, no inline style: the page's
Content-Security-Policy forbids both; colours come from site.css classes).

Each chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` that reads every value,
and writes each value next to its bar or column, so it reads without colour and without
seeing it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

_ids = itertools.count(1)


@dataclass(frozen=True)
class Datum:
    label: str
    value: float
    # What is written next to the bar or column (and read out), e.g. "4" or "37.5 %".
    text: str


def _svg(n: int, kind: str, title: str, size: tuple[int, int], body: list[str]) -> Markup:
    width, height = size
    scrolls = " chart-scrolls" if width > 400 else ""
    head = (
        f'<svg class="chart chart-{kind}{scrolls}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'aria-describedby="chart-{n}-desc" xmlns="http://www.w3.org/2000/svg">'
    )
    return Markup("".join([head, *body, "</svg>"]))


def _heads(n: int, title: str, summary: str) -> list[str]:
    return [
        f'<title id="chart-{n}-title">{escape(title)}</title>',
        f'<desc id="chart-{n}-desc">{escape(summary)}</desc>',
    ]


def _summary(data: Sequence[Datum]) -> str:
    return "; ".join(f"{d.label}: {d.text}" for d in data) + "."


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(title: str, data: Sequence[Datum], scale_max: float | None = None) -> Markup:
    """Horizontal bars, one row per datum: its label, its bar, its value written after.
    ``scale_max``: the value of a full-length bar (default: the largest value)."""
    width, label_w, bar_w, row = 360, 140, 160, 34
    height = row * len(data) + 8
    top = max([scale_max or 0, *(d.value for d in data)]) or 1
    n = next(_ids)
    body = _heads(n, title, _summary(data))
    for i, d in enumerate(data):
        y = 4 + i * row
        length = round(bar_w * min(d.value, top) / top, 1)
        body += [
            f'<g class="bar-row"><title>{escape(d.label)}: {escape(d.text)}</title>',
            f'<text class="chart-label" x="{label_w - 8}" y="{y + 22}" text-anchor="end">'
            f"{escape(_short(d.label, 15))}</text>",
            f'<rect class="chart-track" x="{label_w}" y="{y + 6}" width="{bar_w}" height="22" '
            'rx="3"/>'
            if scale_max
            else "",
            f'<rect class="chart-bar" x="{label_w}" y="{y + 6}" width="{length}" height="22" '
            'rx="3"/>',
            f'<text class="chart-value" x="{label_w + length + 6}" y="{y + 22}">'
            f"{escape(d.text)}</text></g>",
        ]
    return _svg(n, "bars", title, (width, height), body)


def column_chart(
    title: str, data: Sequence[Datum], axis_every: int = 1, value_labels: bool = True
) -> Markup:
    """Vertical columns, one per datum, labelled below every ``axis_every`` columns;
    each non-zero value is written above its column."""
    # Narrow for a few columns (readable on a phone as it is), wide for many (the page
    # lets a phone scroll it sideways).
    width = min(720, max(360, 72 * len(data)))
    height, left, bottom, top_pad = 210, 8, 34, 26
    slot = (width - 2 * left) / max(len(data), 1)
    column = max(min(slot * 0.7, 64), 4)
    plot = height - bottom - top_pad
    top = max([d.value for d in data] or [0]) or 1
    n = next(_ids)
    body = _heads(n, title, _summary(data))
    base = height - bottom
    body.append(
        f'<line class="chart-axis" x1="{left}" y1="{base}" x2="{width - left}" y2="{base}"/>'
    )
    for i, d in enumerate(data):
        x = left + i * slot + (slot - column) / 2
        tall = round(plot * d.value / top, 1)
        middle = round(x + column / 2, 1)
        body.append(f'<g class="column"><title>{escape(d.label)}: {escape(d.text)}</title>')
        if tall:
            body.append(
                f'<rect class="chart-bar" x="{round(x, 1)}" y="{round(base - tall, 1)}" '
                f'width="{round(column, 1)}" height="{tall}" rx="2"/>'
            )
        # A value wider than its column's room is left to the title and description.
        if value_labels and d.value and len(d.text) * 9 <= slot:
            body.append(
                f'<text class="chart-value" x="{middle}" y="{round(base - tall - 6, 1)}" '
                f'text-anchor="middle">{escape(d.text)}</text>'
            )
        if i % axis_every == 0:
            body.append(
                f'<text class="chart-label" x="{middle}" y="{base + 22}" '
                f'text-anchor="middle">{escape(d.label)}</text>'
            )
        body.append("</g>")
    return _svg(n, "columns", title, (width, height), body)
