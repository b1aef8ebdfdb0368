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
from analysis.tidy import RECORD_KEY, RECORD_KEY_RANGE, SurveyData, multiple_choice

PopulationSizes = int | Mapping[tuple[str, str], int] | None


def _categorical(
    values: pd.Series | pd.Categorical | np.ndarray,
) -> tuple[pd.Categorical, list[str]]:
    """Values as a Categorical (sorted unless already categorical) and its categories as
    strings (which must stay unique)."""
    if isinstance(values, pd.Series):
        values = values.array if isinstance(values.dtype, pd.CategoricalDtype) else values
    if not isinstance(values, pd.Categorical):
        values = pd.Categorical(values)
    cats = [str(c) for c in values.categories]
    if len(set(cats)) != len(cats):
        raise ValueError("categories are not unique as strings")
    return values, cats


def as_categorical(values: pd.Series | pd.Categorical | np.ndarray) -> pd.Categorical:
    """Values as a Categorical with string categories (sorted unless already categorical)."""
    cat, cats = _categorical(values)
    return cat.rename_categories(cats)


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
    attribute columns; ``weight`` column (missing -> all 1); ``record_key`` column (missing
    -> no cell keys). Weighted estimates use the Kish effective n (column ``n_effective``).
    ``population_size``: an int applies the finite-population correction to the total rows;
    a mapping {(group_var, group): N} to any row ("all", "Gesamt" for the total).

    Columns: the results schema (``n`` = unweighted base, ``count`` = unweighted number with
    y = 1) plus ``n_effective`` and the cell keys ``key_n`` and ``key_count`` (see
    :func:`share_rows`).
    """
    if level is None:
        l_codes, l_cats = np.zeros(len(frame), dtype=np.int64), [""]
    else:
        lc = as_categorical(frame[level])
        l_codes, l_cats = lc.codes.astype(np.int64), list(lc.categories)
    groups = [(gv, *group_codes(frame[gv])) for gv in group_vars]
    return share_rows(
        l_codes,
        l_cats,
        groups,
        {indicator: frame[y].to_numpy(dtype=float)},
        weights=frame[weight].to_numpy(dtype=float) if weight in frame.columns else None,
        record_keys=(
            frame[RECORD_KEY].to_numpy(dtype=np.int64) if RECORD_KEY in frame.columns else None
        ),
        confidence=confidence,
        population_size=population_size,
    )


def group_codes(values: pd.Series | pd.Categorical | np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Integer codes and labels of an attribute as groups (missing -> "keine Angabe",
    last). Computed on the codes with numpy: the same result as :func:`group_labels`
    without building intermediate categoricals (milliseconds per call on small data)."""
    cat, cats = _categorical(values)
    codes = np.asarray(cat.codes, dtype=np.int64)
    if MISSING_GROUP in cats:  # an explicit "keine Angabe" goes last, with the missing
        k = cats.index(MISSING_GROUP)
        order = [i for i in range(len(cats)) if i != k] + [k]
        remap = np.empty(len(cats) + 1, dtype=np.int64)
        remap[order] = np.arange(len(cats))
        remap[-1] = len(cats) - 1
        return remap[codes], [cats[i] for i in order]
    if (codes < 0).any():
        return np.where(codes < 0, len(cats), codes), [*cats, MISSING_GROUP]
    return codes, cats


def respondent_groups(
    respondents: pd.DataFrame | SurveyData, rpos: np.ndarray, group_vars: Iterable[str]
) -> list[tuple[str, np.ndarray, list[str]]]:
    """(group_var, codes per unit row, labels) for units given by respondent positions.
    With a :class:`~analysis.tidy.SurveyData` the respondents' group codes are computed
    once per attribute and cached."""
    out = []
    for gv in group_vars:
        if isinstance(respondents, SurveyData):
            key = ("group_codes", gv)
            if key not in respondents.cache:
                respondents.cache[key] = group_codes(respondents.respondents[gv])  # type: ignore[assignment]
            codes, cats = respondents.cache[key]  # type: ignore[misc]
        else:
            codes, cats = group_codes(respondents[gv])
        out.append((gv, codes[rpos], cats))
    return out


def share_rows(
    level_codes: np.ndarray,
    levels: Sequence[str],
    groups: Sequence[tuple[str, np.ndarray, Sequence[str]]],
    outcomes: Mapping[str, np.ndarray],
    weights: np.ndarray | None = None,
    record_keys: np.ndarray | None = None,
    confidence: float = 0.95,
    population_size: PopulationSizes = None,
) -> pd.DataFrame:
    """Shares with Wilson intervals for several 0/1 outcomes over the same unit rows.

    ``level_codes`` (int per unit row, into ``levels``); ``groups``: (group_var, codes per
    row, labels) for each breakdown (the total is always included); ``outcomes``:
    indicator -> float array per row (1 = yes, 0 = no, NaN = not in this indicator's base).
    The outcomes are encoded as one answer code per row and handed to
    :func:`coded_share_rows`. Unsuppressed rows.
    """
    names = list(outcomes)
    codes = np.zeros(np.asarray(level_codes).size, dtype=np.int64)
    tables = {name: np.full(3 ** len(names), np.nan) for name in names}
    combos = np.array(np.meshgrid(*[[0, 1, 2]] * len(names), indexing="ij")).reshape(
        len(names), -1
    )  # combos[j, c]: outcome j's state (0 no, 1 yes, 2 not in base) in combined code c
    for j, name in enumerate(names):
        y = np.asarray(outcomes[name], dtype=float)
        state = np.where(np.isnan(y), 2, (y == 1).astype(np.int64))
        codes += state * 3 ** (len(names) - 1 - j)
        tables[name] = np.where(combos[j] == 2, np.nan, combos[j].astype(float))
    return coded_share_rows(
        level_codes,
        levels,
        codes,
        tables,
        groups,
        weights=weights,
        record_keys=record_keys,
        confidence=confidence,
        population_size=population_size,
    )


