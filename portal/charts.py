"""Small server-drawn SVG charts for pages and PDF reports.

Every chart is an accessible image (`role="img"`, a `<title>` and an `aria-label` that say
what it shows in words), uses presentation attributes only (no `style`, so a strict
Content-Security-Policy holds, and WeasyPrint draws it the same way), and needs no script.
Text is escaped; colours keep at least 4.5:1 contrast against white.
"""

from __future__ import annotations

import itertools
import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Colours with at least 4.5:1 contrast against white (WCAG AA for text and 3:1 for graphics).
BAR_FILL = "#0b5394"  # 7.6:1
TRACK_FILL = "#e9ecef"
TRACK_STROKE = "#6c757d"  # 4.7:1: the empty track stays visible
TEXT_FILL = "#212529"  # 15.4:1
# The Urdu face first (its unicode-range keeps it to Arabic script): a system face with partial
# Arabic would draw Urdu letters such as ہ as boxes and break the joining of a word.
CHART_FONTS = "'Noto Naskh Arabic', 'DejaVu Sans', system-ui, 'Noto Sans CJK SC', sans-serif"
MUTED_TEXT_FILL = "#595959"  # 7.0:1

_ids = itertools.count(1)


def _number(value: float) -> str:
    """A compact number for SVG attributes (no exponent, at most two decimals)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"", "-0"} else text


def _clamp_percent(percent: float | None) -> float | None:
    if percent is None:
        return None
    try:
        value = float(percent)
    except (TypeError, ValueError):
        return None
    if math.isnan(value):
        return None
    return max(0.0, min(100.0, value))


def _percent_text(value: float) -> str:
    return _("%(percent)s%%") % {"percent": _number(round(value))}


def progress_bar_svg(
    *, percent: float | None, label: str, width: int = 240, height: int = 14
) -> SafeString:
    """A horizontal progress bar, `percent` clamped to 0–100.

    None (no measurement yet) draws the empty track and says "no data yet" in its name.
    """
    value = _clamp_percent(percent)
    width = max(int(width), 20)
    height = max(int(height), 6)
    if value is None:
        spoken = _("%(label)s: no data yet") % {"label": label}
    else:
        spoken = _("%(label)s: %(percent)s complete") % {
            "label": label,
            "percent": _percent_text(value),
        }
    title_id = f"chart-title-{next(_ids)}"
    filled = 0.0 if value is None else (width - 2) * value / 100
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart portal-progress" '
        f'role="img" aria-labelledby="{title_id}" aria-label="{escape(spoken)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" focusable="false">',
        f'<title id="{title_id}">{escape(spoken)}</title>',
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="3" ry="3" '
        f'fill="{TRACK_FILL}" stroke="{TRACK_STROKE}" stroke-width="1"/>',
    ]
    if filled > 0:
        parts.append(
            f'<rect x="1" y="1" width="{_number(filled)}" height="{height - 2}" rx="2" ry="2" '
            f'fill="{BAR_FILL}"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def bar_chart_svg(*, bars: list[tuple[str, float]], title: str, width: int = 480) -> SafeString:
    """A horizontal bar chart: one labelled bar per (label, value), the value written beside it.

    Bars are scaled to the largest value; negative values count as zero.
    """
    width = max(int(width), 200)
    row_height, gap, top = 22, 8, 8
    label_width = min(200, width // 3)
    value_width = 48
    track = width - label_width - value_width - 8
    rows = [(str(label), max(0.0, float(value or 0))) for label, value in bars]
    largest = max((value for _label, value in rows), default=0.0)
    height = top * 2 + max(1, len(rows)) * (row_height + gap) - gap
    summary = "; ".join(f"{label}: {_number(value)}" for label, value in rows) or _("no data")
    spoken = f"{title}. {summary}"
    title_id = f"chart-title-{next(_ids)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart portal-bar-chart" '
        f'role="img" aria-labelledby="{title_id}" aria-label="{escape(spoken)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" focusable="false">',
        f'<title id="{title_id}">{escape(spoken)}</title>',
    ]
    if not rows:
        parts.append(
            f'<text x="0" y="{top + 15}" font-size="13" font-family="{CHART_FONTS}" '
            f'fill="{MUTED_TEXT_FILL}">{escape(_("No data yet."))}</text>'
        )
    for index, (label, value) in enumerate(rows):
        y = top + index * (row_height + gap)
        text_y = y + row_height / 2 + 4.5
        bar = track * value / largest if largest else 0.0
        parts.append(
            f'<text x="{label_width - 6}" y="{_number(text_y)}" text-anchor="end" font-size="13" '
            f'font-family="{CHART_FONTS}" fill="{TEXT_FILL}">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{track}" height="{row_height}" '
            f'fill="{TRACK_FILL}"/>'
        )
        if bar > 0:
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{_number(bar)}" height="{row_height}" '
                f'fill="{BAR_FILL}"/>'
            )
        parts.append(
            f'<text x="{label_width + track + 6}" y="{_number(text_y)}" font-size="13" '
            f'font-family="{CHART_FONTS}" fill="{TEXT_FILL}">{escape(_number(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
