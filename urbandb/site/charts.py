"""Charts and the map as inline SVG, drawn on the server from query rows:
no script, no CDN, no tiles, so they show offline and in any browser.

The charts are pygal's, rendered without its script; the map is drawn here
(pygal has no plain longitude/latitude frame). Pure functions from rows to
`Markup`; every mark carries a `<title>` (its tooltip) with the numbers in words.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pygal
from markupsafe import Markup, escape
from pygal.style import Style

PALETTE = ("#3a7dbf", "#e08a2c", "#4b9e4b", "#c0463d", "#8a63b8", "#8c6d46", "#d873b4", "#7f7f7f", "#b5b52e", "#2cb5c0")
FONT = 'font-family="sans-serif" font-size="12"'
# A generic family, so that the browser finds a font with Chinese in it.
STYLE = Style(font_family="sans-serif", background="transparent", plot_background="#f8f9fb", colors=PALETTE,
              label_font_size=12, major_label_font_size=12, value_font_size=11, legend_font_size=12)
EMPTY = Markup('<p class="urbandb-empty">没有数据。</p>')
# pygal keeps a value's label in a <desc> its script turns into a tooltip; a
# <title> does the same without any script.
LABEL_DESC = re.compile(r'<g class="bar"><desc class="label">([^<]*)</desc>')


def _render(chart, caption: str) -> Markup:
    svg = chart.render(is_unicode=True)
    svg = LABEL_DESC.sub(r'<g class="bar"><title>\1</title>', svg)
    svg = svg.replace("<title>Pygal</title>", f"<title>{escape(caption)}</title>", 1)
    return Markup(svg)


def _chart(kind, labels: list[str], legend: bool, width: int, height: int):
    # Horizontal bars run bottom-up in pygal: the labels are given reversed to read top-down.
    # Axis and printed values are bare numbers (the unit is in the heading and the tooltips).
    return kind(
        js=[], disable_xml_declaration=True, style=STYLE, width=width, height=height, explicit_size=True,
        classes=["pygal-chart", "urbandb-chart"], show_legend=legend, legend_at_bottom=True,
        legend_at_bottom_columns=5, truncate_legend=10, truncate_label=12, print_values=not legend,
        value_formatter=_number, x_labels=[_short(label, 12) for label in reversed(labels)],
    )


def bar_chart(bars: list[tuple[str, float, str]], caption: str = "", width: int = 640,
              bar_height: int = 24) -> Markup:
    """Horizontal bars: (label, value, tooltip) each, longest value full width."""
    if not bars:
        return EMPTY
    chart = _chart(pygal.HorizontalBar, [label for label, _, _ in bars], False, width, 60 + bar_height * len(bars))
    chart.add(caption, [{"value": value, "label": tooltip} for _, value, tooltip in reversed(bars)])
    return _render(chart, caption)


def stacked_bar_chart(rows: list[tuple[str, str, float]], unit: str = "", caption: str = "", width: int = 640,
                      bar_height: int = 26) -> Markup:
    """Horizontal stacked bars from (bar, part, value) rows, with a legend of the parts."""
    if not rows:
        return EMPTY
    bars: dict[str, dict[str, float]] = {}
    parts_order: list[str] = []
    for bar, part, value in rows:
        bars.setdefault(bar, {})
        bars[bar][part] = bars[bar].get(part, 0) + (value or 0)
        if part not in parts_order:
            parts_order.append(part)
    height = 70 + bar_height * len(bars) + 22 * math.ceil(len(parts_order) / 5)
    chart = _chart(pygal.HorizontalStackedBar, list(bars), True, width, height)
    for part in parts_order:
        chart.add(part, [
            {"value": values[part], "label": f"{bar} · {part}：{_number(values[part])}{unit}"} if values.get(part) else None
            for bar, values in reversed(list(bars.items()))
        ])
    return _render(chart, caption)


@dataclass
class MapPoint:
    """Projects drawn at one place: `exact` when the place is where they are,
    False when it stands for a wider area (a cluster at a district's centre)."""

    name: str
    longitude: float
    latitude: float
    projects: list[str]
    exact: bool
    href: str


def map_svg(points: list[MapPoint], width: int = 720, height: int = 480) -> Markup:
    """Points on a plain longitude/latitude frame (no tiles): a circle per
    place sized by its projects, named, with the project names as tooltip."""
    if not points:
        return Markup('<p class="urbandb-empty">没有可以定位的项目。</p>')
    margin = 40
    lons = [p.longitude for p in points]
    lats = [p.latitude for p in points]
    west, east = min(lons) - 0.2, max(lons) + 0.2
    south, north = min(lats) - 0.2, max(lats) + 0.2
    # Same scale both ways, corrected for latitude, so distances look right.
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = min((width - 2 * margin) / ((east - west) * squeeze), (height - 2 * margin) / (north - south))
    out = [
        f'<svg class="urbandb-map" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT}>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f4f7fa" stroke="#ccd"></rect>',
    ]
    for point in sorted(points, key=lambda p: -len(p.projects)):
        x = margin + (point.longitude - west) * squeeze * scale
        y = height - margin - (point.latitude - south) * scale
        radius = 5 + 3 * math.sqrt(len(point.projects))
        kind = "exact" if point.exact else "cluster"
        tip = f"{point.name}：{len(point.projects)} 个项目（{'位置' if point.exact else '大致位置，未能精确定位'}）：" + "、".join(point.projects)
        out.append(
            f'<a href="{escape(point.href)}"><g class="map-point {kind}"><title>{escape(tip)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}"></circle>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" class="count">{len(point.projects)}</text>'
            f'<text x="{x + radius + 3:.1f}" y="{y + 4:.1f}">{escape(point.name)}</text></g></a>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
