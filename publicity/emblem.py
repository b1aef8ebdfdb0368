"""The EU emblem with the funding statements, drawn from its official geometry.

Regulation (EU) 2021/1060, Art. 47 and Annex IX: material for the public or participants
of an AMIF-funded project shows the emblem of the Union with the statement
"Kofinanziert von der Europäischen Union" written out in full beside it, no smaller than
any other logo. The programme (KISI) is financed by the EU and co-financed by the Land
Hessen; both are named (:data:`HESSEN_STATEMENT`, :data:`PROJECT_SENTENCE`).

Geometry (the EU's graphical specification): a blue rectangle 3:2 (width = 1.5 × height);
twelve golden five-pointed stars on an invisible circle around the centre, placed like the
hours on a clock face; circle radius = 1/3 of the height; each star's outer radius = 1/18 of
the height; every star stands upright (one point straight up), whatever its position.
Colours: reflex blue ``#003399``, yellow ``#FFCC00``.

One geometry (:func:`emblem`), three outputs: :func:`svg` (web pages, dashboard),
:func:`draw_fpdf` (PDF, vector), :func:`add_to_slide` (PowerPoint, native freeform shapes,
so the emblem stays sharp and editable). Nothing is downloaded.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Any

BLUE = "003399"
YELLOW = "FFCC00"
EU_STATEMENT = "Kofinanziert von der Europäischen Union"
HESSEN_STATEMENT = "Kofinanziert vom Land Hessen"
PROJECT_SENTENCE = (
    "Das AMIF-Projekt „KISI“ wird von der Europäischen Union finanziert und vom Land "
    "Hessen kofinanziert."
)
ALT_TEXT = "Flagge der Europäischen Union: zwölf goldene Sterne im Kreis auf blauem Grund"
# A regular pentagram: inner radius / outer radius = cos(72°) / cos(36°).
INNER_RATIO = math.cos(math.radians(72)) / math.cos(math.radians(36))

Point = tuple[float, float]


@dataclass(frozen=True)
class Emblem:
    """The emblem at a given height, in y-down coordinates from its top-left corner."""

    width: float
    height: float
    star_centres: list[Point]
    stars: list[list[Point]]  # ten vertices each, clockwise from the top point


def star(cx: float, cy: float, outer: float) -> list[Point]:
    """An upright regular five-pointed star: ten vertices, the first the top point."""
    inner = outer * INNER_RATIO
    pts = []
    for k in range(10):
        r = outer if k % 2 == 0 else inner
        a = math.radians(-90 + 36 * k)
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def emblem(height: float) -> Emblem:
    """The geometry of the module docstring for a flag ``height`` units high."""
    width = 1.5 * height
    cx, cy, ring, outer = width / 2, height / 2, height / 3, height / 18
    centres = [
        (cx + ring * math.sin(math.radians(30 * k)), cy - ring * math.cos(math.radians(30 * k)))
        for k in range(12)
    ]
    return Emblem(width, height, centres, [star(x, y, outer) for x, y in centres])


def svg(height: float = 40.0, title: str = ALT_TEXT) -> str:
    """The emblem as a standalone SVG document (``role="img"`` with a title)."""
    e = emblem(100.0)  # drawn in a 150 x 100 user space, scaled by width/height

    def path(points: list[Point]) -> str:
        return "M" + "L".join(f"{x:.3f},{y:.3f}" for x, y in points) + "Z"

    stars = "".join(path(s) for s in e.stars)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 150 100" '
        f'width="{height * 1.5:g}" height="{height:g}" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<rect width="150" height="100" fill="#{BLUE}"/>'
        f'<path d="{stars}" fill="#{YELLOW}"/></svg>'
    )


def _rgb(hex6: str) -> tuple[int, int, int]:
    return int(hex6[0:2], 16), int(hex6[2:4], 16), int(hex6[4:6], 16)


def draw_fpdf(pdf: Any, x: float, y: float, height: float) -> float:
    """Draw the emblem on an fpdf2 page at (x, y), ``height`` in the document's unit;
    returns its width. Vector shapes only."""
    e = emblem(height)
    pdf.set_fill_color(*_rgb(BLUE))
    pdf.rect(x, y, e.width, e.height, style="F")
    pdf.set_fill_color(*_rgb(YELLOW))
    for s in e.stars:
        pdf.polygon([(x + px, y + py) for px, py in s], style="F")
    return e.width


def add_to_slide(slide: Any, x: int, y: int, height: int) -> Any:
    """Add the emblem to a python-pptx slide as native shapes (EMU); returns the group,
    whose alternative text (``descr``) is :data:`ALT_TEXT`."""
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE

    e = emblem(float(height))
    group = slide.shapes.add_group_shape()
    flag = group.shapes.add_shape(MSO_SHAPE.RECTANGLE, x, y, round(e.width), height)
    for shape, colour in [(flag, BLUE)]:
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(colour)
        shape.line.fill.background()
        shape.shadow.inherit = False
    for s in e.stars:
        builder = group.shapes.build_freeform(x + s[0][0], y + s[0][1], scale=1.0)
        builder.add_line_segments([(x + px, y + py) for px, py in s[1:]], close=True)
        shape = builder.convert_to_shape()
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(YELLOW)
        shape.line.fill.background()
        shape.shadow.inherit = False
    group.name = "EU-Emblem"
    group._element.nvGrpSpPr.cNvPr.set("descr", ALT_TEXT)
    return group


def funding_html(height: float = 36.0) -> str:
    """The emblem with both statements, for HTML pages such as the dashboard. The emblem
    is an ``<img>`` with the SVG as a data URI: Streamlit's ``st.html`` sanitises its
    markup and removes inline ``<svg>`` (the emblem vanished), but keeps images."""
    data = base64.b64encode(svg(height).encode()).decode("ascii")
    return (
        '<div class="eu-funding" style="display:flex;align-items:center;gap:.6rem">'
        f'<img src="data:image/svg+xml;base64,{data}" alt="{ALT_TEXT}" '
        f'width="{height * 1.5:g}" height="{height:g}">'
        f"<div><strong>{EU_STATEMENT}</strong><br>{HESSEN_STATEMENT}</div></div>"
    )
