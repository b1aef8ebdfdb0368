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

Projector rules on main slides: body text 18 pt or more, chart text (axes, legend, value
labels, source line) 14 pt, nothing below 14 pt; the appendix uses 11-12 pt. Text boxes
are sized from an estimate of the wrapped lines, wide enough that no word is broken.
Every chart has alternative text (``descr``) and a source line under it; the title slide
and the contact slide carry the EU emblem as native shapes with the funding statement
(:mod:`publicity.emblem`). Document properties name the town as author, the
report date, 16:9 - nothing from the library's 2013 4:3 template remains.
"""

from __future__ import annotations

import io
import zipfile
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

from publicity import emblem
from reports.content import (
    ACCENT,
    BAND,
    INK,
    MEAN_FORMAT,
    MUTED,
    OKABE_ITO,
    RULE,
    BarChart,
    Block,
    MeasureCard,
    Properties,
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
GAP = Inches(0.35)
LAYOUT_TITLE_ONLY = 5
FOOTER_TOP = Inches(7.0)
MAIN = {"title": 28, "lead": 20, "note": 14, "footer": 14, "chart": 14}
APPENDIX = {"title": 24, "lead": 16, "note": 11, "footer": 11, "chart": 12}
CHAR_EM = 0.55  # average character width of Arial in em, slightly generous
LINE = 1.25  # line height in em
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
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
LIGHT_TEXT_ON = {"0072B2", "D55E00", "1F2937", "000000"}  # bar colours that take white labels


def _rgb(hex6: str) -> RGBColor:
    return RGBColor.from_string(hex6)


def lines_needed(text: str, width: int, size: float) -> int:
    """Estimated wrapped lines of ``text`` in a box ``width`` EMU wide at ``size`` pt."""
    per_line = max(1, int(width / Pt(size * CHAR_EM)))
    total = 0
    for para in text.split("\n"):
        words, line = para.split(), 0
        total += 1
        for w in words:
            if line and line + 1 + len(w) > per_line:
                total += 1
                line = len(w)
            else:
                line += (1 if line else 0) + len(w)
    return total


def text_height(paragraphs: Sequence[str], width: int, size: float, gap: float = 0.0) -> int:
    n = sum(lines_needed(p, width, size) for p in paragraphs)
    return int(Pt(size * LINE) * n + Pt(gap) * max(len(paragraphs) - 1, 0) + Inches(0.08))


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
    run._r.get_or_add_rPr().set("lang", "de-DE")


def _bullet(paragraph, size: float) -> None:
    pPr = paragraph._p.get_or_add_pPr()
    indent = int(Pt(size) * 1.1)
    pPr.set("marL", str(indent))
    pPr.set("indent", str(-indent))
    bu_clr = etree.SubElement(pPr, qn("a:buClr"))
    etree.SubElement(bu_clr, qn("a:srgbClr")).set("val", ACCENT)
    etree.SubElement(pPr, qn("a:buFont")).set("typeface", FONT)
    etree.SubElement(pPr, qn("a:buChar")).set("char", "•")


def _frame(tf, anchor: MSO_ANCHOR = MSO_ANCHOR.TOP) -> None:
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(0.02)
    tf.margin_top = tf.margin_bottom = Inches(0.02)


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
    _frame(box.text_frame, anchor)
    for i, text in enumerate(paragraphs):
        p = box.text_frame.paragraphs[0] if i == 0 else box.text_frame.add_paragraph()
        if space_after:
            p.space_after = Pt(space_after)
        run = p.add_run()
        run.text = text
        _style_run(run, size, bold, color)
        if bullets:
            _bullet(p, size)
    return box


def _labelled_box(
    slide,
    x: int,
    y: int,
    w: int,
    h: int,
    lines: Sequence[tuple[str, str]],
    size: float,
    space_after: float,
):
    """Paragraphs "Label: text" with a bold label."""
    box = slide.shapes.add_textbox(x, y, w, h)
    _frame(box.text_frame)
    for i, (label, text) in enumerate(lines):
        p = box.text_frame.paragraphs[0] if i == 0 else box.text_frame.add_paragraph()
        p.space_after = Pt(space_after)
        head = p.add_run()
        head.text = f"{label}: "
        _style_run(head, size, bold=True)
        body = p.add_run()
        body.text = text
        _style_run(body, size)
    return box


def _rect(slide, x: int, y: int, w: int, h: int, color: str):
    """A flat filled rectangle (no outline, no theme shadow)."""
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, x, y, w, h)
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(color)
    bar.line.fill.background()
    bar.shadow.inherit = False
    return bar


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


def _footer(slide, text: str, size: float) -> None:
    _rect(slide, MARGIN, FOOTER_TOP, CONTENT_W, Pt(0.75), RULE)
    _text_box(
        slide,
        MARGIN,
        FOOTER_TOP + Inches(0.04),
        Inches(10.5),
        Inches(0.38),
        [text],
        size,
        color=MUTED,
    )
    box = slide.shapes.add_textbox(
        SLIDE_W - MARGIN - Inches(1.2), FOOTER_TOP + Inches(0.04), Inches(1.2), Inches(0.38)
    )
    _frame(box.text_frame)
    p = box.text_frame.paragraphs[0]
    p.alignment = PP_ALIGN.RIGHT
    _slide_number_field(p, size)


def _title(slide, text: str, size: float) -> int:
    """The slide title (the finding on main slides); returns the bottom of the accent bar."""
    shape = slide.shapes.title
    h = text_height([text], CONTENT_W, size)
    shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.3), CONTENT_W, h
    _frame(shape.text_frame, MSO_ANCHOR.TOP)
    p = shape.text_frame.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    run = p.add_run()
    run.text = text
    _style_run(run, size, bold=True)
    bar_top = Inches(0.3) + h + Inches(0.06)
    _rect(slide, MARGIN, bar_top, Inches(0.8), Inches(0.06), ACCENT)
    return bar_top + Inches(0.16)


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
    """Native custom error bars from interval limits (fixed values: the speaker notes say
    they do not follow edited chart data)."""
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
    ln.set("w", str(Pt(1.25)))
    fill = etree.SubElement(ln, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr")).set("val", "333333")
    ser._element.find(qn(before)).addprevious(eb)


def _style_axis(axis, size: float) -> None:
    axis.tick_labels.font.size = Pt(size)
    axis.tick_labels.font.name = FONT
    axis.tick_labels.font.color.rgb = _rgb(INK)
    axis.format.line.color.rgb = _rgb(RULE)


def _chart_title(chart, text: str, size: float) -> None:
    chart.has_title = True
    tf = chart.chart_title.text_frame
    tf.text = text
    _style_run(tf.paragraphs[0].runs[0], size, bold=True)


def _legend(chart, size: float, position=XL_LEGEND_POSITION.BOTTOM) -> None:
    chart.has_legend = True
    chart.legend.position = position
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(size)
    chart.legend.font.name = FONT


def _german(chart) -> None:
    """Chart language de-DE, so applications format numbers with a decimal comma."""
    space = chart._chartSpace
    lang = space.find(qn("c:lang"))
    if lang is None:
        lang = etree.Element(qn("c:lang"))
        anchor = space.find(qn("c:date1904"))
        if anchor is not None:
            anchor.addnext(lang)
        else:
            space.insert(0, lang)
    lang.set("val", "de-DE")


def _native_chart(slide, kind, box, data, spec, size: float):  # type: ignore[no-untyped-def]
    """A native chart of ``kind`` in ``box`` (x, y, w, h) with its alt text, German
    number format, the deck's font and the title of ``spec``."""
    frame = slide.shapes.add_chart(kind, *box, data)
    _alt_text(frame, spec.alt_text or spec.title)
    chart = frame.chart
    _german(chart)
    chart.font.name = FONT
    chart.font.size = Pt(size)
    _chart_title(chart, spec.title, size)
    return chart


