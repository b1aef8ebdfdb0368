"""The release catalogue: the fixed set of tables a release publishes (the statistical
offices' answer to a flexible table builder: a fixed set of tables, few variables per
table, one set of areas, published once).

Every table has at most one respondent attribute besides what it measures (the need area,
the service): the newcomers' needs in total and by each of :data:`BREAKDOWNS`, one at a
time; no multiselect filters and no crossing of two attributes. Each record set appears
once per release with its one cell-key noise, so solving all tables of a release together
gains little over a single noisy route (measured by the attack suite,
``tests/privacy/test_release_attack.py``).

Two kinds of release per wave:

``final``    once per wave, after the wave is closed: every table of the catalogue.
``interim``  while the wave runs: the newcomers' needs and participation **in total only**,
             every count rounded to a multiple of :data:`ROUNDING_BASE` (no breakdowns, no
             supply gaps by Stadtteil, no administration ratings, no volunteers, no
             perception gaps),
             and only when at least :data:`MIN_NEW_RESPONSES` newcomers answered since the
             previous release of the wave: two releases that differ by a few people would
             give those people away (the time attack). The final release may follow an
             interim one at any distance (a wave must be reportable); what it shares with
             the interim release are the totals, whose difference carries the noise of two
             cells. The administration's ratings are never published twice in a wave
             (n·m(after) − (n−1)·m(before) would be one person's rating).

A wave is released only with at least :data:`MIN_RESPONSES` complete newcomer responses.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from analysis.results import SUPPRESSED_MARK
from analysis.stats import widen_interval, wilson_ci

CATALOGUE_VERSION = "1"
"""Stored with every release; a change of the catalogue is a new version."""
Kind = Literal["interim", "final"]
KINDS: tuple[Kind, ...] = ("interim", "final")
KIND_LABELS = {"interim": "vorläufig (Zwischenstand)", "final": "endgültig"}
BREAKDOWNS: tuple[str, ...] = ("stadtteil", "language", "german_level", "years_de", "children")
"""Respondent attributes of the newcomers' need tables, each a table of its own."""
MIN_RESPONSES = 20
"""Complete newcomer responses a wave needs before anything is released."""
MIN_NEW_RESPONSES = 20
"""Newcomers who must have answered since the previous release of the same wave."""


def breakdowns(kind: Kind) -> tuple[str, ...]:
    """The breakdowns of the newcomers' need tables in a release of ``kind``."""
    return BREAKDOWNS if kind == "final" else ()


def publishes_comparisons(kind: Kind) -> bool:
    """Whether a release of ``kind`` holds the volunteers', the administration's and the
    perception-gap tables (final releases only)."""
    return kind == "final"


class ReleaseRefused(ValueError):
    """A release the rules do not allow; the message is German and says why."""


def check_release(
    kind: Kind,
    newcomers: int,
    previous: list[tuple[str, int]],
    wave_open: bool,
) -> None:
    """Raise :class:`ReleaseRefused` unless a release of ``kind`` may be made now.

    ``newcomers``: complete newcomer responses of the wave now; ``previous``: (kind,
    newcomers) of the wave's earlier releases; ``wave_open``: whether any campaign of the
    wave still takes answers."""
    if kind not in KINDS:
        raise ReleaseRefused(f"Unbekannte Art der Freigabe: {kind!r}.")
    if newcomers < MIN_RESPONSES:
        raise ReleaseRefused(
            f"Die Welle hat {newcomers} vollständige Antworten von Zugewanderten; freigegeben "
            f"werden kann erst ab {MIN_RESPONSES}."
        )
    if any(k == "final" for k, _ in previous):
        raise ReleaseRefused(
            "Diese Welle ist bereits endgültig freigegeben. Eine Freigabe wird nicht neu "
            "berechnet: zwei Fassungen, die sich um wenige Personen unterscheiden, würden "
            "diese Personen erkennbar machen."
        )
    if kind == "final" and wave_open:
        raise ReleaseRefused(
            "Die Welle läuft noch. Endgültig freigeben lässt sie sich erst, wenn alle "
            "Kampagnen der Welle geschlossen sind; bis dahin ist ein vorläufiger "
            "Zwischenstand möglich."
        )
    if kind == "interim" and not wave_open:
        raise ReleaseRefused(
            "Die Welle ist abgeschlossen: bitte endgültig freigeben statt vorläufig."
        )
    if kind == "interim" and previous:
        last = max(n for _, n in previous)
        if newcomers - last < MIN_NEW_RESPONSES:
            raise ReleaseRefused(
                f"Seit der letzten Freigabe dieser Welle sind {max(newcomers - last, 0)} "
                f"Antworten von Zugewanderten hinzugekommen; eine weitere Freigabe ist erst "
                f"ab {MIN_NEW_RESPONSES} neuen Antworten möglich (sonst ließen sich die "
                "Neuen aus dem Unterschied ablesen)."
            )


