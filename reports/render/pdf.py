"""Render a :class:`~reports.content.ReportContent` as a PDF handout (fpdf2).

One A4 landscape page per slide, same content and order as the deck. Text is real,
extractable text in an embedded TrueType font (Noto Sans from the PyPI package
``fontpkg-noto-sans`` via :mod:`publicity.fonts`; it covers German typography,
"–", "−" and the no-break spaces of "n = 181" and "34 %"). Charts are drawn as vector
graphics with fpdf2 primitives - bars, CI error bars, scatter markers, value labels, a
legend that wraps instead of being cut - with the source line under each chart, so
nothing is fetched or rasterised. The title page and the contact page carry the EU emblem
with the funding statements; while the wave is open the title page and every footer say
"vorläufig". Every page has "Seite n von N". Nothing here computes a statistic.
"""

from __future__ import annotations

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, TableCellFillMode, XPos, YPos

from publicity import emblem
from publicity.fonts import FontError, add_fonts
from reports import format as fmt
from reports.content import (
    ACCENT,
    BAND,
    INK,
    MUTED,
    OKABE_ITO,
    RULE,
    BarChart,
    Block,
    MeasureCard,
    ReportContent,
    ScatterChart,
    Slide,
    Table,
    Text,
    TitlePage,
)
from reports.inputs import ReportError

FONT = "sans"
PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 14.0
CONTENT_W = PAGE_W - 2 * MARGIN
PT = 0.3528  # mm per point


def _rgb(hex6: str) -> tuple[int, int, int]:
    return int(hex6[0:2], 16), int(hex6[2:4], 16), int(hex6[4:6], 16)


class _PDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-11)
        self.set_draw_color(*_rgb(RULE))
        self.set_line_width(0.2)
        self.line(MARGIN, PAGE_H - 12, PAGE_W - MARGIN, PAGE_H - 12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*_rgb(MUTED))
        self.cell(CONTENT_W / 2, 5, self.footer_text if self.page_no() > 1 else "")
        self.cell(CONTENT_W / 2, 5, f"Seite {self.page_no()} von {{nb}}", align="R")


def _font(pdf: FPDF, size: float, bold: bool = False, color: str = INK) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*_rgb(color))


# -- blocks -----------------------------------------------------------------------------------