def _alt_text(frame, text: str) -> None:
    frame._element.nvGraphicFramePr.cNvPr.set("descr", text)


def _value_labels(
    ser, spec: BarChart, values: Sequence[float | None], color: str, size: float
) -> None:
    """Value labels: inside the bar at its base, white on dark bars; short bars get theirs
    outside the bar end in ink (a label inside would not fit)."""
    labels = ser.data_labels
    labels.show_value = True
    labels.number_format = spec.number_format
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.INSIDE_BASE
    labels.font.size = Pt(size)
    labels.font.bold = True
    labels.font.color.rgb = _rgb("FFFFFF" if color in LIGHT_TEXT_ON else INK)
    short = 0.14 * (spec.axis_max - spec.axis_min)
    for i, v in enumerate(values):
        if v is not None and v - spec.axis_min < short:
            dl = ser.points[i].data_label
            dl.position = XL_LABEL_POSITION.OUTSIDE_END
            dl.font.size = Pt(size)
            dl.font.bold = True
            dl.font.color.rgb = _rgb(INK)


def bar_chart_height(spec: BarChart, size: float) -> int:
    per_category = Pt(size * 1.9) * max(1, len(spec.series)) + Pt(size * 0.5)
    legend = Pt(size * 2.2) if len(spec.series) > 1 else 0
    return int(Pt(size * 3.2) + legend + per_category * len(spec.categories))


