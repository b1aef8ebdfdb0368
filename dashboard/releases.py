"""The dashboard's door to releases (:mod:`surveys.releases`): what the viewer, the deck
and the hand-on workbook read. A release never changes, so its results are cached per
(town, id) for the life of the process; the list of releases is re-read every few seconds
(a new release shows at once, a withdrawn one disappears). Every cache is keyed by the
current town (:func:`dashboard.data.per_town`): another town's release id finds nothing,
also in the cache."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.export import to_xlsx_bytes
from analysis.results import empty_results
from bedarfsradar import releases
from dashboard import data
from reports.analyse import ReportResults, key_findings
from reports.inputs import Labels
from surveys.releases.store import ReleaseInfo


@data.per_town
@st.cache_data(ttl=5, show_spinner=False)
def release_list(town: int) -> list[ReleaseInfo]:
    """The town's releases in force, newest first."""
    return data.context().releases.releases(town)


@data.per_town
@st.cache_resource(max_entries=32, show_spinner=False)
def results(town: int, release_id: int) -> ReportResults | None:
    """The published tables of a release (None: unknown or another town's)."""
    return releases.release_results(data.context(), release_id)


@data.per_town
@st.cache_data(max_entries=8, show_spinner=False)
def report_bytes(town: int, release_id: int, fmt: str) -> bytes:
    """The Stadtrat deck or PDF of a release. Raises :class:`reports.ReportError`."""
    return releases.release_report(data.context(), release_id, fmt)  # type: ignore[arg-type]


def sheets(res: ReportResults) -> dict[str, pd.DataFrame]:
    """The release's tables under the export's sheet names."""
    return {
        "Bedarfe": res.needs,
        "Einschätzungen": res.beliefs,
        "Perspektiven": res.perception,
        "Angebotslücken": res.supply,
        "Hürden": res.barriers,
        "Verwaltung": res.ip.results if res.ip is not None else empty_results(),
        "Ehrenamt": res.volunteers,
    }


@data.per_town
@st.cache_data(max_entries=8, show_spinner=False)
def workbook(town: int, release_id: int) -> bytes:
    """The workbook to hand on, from the release: "Lesehilfe", then German sheets."""
    from dashboard.exports import NUMBER_FORMATS, german_sheet, reading_guide

    res = results(release_id)
    assert res is not None
    german = {name: german_sheet(name, frame) for name, frame in sheets(res).items() if len(frame)}
    return to_xlsx_bytes(
        {"Lesehilfe": reading_guide(), **german}, number_formats=NUMBER_FORMATS, readable=True
    )


@data.per_town
@st.cache_resource(show_spinner=False)
def report_labels(town: int) -> Labels:
    """The town's report labels in German (read once per process)."""
    return Labels.from_context(data.context())


def key_sentences(res: ReportResults) -> list[str]:
    """The key findings of a release's results, by the deck's rule."""
    return key_findings(res, report_labels())


@data.per_town
@st.cache_resource(max_entries=32, show_spinner=False)
def findings(town: int, release_id: int) -> list[str]:
    """The key findings of a stored release (computed once per process)."""
    res = results(release_id)
    return [] if res is None else key_sentences(res)


def preview_summary(res: ReportResults) -> str:
    """One German line on what a release holds."""
    parts = [f"{len(res.needs)} Zeilen Bedarfe"]
    breakdowns = [g for g in dict.fromkeys(res.needs["group_var"]) if g != "all"]
    parts.append(f"aufgeschlüsselt nach {len(breakdowns)} Merkmalen" if breakdowns else
                 "nur Gesamtwerte")  # fmt: skip
    if len(res.perception):
        parts.append("Perspektiven")
    if res.ip is not None:
        parts.append("Verwaltung")
    if len(res.volunteers):
        parts.append("Ehrenamt")
    return "Enthält: " + ", ".join(parts) + "."
