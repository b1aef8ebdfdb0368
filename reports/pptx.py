"""Render a :class:`~reports.content.ReportContent` as an editable 16:9 PowerPoint deck.

Charts are native PowerPoint charts (python-pptx, data embedded as an Excel sheet), so
council staff can restyle them or change values in PowerPoint or LibreOffice. python-pptx
has no API for error bars; confidence intervals are added as native *custom* error bars
(``c:errBars`` with literal plus/minus values, editable under "Fehlerindikatoren") and, for
every chart, also written as numbers in the table beside it - the table is the reference
if a viewer ignores error bars. Suppressed points are left empty, never zero.

One template: font Arial (metric-compatible Liberation Sans on Linux), Okabe-Ito colours,
title placeholder of the "Title Only" layout on every slide (so the outline view and
screen readers see real titles), a slide-number field in the footer, speaker notes with
method details. Nothing here computes a statistic.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_AXIS_CROSSES,
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from reports.content import (
    ACCENT,
    BAND,
    INK,
    MUTED,
    RULE,
    BarChart,
    Block,
    ReportContent,
    ScatterChart,
    Slide,
    Table,
    Text,
    TitlePage,
)

FONT = "Arial"
SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in, exactly 16:9
MARGIN = Inches(0.5)
CONTENT_W = SLIDE_W - 2 * MARGIN
GAP = Inches(0.3)
LAYOUT_TITLE_ONLY = 5
MARKERS = {
    "circle": XL_MARKER_STYLE.CIRCLE,
    "diamond": XL_MARKER_STYLE.DIAMOND,
    "square": XL_MARKER_STYLE.SQUARE,
    "triangle": XL_MARKER_STYLE.TRIANGLE,
    "x": XL_MARKER_STYLE.X,
}
LABEL_POSITIONS = {
    "right": XL_LABEL_POSITION.RIGHT,
    "left": XL_LABEL_POSITION.LEFT,
    "above": XL_LABEL_POSITION.ABOVE,
    "below": XL_LABEL_POSITION.BELOW,
}
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _rgb(hex6: str) -> RGBColor:
    return RGBColor.from_string(hex6)


# -- template -------------------------------------------------------------------------------


def _use_font_in_theme(prs: Presentation) -> None:
    """Theme major/minor Latin font -> Arial (new text and chart text inherit it)."""
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    for tag in ("majorFont", "minorFont"):
        for latin in root.iter(f"{{{A_NS}}}{tag}"):
            latin.find(f"{{{A_NS}}}latin").set("typeface", FONT)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _style_run(run, size: float, bold: bool = False, color: str = INK) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _rgb(color)


def _bullet(paragraph, size: float) -> None:
    pPr = paragraph._p.get_or_add_pPr()
    indent = int(Pt(size) * 1.1)
    pPr.set("marL", str(indent))
    pPr.set("indent", str(-indent))
    bu_clr = etree.SubElement(pPr, qn("a:buClr"))
    etree.SubElement(bu_clr, qn("a:srgbClr")).set("val", ACCENT)
    etree.SubElement(pPr, qn("a:buFont")).set("typeface", FONT)
    etree.SubElement(pPr, qn("a:buChar")).set("char", "•")


def _text_box(
    slide,
    x: int,
    y: int,
    w: int,
    h: int,
    paragraphs: Sequence[str],
    size: float,
    bold: bool = False,
    color: str = INK,
    bullets: bool = False,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    space_after: float = 0.0,
):
    box = slide.shapes.add_textbox(x, y, w, h)
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(0.02)
    tf.margin_top = tf.margin_bottom = Inches(0.02)
    for i, text in enumerate(paragraphs):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        if space_after:
            p.space_after = Pt(space_after)
        _style_run(p.add_run(), size, bold, color)
        p.runs[0].text = text
        if bullets:
            _bullet(p, size)
    return box


def _rule(slide, x: int, y: int, w: int, color: str = RULE) -> None:
    """A thin horizontal line (a flat rectangle: no theme effects)."""
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, x, y, w, Pt(0.75))
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(color)
    bar.line.fill.background()
    bar.shadow.inherit = False


def _slide_number_field(paragraph, size: float) -> None:
    """A real slide-number field (updates when slides are reordered)."""
    fld = etree.SubElement(paragraph._p, qn("a:fld"))
    fld.set("id", "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}")
    fld.set("type", "slidenum")
    rpr = etree.SubElement(fld, qn("a:rPr"))
    rpr.set("lang", "de-DE")
    rpr.set("sz", str(int(size * 100)))
    fill = etree.SubElement(rpr, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr")).set("val", MUTED)
    etree.SubElement(rpr, qn("a:latin")).set("typeface", FONT)
    etree.SubElement(fld, qn("a:t")).text = "‹#›"


def _footer(slide, text: str) -> None:
    _rule(slide, MARGIN, Inches(7.02), CONTENT_W)
    _text_box(slide, MARGIN, Inches(7.06), Inches(10), Inches(0.3), [text], 9, color=MUTED)
    box = slide.shapes.add_textbox(SLIDE_W - MARGIN - Inches(1.5), Inches(7.06), Inches(1.5),
                                   Inches(0.3))  # fmt: skip
    p = box.text_frame.paragraphs[0]
    p.alignment = PP_ALIGN.RIGHT
    _slide_number_field(p, 9)


def _title(slide, text: str) -> None:
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.3), CONTENT_W, Inches(0.7)
    tf = shape.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.BOTTOM
    tf.margin_left = tf.margin_right = Inches(0.02)
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    run = p.add_run()
    run.text = text
    _style_run(run, 26, bold=True)
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, Inches(1.06), Inches(0.8),
                                 Inches(0.06))  # fmt: skip
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(ACCENT)
    bar.line.fill.background()
    bar.shadow.inherit = False


# -- charts ---------------------------------------------------------------------------------


def _num_lit(values: Sequence[float | None]) -> etree._Element:
    lit = etree.Element(qn("c:numLit"))
    etree.SubElement(lit, qn("c:formatCode")).text = "General"
    etree.SubElement(lit, qn("c:ptCount")).set("val", str(len(values)))
    for i, v in enumerate(values):
        if v is None:
            continue
        pt = etree.SubElement(lit, qn("c:pt"))
        pt.set("idx", str(i))
        etree.SubElement(pt, qn("c:v")).text = repr(float(v))
    return lit


def _error_bars(
    ser,
    estimates: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    before: str,
    direction: str | None = None,
) -> None:
    """Native custom error bars from interval limits (see module docstring)."""
    plus = [
        None if e is None or h is None else max(h - e, 0.0)
        for e, h in zip(estimates, highs, strict=True)
    ]
    minus = [
        None if e is None or lo is None else max(e - lo, 0.0)
        for e, lo in zip(estimates, lows, strict=True)
    ]
    if all(v is None for v in plus):
        return
    eb = etree.Element(qn("c:errBars"))
    if direction:
        etree.SubElement(eb, qn("c:errDir")).set("val", direction)
    etree.SubElement(eb, qn("c:errBarType")).set("val", "both")
    etree.SubElement(eb, qn("c:errValType")).set("val", "cust")
    etree.SubElement(eb, qn("c:noEndCap")).set("val", "0")
    etree.SubElement(eb, qn("c:plus")).append(_num_lit(plus))
    etree.SubElement(eb, qn("c:minus")).append(_num_lit(minus))
    sp = etree.SubElement(eb, qn("c:spPr"))
    ln = etree.SubElement(sp, qn("a:ln"))
    ln.set("w", str(Pt(1.0)))
    fill = etree.SubElement(ln, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr")).set("val", "333333")
    ser._element.find(qn(before)).addprevious(eb)


def _style_axis(axis, size: float = 9) -> None:
    axis.tick_labels.font.size = Pt(size)
    axis.tick_labels.font.name = FONT
    axis.tick_labels.font.color.rgb = _rgb(INK)
    axis.format.line.color.rgb = _rgb(RULE)


def _chart_title(chart, text: str) -> None:
    chart.has_title = True
    tf = chart.chart_title.text_frame
    tf.text = text
    _style_run(tf.paragraphs[0].runs[0], 12, bold=True)


def _legend(chart, position=XL_LEGEND_POSITION.BOTTOM) -> None:
    chart.has_legend = True
    chart.legend.position = position
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(9)
    chart.legend.font.name = FONT


def _bar_chart(slide, spec: BarChart, x: int, y: int, w: int, h: int) -> None:
    per_category = Inches(max(0.3, 0.17 * len(spec.series)))
    h = min(h, max(Inches(2.4), Inches(1.1) + per_category * len(spec.categories)))
    data = CategoryChartData(number_format=spec.number_format)
    data.categories = spec.categories
    for s in spec.series:
        data.add_series(s.name, s.values)
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, x, y, w, h, data).chart
    chart.font.name = FONT
    chart.font.size = Pt(9)
    _chart_title(chart, spec.title)
    if len(spec.series) > 1:
        _legend(chart)
    else:
        chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width = 50 if len(spec.series) > 1 else 70
    plot.overlap = 0
    va = chart.value_axis
    va.minimum_scale, va.maximum_scale, va.major_unit = (
        spec.axis_min,
        spec.axis_max,
        spec.major_unit,
    )
    va.has_major_gridlines = True
    va.major_gridlines.format.line.color.rgb = _rgb(RULE)
    va.tick_labels.number_format = spec.number_format
    va.tick_labels.number_format_is_linked = False
    _style_axis(va)
    ca = chart.category_axis
    ca.reverse_order = True  # first category on top, as in the table beside the chart
    ca.crosses = XL_AXIS_CROSSES.MAXIMUM  # ... and the value axis stays at the bottom
    _style_axis(ca)
    for ser, s in zip(plot.series, spec.series, strict=True):
        ser.invert_if_negative = False
        ser.format.fill.solid()
        ser.format.fill.fore_color.rgb = _rgb(s.color)
        if s.ci_low is not None and s.ci_high is not None:
            _error_bars(ser, s.values, s.ci_low, s.ci_high, before="c:cat")


def _scatter_chart(slide, spec: ScatterChart, x: int, y: int, w: int, h: int) -> None:
    data = XyChartData()
    for s in spec.series:
        xs = data.add_series(s.name, number_format="0.0")
        for p in s.points:
            xs.add_data_point(p.x, p.y)
    (x0, x1), (y0, y1) = spec.x_range, spec.y_range
    cross = []
    if spec.crosshair_x is not None and spec.crosshair_y is not None:
        v = data.add_series(spec.crosshair_name, number_format="0.0")
        v.add_data_point(spec.crosshair_x, y0)
        v.add_data_point(spec.crosshair_x, y1)
        hz = data.add_series(spec.crosshair_name, number_format="0.0")
        hz.add_data_point(x0, spec.crosshair_y)
        hz.add_data_point(x1, spec.crosshair_y)
        cross = [len(spec.series), len(spec.series) + 1]
    chart = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, x, y, w, h, data).chart
    chart.font.name = FONT
    chart.font.size = Pt(9)
    _chart_title(chart, spec.title)
    _legend(chart)
    for axis, (lo, hi), title in (
        (chart.category_axis, spec.x_range, spec.x_title),
        (chart.value_axis, spec.y_range, spec.y_title),
    ):
        axis.minimum_scale, axis.maximum_scale, axis.major_unit = lo, hi, 1.0
        axis.has_major_gridlines = True
        axis.major_gridlines.format.line.color.rgb = _rgb(RULE)
        axis.tick_labels.number_format = "0"
        axis.tick_labels.number_format_is_linked = False
        axis.has_title = True
        axis.axis_title.text_frame.text = title
        _style_run(axis.axis_title.text_frame.paragraphs[0].runs[0], 9, color=MUTED)
        _style_axis(axis)
    plot = chart.plots[0]
    for ser, s in zip(plot.series, spec.series, strict=False):
        ser.marker.style = MARKERS[s.marker]
        ser.marker.size = 9
        ser.marker.format.fill.solid()
        ser.marker.format.fill.fore_color.rgb = _rgb(s.color)
        ser.marker.format.line.color.rgb = _rgb(s.color)
        for i, p in enumerate(s.points):
            dl = ser.points[i].data_label
            dl.has_text_frame = True
            dl.text_frame.text = p.label
            _style_run(dl.text_frame.paragraphs[0].runs[0], 8)
            dl.position = LABEL_POSITIONS[p.label_pos]
        ys = [p.y for p in s.points]
        xs_ = [p.x for p in s.points]
        _error_bars(ser, xs_, [p.x_low for p in s.points], [p.x_high for p in s.points],
                    before="c:xVal", direction="x")  # fmt: skip
        _error_bars(ser, ys, [p.y_low for p in s.points], [p.y_high for p in s.points],
                    before="c:xVal", direction="y")  # fmt: skip
    for idx in cross:
        ser = plot.series[idx]
        ser.marker.style = XL_MARKER_STYLE.NONE
        ser.format.line.color.rgb = _rgb(MUTED)
        ser.format.line.width = Pt(1)
        ser.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
    if cross:  # one legend entry for the two crosshair lines
        legend = chart.legend._element
        entry = etree.Element(qn("c:legendEntry"))
        etree.SubElement(entry, qn("c:idx")).set("val", str(cross[1]))
        etree.SubElement(entry, qn("c:delete")).set("val", "1")
        legend.find(qn("c:legendPos")).addnext(entry)


# -- tables -----------------------------------------------------------------------------------


def _table(slide, spec: Table, x: int, y: int, w: int, h: int) -> None:
    n_rows, n_cols = len(spec.rows) + 1, len(spec.columns)
    row_h = Pt(spec.font_size * 2.0)
    frame = slide.shapes.add_table(n_rows, n_cols, x, y, w, min(h, row_h * n_rows))
    table = frame.table
    table.first_row = True
    table.horz_banding = False
    widths = spec.widths or [1.0] * n_cols
    total = sum(widths)
    used = 0
    for i, wi in enumerate(widths):
        col_w = int(w * wi / total) if i < n_cols - 1 else w - used
        table.columns[i].width = Emu(col_w)
        used += col_w
    for r in range(n_rows):
        table.rows[r].height = Emu(row_h)
    align = spec.align or "l" * n_cols
    for r, values in enumerate([spec.columns, *spec.rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = Inches(0.05)
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(ACCENT if r == 0 else BAND if r % 2 == 0 else "FFFFFF")
            tf = cell.text_frame
            tf.word_wrap = True
            p = tf.paragraphs[0]
            p.alignment = PP_ALIGN.RIGHT if align[c] == "r" else PP_ALIGN.LEFT
            run = p.add_run()
            run.text = value
            _style_run(run, spec.font_size, bold=r == 0, color="FFFFFF" if r == 0 else INK)


def _block(slide, block: Block, x: int, y: int, w: int, h: int) -> None:
    if isinstance(block, BarChart):
        _bar_chart(slide, block, x, y, w, h)
    elif isinstance(block, ScatterChart):
        _scatter_chart(slide, block, x, y, w, h)
    elif isinstance(block, Table):
        _table(slide, block, x, y, w, h)
    elif isinstance(block, Text):
        _text_box(slide, x, y, w, h, block.paragraphs, block.font_size,
                  bullets=block.bullets, space_after=block.font_size * 0.6)  # fmt: skip


# -- slides ---------------------------------------------------------------------------------


def _title_slide(prs: Presentation, page: TitlePage) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Inches(0.35), SLIDE_H)
    band.fill.solid()
    band.fill.fore_color.rgb = _rgb(ACCENT)
    band.line.fill.background()
    band.shadow.inherit = False
    left, width = Inches(1.0), Inches(11.3)
    _text_box(slide, left, Inches(0.8), width, Inches(0.4), [page.programme], 14, color=MUTED)
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = left, Inches(1.5), width, Inches(1.5)
    tf = shape.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.BOTTOM
    tf.margin_left = tf.margin_right = Inches(0.02)
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    run = p.add_run()
    run.text = page.title
    _style_run(run, 36, bold=True)
    _text_box(slide, left, Inches(3.1), width, Inches(0.5), [page.subtitle], 20, color=INK)
    _text_box(slide, left, Inches(3.8), width, Inches(0.9), [page.wave, f"Stand: {page.date}"],
              16, color=MUTED, space_after=4)  # fmt: skip
    _rule(slide, left, Inches(5.85), width)
    _text_box(slide, left, Inches(6.0), width, Inches(0.45), [page.funding_notice], 13)
    _text_box(slide, left, Inches(6.5), width, Inches(0.4), [page.funding_line], 11, color=MUTED)
    slide.notes_slide.notes_text_frame.text = (
        f"{page.funding_notice} Bericht erzeugt mit Bedarfsradar aus den Analyseergebnissen."
    )


def _content_slide(prs: Presentation, spec: Slide, footer: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(slide, spec.title)
    top = Inches(1.25)
    if spec.lead:
        _text_box(slide, MARGIN, Inches(1.2), CONTENT_W, Inches(0.45), [spec.lead], 15,
                  color=INK)  # fmt: skip
        top = Inches(1.75)
    n_foot = len(spec.footnotes)
    bottom = Inches(6.95) - Inches(0.22) * n_foot - (Inches(0.1) if n_foot else 0)
    h = bottom - top
    blocks = spec.blocks
    if spec.layout == "full" or len(blocks) == 1:
        for b in blocks[:1]:
            _block(slide, b, MARGIN, top, CONTENT_W, h)
    else:
        left_w = int(CONTENT_W * (0.55 if spec.layout == "split" else 0.5)) - GAP // 2
        right_w = CONTENT_W - left_w - GAP
        _block(slide, blocks[0], MARGIN, top, left_w, h)
        _block(slide, blocks[1], MARGIN + left_w + GAP, top, right_w, h)
    if spec.footnotes:
        _text_box(slide, MARGIN, bottom + Inches(0.05), CONTENT_W, Inches(0.22) * n_foot,
                  spec.footnotes, 9, color=MUTED)  # fmt: skip
    _footer(slide, footer + (f" · {spec.section}" if spec.section else ""))
    if spec.notes:
        slide.notes_slide.notes_text_frame.text = spec.notes


def render_pptx(content: ReportContent) -> bytes:
    """The deck as .pptx bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    _use_font_in_theme(prs)
    prs.core_properties.title = content.title_page.title
    prs.core_properties.subject = content.title_page.wave
    prs.core_properties.author = "Bedarfsradar"
    prs.core_properties.language = "de-DE"
    _title_slide(prs, content.title_page)
    for spec in content.slides:
        _content_slide(prs, spec, content.footer)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
