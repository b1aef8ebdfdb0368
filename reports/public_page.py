"""The public results page of a release, as data: :func:`release_page` picks from the
release's frozen tables what the page shows (:class:`publicity.results_page.model.ReleasePage`).

Only the release's own rows, as published: the newcomers' needs and the reasons that keep
them from offers (totals), the needs no reachable offer covers (by Stadtteil), the
published respondent counts, and the key findings by the deck's rule
(:func:`analysis.findings.key_findings`, with the rows each finding rests on, so every
language words the same findings from the same numbers). No breakdown by language,
Stadtteil or German level beyond the supply gaps: a page for everyone shows the totals,
and the deck and the dashboard's viewer page keep the catalogue's breakdowns.
Nothing is computed here; rows are selected and sorted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from analysis import findings as rule
from analysis.display import AUDIENCE_LABELS
from analysis.method_note import method_paragraphs
from analysis.results import MISSING_GROUP
from publicity.results_page.model import (
    Chart,
    ChartRow,
    Count,
    Finding,
    Gap,
    Interval,
    Name,
    Participation,
    Percent,
    ReleasePage,
    Sentence,
    Share,
    Value,
)
from reports.analyse import ReportResults, area_bases, largest_first, shown, totals
from reports.inputs import Labels

PERCEPTION_FLAGS = {"unterschätzt": "under", "überschätzt": "over"}


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _count(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def share_of(row: Mapping[str, Any] | pd.Series) -> Share:
    """A results row as the page shows it (hidden when suppressed)."""
    if bool(row.get("suppressed", False)) or _number(row.get("estimate")) is None:
        return Share(None, n=None)
    return Share(
        _number(row["estimate"]), _number(row["ci_low"]), _number(row["ci_high"]), _count(row["n"])
    )


def _chart_rows(df: pd.DataFrame) -> tuple[ChartRow, ...]:
    return tuple(ChartRow(str(r["level"]), share_of(r)) for _, r in largest_first(df).iterrows())


def charts(res: ReportResults) -> tuple[Chart, ...]:
    """The needs by area and the reasons that keep people from offers (totals)."""
    out = [
        Chart(
            "bedarfe",
            "needs_title",
            "needs_intro",
            "col_area",
            "area",
            _chart_rows(totals(res.needs, "need_prevalence")),
        )
    ]
    reasons = totals(res.barriers, "barrier_share")
    if len(reasons):
        out.append(
            Chart(
                "huerden",
                "barriers_title",
                "barriers_intro",
                "col_reason",
                "barrier",
                _chart_rows(reasons),
            )
        )
    return tuple(out)


def gaps(res: ReportResults) -> tuple[Gap, ...]:
    """Needs no reachable offer covers, by Stadtteil, largest first (published rows)."""
    rows = shown(res.supply)
    if rows.empty:
        return ()
    rows = rows[~rows["covered"].astype(bool)]
    by_stadtteil = rows["subgroup"].fillna("").astype(str).isin(["", MISSING_GROUP])
    rows = rows[by_stadtteil & (rows["stadtteil"].astype(str) != MISSING_GROUP)]
    return tuple(
        Gap(str(r["stadtteil"]), str(r["level"]), share_of(r))
        for _, r in largest_first(rows).iterrows()
    )


def _share_values(row: Mapping[str, Any]) -> dict[str, Value]:
    return {
        "share": Percent(float(row["estimate"])),
        "interval": Interval(float(row["ci_low"]), float(row["ci_high"])),
        "n": Count(int(row["n"])),
    }


def _sentences(kind: str, parts: Iterable[Mapping[str, Any]]) -> tuple[Sentence, ...]:
    out = []
    for row in parts:
        area = Name("area", str(row["level"]))
        if kind == "need":
            out.append(Sentence("finding_need_severe", {"area": area, **_share_values(row)}))
        elif kind == "supply":
            sub = row.get("subgroup", "")
            if isinstance(sub, str) and sub not in ("", MISSING_GROUP):
                continue  # the catalogue publishes gaps by Stadtteil only
            out.append(
                Sentence(
                    "finding_supply_gap",
                    {
                        "stadtteil": Name("stadtteil", str(row["stadtteil"])),
                        "area": area,
                        **_share_values(row),
                    },
                )
            )
        elif kind == "perception":
            direction = PERCEPTION_FLAGS.get(str(row.get("flag", "")))
            if direction is None:
                continue
            out.append(
                Sentence(
                    f"finding_gap_{direction}_{row['group']}",
                    {
                        "area": area,
                        "belief": Percent(float(row["estimate_belief"])),
                        "own": Percent(float(row["estimate_newcomer"])),
                    },
                )
            )
        elif kind == "change":
            up = float(row["estimate"]) > 0
            out.append(
                Sentence(
                    "finding_change_up" if up else "finding_change_down",
                    {
                        "area": area,
                        "before": Percent(float(row["estimate_from"])),
                        "after": Percent(float(row["estimate_to"])),
                    },
                )
            )
        elif kind == "volunteer":
            out.append(
                Sentence(
                    "finding_volunteer_need",
                    {"item": Name("volunteer_need", str(row["level"])), **_share_values(row)},
                )
            )
    return tuple(out)


def key_findings(res: ReportResults) -> tuple[Finding, ...]:
    """The deck's key findings (same rule, same rows), one sentence per area named."""
    found = rule.key_findings(
        needs=res.needs,
        perception=res.perception,
        supply=res.supply,
        change=res.change,
        volunteers=res.volunteers,
        with_parts=True,
    )
    out = []
    for _, f in found.iterrows():
        sentences = _sentences(str(f["kind"]), f[rule.PARTS])
        if sentences:
            out.append(Finding(str(f["kind"]), sentences))
    return tuple(out)


def participation(res: ReportResults) -> Participation:
    """Published respondents per audience and the newcomers per questionnaire language."""
    audiences = tuple((a, _count(n)) for a, n in res.audience_n.items() if _count(n) != 0)
    languages: list[tuple[str, int | None]] = []
    table = res.response_tables.get("language")
    column = AUDIENCE_LABELS["newcomer"]
    total = None
    if table is not None and column in table.columns:
        for _, r in table.iterrows():
            value = pd.to_numeric(pd.Series([r[column]]), errors="coerce").iloc[0]
            n = _count(value)
            if str(r["language"]) == "Gesamt":
                total = _count(pd.to_numeric(pd.Series([r["Gesamt"]]), errors="coerce").iloc[0])
                continue
            if n == 0:
                continue
            languages.append((str(r["language"]), n))
    languages.sort(key=lambda x: -1 if x[1] is None else -x[1])
    languages.sort(key=lambda x: x[1] is None)
    return Participation(audiences, tuple(languages), total)


def release_page(
    res: ReportResults,
    *,
    release_id: int,
    wave: int,
    number: int,
    kind: str,
    data_as_of: date,
    labels: Labels,
    taxonomy: Iterable[Any] = (),
) -> ReleasePage:
    """The public page of a release (see the module docstring)."""
    method = method_paragraphs(
        area_bases(taxonomy), dict(labels.areas), preliminary=kind == "interim"
    )
    return ReleasePage(
        release_id=release_id,
        wave=wave,
        number=number,
        kind=kind,
        data_as_of=data_as_of,
        findings=key_findings(res),
        charts=charts(res),
        gaps=gaps(res),
        participation=participation(res),
        method=tuple(method),
    )
