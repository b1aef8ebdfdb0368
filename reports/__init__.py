"""Stadtrat report: an editable PowerPoint deck (native charts) and a PDF, both rendered
from one :class:`~reports.content.ReportContent` built from the analysis results.

Modules
-------
inputs    the only I/O: campaigns of the wave, answers, offers, labels, measures, contact
analyse   the one door into analysis/: runs it and selects rows (never computes)
slides/   one module per slide family, each ``(ctx) -> Slide``; :func:`slides.build_content`
content   the content model both renderers draw (charts, tables, text, measure cards)
wording   the German wording (cases, field names, notes, source lines)
measures  the measure model (cost, funding, lead, timeline, indicator) and its demo seed
format    German number formatting (Babel)
render/   pptx (python-pptx, native charts and shapes) and pdf (fpdf2, vector drawing)

Entry point: :func:`build_report` (bytes of either format) from the live answers, for the
guide's own use and the benchmarks; what leaves her desk is rendered from a release
(:mod:`reports.release`, :func:`bedarfsradar.releases.release_report`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from reports.inputs import ReportError
from reports.measures import MeasureError

if TYPE_CHECKING:
    from bedarfsradar.context import AppContext

Format = Literal["pptx", "pdf"]
MEDIA_TYPES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}


def build_report(
    ctx: AppContext,
    campaign_slug: str,
    fmt: Format = "pptx",
    compare: str | None = None,
    report_date: date | None = None,
) -> bytes:
    """The Stadtrat report for the wave of ``campaign_slug`` (all audiences of that wave),
    optionally with the change since the wave of ``compare``. Raises :class:`ReportError`."""
    from reports.analyse import analyse
    from reports.inputs import collect
    from reports.slides import build_content

    if fmt not in MEDIA_TYPES:
        raise ReportError(f"unknown format {fmt!r} (pptx or pdf)")
    inp = collect(ctx, campaign_slug, compare=compare, report_date=report_date)
    content = build_content(inp, analyse(inp))
    if fmt == "pptx":
        from reports.render.pptx import render_pptx

        return render_pptx(content)
    from reports.render.pdf import render_pdf

    return render_pdf(content)


__all__ = ["MEDIA_TYPES", "MeasureError", "ReportError", "build_report"]
