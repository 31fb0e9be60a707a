"""Charts and the map as inline SVG, drawn on the server from query rows:
no script, no CDN, no tiles, so they show offline and in any browser.

Pure functions from rows to `Markup`; every mark carries a `<title>` (its
tooltip) with the numbers in words.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ["#3a7dbf", "#e08a2c", "#4b9e4b", "#c0463d", "#8a63b8", "#8c6d46", "#d873b4", "#7f7f7f", "#b5b52e", "#2cb5c0"]
FONT = 'font-family="sans-serif" font-size="12"'


def bar_chart(bars: list[tuple[str, float, str]], unit: str = "", width: int = 640, bar_height: int = 22) -> Markup:
    """Horizontal bars: (label, value, tooltip) each, longest value full width."""
    if not bars:
        return Markup('<p class="urbandb-empty">没有数据。</p>')
    label_width, value_width = 150, 90
    plot = width - label_width - value_width
    top = max(value for _, value, _ in bars) or 1
    height = bar_height * len(bars) + 8
    parts = [f'<svg class="urbandb-chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT}>']
    for i, (label, value, tooltip) in enumerate(bars):
        y = 4 + i * bar_height
        length = max(1.0, plot * value / top)
        parts.append(
            f'<g class="bar"><title>{escape(tooltip)}</title>'
            f'<text x="{label_width - 6}" y="{y + bar_height * 0.7:.1f}" text-anchor="end">{escape(_short(label, 12))}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{bar_height - 6}" fill="{PALETTE[0]}"></rect>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height * 0.7:.1f}">{escape(_number(value))}{escape(unit)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bar_chart(rows: list[tuple[str, str, float]], unit: str = "", width: int = 640, bar_height: int = 24) -> Markup:
    """Horizontal stacked bars from (bar, part, value) rows, with a legend of the parts."""
    if not rows:
        return Markup('<p class="urbandb-empty">没有数据。</p>')
    bars: dict[str, dict[str, float]] = {}
    parts_order: list[str] = []
    for bar, part, value in rows:
        bars.setdefault(bar, {})
        bars[bar][part] = bars[bar].get(part, 0) + (value or 0)
        if part not in parts_order:
            parts_order.append(part)
    colours = {part: PALETTE[i % len(PALETTE)] for i, part in enumerate(parts_order)}
    label_width, value_width = 150, 90
    plot = width - label_width - value_width
    top = max(sum(v.values()) for v in bars.values()) or 1
    legend_rows = math.ceil(len(parts_order) / 5)
    height = bar_height * len(bars) + 8 + legend_rows * 18 + 6
    out = [f'<svg class="urbandb-chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT}>']
    for i, (bar, values) in enumerate(bars.items()):
        y = 4 + i * bar_height
        x = float(label_width)
        out.append(f'<text x="{label_width - 6}" y="{y + bar_height * 0.7:.1f}" text-anchor="end">{escape(_short(bar, 12))}</text>')
        for part in parts_order:
            value = values.get(part)
            if not value:
                continue
            length = max(1.0, plot * value / top)
            tip = f"{bar} · {part}：{_number(value)}{unit}"
            out.append(
                f'<rect class="segment" x="{x:.1f}" y="{y + 3}" width="{length:.1f}" height="{bar_height - 6}"'
                f' fill="{colours[part]}"><title>{escape(tip)}</title></rect>'
            )
            x += length
        out.append(f'<text x="{x + 4:.1f}" y="{y + bar_height * 0.7:.1f}">{escape(_number(sum(values.values())))}{escape(unit)}</text>')
    legend_top = 8 + bar_height * len(bars)
    for i, part in enumerate(parts_order):
        x, y = 10 + (i % 5) * 125, legend_top + (i // 5) * 18
        out.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colours[part]}"></rect>'
            f'<text x="{x + 16}" y="{y + 10}">{escape(_short(part, 8))}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))


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