def _bar_chart(slide, spec: BarChart, x: int, y: int, w: int, h: int, size: float) -> int:
    h = max(min(h, int(bar_chart_height(spec, size) * 1.6)), Inches(2.0))
    data = CategoryChartData(number_format=spec.number_format)
    data.categories = spec.categories
    for s in spec.series:
        data.add_series(s.name, s.values)
    chart = _native_chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, (x, y, w, h), data, spec, size)
    if len(spec.series) > 1:
        _legend(chart, size)
    else:
        chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width = 40 if len(spec.series) > 1 else 50
    plot.overlap = 0
    va = chart.value_axis
    va.minimum_scale, va.maximum_scale = spec.axis_min, spec.axis_max
    va.major_unit = spec.major_unit
    va.has_major_gridlines = True
    va.major_gridlines.format.line.color.rgb = _rgb(RULE)
    va.tick_labels.number_format = spec.number_format
    va.tick_labels.number_format_is_linked = False
    _style_axis(va, size)
    if spec.axis_title:
        va.has_title = True
        va.axis_title.text_frame.text = spec.axis_title
        _style_run(va.axis_title.text_frame.paragraphs[0].runs[0], size, color=MUTED)
    ca = chart.category_axis
    ca.reverse_order = True  # first category on top
    ca.crosses = XL_AXIS_CROSSES.MAXIMUM  # ... and the value axis stays at the bottom
    _style_axis(ca, size)
    for ser, s in zip(plot.series, spec.series, strict=True):
        ser.invert_if_negative = False
        ser.format.fill.solid()
        ser.format.fill.fore_color.rgb = _rgb(s.color)
        _value_labels(ser, spec, s.values, s.color, size)
        if s.ci_low is not None and s.ci_high is not None:
            _error_bars(ser, s.values, s.ci_low, s.ci_high, before="c:cat")
    return h


