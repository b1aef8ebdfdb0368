"""Bar charts as inline SVG, drawn on the server: no script, no web font, no request.

One row per category: its name on a line of its own (wrapped when long), below it the
bar with its 95 % interval as a thin line with end caps, and the share as a number after
it. Everything is a presentation attribute (``fill``, ``font-size``), never a ``style``:
the chart looks the same with the stylesheet blocked, and the pages' Content Security
Policy (no inline styles) holds. The ``<svg>`` is ``role="img"`` with a ``<title>``; the
table beside it carries the numbers for screen readers, and it is the same data.

Right-to-left pages get the mirror image: bars grow from the right, names start at the
right (``direction="rtl"``), so a Farsi reader reads the chart in the order of the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from publicity.results_page.model import Share

WIDTH = 320
"""The drawing's width in CSS pixels: fits a 360 px phone without the stylesheet."""
VALUE_SPACE = 52  # room after the longest bar for its number
LABEL_SIZE = 14
LINE = 18  # height of one line of a name
BAR = 14
GAP = 12
MAX_LABEL_CHARS = 40  # ≈ WIDTH at LABEL_SIZE for Latin, Cyrillic and Arabic letters
BLUE = "#0b4f8a"
INK = "#1b1b1b"
MUTED = "#4a4a4a"
FONT = "system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Naskh Arabic',Tahoma,Arial,sans-serif"  # noqa: E501


@dataclass(frozen=True)
class Bar:
    label: str
    share: Share


def wrap(text: str, width: int = MAX_LABEL_CHARS) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines or [""]


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    title_id: str,
    rtl: bool,
    value: Callable[[float], str],
    hidden: str = "·",
) -> Markup:
    """The chart as an ``<svg>`` element; ``value`` formats a share for its label."""
    scale = WIDTH - VALUE_SPACE

    def x(pos: float) -> float:
        return round(WIDTH - pos if rtl else pos, 1)

    parts: list[str] = []
    y = 0.0
    for bar in bars:
        lines = wrap(bar.label)
        for i, line in enumerate(lines):
            parts.append(
                f'<text x="{x(0)}" y="{y + LINE * (i + 1) - 4:g}" font-size="{LABEL_SIZE}" '
                f'fill="{INK}">{escape(line)}</text>'
            )
        y += LINE * len(lines) + 2
        s = bar.share
        if s.estimate is None:
            parts.append(
                f'<text x="{x(0)}" y="{y + BAR - 2:g}" font-size="{LABEL_SIZE}" '
                f'fill="{MUTED}">{escape(hidden)}</text>'
            )
        else:
            end = s.estimate * scale
            left = min(x(0), x(end))
            parts.append(
                f'<rect x="{left:g}" y="{y:g}" width="{round(end, 1):g}" height="{BAR}" '
                f'fill="{BLUE}"/>'
            )
            reach = end
            if s.low is not None and s.high is not None:
                lo, hi, mid = s.low * scale, s.high * scale, y + BAR / 2
                parts.append(
                    f'<path d="M{x(lo)},{mid}H{x(hi)}M{x(lo)},{y + 2:g}V{y + BAR - 2:g}'
                    f'M{x(hi)},{y + 2:g}V{y + BAR - 2:g}" stroke="{INK}" stroke-width="1.5" '
                    'fill="none"/>'
                )
                reach = max(end, hi)
            # the number reads left to right on every page; on a mirrored chart it ends
            # where the bar's interval ends
            anchor = ' direction="ltr" text-anchor="end"' if rtl else ""
            parts.append(
                f'<text x="{x(reach + 5)}" y="{y + BAR - 2:g}" font-size="{LABEL_SIZE - 1}" '
                f'fill="{INK}"{anchor}>{escape(value(s.estimate))}</text>'
            )
        y += BAR + GAP
    height = round(y, 1)
    direction = ' direction="rtl"' if rtl else ""
    # every text in it went through escape() above; the rest are numbers and constants
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:g}" '
        f'width="{WIDTH}" height="{height:g}" role="img" aria-labelledby="{title_id}" '
        f'focusable="false" font-family="{FONT}"{direction}>'
        f'<title id="{title_id}">{escape(title)}</title>{"".join(parts)}</svg>'
    )
