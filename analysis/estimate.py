"""Grouped estimators that write results-table rows (shares with Wilson intervals).

One job: given a unit-level frame (one row per respondent, or per respondent x level) with a
0/1 outcome, respondent attributes and a weight, produce results rows for the total and for
every level of every breakdown variable. Respondents whose attribute is missing form the
group "keine Angabe" (listed last), so the groups of a breakdown add up to the total (needed
by the secondary suppression in :mod:`analysis.disclosure`).

Implementation: attributes are handled as categorical codes and aggregated with
``np.bincount`` on combined (group, level) codes - no string group-bys, so 10^6 rows take
milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.results import (
    MISSING_GROUP,
    TOTAL_GROUP,
    TOTAL_GROUP_VAR,
    empty_results,
    make_results,
)
from analysis.stats import proportion_method, wilson_ci
from analysis.tidy import SurveyData, multiple_choice

PopulationSizes = int | Mapping[tuple[str, str], int] | None


def as_categorical(values: pd.Series | pd.Categorical | np.ndarray) -> pd.Categorical:
    """Values as a Categorical with string categories (sorted unless already categorical)."""
    if isinstance(values, pd.Series):
        values = values.array if isinstance(values.dtype, pd.CategoricalDtype) else values
    if not isinstance(values, pd.Categorical):
        values = pd.Categorical(values)
    cats = [str(c) for c in values.categories]
    if len(set(cats)) != len(cats):
        raise ValueError("categories are not unique as strings")
    return values.rename_categories(cats)


def group_labels(values: pd.Series | pd.Categorical | np.ndarray) -> pd.Categorical:
    """Attribute values as a Categorical of strings; missing -> "keine Angabe" (last)."""
    cat = as_categorical(values)
    if MISSING_GROUP in cat.categories:
        cat = cat.reorder_categories(
            [c for c in cat.categories if c != MISSING_GROUP] + [MISSING_GROUP]
        )
    elif cat.isna().any():
        cat = cat.add_categories([MISSING_GROUP])
    return cat.fillna(MISSING_GROUP) if cat.isna().any() else cat


def combine_labels(a: pd.Categorical, b: pd.Categorical, sep: str = "|") -> pd.Categorical:
    """Cross two categoricals into one with categories "a|b" (NaN if either is NaN)."""
    ka = len(a.categories)
    kb = len(b.categories)
    codes = np.where((a.codes < 0) | (b.codes < 0), -1, a.codes.astype(np.int64) * kb + b.codes)
    cats = [f"{x}{sep}{y}" for x in a.categories for y in b.categories]
    return pd.Categorical.from_codes(codes, cats[: ka * kb]) if cats else pd.Categorical([])


def _population(pop: PopulationSizes, group_var: str, groups: np.ndarray) -> np.ndarray | None:
    if pop is None:
        return None
    if isinstance(pop, int | float):
        if group_var != TOTAL_GROUP_VAR:
            return None
        return np.full(groups.size, float(pop))
    out = np.array([float(pop.get((group_var, str(g)), np.nan)) for g in groups])
    return None if np.all(np.isnan(out)) else out


def grouped_proportions(
    frame: pd.DataFrame,
    y: str,
    indicator: str,
    level: str | None = None,
    group_vars: Iterable[str] = (),
    weight: str = "weight",
    confidence: float = 0.95,
    population_size: PopulationSizes = None,
) -> pd.DataFrame:
    """Share of ``y == 1`` per (group, level) with Wilson intervals, as results rows.

    ``frame``: unit rows; ``y`` float 0/1 (NaN = not in the base, dropped); ``level``
    optional column (a categorical keeps its category order, else sorted); ``group_vars``
    attribute columns; ``weight`` column (missing -> all 1). Weighted estimates use the Kish
    effective n (column ``n_effective``). ``population_size``: an int applies the finite-
    population correction to the total rows; a mapping {(group_var, group): N} to any row
    ("all", "Gesamt" for the total).

    Columns: the results schema (``n`` = unweighted base, ``count`` = unweighted number with
    y = 1) plus ``n_effective``.
    """
    yv_all = frame[y].to_numpy(dtype=float)
    keep = ~np.isnan(yv_all)
    if not keep.any():
        out = empty_results()
        out["n_effective"] = pd.Series(dtype=float)
        return out
    yv = yv_all[keep]
    w = frame[weight].to_numpy(dtype=float)[keep] if weight in frame.columns else np.ones(yv.size)
    weighted = not np.allclose(w, 1.0)
    if level is None:
        l_codes, l_cats = np.zeros(yv.size, dtype=np.int64), [""]
    else:
        lc = as_categorical(frame[level])[keep]
        l_codes, l_cats = lc.codes.astype(np.int64), list(lc.categories)
        if np.any(l_codes < 0):
            raise ValueError(f"missing values in level column {level!r}")
    n_l = len(l_cats)
    cols: dict[str, list] = {k: [] for k in ("gv", "g", "lvl", "n", "c", "sw", "swy", "sw2")}
    for gv in [TOTAL_GROUP_VAR, *group_vars]:
        if gv == TOTAL_GROUP_VAR:
            g_codes, g_cats = np.zeros(yv.size, dtype=np.int64), [TOTAL_GROUP]
        else:
            gc = group_labels(frame[gv])[keep]
            g_codes, g_cats = gc.codes.astype(np.int64), list(gc.categories)
        size = len(g_cats) * n_l
        key = g_codes * n_l + l_codes
        n = np.bincount(key, minlength=size)
        nz = np.flatnonzero(n)
        cols["gv"].append(np.full(nz.size, gv, dtype=object))
        cols["g"].append(np.asarray(g_cats, dtype=object)[nz // n_l])
        cols["lvl"].append(np.asarray(l_cats, dtype=object)[nz % n_l])
        cols["n"].append(n[nz])
        cols["c"].append(np.bincount(key, weights=yv, minlength=size)[nz])
        cols["sw"].append(np.bincount(key, weights=w, minlength=size)[nz])
        cols["swy"].append(np.bincount(key, weights=w * yv, minlength=size)[nz])
        cols["sw2"].append(np.bincount(key, weights=w * w, minlength=size)[nz])
    a = {k: np.concatenate(v) for k, v in cols.items()}
    n = a["n"].astype(float)
    p = a["swy"] / a["sw"]
    n_eff = a["sw"] ** 2 / a["sw2"] if weighted else n
    pop = np.full(n.size, np.nan)
    for gv in dict.fromkeys(a["gv"]):
        m = a["gv"] == gv
        pv = _population(population_size, gv, a["g"][m])
        if pv is not None:
            pop[m] = pv
    has_pop = ~np.isnan(pop)
    lo, hi = wilson_ci(p * n_eff, n_eff, confidence, pop, n)
    method = np.where(
        has_pop, proportion_method(weighted, True), proportion_method(weighted, False)
    )
    return make_results(
        indicator=np.full(n.size, indicator, dtype=object),
        group_var=a["gv"],
        group=a["g"],
        level=a["lvl"],
        n=n,
        count=a["c"],
        n_weighted=a["sw"],
        estimate=p,
        ci_low=np.atleast_1d(lo),
        ci_high=np.atleast_1d(hi),
        method=method.astype(object),
        n_effective=n_eff,
    )


def take_respondent_columns(
    respondents: pd.DataFrame, positions: np.ndarray, columns: Iterable[str]
) -> dict[str, object]:
    """Respondent columns gathered at integer ``positions`` (-1 = unknown respondent).

    Categoricals stay categorical (NaN for -1), ``weight`` defaults to 1.0.
    """
    pos = np.asarray(positions, dtype=np.int64)
    ok = pos >= 0
    out: dict[str, object] = {}
    for c in dict.fromkeys(columns):
        if c not in respondents.columns:
            continue
        col = respondents[c]
        if c == "weight":
            vals = col.to_numpy(dtype=float)
            out[c] = np.where(ok, vals[np.maximum(pos, 0)] if len(vals) else 1.0, 1.0)
        elif isinstance(col.dtype, pd.CategoricalDtype):
            out[c] = col.array.take(pos, allow_fill=True)
        else:
            vals = col.to_numpy()
            taken = vals[np.maximum(pos, 0)] if len(vals) else np.full(pos.size, None)
            if not ok.all():
                taken = taken.astype(object)
                taken[~ok] = None
            out[c] = taken
    return out


def attach(frame: pd.DataFrame, respondents: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Add respondent columns (e.g. attributes, weight) to a frame keyed by response_id."""
    pos = respondents.index.get_indexer(frame["response_id"])
    extra = take_respondent_columns(respondents, pos, columns)
    out = frame.copy()
    for c, v in extra.items():
        out[c] = v
    return out


def choice_shares(
    data: SurveyData,
    question_id: str,
    options: Sequence[str],
    audience: str,
    indicator: str,
    level: str,
    group_vars: Iterable[str] = (),
    confidence: float = 0.95,
    base: str = "respondents",
) -> pd.DataFrame:
    """Share of ``audience`` respondents choosing each option of a multiple-choice question,
    one row per (group, option) with Wilson intervals; ``base`` as in
    :func:`analysis.tidy.multiple_choice`. Unsuppressed rows."""
    chosen = multiple_choice(data, question_id, options, audience=audience, base=base)
    long = chosen.reset_index().melt(id_vars="response_id", var_name=level, value_name="y")
    long[level] = pd.Categorical(long[level], categories=list(options))
    long["y"] = long["y"].astype(float)
    long = attach(long, data.respondents, [*group_vars, "weight"])
    return grouped_proportions(
        long, "y", indicator, level=level, group_vars=list(group_vars), confidence=confidence
    )
