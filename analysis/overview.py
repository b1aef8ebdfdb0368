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
from analysis.findings import format_share, key_findings
from analysis.results import MISSING_GROUP

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
    """German display table of :func:`campaign_progress` ("·" for hidden cells).

    "Zielerreichung" is answers against the campaign's target (a number the guide set, not a
    population); "Rücklaufquote" only where the size of the audience is known (answers
    divided by the number of people asked), "–" elsewhere."""

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
            "Zielerreichung": [
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


def headline_findings(
    needs: pd.DataFrame,
    perception: pd.DataFrame,
    supply: pd.DataFrame,
    area_labels: Mapping[str, str] | None = None,
    change: pd.DataFrame | None = None,
    volunteers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The key findings the Überblick leads with: exactly :func:`analysis.findings.
    key_findings` (the one rule the deck, the PDF and the exports use too)."""
    return key_findings(
        needs=needs,
        perception=perception,
        supply=supply,
        change=change,
        volunteers=volunteers,
        area_labels=area_labels,
    )
