"""Coded free texts: agreement of two (or more) coders, and codes as a results table.

Input ``codes``: one row per (answer, coder) with columns answer_id, coder, area (need-area
code, or None for "no need area", counted as the category :data:`NO_AREA`), theme
(optional free label). ``answers``: the free texts with answer_id and respondent
attributes (audience, wave, language, ...), as from
:func:`surveys.free_text.codes.free_text_answers`.

Agreement (:func:`coder_agreement`)
    Units are answers coded by at least two coders. Krippendorff's alpha (nominal, from
    :func:`analysis.stats.krippendorff_alpha`) over the coders x units matrix of area codes,
    and percent agreement: the mean over units of the share of agreeing coder pairs (for
    two coders simply the share of units coded alike).

Results (:func:`coded_area_results`)
    One code per answer (:func:`resolved_codes`): the area most coders chose; on a tie the
    earliest stored code. Indicator ``free_text_area``: level = area, n = coded answers of
    the group, count = answers with that area, estimate = count / n with a Wilson 95 % CI;
    indicator ``free_text_theme``: level = "area: theme" (themes compared case-insensitively),
    same base. Protection (:mod:`analysis.disclosure`): the number of coded answers and of
    mentions are perturbed with the cell keys of their responses (``answers`` needs
    ``record_key``), so a theme count cannot pin the area count it belongs to; a row is
    hidden when its base or its mentions are below MIN_CELL (true or published), because
    this table shows the mentions as a count ("Anzahl").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from analysis.disclosure import MIN_CELL, apply_suppression, cell_keys
from analysis.display import format_count, results_table
from analysis.results import (
    SUPPRESSED_MARK,
    TOTAL_GROUP,
    TOTAL_GROUP_VAR,
    concat_results,
    empty_results,
    make_results,
)
from analysis.stats import krippendorff_alpha, wilson_ci

NO_AREA = "none"
AREA_INDICATOR, THEME_INDICATOR = "free_text_area", "free_text_theme"


@dataclass(frozen=True)
class Agreement:
    units: int
    """Answers coded by at least two coders."""
    coders: tuple[str, ...]
    alpha: float
    """Krippendorff's alpha, nominal (NaN without pairable units or variation)."""
    percent: float
    """Mean share of agreeing coder pairs per unit (NaN without units)."""


def _areas(codes: pd.DataFrame) -> pd.DataFrame:
    out = codes.copy()
    out["area"] = out["area"].astype(object).where(out["area"].notna(), NO_AREA)
    return out


def reliability_matrix(codes: pd.DataFrame) -> pd.DataFrame:
    """Coders x answers (units coded by at least two coders) of area codes, None = not coded."""
    df = _areas(codes).drop_duplicates(["answer_id", "coder"], keep="last")
    per_unit = df.groupby("answer_id")["coder"].nunique()
    units = per_unit[per_unit >= 2].index
    matrix = df[df["answer_id"].isin(units)].pivot(
        index="coder", columns="answer_id", values="area"
    )
    return matrix.astype(object).where(matrix.notna(), None)


def coder_agreement(codes: pd.DataFrame) -> Agreement:
    """Agreement of the coders (module docstring)."""
    matrix = reliability_matrix(codes)
    if matrix.shape[1] == 0:
        return Agreement(0, tuple(sorted(codes["coder"].unique())), np.nan, np.nan)
    shares = []
    for unit in matrix.columns:
        values = [v for v in matrix[unit] if v is not None]
        pairs = list(combinations(values, 2))
        shares.append(sum(a == b for a, b in pairs) / len(pairs))
    return Agreement(
        units=int(matrix.shape[1]),
        coders=tuple(str(c) for c in matrix.index),
        alpha=krippendorff_alpha(matrix.to_numpy(), level="nominal"),
        percent=float(np.mean(shares)),
    )


def resolved_codes(codes: pd.DataFrame) -> pd.DataFrame:
    """One code per answer (majority area, ties: earliest row): answer_id, area, theme."""
    df = _areas(codes).reset_index(drop=True)
    df["order"] = np.arange(len(df))
    votes = df.groupby(["answer_id", "area"]).agg(votes=("coder", "size"), first=("order", "min"))
    best = votes.reset_index().sort_values(["answer_id", "votes", "first"],
                                           ascending=[True, False, True])  # fmt: skip
    best = best.drop_duplicates("answer_id")
    chosen = df.loc[best["first"].to_numpy(), ["answer_id", "area", "theme"]]
    return chosen.sort_values("answer_id", ignore_index=True)


def _rows(frame: pd.DataFrame, indicator: str, group_var: str) -> list[dict[str, object]]:
    groups = [(TOTAL_GROUP, frame)] if group_var == TOTAL_GROUP_VAR else [
        (str(g), part) for g, part in frame.groupby(group_var, sort=True)
    ]  # fmt: skip
    rows: list[dict[str, object]] = []
    for group, part in groups:
        n = len(part)
        keys = part["record_key"].to_numpy(dtype=np.int64)
        key_n = int(cell_keys(keys, np.zeros(n, dtype=np.int64), 1)[0])
        levels = part[indicator]
        for level, count in levels.value_counts(dropna=True).sort_index().items():
            lo, hi = wilson_ci(int(count), n)
            mask = (levels == level).to_numpy()
            key_count = int(cell_keys(keys[mask], np.zeros(int(mask.sum()), np.int64), 1)[0])
            rows.append({"indicator": indicator, "group_var": group_var, "group": group,
                         "level": level, "n": n, "count": float(count),
                         "estimate": count / n, "ci_low": lo, "ci_high": hi,
                         "key_n": key_n, "key_count": key_count})  # fmt: skip
    return rows


def coded_area_results(
    codes: pd.DataFrame, answers: pd.DataFrame, group_var: str | None = None
) -> pd.DataFrame:
    """Results table of coded areas and themes, protected (module docstring)."""
    if codes.empty:
        return empty_results()
    coded = resolved_codes(codes).merge(answers, on="answer_id", how="inner")
    if coded.empty:
        return empty_results()
    theme = coded["theme"].fillna("").astype(str).str.strip()
    coded[AREA_INDICATOR] = coded["area"]
    coded[THEME_INDICATOR] = (coded["area"] + ": " + theme.str.lower()).where(theme != "", None)
    rows: list[dict[str, object]] = []
    for var in [TOTAL_GROUP_VAR, *([group_var] if group_var else [])]:
        rows += _rows(coded, AREA_INDICATOR, var) + _rows(coded, THEME_INDICATOR, var)
    if not rows:
        return empty_results()
    frame = pd.DataFrame(rows)
    df = concat_results([make_results(**{c: frame[c] for c in frame.columns}, method="wilson")])
    return apply_suppression(df, min_count=MIN_CELL)


def coded_table(
    results: pd.DataFrame,
    area_labels: Mapping[str, str],
    group_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Display table: "Bedarfsfeld / Thema", group, share, CI, n and "Anzahl" ("·" hidden)."""
    labels = {**area_labels, NO_AREA: "kein Bedarfsfeld"}
    level_labels = {}
    for lv in results["level"]:
        area, _, theme = str(lv).partition(": ")
        level_labels[lv] = f"{labels.get(area, area)}: {theme}" if theme else labels.get(lv, lv)
    rows = results.assign(
        mentions=[SUPPRESSED_MARK if h else format_count(c)
                  for h, c in zip(results["suppressed"], results["count"], strict=True)]
    )  # fmt: skip
    return results_table(rows, "Bedarfsfeld / Thema", level_labels, group_labels,
                         extra=[("mentions", "Anzahl")])  # fmt: skip
