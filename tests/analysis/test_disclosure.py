"""Disclosure control: primary and secondary suppression, incl. property tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as hs

from analysis.disclosure import (
    MIN_CELL,
    apply_suppression,
    result_lines,
    secondary_suppression,
    singly_hidden_lines,
)
from analysis.results import make_results


def _table(groups: dict[str, int], level: str = "housing") -> pd.DataFrame:
    names = ["Gesamt", *groups]
    ns = [sum(groups.values()), *groups.values()]
    return make_results(
        indicator=["need_prevalence"] * len(names),
        group_var=["all"] + ["stadtteil"] * len(groups),
        group=names,
        level=[level] * len(names),
        n=ns,
        count=[n // 2 for n in ns],
        estimate=[0.5] * len(names),
        ci_low=[0.3] * len(names),
        ci_high=[0.7] * len(names),
        method=["wilson"] * len(names),
    )


def test_min_cell_constant():
    assert MIN_CELL == 5


def test_primary_suppression_and_redaction():
    out = apply_suppression(_table({"a": 20, "b": 4, "c": 30, "d": 25}))
    row_b = out[out["group"] == "b"].iloc[0]
    assert row_b["suppressed"]
    assert pd.isna(row_b["n"]) and np.isnan(row_b["estimate"]) and np.isnan(row_b["count"])


def test_secondary_hides_next_smallest():
    # b (n=4) is primary; total - a - c - d would reveal it, so the next smallest (d=25)
    # is hidden as well; a, c and the total stay visible.
    out = apply_suppression(_table({"a": 40, "b": 4, "c": 30, "d": 25}))
    hidden = dict(zip(out["group"], out["suppressed"], strict=True))
    assert hidden == {"Gesamt": False, "a": False, "b": True, "c": False, "d": True}


def test_no_suppression_when_all_large():
    out = apply_suppression(_table({"a": 40, "b": 6}))
    assert not out["suppressed"].any()


def test_total_hidden_when_only_two_groups_and_one_small():
    # groups a (3) and b (50): hiding a needs a complement; b is hidden (cells first)
    out = apply_suppression(_table({"a": 3, "b": 50}))
    hidden = dict(zip(out["group"], out["suppressed"], strict=True))
    assert hidden["a"] and hidden["b"] and not hidden["Gesamt"]


def test_secondary_false_only_primary():
    out = apply_suppression(_table({"a": 40, "b": 4, "c": 30}), secondary=False)
    assert out["suppressed"].sum() == 1


def test_min_count_rule():
    t = _table({"a": 40, "b": 40})
    t.loc[1, "count"] = 2
    assert apply_suppression(t, min_count=MIN_CELL)["suppressed"].sum() == 2
    assert not apply_suppression(t)["suppressed"].any()


# --- property tests -------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(
    hs.lists(hs.lists(hs.integers(0, 40), min_size=2, max_size=5), min_size=2, max_size=5).filter(
        lambda rows: len({len(r) for r in rows}) == 1
    )
)
def test_two_way_table_no_line_reveals_a_cell(rows):
    """A 2-way table with row, column and grand totals: after secondary suppression no
    line (row + its total, column + its total, totals row/column + grand total) has
    exactly one hidden member, so no displayed total minus displayed cells reveals a
    suppressed cell."""
    cells = np.array(rows)
    r, c = cells.shape
    full = np.zeros((r + 1, c + 1), dtype=int)
    full[:r, :c] = cells
    full[:r, c] = cells.sum(axis=1)
    full[r, :c] = cells.sum(axis=0)
    full[r, c] = cells.sum()
    pos = np.arange(full.size).reshape(full.shape)
    lines = [list(pos[i, :]) for i in range(r + 1)] + [list(pos[:, j]) for j in range(c + 1)]
    sizes = full.ravel()
    primary = sizes < MIN_CELL
    totals = np.zeros(full.shape, bool)
    totals[r, :] = True
    totals[:, c] = True
    hidden = secondary_suppression(sizes, primary, lines, totals.ravel())
    assert not singly_hidden_lines(hidden, lines)
    assert np.all(hidden[primary])  # primary cells stay hidden


@settings(max_examples=150, deadline=None)
@given(
    hs.lists(
        hs.dictionaries(hs.sampled_from(list("abcdef")), hs.integers(1, 30), min_size=1),
        min_size=1,
        max_size=4,
    )
)
def test_results_table_lines_never_reveal(group_sets):
    """Several areas x one breakdown in the long results table (with totals)."""
    frames = [_table(g, level=f"area{i}") for i, g in enumerate(group_sets)]
    res = pd.concat(frames, ignore_index=True)
    out = apply_suppression(res)
    hidden = out["suppressed"].to_numpy()
    assert np.all(hidden[res["n"].to_numpy(dtype=float) < MIN_CELL])
    for line in result_lines(out):
        h = hidden[line]
        assert h.sum() != 1
        if not h.any():
            continue
        # the displayed total minus displayed cells equals the sum of >= 2 hidden cells
        assert h.sum() >= 2


def test_result_lines_shape():
    res = pd.concat([_table({"a": 10, "b": 12}), _table({"a": 3, "b": 9}, "work")])
    lines = result_lines(res.reset_index(drop=True))
    assert sorted(map(sorted, lines)) == [[0, 1, 2], [3, 4, 5]]
