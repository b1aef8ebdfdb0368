"""Helpers for the report tests: read a generated deck the way a reviewer would."""

from __future__ import annotations

import io
import re
import zipfile

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def open_deck(data: bytes):
    return Presentation(io.BytesIO(data))


def slide_texts(slide) -> list[str]:
    """Every text on a slide: text frames and table cells."""
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return out


def run_sizes(slide) -> list[float]:
    """Point sizes of every text run on a slide: text frames, tables, charts (axes, labels,
    legend, titles) - whatever size is set where the run would inherit it."""
    out = []
    for el in slide._element.iter():
        if el.tag.endswith("}rPr") or el.tag.endswith("}defRPr"):
            sz = el.get("sz")
            if sz is not None:
                out.append(int(sz) / 100)
    for shape in slide.shapes:
        if shape.has_chart:
            for el in shape.chart._chartSpace.iter():
                if el.tag.endswith("}rPr") or el.tag.endswith("}defRPr"):
                    sz = el.get("sz")
                    if sz is not None:
                        out.append(int(sz) / 100)
    return out


def tables(slide) -> list[list[list[str]]]:
    return [
        [[c.text for c in row.cells] for row in s.table.rows] for s in slide.shapes if s.has_table
    ]


def charts(slide):
    return [s.chart for s in slide.shapes if s.has_chart]


def pictures(deck) -> int:
    return sum(
        1 for slide in deck.slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE
    )


def xy_values(series) -> tuple[list[float], list[float]]:
    """(x, y) of an XY series from its chart XML (python-pptx exposes only y)."""
    el = series._element

    def vals(tag: str) -> list[float]:
        return [float(v.text) for v in el.find(f"{C}{tag}").iter(f"{C}v")]

    return vals("xVal"), vals("yVal")


def error_bar_halfwidths(series, direction: str | None = None) -> tuple[list, list]:
    """(plus, minus) literal values of a series' custom error bars."""

    def lit(eb, tag: str) -> list[float | None]:
        n = int(eb.find(f"{C}{tag}/{C}numLit/{C}ptCount").get("val"))
        got: list[float | None] = [None] * n
        for pt in eb.find(f"{C}{tag}/{C}numLit").iter(f"{C}pt"):
            got[int(pt.get("idx"))] = float(pt.find(f"{C}v").text)
        return got

    for eb in series._element.findall(f"{C}errBars"):
        d = eb.find(f"{C}errDir")
        if direction is None or (d is not None and d.get("val") == direction):
            return lit(eb, "plus"), lit(eb, "minus")
    raise AssertionError("series has no error bars")


def all_xml_text(data: bytes) -> str:
    """Every XML part of the .pptx, including the charts' embedded workbooks."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            blob = z.read(name)
            if name.endswith(".xml") or name.endswith(".rels"):
                parts.append(blob.decode("utf-8"))
            elif name.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(blob)) as x:
                    parts.extend(
                        x.read(n).decode("utf-8") for n in x.namelist() if n.endswith(".xml")
                    )
    return "\n".join(parts)


def numbers_in_xml(xml: str) -> list[float]:
    """Every number stored as a chart value or worksheet cell value."""
    return [float(v) for v in re.findall(r"<(?:c:v|v)>(-?[0-9.eE+-]+)</(?:c:v|v)>", xml)]