def _scatter_chart(slide, spec: ScatterChart, x: int, y: int, w: int, h: int, size: float) -> int:
    data = XyChartData()
    for s in spec.series:
        xs = data.add_series(s.name, number_format=MEAN_FORMAT)
        for p in s.points:
            xs.add_data_point(p.x, p.y)
    (x0, x1), (y0, y1) = spec.x_range, spec.y_range
    cross = []
    if spec.crosshair_x is not None and spec.crosshair_y is not None:
        v = data.add_series(spec.crosshair_name, number_format=MEAN_FORMAT)
        v.add_data_point(spec.crosshair_x, y0)
        v.add_data_point(spec.crosshair_x, y1)
        hz = data.add_series(spec.crosshair_name, number_format=MEAN_FORMAT)
        hz.add_data_point(x0, spec.crosshair_y)
        hz.add_data_point(x1, spec.crosshair_y)
        cross = [len(spec.series), len(spec.series) + 1]
    chart = _native_chart(slide, XL_CHART_TYPE.XY_SCATTER, (x, y, w, h), data, spec, size)
    _legend(chart, size, XL_LEGEND_POSITION.RIGHT)
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
        _style_run(axis.axis_title.text_frame.paragraphs[0].runs[0], size, color=MUTED)
        _style_axis(axis, size)
    plot = chart.plots[0]
    for ser, s in zip(plot.series, spec.series, strict=False):
        ser.marker.style = MARKERS[s.marker]
        ser.marker.size = 11
        ser.marker.format.fill.solid()
        ser.marker.format.fill.fore_color.rgb = _rgb(s.color)
        ser.marker.format.line.color.rgb = _rgb(s.color)
        for i, p in enumerate(s.points):
            dl = ser.points[i].data_label
            dl.has_text_frame = True
            dl.text_frame.text = p.label
            _style_run(dl.text_frame.paragraphs[0].runs[0], size)
            dl.position = LABEL_POSITIONS[p.label_pos]
        ys = [p.y for p in s.points]
        xs_ = [p.x for p in s.points]
        _error_bars(
            ser,
            xs_,
            [p.x_low for p in s.points],
            [p.x_high for p in s.points],
            before="c:xVal",
            direction="x",
        )
        _error_bars(
            ser,
            ys,
            [p.y_low for p in s.points],
            [p.y_high for p in s.points],
            before="c:xVal",
            direction="y",
        )
    for idx in cross:
        ser = plot.series[idx]
        ser.marker.style = XL_MARKER_STYLE.NONE
        ser.format.line.color.rgb = _rgb(MUTED)
        ser.format.line.width = Pt(1.25)
        ser.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
    if cross:  # one legend entry for the two crosshair lines
        legend = chart.legend._element
        entry = etree.Element(qn("c:legendEntry"))
        etree.SubElement(entry, qn("c:idx")).set("val", str(cross[1]))
        etree.SubElement(entry, qn("c:delete")).set("val", "1")
        legend.find(qn("c:legendPos")).addnext(entry)
    return h


# -- tables and cards ---------------------------------------------------------------------------


def _table(slide, spec: Table, x: int, y: int, w: int, h: int) -> int:
    n_rows, n_cols = len(spec.rows) + 1, len(spec.columns)
    widths = spec.widths or [1.0] * n_cols
    total = sum(widths)
    col_w = [int(w * wi / total) for wi in widths]
    col_w[-1] = w - sum(col_w[:-1])
    pad = Inches(0.1)
    heights = []
    for values in [spec.columns, *spec.rows]:
        lines = max(
            lines_needed(v, cw - pad, spec.font_size) for v, cw in zip(values, col_w, strict=True)
        )
        # LibreOffice sets a row at about 1.3 lines plus the cell insets
        heights.append(int(Pt(spec.font_size * 1.3) * lines + Inches(0.09)))
    frame = slide.shapes.add_table(n_rows, n_cols, x, y, w, sum(heights))
    table = frame.table
    table.first_row = True
    table.horz_banding = False
    for i, cw in enumerate(col_w):
        table.columns[i].width = Emu(cw)
    for r, rh in enumerate(heights):
        table.rows[r].height = Emu(rh)
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
    return sum(heights)


def _card(slide, spec: MeasureCard, x: int, y: int, w: int, h: int) -> int:
    size = spec.font_size
    _rect(slide, x, y, Inches(0.08), h, ACCENT)
    inner_x, inner_w = x + Inches(0.22), w - Inches(0.22)
    title = f"{spec.number}. {spec.title}"
    th = text_height([title], inner_w, size + 2)
    _text_box(slide, inner_x, y, inner_w, th, [title], size + 2, bold=True, color=ACCENT)
    body = [f"{label}: {text}" for label, text in spec.lines]
    bh = text_height(body, inner_w, size, gap=size * 0.35)
    _labelled_box(
        slide,
        inner_x,
        y + th + Inches(0.05),
        inner_w,
        bh,
        spec.lines,
        size,
        space_after=size * 0.35,
    )
    return th + bh