def coded_share_rows(
    level_codes: np.ndarray,
    levels: Sequence[str],
    answer_codes: np.ndarray,
    indicators: Mapping[str, np.ndarray],
    groups: Sequence[tuple[str, np.ndarray, Sequence[str]]],
    weights: np.ndarray | None = None,
    record_keys: np.ndarray | None = None,
    confidence: float = 0.95,
    population_size: PopulationSizes = None,
) -> pd.DataFrame:
    """Shares of several indicators defined on one categorical answer per unit row.

    ``answer_codes``: int per row in ``[0, K)``; ``indicators``: name -> array of length K
    giving each answer code's outcome (1 yes, 0 no, NaN = not in the base). Per breakdown
    a single ``bincount`` over (group, level, answer) gives every indicator's base and
    count at once (one more for the record keys, two for weights): no per-group loops, no
    copies of the unit rows. With ``record_keys`` each row also gets the cell keys
    ``key_n`` (sum of the base's record keys mod :data:`RECORD_KEY_RANGE`) and
    ``key_count`` (the same over the units with outcome 1), for
    :mod:`analysis.protection`. Cells with n = 0 are left out. Unsuppressed rows.
    """
    level_codes = np.asarray(level_codes, dtype=np.int64)
    if np.any(level_codes < 0):
        raise ValueError("missing values in the level column")
    answer_codes = np.asarray(answer_codes, dtype=np.int64)
    k_ans = max((len(t) for t in indicators.values()), default=1)
    n_l = len(levels)
    n_rows = level_codes.size
    w = None if weights is None else np.asarray(weights, dtype=float)
    weighted = w is not None and not np.allclose(w, 1.0)
    rk = None if record_keys is None else np.asarray(record_keys, dtype=float)
    in_base = {i: ~np.isnan(np.asarray(t, dtype=float)) for i, t in indicators.items()}
    is_yes = {i: np.asarray(t, dtype=float) == 1 for i, t in indicators.items()}
    all_groups = [(TOTAL_GROUP_VAR, np.zeros(n_rows, dtype=np.int64), [TOTAL_GROUP]), *groups]
    parts: list[dict[str, np.ndarray]] = []
    for gv, g_codes, g_cats in all_groups:
        g_codes = np.asarray(g_codes, dtype=np.int64)
        if np.any(g_codes < 0):
            raise ValueError(f"missing group codes for {gv!r}")
        size = len(g_cats) * n_l
        key = (g_codes * n_l + level_codes) * k_ans + answer_codes

        def table(wts: np.ndarray | None, size: int = size, key: np.ndarray = key) -> np.ndarray:
            out = np.bincount(key, weights=wts, minlength=size * k_ans)
            return out.reshape(size, k_ans).astype(float)

        cnt = table(None)
        ksum = table(rk) if rk is not None else None
        sw_t = table(w) if weighted else None
        sw2_t = table(w * w) if weighted else None  # type: ignore[operator]
        for order, ind in enumerate(indicators):
            b, y = in_base[ind], is_yes[ind]
            n = cnt[:, b].sum(axis=1)
            nz = np.flatnonzero(n)
            if not nz.size:
                continue
            cell: dict[str, np.ndarray] = {"n": n[nz], "c": cnt[nz][:, y].sum(axis=1)}
            if sw_t is not None and sw2_t is not None:
                cell["sw"] = sw_t[nz][:, b].sum(axis=1)
                cell["swy"] = sw_t[nz][:, y].sum(axis=1)
                cell["sw2"] = sw2_t[nz][:, b].sum(axis=1)
            else:
                cell["sw"], cell["swy"], cell["sw2"] = cell["n"], cell["c"], cell["n"]
            if ksum is not None:
                cell["key_n"] = ksum[nz][:, b].sum(axis=1)
                cell["key_count"] = ksum[nz][:, y].sum(axis=1)
            cell["gv"] = np.full(nz.size, gv, dtype=object)
            cell["g"] = np.asarray(g_cats, dtype=object)[nz // n_l]
            cell["lvl"] = np.asarray(levels, dtype=object)[nz % n_l]
            cell["ind"] = np.full(nz.size, ind, dtype=object)
            cell["order"] = np.full(nz.size, order)
            parts.append(cell)
    if not parts:
        out = empty_results()
        out["n_effective"] = pd.Series(dtype=float)
        return out
    a = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    # rows by outcome first, then breakdown (the order callers have always seen)
    by_outcome = np.argsort(a.pop("order"), kind="stable")
    a = {k: v[by_outcome] for k, v in a.items()}
    n = a["n"]
    with np.errstate(invalid="ignore", divide="ignore"):
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
    extra: dict[str, object] = {"n_effective": n_eff}
    if has_pop.any():
        extra["population"] = pop  # for the finite-population correction after protection
    if rk is not None:
        extra["key_n"] = np.mod(a["key_n"], RECORD_KEY_RANGE).astype(np.int64)
        extra["key_count"] = np.mod(a["key_count"], RECORD_KEY_RANGE).astype(np.int64)
    return make_results(
        indicator=a["ind"],
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
        **extra,
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
    """Add respondent columns (e.g. attributes, weight) to a frame keyed by response_id
    (or by ``rpos``, the respondent's position, when the frame has it: no lookup then)."""
    if "rpos" in frame.columns:
        pos = frame["rpos"].to_numpy()
    else:
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
    long = attach(long, data.respondents, [*group_vars, "weight", RECORD_KEY])
    return grouped_proportions(
        long, "y", indicator, level=level, group_vars=list(group_vars), confidence=confidence
    )
