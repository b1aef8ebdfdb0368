"""Progress of the campaigns against their targets (Überblick page and deck).

Works on published counts only (:func:`analysis.published.respondent_counts`): a count the
protection layer hides stays hidden here, and so do the shares computed from it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.disclosure import MIN_CELL
from analysis.display import AUDIENCE_LABELS
from analysis.findings import format_share
from analysis.results import SUPPRESSED_MARK

PROGRESS_COLUMNS = ["campaign", "title", "audience", "wave", "n", "target", "share_of_target",
                    "population", "response_rate", "suppressed"]  # fmt: skip


def campaign_progress(counts: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """Complete responses of each campaign against its targets.

    ``counts``: published respondents per campaign, columns campaign and n (NaN where
    fewer than 5: :func:`analysis.published.respondent_counts`; a "Gesamt" row is
    ignored). ``campaigns``: columns campaign, title, audience, wave, target (response
    target, the campaign's ``targets["total"]``; NaN if none), population (known size of
    the audience, ``targets["population"]``; NaN if unknown). Output
    (:data:`PROGRESS_COLUMNS`): share_of_target = n / target; response_rate = n /
    population (only where the population is known); ``suppressed`` where the count is
    hidden (n and both shares NaN). A campaign without any response has n = 0.

    Campaigns of people invited by name (optional columns ``invited`` and ``finished`` in
    ``campaigns``, :mod:`surveys.invitations`) have a true response rate instead:
    finished ÷ invited, shown only where at least MIN_CELL were invited and finished
    (``rate_suppressed`` otherwise).
    """
    done = counts[counts["campaign"] != "Gesamt"].set_index("campaign")["n"]
    out = campaigns[["campaign", "title", "audience", "wave", "target", "population"]].copy()
    known = out["campaign"].isin(done.index)
    out["n"] = np.where(known, out["campaign"].map(done), 0.0).astype(float)
    target = pd.to_numeric(out["target"], errors="coerce").astype(float)
    population = pd.to_numeric(out["population"], errors="coerce").astype(float)
    out["target"], out["population"] = target, population
    out["suppressed"] = out["n"].isna() | ((out["n"] > 0) & (out["n"] < MIN_CELL))
    hidden = out["suppressed"].to_numpy()
    n = out["n"].where(~hidden)
    out["n"] = n
    out["share_of_target"] = np.where(target > 0, n / target, np.nan)
    out["response_rate"] = np.where(population > 0, n / population, np.nan)
    out["rate_suppressed"] = False
    if "invited" in campaigns.columns:
        invited = pd.to_numeric(campaigns["invited"], errors="coerce").fillna(0).to_numpy()
        finished = pd.to_numeric(campaigns["finished"], errors="coerce").fillna(0).to_numpy()
        shown = (invited >= MIN_CELL) & (finished >= MIN_CELL)
        rate = np.where(shown, finished / np.where(invited > 0, invited, 1), np.nan)
        out["response_rate"] = np.where(invited > 0, rate, out["response_rate"])
        out["rate_suppressed"] = (invited > 0) & ~shown
    return out[[*PROGRESS_COLUMNS, "rate_suppressed"]].sort_values(
        ["wave", "campaign"], ignore_index=True
    )


def progress_table(progress: pd.DataFrame, audience_labels: Mapping[str, str] = AUDIENCE_LABELS):
    """German display table of :func:`campaign_progress` ("·" for hidden cells).

    "Zielerreichung" is answers against the campaign's target (a number the guide set, not a
    population); "Rücklaufquote" only where the size of the audience is known (answers
    divided by the number of people asked), "–" elsewhere."""

    def count(x: float) -> str:
        return "" if pd.isna(x) else f"{int(x):,}".replace(",", ".")

    def share(x: float, hidden: bool) -> str:
        return SUPPRESSED_MARK if hidden else ("–" if pd.isna(x) else format_share(x))

    hidden = progress["suppressed"].astype(bool)
    return pd.DataFrame(
        {
            "Kampagne": progress["title"],
            "Zielgruppe": progress["audience"].map(lambda a: audience_labels.get(a, a)),
            "Welle": progress["wave"].astype(int),
            "Antworten": [
                SUPPRESSED_MARK if h else count(n)
                for h, n in zip(hidden, progress["n"], strict=True)
            ],
            "Ziel": [count(t) or "–" for t in progress["target"]],
            "Zielerreichung": [
                share(x, h) for x, h in zip(progress["share_of_target"], hidden, strict=True)
            ],
            "Rücklaufquote": [
                share(x, h or bool(r))
                for x, h, r in zip(
                    progress["response_rate"],
                    hidden,
                    progress.get("rate_suppressed", pd.Series(False, index=progress.index)),
                    strict=True,
                )
            ],
        }
    )
