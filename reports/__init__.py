"""Stadtrat report: an editable PowerPoint deck (native charts) and a PDF, both rendered
from one :class:`~reports.content.ReportContent` built from the analysis results.

Modules
-------
builder   collect (I/O) -> analyse (calls analysis/) -> build_content (slides as data)
content   the content model both renderers draw (charts, tables, text)
measures  measure suggestions from the editable rules table data/measures.yaml
format    German number formatting (Babel)
pptx      PowerPoint renderer (python-pptx, native charts, CI as custom error bars)
pdf       PDF renderer (fpdf2, embedded DejaVu Sans, charts drawn as vectors, page numbers)

Entry points for the CLI and the dashboard: :func:`build_pptx`, :func:`build_pdf`
(bytes), :func:`build_report` (either format).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from reports.builder import ReportError, analyse, build_content, collect

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
    inp = collect(ctx, campaign_slug, compare=compare, report_date=report_date)
    content = build_content(inp, analyse(inp))
    if fmt == "pptx":
        from reports.pptx import render_pptx

        return render_pptx(content)
    if fmt == "pdf":
        from reports.pdf import render_pdf

        return render_pdf(content)
    raise ReportError(f"unknown format {fmt!r} (pptx or pdf)")


def build_pptx(ctx: AppContext, campaign_slug: str, compare: str | None = None) -> bytes:
    return build_report(ctx, campaign_slug, "pptx", compare=compare)


def build_pdf(ctx: AppContext, campaign_slug: str, compare: str | None = None) -> bytes:
    return build_report(ctx, campaign_slug, "pdf", compare=compare)


__all__ = ["MEDIA_TYPES", "ReportError", "build_pdf", "build_pptx", "build_report"]
