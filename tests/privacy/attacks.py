"""An adversary with the guide's or the viewer's login: every filter and breakdown the
dashboard offers, the exports and the deck, and the seven attacks of issue 12.

The attacker sees only published tables (:mod:`analysis.published`). Each attack produces
*estimates* of cells the protection hides or that describe fewer than 5 people; the
truth comes from the unprotected counts of the same record sets. For every estimate we
record whether it hits the true value and how far it is off, and - the criterion that
matters - whether the attacker could be **certain**: every published count is the true
count plus noise from a known table whose support is -6..6 (the 31-bit cell key cannot
reach further), so an estimate from a route of two published cells pins the true value
only if the intervals of all routes to that cell intersect in a single value (together
with what the attacker knows anyway: a hidden base is 1 to 4).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import needs, published
from analysis.disclosure import MIN_CELL, NOISE, apply_suppression
from analysis.subset import select_respondents
from analysis.tidy import SurveyData

ATTRIBUTES: tuple[str, ...] = ("wave", "language", "stadtteil", "german_level", "years_de",
                               "children")  # fmt: skip
"""Filters and breakdowns of the Bedarfe page (dashboard.labels.ATTRIBUTES)."""
INDICATOR = "need_prevalence"
REACH = int(np.abs(NOISE.noise(np.array([0, 2**31 - 1]))).max())  # 6


def levels(data: SurveyData, attr: str) -> list[str]:
    col = data.respondents[attr]
    return sorted({str(v) for v in col.dropna().unique()})


def cell_table(results: pd.DataFrame, group_var: str) -> dict[tuple[str, str], tuple]:
    """(group, area) -> (published n, published count) of one indicator and breakdown;
    NaN where hidden."""
    rows = results[(results["indicator"] == INDICATOR) & (results["group_var"] == group_var)]
    out = {}
    for g, lv, n, est, sup in zip(rows["group"], rows["level"], rows["n"], rows["estimate"],
                                  rows["suppressed"], strict=True):  # fmt: skip
        if sup or pd.isna(n):
            out[(str(g), str(lv))] = (np.nan, np.nan)
        else:
            out[(str(g), str(lv))] = (float(n), float(round(est * float(n))))
    return out


def true_table(data: SurveyData, group_var: str) -> dict[tuple[str, str], tuple]:
    """The unprotected (n, count) of the same cells."""
    raw = needs.prevalence(data, "newcomer", [group_var] if group_var != "all" else [])
    rows = raw[(raw["indicator"] == INDICATOR) & (raw["group_var"] == group_var)]
    return {
        (str(g), str(lv)): (float(n), float(c))
        for g, lv, n, c in zip(rows["group"], rows["level"], rows["n"], rows["count"], strict=True)
    }


@dataclass
class Estimates:
    """Attack estimates per target cell: target -> list of (estimate of n, estimate of
    count), and the truth per target."""

    name: str
    routes: dict[tuple, list[tuple[float, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    truth: dict[tuple, tuple[float, float]] = field(default_factory=dict)

    seen: set = field(default_factory=set)

    def add(self, target: tuple, truth: tuple[float, float], big: tuple, small: tuple) -> None:
        """One route: the difference of two published cells (``big`` minus ``small``, each
        (n, count)). The same pair of cells reached through another filter (a level with
        nobody in the target's group adds no one) is one route, not two."""
        n, c = big[0] - small[0], big[1] - small[1]
        if np.isnan(n) or np.isnan(c) or (target, big, small) in self.seen:
            return
        self.seen.add((target, big, small))
        self.routes[target].append((n, c))
        self.truth[target] = truth

    def small_targets(self) -> list[tuple]:
        """Targets with a true base or count of 1 to 4 (what must not be recoverable)."""
        return [t for t, (n, c) in self.truth.items()
                if 0 < n < MIN_CELL or 0 < c < MIN_CELL]  # fmt: skip

    def measure(self) -> dict[str, float]:
        """Share of single-route estimates that hit the true value, largest deviation,
        share of targets whose median over all routes hits it (an attacker combining
        every route), number of targets pinned with certainty."""
        hits = total = combined = 0
        worst = 0.0
        certain = 0
        targets = self.small_targets()
        for t in targets:
            n_true, c_true = self.truth[t]
            for n_est, c_est in self.routes[t]:
                for est, true in ((n_est, n_true), (c_est, c_true)):
                    total += 1
                    hits += est == true
                    worst = max(worst, abs(est - true))
            med = np.round(np.median(np.asarray(self.routes[t]), axis=0))
            combined += bool(med[0] == n_true and med[1] == c_true)
            certain += pinned(self.routes[t], n_true, c_true)
        return {"estimates": total, "hit_share": hits / total if total else 0.0,
                "max_deviation": worst, "certain": certain, "targets": len(targets),
                "combined_hits": combined / len(targets) if targets else 0.0}  # fmt: skip


def pinned(routes: Sequence[tuple[float, float]], n_true: float, c_true: float) -> bool:
    """Could the attacker be certain of the base or the count? Each route (difference of
    two published cells) bounds the true value to estimate +-2*REACH; intersect them with
    the values possible at all (0..n for counts, >= 0 for bases)."""
    for which in (0, 1):
        lo, hi = 0.0, np.inf
        for route in routes:
            lo = max(lo, route[which] - 2 * REACH)
            hi = min(hi, route[which] + 2 * REACH)
        if which == 1:
            hi = min(hi, max(r[0] for r in routes) + 2 * REACH)
        if hi - lo < 1:  # a single integer left
            return True
    return False


def view_cells(
    data: SurveyData, filters: dict, breakdowns: Sequence[str]
) -> dict[str, dict[tuple[str, str], tuple]]:
    """The published need-prevalence cells of one filtered selection for each breakdown.

    A cell's published value depends only on its records (cell key), not on the view that
    shows it; so this computes the cells of all breakdowns in one pass - and, unlike the
    Bedarfe page, without the minimum selection for breakdowns: the attacker here gets
    *more* than the dashboard shows (``test_attacks`` checks that the page shows the same
    numbers where it shows a breakdown)."""
    sub = select_respondents(data, filters, audience="newcomer")
    shown = apply_suppression(needs.prevalence(sub, "newcomer", list(breakdowns)))
    return {y: cell_table(shown, y) for y in breakdowns}


def subsets(values: Sequence[str]) -> Iterable[tuple[str, ...]]:
    for k in range(len(values) + 1):
        yield from itertools.combinations(values, k)


def differencing(data: SurveyData, attrs: Sequence[str] = ATTRIBUTES) -> Estimates:
    """Attack 1: for a filter attribute X and a breakdown Y, the cell (x, y) is the
    difference of the views filtered to S + {x} and to S, for every subset S of X's other
    levels (every multiselect the page offers). Also the published view filtered to {x}
    itself, if it shows the cell."""
    est = Estimates("Differenzbildung über Filter")
    for x_attr in attrs:
        x_levels = levels(data, x_attr)
        views: dict[tuple[str, ...], dict[str, dict]] = {}
        breakdowns = [y for y in attrs if y != x_attr]
        for subset in subsets(x_levels):
            if not subset:
                continue
            views[subset] = view_cells(data, {x_attr: subset}, breakdowns)
        for x in x_levels:
            target_data = select_respondents(data, {x_attr: [x]}, audience="newcomer")
            for y in breakdowns:
                truth = true_table(target_data, y)
                others = [v for v in x_levels if v != x]
                for rest in subsets(others):
                    big = tuple(sorted((*rest, x)))
                    for key, tv in truth.items():
                        b = views[big][y].get(key, (np.nan, np.nan))
                        s = views[tuple(sorted(rest))][y].get(key, (0.0, 0.0)) if rest else (
                            0.0, 0.0)  # fmt: skip
                        est.add((x_attr, x, y, *key), tv, b, s)
    return est


def linked_tables(data: SurveyData, offers: pd.DataFrame) -> Estimates:
    """Attack 2: the supply gap by Stadtteil x language against the one-way table by
    Stadtteil: margin - sum of the other languages' cells gives the hidden cell."""
    est = Estimates("Verknüpfte Tabellen (Randsummen)")
    gap, _ = published.supply_view(data, offers, group_var="language")
    margins = cell_table(published.needs_view(data, {}, "stadtteil").results, "stadtteil")
    cross: dict[tuple[str, str, str], tuple] = {}
    for s, sub, lv, n, e, sup in zip(gap["stadtteil"], gap["subgroup"], gap["level"],
                                     gap["n"], gap["estimate"], gap["suppressed"],
                                     strict=True):  # fmt: skip
        cross[(str(s), str(sub), str(lv))] = (np.nan, np.nan) if sup or pd.isna(n) else (
            float(n), float(round(e * float(n))))  # fmt: skip
    for stadtteil in levels(data, "stadtteil"):
        target_data = select_respondents(data, {"stadtteil": [stadtteil]}, audience="newcomer")
        truth = true_table(target_data, "language")
        for (lang, area), tv in truth.items():
            others = [k for k in cross if k[0] == stadtteil and k[2] == area and k[1] != lang]
            m = margins.get((stadtteil, area), (np.nan, np.nan))
            rest = (sum(cross[k][0] for k in others), sum(cross[k][1] for k in others))
            est.add(("stadtteil|language", stadtteil, lang, area), tv, m, rest)
    return est


def bounds(data: SurveyData, attrs: Sequence[str] = ATTRIBUTES) -> tuple[int, int, int]:
    """Attack 3: in a breakdown with hidden cells, total - shown = the hidden cells'
    sums; if the hidden counts add up to 0 or to their bases, every hidden cell is 0 % or
    100 %. Returns (situations where the published numbers suggest it, of which the
    suggestion is true, of which the attacker can be certain)."""
    suggested = right = certain = 0
    for y in attrs:
        shown = published.needs_view(data, {}, y).results
        cells = cell_table(shown, y)
        total = cell_table(shown, "all")
        truth = true_table(data, y)
        for area in {a for _, a in cells}:
            hidden = [g for (g, a), v in cells.items() if a == area and np.isnan(v[0])]
            if not hidden or (("Gesamt", area) not in total):
                continue
            tn, tc = total[("Gesamt", area)]
            sn = sum(v[0] for (g, a), v in cells.items() if a == area and not np.isnan(v[0]))
            sc = sum(v[1] for (g, a), v in cells.items() if a == area and not np.isnan(v[1]))
            hn, hc = tn - sn, tc - sc
            if hc <= 0 or hc >= hn:
                suggested += 1
                true_c = sum(truth[(g, area)][1] for g in hidden)
                true_n = sum(truth[(g, area)][0] for g in hidden)
                right += true_c == 0 or true_c == true_n
                # certain only if the noise of all cells involved could not explain it:
                # with support +-REACH per published cell it always can
                k = len([1 for (g, a) in cells if a == area]) + 1
                certain += (hc + REACH * k < 0) or (hc - REACH * k > hn + REACH * k)
    return suggested, right, certain


def all_published_tables(data: SurveyData, offers: pd.DataFrame) -> list[pd.DataFrame]:
    """Every table a viewer can see or download (pages, export, deck's tables)."""
    tables = [published.needs_view(data, {}, y).results for y in (None, *ATTRIBUTES)]
    tables += list(published.export_sheets(data, offers).values())
    tables.append(published.perception_view(data))
    tables += list(published.supply_view(data, offers, group_var="language"))
    return tables