ROUNDING_BASE = 5
"""Interim releases publish counts rounded to multiples of this (after the cell-key noise):
the coarser catalogue of a running wave. The difference of a rounded interim count and
the final count carries the rounding's uncertainty (sd 5/sqrt(12) = 1.4) on top of both
cells' noise, so a final release a few people after an interim one does not give those
people away."""


def _round(values: np.ndarray, base: int) -> np.ndarray:
    return np.where(np.isnan(values), np.nan, np.round(values / base) * base)


def rounded(n: float, base: int = ROUNDING_BASE) -> float:
    """A published count rounded to a multiple of ``base`` (NaN stays NaN; 0 is hidden)."""
    r = float(_round(np.array([n], dtype=float), base)[0])
    return np.nan if r == 0 else r


def coarsen_results(results: pd.DataFrame, base: int = ROUNDING_BASE) -> pd.DataFrame:
    """Share rows of a published results table with ``n`` and ``count`` rounded to
    multiples of ``base``; the share and its Wilson interval recomputed from the rounded
    counts and widened for the rounding (sd base/sqrt(12) on the count), so no column
    gives the unrounded count back. Rows without a count (means) keep their estimate but
    get a rounded ``n``; a rounded base of 0 is hidden."""
    if results.empty:
        return results
    df = results.copy()
    n = _round(pd.to_numeric(df["n"], errors="coerce").to_numpy(dtype=float), base)
    count = _round(pd.to_numeric(df["count"], errors="coerce").to_numpy(dtype=float), base)
    count = np.minimum(count, n)
    shares = ~np.isnan(count) & (n > 0)
    p = np.where(shares, count / np.where(n > 0, n, 1), np.nan)
    lo, hi = wilson_ci(np.where(shares, count, 0), np.where(n > 0, n, 1))
    sd = np.where(shares, (base / np.sqrt(12)) / np.where(n > 0, n, 1), 0.0)
    lo, hi = widen_interval(p, lo, hi, sd)
    df["n"] = pd.array(np.where(n > 0, n, np.nan), dtype="Float64").astype("Int64")
    df["count"] = pd.array(count, dtype="Float64")
    df["estimate"] = np.where(shares, p, df["estimate"].to_numpy(dtype=float))
    df["ci_low"] = np.where(shares, lo, df["ci_low"].to_numpy(dtype=float))
    df["ci_high"] = np.where(shares, hi, df["ci_high"].to_numpy(dtype=float))
    for column in ("n_weighted", "n_effective"):
        if column in df.columns:
            df[column] = np.where(np.isnan(n), np.nan, n)
    if "noise_sd" in df.columns:
        df["noise_sd"] = np.hypot(df["noise_sd"].to_numpy(dtype=float), sd)
    hidden = ~(n > 0)
    df["suppressed"] = df["suppressed"].to_numpy(dtype=bool) | hidden
    for column in ("estimate", "ci_low", "ci_high", "count"):
        df.loc[hidden, column] = np.nan
    df["method"] = df["method"].astype(str) + f"+round{base}"
    return df


def coarsen_counts(table: pd.DataFrame, base: int = ROUNDING_BASE) -> pd.DataFrame:
    """A published respondent-count table (numbers or the suppression mark) with every
    number rounded to a multiple of ``base``; a count that rounds to 0 is shown hidden.
    Label columns (no number in them) stay as they are."""
    out = table.copy()
    for column in out.columns:
        values = pd.to_numeric(out[column], errors="coerce").to_numpy(dtype=float)
        if np.isnan(values).all():
            continue
        rounded = _round(values, base)
        out[column] = [
            original if np.isnan(r) else (SUPPRESSED_MARK if r == 0 else int(r))
            for original, r in zip(table[column], rounded, strict=True)
        ]
    return out
