"""Small charts drawn on the server as inline SVG: grouped bars (one group per month or
category) and a line. No script, no CDN, no font download: the console works on a closed
network, prints, and reads the same with scripts off. Every chart is an image with a title and a
description for screen readers; the page puts the same numbers in a table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

# Colours distinguishable in the common colour-vision deficiencies (Okabe–Ito), dark enough
# against white for the 3:1 that graphical objects need.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8F6A00", "#56596B")
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 56


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def nice_ceiling(value: float) -> float:
    """The axis top: four gridline steps of 1, 2, 2.5 or 5 times a power of ten (never a
    fraction, as the figures are counts), reaching at least ``value``."""
    quarter = max(value, 0) / 4
    power = 10 ** max(0, math.floor(math.log10(quarter))) if quarter >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= quarter and (step * power) % 1 == 0:
            return float(4 * step * power)
    return float(40 * power)  # pragma: no cover - the loop's last step always fits


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _frame(chart_id: str, title: str, description: str, body: list[str]) -> Markup:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}"',
        f' viewBox="0 0 {WIDTH} {HEIGHT}" role="img"',
        f' aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(description)}</desc>',
        *body,
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def _axes(top_value: float) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    lines = []
    for i in range(5):
        value = top_value * i / 4
        y = TOP + plot_h - plot_h * i / 4
        lines.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#d0d4d9" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#333">{escape(_number(value))}</text>'
        )
    return lines


def _category_labels(categories: Sequence[str], band: float) -> list[str]:
    every = max(1, math.ceil(len(categories) / 12))  # at most 12 labels under the axis
    y = HEIGHT - BOTTOM + 16
    return [
        f'<text x="{LEFT + band * (i + 0.5):.1f}" y="{y}" text-anchor="middle" font-size="11" '
        f'fill="#333">{escape(category)}</text>'
        for i, category in enumerate(categories)
        if i % every == 0
    ]


def _legend(series: Sequence[Series]) -> list[str]:
    parts, x, y = [], LEFT, HEIGHT - 14
    for i, one in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{y}" font-size="11" fill="#333">{escape(one.name)}</text>'
        )
        x += 28 + round(sum(11 if ord(char) > 0x2E80 else 6.5 for char in one.name))
    return parts


def bar_chart(
    chart_id: str, title: str, categories: Sequence[str], series: Sequence[Series]
) -> Markup:
    """Bars grouped by category, one colour per series."""
    top_value = nice_ceiling(max((v for s in series for v in s.values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    band = plot_w / max(1, len(categories))
    bar = band * 0.8 / max(1, len(series))
    body = _axes(top_value)
    for s_index, one in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        for c_index, value in enumerate(one.values):
            height = plot_h * value / top_value
            x = LEFT + band * c_index + band * 0.1 + bar * s_index
            body.append(
                f'<rect class="bar" x="{x:.1f}" y="{TOP + plot_h - height:.1f}" '
                f'width="{max(bar - 1, 1):.1f}" height="{height:.1f}" fill="{colour}">'
                f"<title>{escape(one.name)} {escape(categories[c_index])}: "
                f"{escape(_number(value))}</title></rect>"
            )
    body += _category_labels(categories, band) + _legend(series)
    return _frame(chart_id, title, _describe(categories, series), body)


def line_chart(
    chart_id: str, title: str, categories: Sequence[str], series: Sequence[Series]
) -> Markup:
    """One line per series over the categories (months), each point marked."""
    top_value = nice_ceiling(max((v for s in series for v in s.values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    band = plot_w / max(1, len(categories))
    body = _axes(top_value)
    for s_index, one in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        points = [
            (LEFT + band * (i + 0.5), TOP + plot_h - plot_h * value / top_value)
            for i, value in enumerate(one.values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(
            f'<polyline class="line" points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="2"/>'
        )
        body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points]
    body += _category_labels(categories, band) + _legend(series)
    return _frame(chart_id, title, _describe(categories, series), body)


def _describe(categories: Sequence[str], series: Sequence[Series]) -> str:
    """The figures in words, for a screen reader (the table beside the chart has them too)."""
    return "; ".join(
        f"{one.name}: "
        + ", ".join(f"{c} {_number(v)}" for c, v in zip(categories, one.values, strict=True))
        for one in series
    )
