"""Numbers of the Überblick page: progress against targets, counts by Stadtteil and month,
and the headline findings of the newest wave.

Counts below :data:`analysis.disclosure.MIN_CELL` are hidden as "·" (tables built with
:func:`analysis.counts.response_overview`, which also hides a row total that would reveal
a single hidden cell).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.counts import AUDIENCE_LABELS, SUPPRESSED
from analysis.disclosure import MIN_CELL
from analysis.findings import findings, format_share
from analysis.perception import UNDERESTIMATED
from analysis.results import MISSING_GROUP, TOTAL_GROUP_VAR, filter_results
from analysis.supply import uncovered_needs

PROGRESS_COLUMNS = ["campaign", "title", "audience", "wave", "n", "target", "share_of_target",
                    "population", "response_rate", "suppressed"]  # fmt: skip


def campaign_progress(counts: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """Complete responses of each campaign against its targets.

    ``counts``: columns campaign, status, n (:meth:`surveys.storage.Storage.response_counts`).
    ``campaigns``: columns campaign, title, audience, wave, target (response target, the
    campaign's ``targets["total"]``; NaN if none), population (known size of the audience,
    ``targets["population"]``; NaN if unknown). Output (:data:`PROGRESS_COLUMNS`):
    share_of_target = n / target; response_rate = n / population (only where the
    population is known); ``suppressed`` when 0 < n < MIN_CELL (n and both shares NaN).
    """
    done = counts[counts["status"] == "complete"].groupby("campaign")["n"].sum()
    out = campaigns[["campaign", "title", "audience", "wave", "target", "population"]].copy()
    out["n"] = out["campaign"].map(done).fillna(0).astype(int)
    target = pd.to_numeric(out["target"], errors="coerce").astype(float)
    population = pd.to_numeric(out["population"], errors="coerce").astype(float)
    out["target"], out["population"] = target, population
    out["share_of_target"] = np.where(target > 0, out["n"] / target, np.nan)
    out["response_rate"] = np.where(population > 0, out["n"] / population, np.nan)
    out["suppressed"] = (out["n"] > 0) & (out["n"] < MIN_CELL)
    hidden = out["suppressed"].to_numpy()
    out["n"] = out["n"].astype(float).where(~hidden)
    for col in ("share_of_target", "response_rate"):
        out.loc[hidden, col] = np.nan
    return out[PROGRESS_COLUMNS].sort_values(["wave", "campaign"], ignore_index=True)


def progress_table(progress: pd.DataFrame, audience_labels: Mapping[str, str] = AUDIENCE_LABELS):
    """German display table of :func:`campaign_progress` ("·" for hidden cells)."""

    def count(x: float) -> str:
        return "" if pd.isna(x) else f"{int(x):,}".replace(",", ".")

    def share(x: float, hidden: bool) -> str:
        return SUPPRESSED if hidden else ("–" if pd.isna(x) else format_share(x))

    hidden = progress["suppressed"].astype(bool)
    return pd.DataFrame(
        {
            "Kampagne": progress["title"],
            "Zielgruppe": progress["audience"].map(lambda a: audience_labels.get(a, a)),
            "Welle": progress["wave"].astype(int),
            "Antworten": [
                SUPPRESSED if h else count(n) for h, n in zip(hidden, progress["n"], strict=True)
            ],
            "Ziel": [count(t) or "–" for t in progress["target"]],
            "Erreicht": [
                share(x, h) for x, h in zip(progress["share_of_target"], hidden, strict=True)
            ],
            "Rücklaufquote": [
                share(x, h) for x, h in zip(progress["response_rate"], hidden, strict=True)
            ],
        }
    )


def stadtteil_counts(respondents: pd.DataFrame) -> pd.DataFrame:
    """Respondents per Stadtteil and audience (columns stadtteil, audience, n), for
    :func:`analysis.counts.response_overview`; no answer counts as "keine Angabe"."""
    stadtteil = respondents["stadtteil"].astype(object).where(respondents["stadtteil"].notna())
    frame = pd.DataFrame(
        {
            "stadtteil": stadtteil.fillna(MISSING_GROUP).to_numpy(),
            "audience": respondents["audience"].astype(str).to_numpy(),
        }
    )
    return frame.groupby(["stadtteil", "audience"]).size().rename("n").reset_index()


def newest_wave(respondents: pd.DataFrame) -> int | None:
    """The highest wave with complete responses (None without responses)."""
    if respondents.empty:
        return None
    return int(pd.to_numeric(respondents["wave"]).max())


def _shown_totals(results: pd.DataFrame, indicator: str) -> pd.DataFrame:
    if results.empty:
        return results
    rows = filter_results(results, indicator=indicator, group_var=TOTAL_GROUP_VAR)
    return rows[~rows["suppressed"].astype(bool) & rows["estimate"].notna()]


def headline_findings(
    needs: pd.DataFrame,
    perception: pd.DataFrame,
    supply: pd.DataFrame,
    area_labels: Mapping[str, str] | None = None,
    limit: int = 4,
) -> pd.DataFrame:
    """The few sentences the Überblick leads with (columns of
    :func:`analysis.findings.findings`), in this order: the two most severe newcomer needs
    (``need_severe``, totals), the largest underestimated perception gap, the largest need
    no accessible offer covers; then further severe needs up to ``limit``. Only sentences
    :func:`analysis.findings.sentence` writes (n >= 30, CI half-width <= 15 points)."""
    severe = _shown_totals(needs, "need_severe").sort_values(
        "estimate", ascending=False, kind="stable"
    )
    parts = [findings(severe, area_labels).head(2)]
    if not perception.empty:
        flagged = perception[
            ~perception["suppressed"].astype(bool) & (perception["flag"] == UNDERESTIMATED)
        ]
        flagged = flagged.reindex(flagged["estimate"].abs().sort_values(ascending=False).index)
        parts.append(findings(flagged, area_labels).head(1))
    if not supply.empty:
        parts.append(findings(uncovered_needs(supply), area_labels).head(1))
    parts.append(findings(severe, area_labels).iloc[2:])
    found = [p for p in parts if not p.empty]
    if not found:
        return parts[0]
    out = pd.concat(found, ignore_index=True)
    return out.drop_duplicates("sentence").head(limit).reset_index(drop=True)