def _text(pdf: FPDF, block: Text, x: float, y: float, w: float, h: float) -> None:
    size = min(block.font_size * 0.7, 14.0)
    pdf.set_xy(x, y)
    for para in block.paragraphs:
        _font(pdf, size)
        if block.bullets:
            pdf.set_x(x)
            pdf.set_text_color(*_rgb(ACCENT))
            pdf.cell(5, size * PT * 1.45, "•")
            _font(pdf, size)
            pdf.multi_cell(
                w - 5, size * PT * 1.45, para, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        else:
            pdf.set_x(x)
            pdf.multi_cell(
                w, size * PT * 1.45, para, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        pdf.set_y(pdf.get_y() + size * PT * 0.6)


def _table(pdf: FPDF, block: Table, x: float, y: float, w: float, h: float) -> None:
    size = min(block.font_size, 10.0) - 1.5
    _font(pdf, size)
    align = block.align or "l" * len(block.columns)
    text_align = tuple("RIGHT" if a == "r" else "LEFT" for a in align)
    widths = block.widths or [1.0] * len(block.columns)
    pdf.set_xy(x, y)
    pdf.set_fill_color(*_rgb(BAND))  # fpdf2 fills banded rows with the current colour
    old_margin = pdf.l_margin
    pdf.set_left_margin(x)
    try:
        with pdf.table(
            width=w,
            col_widths=tuple(widths),
            text_align=text_align,
            align="LEFT",
            line_height=size * PT * 1.35,
            padding=(0.9, 1.4),
            borders_layout=TableBordersLayout.NONE,
            cell_fill_color=_rgb(BAND),
            cell_fill_mode=TableCellFillMode.EVEN_ROWS,
            headings_style=FontFace(
                emphasis="BOLD", color=(255, 255, 255), fill_color=_rgb(ACCENT)
            ),
        ) as table:
            for values in [block.columns, *block.rows]:
                row = table.row()
                for v in values:
                    row.cell(v)
    finally:
        pdf.set_left_margin(old_margin)


def _axis_label(number_format: str, v: float) -> str:
    if "%" in number_format:
        return fmt.share(v)
    return fmt.scale(v, 1 if "." in number_format else 0)


def _bar_chart(pdf: FPDF, spec: BarChart, x: float, y: float, w: float, h: float) -> None:
    _font(pdf, 9.5, bold=True)
    pdf.set_xy(x, y)
    pdf.cell(w, 5, spec.title, align="C")
    top = y + 7
    if spec.source:  # the source line under the chart
        _font(pdf, 7.5, color=MUTED)
        lines = pdf.multi_cell(w, 3.6, spec.source, dry_run=True, output="LINES")
        h -= len(lines) * 3.6 + 2
        pdf.set_xy(x, y + h + 1.5)
        pdf.multi_cell(w, 3.6, spec.source, align="L")
    if len(spec.series) > 1:  # legend: wraps to a new line instead of running off
        _font(pdf, 8)
        lx = x
        for s in spec.series:
            label_w = pdf.get_string_width(s.name) + 6
            if lx > x and lx + label_w > x + w:
                lx, top = x, top + 5
            pdf.set_fill_color(*_rgb(s.color))
            pdf.rect(lx, top + 0.8, 3, 3, style="F")
            pdf.set_xy(lx + 4, top)
            pdf.cell(label_w, 4.5, s.name)
            lx += label_w + 4
        top += 6
    _font(pdf, 7.5)
    label_w = min(0.4 * w, max(pdf.get_string_width(c) for c in spec.categories) + 2)
    px, pw = x + label_w, w - label_w - 11
    n_cat, n_ser = len(spec.categories), len(spec.series)
    band = min((y + h - 6 - top) / max(n_cat, 1), 4.2 * n_ser + 2.5)
    ph = band * n_cat
    span = spec.axis_max - spec.axis_min

    def sx(v: float) -> float:
        return px + (min(max(v, spec.axis_min), spec.axis_max) - spec.axis_min) / span * pw

    # grid and axis labels
    pdf.set_draw_color(*_rgb(RULE))
    pdf.set_line_width(0.15)
    _font(pdf, 6.5, color=MUTED)
    steps = round(span / spec.major_unit)
    for k in range(steps + 1):
        v = spec.axis_min + k * spec.major_unit
        pdf.line(sx(v), top, sx(v), top + ph)
        pdf.set_xy(sx(v) - 8, top + ph + 0.5)
        pdf.cell(16, 3.5, _axis_label(spec.number_format, v), align="C")
    bar_h = band * 0.78 / n_ser
    for i, cat in enumerate(spec.categories):
        cy = top + i * band
        _font(pdf, 7.5)
        pdf.set_xy(x, cy + band / 2 - 2)
        pdf.cell(label_w - 1.5, 4, cat, align="R")
        for j, s in enumerate(spec.series):
            by = cy + band * 0.11 + j * bar_h
            v = s.values[i]
            if v is None:
                _font(pdf, 9, bold=True, color=INK)
                pdf.set_xy(px + 0.5, by)
                pdf.cell(5, bar_h, fmt.SUPPRESSED)
                continue
            pdf.set_fill_color(*_rgb(s.color))
            pdf.rect(px, by, max(sx(v) - px, 0.2), bar_h * 0.92, style="F")
            end = sx(v)
            lo = s.ci_low[i] if s.ci_low else None
            hi = s.ci_high[i] if s.ci_high else None
            if lo is not None and hi is not None:
                mid = by + bar_h * 0.46
                pdf.set_draw_color(51, 51, 51)
                pdf.set_line_width(0.25)
                pdf.line(sx(lo), mid, sx(hi), mid)
                cap = min(bar_h * 0.3, 1.0)
                pdf.line(sx(lo), mid - cap, sx(lo), mid + cap)
                pdf.line(sx(hi), mid - cap, sx(hi), mid + cap)
                end = max(end, sx(hi))
            _font(pdf, 7.5, bold=True, color=INK)
            pdf.set_xy(end + 0.8, by + bar_h * 0.46 - 1.6)
            pdf.cell(12, 3.2, _axis_label(spec.number_format, v))
    pdf.set_draw_color(*_rgb(MUTED))
    pdf.set_line_width(0.2)
    pdf.line(px, top, px, top + ph)


def _marker(pdf: FPDF, kind: str, cx: float, cy: float, r: float, color: str) -> None:
    pdf.set_fill_color(*_rgb(color))
    pdf.set_draw_color(*_rgb(color))
    if kind == "circle":
        pdf.ellipse(cx - r, cy - r, 2 * r, 2 * r, style="F")
    elif kind == "square":
        pdf.rect(cx - r, cy - r, 2 * r, 2 * r, style="F")
    elif kind == "diamond":
        d = r * 1.2
        pdf.polygon([(cx, cy - d), (cx + d, cy), (cx, cy + d), (cx - d, cy)], style="F")
    elif kind == "triangle":
        pdf.polygon([(cx, cy - r * 1.2), (cx + r * 1.1, cy + r), (cx - r * 1.1, cy + r)], style="F")
    else:
        pdf.set_line_width(0.5)
        pdf.line(cx - r, cy - r, cx + r, cy + r)
        pdf.line(cx - r, cy + r, cx + r, cy - r)


def _scatter(pdf: FPDF, spec: ScatterChart, x: float, y: float, w: float, h: float) -> None:
    _font(pdf, 9.5, bold=True)
    pdf.set_xy(x, y)
    pdf.cell(w, 5, spec.title, align="C")
    if spec.source:
        _font(pdf, 7.5, color=MUTED)
        h -= 6
        pdf.set_xy(x, y + h + 1.5)
        pdf.multi_cell(w, 3.6, spec.source, align="L")
    legend_h = 10
    px, py = x + 12, y + 13
    pw, ph = w - 16, h - 13 - 12 - legend_h
    (x0, x1), (y0, y1) = spec.x_range, spec.y_range

    def sx(v: float) -> float:
        return px + (v - x0) / (x1 - x0) * pw

    def sy(v: float) -> float:
        return py + ph - (v - y0) / (y1 - y0) * ph

    pdf.set_draw_color(*_rgb(RULE))
    pdf.set_line_width(0.15)
    _font(pdf, 7, color=MUTED)
    for k in range(int(x0), int(x1) + 1):
        pdf.line(sx(k), py, sx(k), py + ph)
        pdf.set_xy(sx(k) - 3, py + ph + 0.8)
        pdf.cell(6, 3.5, str(k), align="C")
    for k in range(int(y0), int(y1) + 1):
        pdf.line(px, sy(k), px + pw, sy(k))
        pdf.set_xy(px - 7, sy(k) - 1.75)
        pdf.cell(5, 3.5, str(k), align="R")
    pdf.set_xy(px, py + ph + 4.5)
    pdf.cell(pw, 4, spec.x_title, align="C")
    pdf.set_xy(px - 7, py - 5)  # y title above the axis: horizontal text reads better
    pdf.cell(pw, 4, spec.y_title)
    if spec.crosshair_x is not None and spec.crosshair_y is not None:
        pdf.set_draw_color(*_rgb(MUTED))
        pdf.set_line_width(0.25)
        pdf.set_dash_pattern(dash=1.2, gap=1.0)
        pdf.line(sx(spec.crosshair_x), py, sx(spec.crosshair_x), py + ph)
        pdf.line(px, sy(spec.crosshair_y), px + pw, sy(spec.crosshair_y))
        pdf.set_dash_pattern()
    for s in spec.series:
        for p in s.points:
            pdf.set_draw_color(80, 80, 80)
            pdf.set_line_width(0.2)
            if p.x_low is not None and p.x_high is not None:
                pdf.line(sx(p.x_low), sy(p.y), sx(p.x_high), sy(p.y))
            if p.y_low is not None and p.y_high is not None:
                pdf.line(sx(p.x), sy(p.y_low), sx(p.x), sy(p.y_high))
            _marker(pdf, s.marker, sx(p.x), sy(p.y), 1.3, s.color)
            _font(pdf, 6.5)
            tw = pdf.get_string_width(p.label) + 1
            cx, cy = sx(p.x), sy(p.y)
            lx, ly = {
                "right": (cx + 2, cy - 1.6),
                "left": (cx - 2 - tw, cy - 1.6),
                "above": (cx - tw / 2, cy - 5),
                "below": (cx - tw / 2, cy + 1.8),
            }[p.label_pos]
            pdf.set_xy(lx, ly)
            pdf.cell(tw, 3.2, p.label)
    # legend
    lx, ly = px, py + ph + 10
    _font(pdf, 7)
    for s in spec.series:
        _marker(pdf, s.marker, lx + 1.5, ly + 2, 1.2, s.color)
        pdf.set_xy(lx + 3.5, ly)
        tw = pdf.get_string_width(s.name) + 2
        pdf.cell(tw, 4, s.name)
        lx += tw + 6
    if spec.crosshair_x is not None:
        pdf.set_draw_color(*_rgb(MUTED))
        pdf.set_dash_pattern(dash=1.2, gap=1.0)
        pdf.line(lx, ly + 2, lx + 5, ly + 2)
        pdf.set_dash_pattern()
        pdf.set_xy(lx + 6, ly)
        pdf.cell(40, 4, spec.crosshair_name)


def _card(pdf: FPDF, block: MeasureCard, x: float, y: float, w: float, h: float) -> None:
    pdf.set_fill_color(*_rgb(ACCENT))
    pdf.rect(x, y, 1.2, h, style="F")
    _font(pdf, 13, bold=True, color=ACCENT)
    pdf.set_xy(x + 4, y)
    pdf.multi_cell(
        w - 4, 6, f"{block.number}. {block.title}", align="L", new_x=XPos.LEFT, new_y=YPos.NEXT
    )
    for label, text in block.lines:
        pdf.set_xy(x + 4, pdf.get_y() + 1.5)
        _font(pdf, 11)
        pdf.multi_cell(
            w - 4,
            5.2,
            f"**{label}:** {text}",
            align="L",
            markdown=True,
            new_x=XPos.LEFT,
            new_y=YPos.NEXT,
        )


def _block(pdf: FPDF, block: Block, x: float, y: float, w: float, h: float) -> None:
    if isinstance(block, BarChart):
        _bar_chart(pdf, block, x, y, w, h)
    elif isinstance(block, ScatterChart):
        _scatter(pdf, block, x, y, w, h)
    elif isinstance(block, Table):
        _table(pdf, block, x, y, w, h)
    elif isinstance(block, Text):
        _text(pdf, block, x, y, w, h)
    elif isinstance(block, MeasureCard):
        _card(pdf, block, x, y, w, h)


# -- pages ------------------------------------------------------------------------------------


def _title_page(pdf: FPDF, page: TitlePage) -> None:
    pdf.add_page()
    pdf.set_fill_color(*_rgb(ACCENT))
    pdf.rect(0, 0, 8, PAGE_H, style="F")
    left, w = 26.0, PAGE_W - 26 - MARGIN
    _font(pdf, 12, color=MUTED)
    pdf.set_xy(left, 24)
    pdf.cell(w, 6, page.programme)
    _font(pdf, 26, bold=True)
    pdf.set_xy(left, 56)
    pdf.multi_cell(w, 11, page.title, align="L")
    _font(pdf, 16)
    pdf.set_x(left)
    pdf.multi_cell(w, 8, page.subtitle, align="L")
    _font(pdf, 13, color=MUTED)
    pdf.set_xy(left, pdf.get_y() + 6)
    pdf.multi_cell(w, 7, f"{page.wave}\nStand: {page.date}", align="L")
    if page.preliminary:
        _font(pdf, 13, bold=True, color="FFFFFF")
        pdf.set_fill_color(*_rgb(OKABE_ITO["vermillion"]))
        pdf.set_xy(left, pdf.get_y() + 4)
        pdf.cell(
            pdf.get_string_width(page.preliminary) + 8, 9, page.preliminary, fill=True, align="C"
        )
    pdf.set_draw_color(*_rgb(RULE))
    pdf.set_line_width(0.3)
    pdf.line(left, 150, left + w, 150)
    _funding(pdf, left, 155)
    _font(pdf, 10, color=MUTED)
    pdf.set_xy(left, 178)
    pdf.multi_cell(w, 5, page.project_sentence, align="L")


def _funding(pdf: FPDF, x: float, y: float) -> None:
    """The EU emblem (vector) with the statement beside it and the Land Hessen line."""
    width = emblem.draw_fpdf(pdf, x, y, 16)
    _font(pdf, 13, bold=True)
    pdf.set_xy(x + width + 4, y + 1.5)
    pdf.cell(0, 6.5, emblem.EU_STATEMENT)
    _font(pdf, 11)
    pdf.set_xy(x + width + 4, y + 8.5)
    pdf.cell(0, 6, emblem.HESSEN_STATEMENT)


def _content_page(pdf: FPDF, spec: Slide) -> None:
    pdf.add_page()
    _font(pdf, 17, bold=True)
    pdf.set_xy(MARGIN, 10)
    pdf.multi_cell(CONTENT_W, 7.5, spec.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    bar_y = pdf.get_y() + 1.5
    pdf.set_fill_color(*_rgb(ACCENT))
    pdf.rect(MARGIN, bar_y, 16, 1.2, style="F")
    top = bar_y + 4.5
    if spec.lead:
        _font(pdf, 11.5)
        pdf.set_xy(MARGIN, top - 1)
        pdf.multi_cell(CONTENT_W, 5.5, spec.lead, align="L")
        top = pdf.get_y() + 3
    _font(pdf, 7.5, color=MUTED)
    foot_h = sum(
        len(pdf.multi_cell(CONTENT_W, 3.6, f, dry_run=True, output="LINES")) * 3.6
        for f in spec.footnotes
    )
    bottom = PAGE_H - 14 - foot_h - (2 if foot_h else 0)
    if spec.closing:
        bottom = min(bottom, PAGE_H - 48)
        _funding(pdf, MARGIN, PAGE_H - 40)
    h = bottom - top
    if spec.layout == "full" or len(spec.blocks) == 1:
        for b in spec.blocks[:1]:
            _block(pdf, b, MARGIN, top, CONTENT_W, h)
    else:
        gap = 7.0
        left_w = CONTENT_W * 0.5 - gap / 2  # A4 is less wide than 16:9: tables need room
        _block(pdf, spec.blocks[0], MARGIN, top, left_w, h)
        _block(pdf, spec.blocks[1], MARGIN + left_w + gap, top, CONTENT_W - left_w - gap, h)
    if spec.footnotes:
        _font(pdf, 7.5, color=MUTED)
        pdf.set_xy(MARGIN, bottom + 1)
        for f in spec.footnotes:
            pdf.set_x(MARGIN)
            pdf.multi_cell(CONTENT_W, 3.6, f, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_pdf(content: ReportContent) -> bytes:
    """The report as PDF bytes (see module docstring)."""
    pdf = _PDF(orientation="L", unit="mm", format="A4")
    pdf.footer_text = content.footer
    pdf.set_margins(MARGIN, 12, MARGIN)
    pdf.set_auto_page_break(auto=False)
    try:
        add_fonts(pdf)
    except FontError as exc:
        raise ReportError(str(exc)) from exc
    props = content.properties
    pdf.set_title(props.title)
    pdf.set_subject(props.subject)
    pdf.set_author(props.author)
    pdf.set_keywords(props.keywords)
    pdf.set_creation_date(props.created)
    pdf.set_lang("de-DE")
    pdf.set_creator("Bedarfsradar (fpdf2)")
    _title_page(pdf, content.title_page)
    for spec in content.slides:
        _content_page(pdf, spec)
    return bytes(pdf.output())
