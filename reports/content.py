"""The report's content model: what both renderers (PPTX and PDF) draw.

:func:`reports.slides.build_content` turns analysis results into a :class:`ReportContent`;
:mod:`reports.render.pptx` and :mod:`reports.render.pdf` render it without computing
anything. Values in charts are the analysis estimates unchanged (shares in [0, 1], scale
means 1-5); ``None`` marks a suppressed or missing point. Every string is final German
text. Every chart carries its source line (survey, wave, field period, n) and an
alternative text for screen readers.

Main slides (``section == ""``) follow the projector rules: body text 18 pt or more,
chart text 14 pt or more, no text below 14 pt; the appendix may be denser.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

# Okabe & Ito (2008) colour-blind-safe palette, hex without '#'.
OKABE_ITO = {
    "orange": "E69F00",
    "sky_blue": "56B4E9",
    "bluish_green": "009E73",
    "yellow": "F0E442",
    "blue": "0072B2",
    "vermillion": "D55E00",
    "reddish_purple": "CC79A7",
    "black": "000000",
}
INK = "1F2937"  # body text
MUTED = "5B6472"  # secondary text
ACCENT = OKABE_ITO["blue"]
RULE = "D0D5DD"  # lines and grid
BAND = "F2F4F7"  # table banding
GREY_POINT = "8C8C8C"


MEAN_FORMAT = "[$-407]0.0"
"""Number format of scale means: the German locale tag makes every viewer (PowerPoint,
LibreOffice with any system language) write a decimal comma ("4,5", not "4.5")."""


@dataclass(frozen=True)
class BarSeries:
    name: str
    values: list[float | None]
    color: str
    ci_low: list[float | None] | None = None
    ci_high: list[float | None] | None = None


@dataclass(frozen=True)
class BarChart:
    """Horizontal clustered bars, first category on top, value labels at the bars, with
    optional CI error bars."""

    title: str
    categories: list[str]
    series: list[BarSeries]
    source: str = ""  # "Quelle: Befragung …, Welle …, (Feldphase …), n = …"
    alt_text: str = ""
    number_format: str = "0 %"  # Excel/OOXML number format of the value axis
    axis_min: float = 0.0
    axis_max: float = 1.0
    major_unit: float = 0.2
    axis_title: str = ""
    font_size: float = 14.0
    kind: Literal["bar"] = "bar"


@dataclass(frozen=True)
class ScatterPoint:
    label: str
    x: float
    y: float
    x_low: float | None = None
    x_high: float | None = None
    y_low: float | None = None
    y_high: float | None = None
    label_pos: Literal["right", "left", "above", "below"] = "right"


@dataclass(frozen=True)
class ScatterSeries:
    name: str
    points: list[ScatterPoint]
    color: str
    marker: Literal["circle", "diamond", "square", "triangle", "x"] = "circle"


@dataclass(frozen=True)
class ScatterChart:
    """XY scatter with CI error bars in both directions and dashed crosshair lines."""

    title: str
    series: list[ScatterSeries]
    x_title: str
    y_title: str
    x_range: tuple[float, float] = (1.0, 5.0)
    y_range: tuple[float, float] = (1.0, 5.0)
    crosshair_x: float | None = None
    crosshair_y: float | None = None
    crosshair_name: str = "Mittelwert aller Leistungen"
    source: str = ""
    alt_text: str = ""
    font_size: float = 14.0
    kind: Literal["scatter"] = "scatter"


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths
    align: str | None = None  # one letter per column: "l" or "r"
    font_size: float = 10.0
    kind: Literal["table"] = "table"


@dataclass(frozen=True)
class Text:
    paragraphs: list[str]
    bullets: bool = True
    font_size: float = 18.0
    kind: Literal["text"] = "text"


@dataclass(frozen=True)
class MeasureCard:
    """One proposed measure: number and title, then labelled lines (label, text)."""

    number: int
    title: str
    lines: list[tuple[str, str]]
    font_size: float = 18.0
    kind: Literal["measure"] = "measure"


Block = BarChart | ScatterChart | Table | Text | MeasureCard


@dataclass
class Slide:
    """One slide / PDF page. ``layout``: "full" (one block) or "split" (two blocks side by
    side, the first wider) or "even" (two blocks of equal width)."""

    title: str  # the finding itself on main slides ("Wohnen ist der größte Bedarf")
    blocks: list[Block] = field(default_factory=list)
    lead: str = ""  # one sentence under the title
    layout: Literal["full", "split", "even"] = "full"
    footnotes: list[str] = field(default_factory=list)
    notes: str = ""  # speaker notes (PPTX) - method details for the presenter
    section: str = ""  # "" on main slides, "Anhang" in the appendix
    closing: bool = False  # the contact slide: carries the EU emblem like the title

    @property
    def main(self) -> bool:
        return not self.section


@dataclass(frozen=True)
class TitlePage:
    title: str
    subtitle: str
    town: str
    programme: str
    wave: str
    date: str
    eu_statement: str  # "Kofinanziert von der Europäischen Union", beside the emblem
    hessen_statement: str
    project_sentence: str
    preliminary: str = ""  # "Vorläufige Ergebnisse – …" while the wave is open


@dataclass(frozen=True)
class Properties:
    """Document properties (PPTX core properties, PDF metadata)."""

    title: str
    author: str  # the town
    subject: str
    keywords: str
    created: datetime


@dataclass
class ReportContent:
    title_page: TitlePage
    slides: list[Slide]
    footer: str  # left footer text on every slide
    properties: Properties

    def charts(self) -> list[BarChart | ScatterChart]:
        return [b for s in self.slides for b in s.blocks if isinstance(b, BarChart | ScatterChart)]


def place_labels(
    points: list[ScatterPoint],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    char_width: float = 0.016,
    line_height: float = 0.07,
) -> list[ScatterPoint]:
    """Greedy label placement so point labels do not overlap each other: try right, left,
    above, below for each point (highest first). Sizes are fractions of the plot area
    (defaults fit a chart about 7 inches wide with 8 pt labels)."""
    (x0, x1), (y0, y1) = x_range, y_range

    def norm(p: ScatterPoint) -> tuple[float, float]:
        return (p.x - x0) / (x1 - x0), (p.y - y0) / (y1 - y0)

    m = 0.015  # markers are obstacles too
    boxes = [(px - m, py - m, px + m, py + m) for px, py in map(norm, points)]
    out = {}
    for i in sorted(range(len(points)), key=lambda k: -points[k].y):
        p = points[i]
        px, py = norm(p)
        w, h, pad = len(p.label) * char_width, line_height, 0.02
        options = {
            "right": (px + pad, py - h / 2, px + pad + w, py + h / 2),
            "left": (px - pad - w, py - h / 2, px - pad, py + h / 2),
            "above": (px - w / 2, py + pad, px + w / 2, py + pad + h),
            "below": (px - w / 2, py - pad - h, px + w / 2, py - pad),
        }
        chosen = "right"
        for pos, (a, b, c, d) in options.items():
            inside = a >= 0 and c <= 1 and b >= 0 and d <= 1
            free = all(c <= e or a >= g or d <= f or b >= k for e, f, g, k in boxes)
            if inside and free:
                chosen = pos
                break
        boxes.append(options[chosen])
        out[i] = chosen
    return [replace(p, label_pos=out[i]) for i, p in enumerate(points)]  # type: ignore[arg-type]