def block_height(block: Block, w: int, size: float) -> int:
    if isinstance(block, BarChart):
        return bar_chart_height(block, size) + Pt(size * 2.6)
    if isinstance(block, Text):
        return text_height(block.paragraphs, w, block.font_size, gap=block.font_size * 0.5)
    return 0


def _source(slide, text: str, x: int, y: int, w: int, size: float) -> int:
    h = text_height([text], w, size)
    _text_box(slide, x, y, w, h, [text], size, color=MUTED)
    return h


def _block(slide, block: Block, x: int, y: int, w: int, h: int, main: bool) -> int:
    """Draw one block; returns the height used."""
    size = (MAIN if main else APPENDIX)["chart"]
    if isinstance(block, BarChart | ScatterChart):
        src_h = text_height([block.source], w, size) if block.source else 0
        draw = _bar_chart if isinstance(block, BarChart) else _scatter_chart
        used = draw(slide, block, x, y, w, h - src_h - Inches(0.05), size)  # type: ignore[operator]
        if block.source:
            used += Inches(0.05) + _source(slide, block.source, x, y + used + Inches(0.05), w, size)
        return used
    if isinstance(block, Table):
        return _table(slide, block, x, y, w, h)
    if isinstance(block, MeasureCard):
        return _card(slide, block, x, y, w, h)
    th = text_height(block.paragraphs, w, block.font_size, gap=block.font_size * 0.5)
    _text_box(
        slide,
        x,
        y,
        w,
        th,
        block.paragraphs,
        block.font_size,
        bullets=block.bullets,
        space_after=block.font_size * 0.5,
    )
    return th


# -- slides ---------------------------------------------------------------------------------


def _funding(slide, x: int, y: int, height: int, size: float) -> None:
    """The EU emblem with the statement beside it and the Land Hessen line below."""
    emblem.add_to_slide(slide, x, y, height)
    tx = x + int(height * 1.5) + Inches(0.2)
    _text_box(slide, tx, y, Inches(7.5), Pt(size * 1.4), [emblem.EU_STATEMENT], size, bold=True)
    _text_box(
        slide, tx, y + Pt(size * 1.5), Inches(7.5), Pt(size * 1.4), [emblem.HESSEN_STATEMENT], size
    )


def _title_slide(prs: Presentation, page: TitlePage) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _rect(slide, 0, 0, Inches(0.35), SLIDE_H, ACCENT)
    left, width = Inches(1.0), Inches(11.3)
    _text_box(slide, left, Inches(0.6), width, Inches(0.4), [page.programme], 18, color=MUTED)
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = left, Inches(1.05), width, Inches(1.6)
    _frame(shape.text_frame, MSO_ANCHOR.MIDDLE)
    p = shape.text_frame.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    run = p.add_run()
    run.text = page.title
    _style_run(run, 36, bold=True)
    _text_box(slide, left, Inches(2.75), width, Inches(0.5), [page.subtitle], 24)
    _text_box(
        slide,
        left,
        Inches(3.4),
        width,
        Inches(0.85),
        [page.wave, f"Stand: {page.date}"],
        20,
        color=MUTED,
        space_after=4,
    )
    if page.preliminary:
        badge = _rect(slide, left, Inches(4.4), Inches(7.2), Inches(0.5), OKABE_ITO["vermillion"])
        _frame(badge.text_frame, MSO_ANCHOR.MIDDLE)
        run = badge.text_frame.paragraphs[0].add_run()
        run.text = page.preliminary
        _style_run(run, 20, bold=True, color="FFFFFF")
    _rect(slide, left, Inches(5.2), width, Pt(0.75), RULE)
    _funding(slide, left, Inches(5.4), Inches(0.8), 20)
    _text_box(
        slide, left, Inches(6.4), width, Inches(0.4), [page.project_sentence], 16, color=MUTED
    )
    slide.notes_slide.notes_text_frame.text = (
        f"{page.project_sentence} Bericht erzeugt mit Bedarfsradar aus den Analyseergebnissen."
    )


