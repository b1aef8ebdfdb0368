"""Disclosure control: the one protection layer every published number passes - the
cell-key method with threshold rules.

Why
---
Users choose their own filters and breakdowns. Hiding small cells one table at a time is
then not enough: the difference of two overlapping selections, the margins of a linked
table or the bounds of a table recover a hidden cell exactly. Statistical offices protect
flexible table builders with the **cell-key method** (ONS census 2021 "create a custom
dataset", ABS TableBuilder, Destatis Zensus 2022): every count is perturbed by a small
noise that is a fixed function of *which* records are counted, so the same cell gets the
same noise whichever way it is requested, and a difference of two published cells returns
noise instead of people.

Method (the published parameters)
---------------------------------
* **Record keys.** Every response has a random key in [0, 2^31) (``response.record_key``;
  drawn at submission, assigned to older responses by migration 0003; never derived from
  ids or times).
* **Cell keys.** The key of a cell is the sum of its records' keys modulo 2^31 (uniform,
  and independent for any two cells that differ by at least one record). The count of
  people *with* an answer (the numerator of a share) uses the key of those records mixed
  with the key of its base (SplitMix64), so that an empty numerator gets noise too.
* **Noise.** The cell key, read as a number u in (0, 1), picks the noise from the
  discrete Gaussian distribution P(d) ~ exp(-d^2 / 2) (sigma = 1; the noise of the US
  census 2020 disclosure avoidance): mean 0, variance 1; d = 0 in 40 % of cells, +-1 in
  48 %, +-2 in 11 %, +-3 in 0.9 %, +-4 in 0.03 %. There is no fixed maximum deviation: the
  31-bit key reaches +-6, so no combination of published cells pins a cell to one value
  (with a maximum deviation of, say, 2, the intervals of several differencing routes can
  meet in a single point). Light tails keep single big errors rare, which matters for the
  small groups of a small town.
* **Thresholds.** A group (the base of a share, or a count) whose true or published size
  is below :data:`MIN_CELL` (5) is not published (shown as "·"). A numerator is never published as a
  count of its own; shares are computed from the published numerator and base (clipped
  to 0 ... base). A selection of fewer than :data:`MIN_SELECTION` (20) published
  respondents is shown without breakdown (totals only).
* **Intervals.** Shares and their Wilson intervals are computed from the published counts
  only, and each interval is widened for the noise by square-and-add with the noise's
  standard deviation (:func:`share_noise_sd`, :func:`analysis.stats.widen_interval`).
  Tests and findings use the same published numbers and the same widened intervals.

What it costs: a published count is off by 1 in about half of the cases, by 2 in one case
in nine, by more in one case in a hundred; for a group of 20 a share moves by 5 points or
less in most cases; for the whole town (n > 150) by less than 1 point. Totals and their parts
are each perturbed, so parts may not add up exactly to the total shown beside them; the
same total is the same number everywhere.

Functions return *published* tables: the true counts and the cell keys are dropped.
Every results function of ``analysis/`` ends with :func:`apply_suppression`; pages and
renderers get their tables from :mod:`analysis.published` only (an architecture test
checks that no page or renderer imports anything that returns raw counts).

Scale means (the administration's ratings) have no cell keys: their groups are only
shown from :data:`MIN_CELL` answers, and no breakdown of them is offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.results import concat_results
from analysis.stats import widen_interval, wilson_ci
from analysis.tidy import RECORD_KEY, RECORD_KEY_RANGE

MIN_CELL = 5
MIN_SELECTION = 20
NOISE_SIGMA = 1.0
"""sigma of the discrete Gaussian noise (variance 1)."""
KEY_COLUMNS = ("key_n", "key_count")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass(frozen=True)
class NoiseTable:
    """The perturbation table: noise as a function of the cell key (see module doc)."""

    sigma: float = NOISE_SIGMA
    reach: int = 12

    def probabilities(self) -> tuple[np.ndarray, np.ndarray]:
        """(noise values, probabilities): the discrete Gaussian P(d) ~ exp(-d^2 / 2 sigma^2)
        over -reach..reach (what lies beyond carries less than 1e-30)."""
        d = np.arange(-self.reach, self.reach + 1)
        p = np.exp(-(d.astype(float) ** 2) / (2 * self.sigma**2))
        return d, p / p.sum()

    @property
    def variance(self) -> float:
        d, p = self.probabilities()
        return float((d * d * p).sum())

    def noise(self, cell_keys: np.ndarray | Sequence[int]) -> np.ndarray:
        """Integer noise per cell key (keys in [0, 2^31)): the key, read as u in (0, 1),
        is mapped through the inverse distribution function. Vectorised."""
        keys = np.asarray(cell_keys, dtype=np.int64)
        d, p = self.probabilities()
        u = (keys.astype(float) + 0.5) / RECORD_KEY_RANGE
        idx = np.searchsorted(np.cumsum(p), u, side="right")
        return d[np.minimum(idx, d.size - 1)]


NOISE = NoiseTable()


def mix_keys(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A cell key from two keys (SplitMix64 finaliser of a * 2^31 + b), in [0, 2^31)."""
    x = (np.asarray(a, dtype=np.uint64) << np.uint64(31)) + np.asarray(b, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = (x + np.uint64(0x9E3779B97F4A7C15)) & _MASK64
        x = ((x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK64
        x = ((x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & _MASK64
        x = x ^ (x >> np.uint64(31))
    return (x % np.uint64(RECORD_KEY_RANGE)).astype(np.int64)


def cell_keys(record_keys: np.ndarray, cells: np.ndarray, n_cells: int) -> np.ndarray:
    """Key of every cell: sum of its records' keys mod 2^31 (``cells``: cell per record)."""
    sums = np.bincount(cells, weights=np.asarray(record_keys, dtype=float), minlength=n_cells)
    return np.mod(sums, RECORD_KEY_RANGE).astype(np.int64)


def published_counts(
    counts: np.ndarray, keys: np.ndarray, true_small: np.ndarray | None = None
) -> np.ndarray:
    """Published value of counts with their cell keys: count + noise, NaN where the true
    or the published count is below :data:`MIN_CELL` (``true_small`` may add further cells
    to hide). Zero stays zero only where nothing was counted (no cell is published then)."""
    c = np.asarray(counts, dtype=float)
    out = np.maximum(c + NOISE.noise(keys), 0.0)
    hidden = (c < MIN_CELL) | (out < MIN_CELL)
    if true_small is not None:
        hidden |= np.asarray(true_small, dtype=bool)
    return np.where(hidden, np.nan, out)


def share_noise_sd(p: np.ndarray, n_pub: np.ndarray) -> np.ndarray:
    """Standard deviation of a published share c~/n~ due to the perturbation alone: the
    numerator and the base each carry independent noise of variance V (= 1), so by the delta
    method sd = sqrt(V (1 + p^2)) / n~."""
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(NOISE.variance * (1 + p**2)) / np.asarray(n_pub, dtype=float)


def apply_suppression(
    results: pd.DataFrame, min_cell: int = MIN_CELL, min_count: int | None = None
) -> pd.DataFrame:
    """The entry every results function calls before a table leaves ``analysis/``.

    Rows with cell keys (shares counted by :func:`analysis.estimate.coded_share_rows` or
    :func:`analysis.estimate.grouped_proportions` with record keys) are perturbed and
    thresholded by :func:`protect_shares`; rows without keys (scale means, medians) are
    hidden when their base is below ``min_cell``. ``min_count``: also hide rows whose
    published numerator is below it (tables that show the numerator as a count, e.g.
    free-text themes). Hidden rows are blanked. Idempotent on published tables."""
    if results.empty:
        return results.drop(columns=[c for c in KEY_COLUMNS if c in results.columns])
    cols = _protected_columns(results, 0.95, min_count)
    n = _floats(cols["n"])
    hidden = np.asarray(cols["suppressed"], dtype=bool) | np.isnan(n) | (n < min_cell)
    if hidden.any():
        cols["suppressed"] = hidden
        _blank(cols, hidden)
    return pd.DataFrame(cols, index=results.index)


def protect_shares(
    results: pd.DataFrame, confidence: float = 0.95, min_count: int | None = None
) -> pd.DataFrame:
    """Published version of share rows built with cell keys (``key_n``, ``key_count``,
    see :func:`analysis.estimate.coded_share_rows`).

    ``n`` becomes the published base, ``count`` the published numerator, ``estimate`` their
    ratio (weighted estimates are perturbed by the same noise at the cell's mean weight),
    ``n_effective`` the published effective n, ``ci_low``/``ci_high`` the Wilson interval
    of the published share widened by its perturbation sd (column ``noise_sd``),
    ``method`` gains "+ckm". Rows whose true or published base is below
    :data:`MIN_CELL` are ``suppressed`` with every number blanked. Rows without cell keys
    (e.g. rows already protected) are returned unchanged. The key columns are dropped.
    """
    if results.empty or not set(KEY_COLUMNS) <= set(results.columns):
        return results.drop(columns=[c for c in KEY_COLUMNS if c in results.columns])
    return pd.DataFrame(_protected_columns(results, confidence, min_count), index=results.index)


def _protected_columns(
    results: pd.DataFrame, confidence: float, min_count: int | None
) -> dict[str, object]:
    """The columns of :func:`protect_shares` (Series of ``results`` where unchanged, new
    arrays where changed), so that callers build the published frame once."""
    cols: dict[str, pd.Series] = {c: v for c, v in results.items() if c not in KEY_COLUMNS}
    if not set(KEY_COLUMNS) <= set(results.columns):
        return cols  # type: ignore[return-value]
    df = results
    key_n = df["key_n"].to_numpy(dtype=float)
    rows = np.flatnonzero(~np.isnan(key_n))
    n = cols["n"].to_numpy(dtype=float, na_value=np.nan)[rows]
    count = cols["count"].to_numpy(dtype=float)[rows]
    key_n = key_n[rows].astype(np.int64)
    key_c = df["key_count"].to_numpy(dtype=float)[rows].astype(np.int64)
    n_pub = np.maximum(n + NOISE.noise(key_n), 0.0)
    c_pub = np.clip(count + NOISE.noise(mix_keys(key_c, key_n)), 0.0, n_pub)
    hidden = (n < MIN_CELL) | (n_pub < MIN_CELL) | cols["suppressed"].to_numpy(bool)[rows]
    if min_count is not None:
        hidden |= (count < min_count) | (c_pub < min_count)
    sw = cols["n_weighted"].to_numpy(dtype=float)[rows]
    est = cols["estimate"].to_numpy(dtype=float)[rows]
    weighted = ~np.isclose(sw, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_w = np.where(n > 0, sw / n, 1.0)
        swy = est * sw
        p_pub = np.where(
            weighted,
            (swy + (c_pub - count) * mean_w) / (sw + (n_pub - n) * mean_w),
            c_pub / n_pub,
        )
        p_pub = np.clip(p_pub, 0.0, 1.0)
        n_eff = cols["n_effective"].to_numpy(dtype=float)[rows] if "n_effective" in cols else n
        n_eff = np.where(np.isnan(n_eff), n, n_eff) * np.where(n > 0, n_pub / n, 0.0)
    ok = ~hidden & (n_pub > 0)
    n_star = np.where(ok, n_eff, 1.0)
    lo, hi = wilson_ci(np.where(ok, p_pub, 0.0) * n_star, n_star, confidence)
    method = cols["method"].to_numpy(dtype=object).copy()
    m_codes, m_names = pd.factorize(method[rows], use_na_sentinel=False)  # a few methods
    fpc = np.array(["fpc" in str(m) for m in m_names], dtype=bool)[m_codes]
    if fpc.any():  # known small populations: keep the finite-population correction
        lo, hi = _fpc_interval(df, rows, p_pub, n_star, n_pub, confidence, lo, hi, fpc)
    noise_sd = share_noise_sd(p_pub, n_pub)
    lo, hi = widen_interval(p_pub, lo, hi, np.where(ok, noise_sd, 0.0), confidence)
    new: dict[str, np.ndarray] = {
        "n": np.where(hidden, np.nan, n_pub),
        "count": np.where(hidden, np.nan, c_pub),
        "n_weighted": np.where(hidden, np.nan, np.where(weighted, sw * n_pub / n, n_pub)),
        "estimate": np.where(hidden, np.nan, p_pub),
        "ci_low": np.where(hidden, np.nan, lo),
        "ci_high": np.where(hidden, np.nan, hi),
        "n_effective": np.where(hidden, np.nan, n_eff),
        "noise_sd": np.where(hidden, np.nan, noise_sd),
    }
    out: dict[str, object] = dict(cols)
    for col, values in new.items():
        arr = _floats(cols[col]).copy() if col in cols else np.full(len(df), np.nan)
        arr[rows] = values
        out[col] = (
            pd.arrays.IntegerArray(np.nan_to_num(np.round(arr)).astype(np.int64), np.isnan(arr))
            if col == "n"
            else arr
        )
    suppressed = cols["suppressed"].to_numpy(dtype=bool).copy()
    suppressed[rows] = hidden
    ckm = [m if str(m).endswith("+ckm") else f"{m}+ckm" for m in m_names]
    method[rows] = np.array(ckm, dtype=object)[m_codes] if len(ckm) else method[rows]
    out["suppressed"], out["method"] = suppressed, method  # dict order = assign()'s
    if hidden.any():
        _blank(out, suppressed)
    return out


def _fpc_interval(df, rows, p_pub, n_star, n, confidence, lo, hi, fpc):  # type: ignore[no-untyped-def]
    """Wilson with the finite-population correction for rows that had one (population size
    in the ``population`` column that :func:`analysis.estimate.coded_share_rows` writes)."""
    pop = df["population"].to_numpy(dtype=float)[rows] if "population" in df else None
    if pop is None:
        return lo, hi
    sample = np.minimum(n, np.where(np.isnan(pop), n, pop))  # noise may pass N
    lo_f, hi_f = wilson_ci(p_pub * n_star, n_star, confidence, pop, sample)
    return np.where(fpc, lo_f, lo), np.where(fpc, hi_f, hi)


def blank_suppressed(results: pd.DataFrame) -> pd.DataFrame:
    """Every numeric value of suppressed rows blanked (NaN / <NA>); keys and flags stay."""
    cols: dict[str, object] = {c: results[c] for c in results.columns}
    _blank(cols, results["suppressed"].to_numpy(dtype=bool))
    return pd.DataFrame(cols, index=results.index)


def _floats(values: object) -> np.ndarray:
    """A column (Series or array) as floats: NaN for missing values and non-numbers."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
        return values.astype(float)
    s = values if isinstance(values, pd.Series) else pd.Series(values, copy=False)
    if not pd.api.types.is_numeric_dtype(s.dtype):
        s = pd.to_numeric(s, errors="coerce")
    return s.to_numpy(dtype=float, na_value=np.nan)


def _blank(cols: dict[str, object], mask: np.ndarray) -> None:
    """:func:`blank_suppressed` on a dict of columns (Series or arrays), in place."""
    for col, values in cols.items():
        dtype = values.dtype  # type: ignore[attr-defined]
        if col == "suppressed" or pd.api.types.is_bool_dtype(dtype):
            continue
        if not pd.api.types.is_numeric_dtype(dtype):
            continue
        if isinstance(dtype, pd.api.extensions.ExtensionDtype):
            arr = values.array if isinstance(values, pd.Series) else values
            if isinstance(arr, pd.arrays.IntegerArray | pd.arrays.FloatingArray):
                arr = arr.copy()
                arr[mask] = pd.NA
                cols[col] = arr
            else:
                cols[col] = pd.Series(arr, copy=False).mask(mask).array
        else:
            arr = np.array(values, dtype=float)
            arr[mask] = np.nan
            cols[col] = arr


def count_table(
    respondents: pd.DataFrame, by: Iterable[str], missing: str = "keine Angabe"
) -> pd.DataFrame:
    """Published numbers of respondents per combination of ``by`` columns (and in total):
    columns ``by``..., ``n`` (published, NaN where hidden), ``suppressed``. The total row
    has "Gesamt" in every ``by`` column. Respondents without a value count as ``missing``.
    Every count gets its cell's noise: the same group is the same number in every table.
    Combinations without anyone are not listed."""
    by = list(by)
    keys = respondents[RECORD_KEY].to_numpy(dtype=np.int64)
    rows: list[tuple] = []
    if by and len(respondents):
        codes = np.zeros(len(respondents), dtype=np.int64)
        labels: list[list[str]] = []
        for col in by:
            values = respondents[col]
            cat = values.array if isinstance(values.dtype, pd.CategoricalDtype) else (
                pd.Categorical(values))  # fmt: skip
            cats = [str(c) for c in cat.categories]
            c = np.asarray(cat.codes, dtype=np.int64)
            if (c < 0).any():
                c = np.where(c < 0, len(cats), c)
                cats = [*cats, missing]
            codes = codes * len(cats) + c
            labels.append(cats)
        size = int(np.prod([len(lab) for lab in labels]))
        n = np.bincount(codes, minlength=size)
        found = np.flatnonzero(n)
        pub = published_counts(n[found], cell_keys(keys, codes, size)[found])
        for cell, value in zip(found, pub, strict=True):
            parts, rest = [], int(cell)
            for lab in reversed(labels):
                parts.append(lab[rest % len(lab)])
                rest //= len(lab)
            rows.append((*reversed(parts), value))
        rows.sort(key=lambda r: r[:-1])
    total = published_counts(
        np.array([len(respondents)]), cell_keys(keys, np.zeros(len(keys), dtype=np.int64), 1)
    )
    rows.append((*(["Gesamt"] * len(by)), total[0]))
    out = pd.DataFrame(rows, columns=[*by, "n"])
    out["suppressed"] = out["n"].isna()
    return out


def protect_all(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """:func:`protect_shares` of each frame, concatenated."""
    return concat_results([protect_shares(f) for f in frames])


__all__ = [
    "MIN_CELL",
    "MIN_SELECTION",
    "NOISE",
    "NOISE_SIGMA",
    "NoiseTable",
    "apply_suppression",
    "blank_suppressed",
    "cell_keys",
    "count_table",
    "mix_keys",
    "protect_all",
    "protect_shares",
    "published_counts",
    "share_noise_sd",
]