def _content_slide(prs: Presentation, spec: Slide, footer: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    sizes = MAIN if spec.main else APPENDIX
    top = _title(slide, spec.title, sizes["title"])
    if spec.lead:
        lh = text_height([spec.lead], CONTENT_W, sizes["lead"])
        _text_box(slide, MARGIN, top, CONTENT_W, lh, [spec.lead], sizes["lead"])
        top += lh + Inches(0.1)
    foot_h = text_height(spec.footnotes, CONTENT_W, sizes["note"]) if spec.footnotes else 0
    bottom = FOOTER_TOP - Inches(0.1) - foot_h
    if spec.closing:
        bottom = min(bottom, Inches(5.6))
    h = bottom - top
    blocks = spec.blocks
    if spec.layout == "full" or len(blocks) == 1:
        for b in blocks[:1]:
            _block(slide, b, MARGIN, top, CONTENT_W, h, spec.main)
    elif blocks:
        left_w = int(CONTENT_W * (0.55 if spec.layout == "split" else 0.5)) - GAP // 2
        right_w = CONTENT_W - left_w - GAP
        _block(slide, blocks[0], MARGIN, top, left_w, h, spec.main)
        _block(slide, blocks[1], MARGIN + left_w + GAP, top, right_w, h, spec.main)
    if spec.footnotes:
        _text_box(
            slide,
            MARGIN,
            bottom + Inches(0.05),
            CONTENT_W,
            foot_h,
            spec.footnotes,
            sizes["note"],
            color=MUTED,
        )
    if spec.closing:
        _funding(slide, MARGIN, Inches(5.85), Inches(0.8), 20)
    _footer(slide, footer + (f" · {spec.section}" if spec.section else ""), sizes["footer"])
    if spec.notes:
        slide.notes_slide.notes_text_frame.text = spec.notes


def _properties(prs: Presentation, props: Properties) -> None:
    core = prs.core_properties
    core.title = props.title
    core.author = props.author
    core.last_modified_by = props.author
    core.subject = props.subject
    core.keywords = props.keywords
    core.category = "Bericht für den Stadtrat"
    core.comments = ""
    core.language = "de-DE"
    core.revision = 1
    core.created = core.modified = props.created
    core.last_printed = props.created


APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    'properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
    'docPropsVTypes"><Application>Bedarfsradar</Application><PresentationFormat>Breitbild'
    "</PresentationFormat><Slides>{slides}</Slides><Notes>{notes}</Notes>"
    "<Company>{company}</Company></Properties>"
)


def _clean_package(data: bytes, slides: int, notes: int, company: str) -> bytes:
    """Replace the template's extended properties (its 4:3 "On-screen Show", 2010
    application) and drop its thumbnail of an empty 4:3 slide."""
    from xml.sax.saxutils import escape

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            blob = src.read(item.filename)
            if item.filename == "docProps/thumbnail.jpeg":
                continue
            if item.filename == "docProps/app.xml":
                blob = APP_XML.format(slides=slides, notes=notes, company=escape(company)).encode()
            elif item.filename == "_rels/.rels":
                root = etree.fromstring(blob)
                for rel in list(root):
                    if rel.get("Target", "").endswith("thumbnail.jpeg"):
                        root.remove(rel)
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif item.filename == "[Content_Types].xml":
                root = etree.fromstring(blob)
                for el in list(root):
                    if el.get("PartName") == "/docProps/thumbnail.jpeg":
                        root.remove(el)
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(item, blob)
    return out.getvalue()


def render_pptx(content: ReportContent) -> bytes:
    """The deck as .pptx bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    _use_font_in_theme(prs)
    _properties(prs, content.properties)
    _title_slide(prs, content.title_page)
    for spec in content.slides:
        _content_slide(prs, spec, content.footer)
    out = io.BytesIO()
    prs.save(out)
    notes = sum(1 for s in prs.slides if s.has_notes_slide)
    return _clean_package(out.getvalue(), len(prs.slides), notes, content.properties.author)
