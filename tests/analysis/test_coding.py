"""Coder agreement against a hand-computed Krippendorff's alpha, one code per answer, and
coded areas as a suppressed results table."""

import numpy as np
import pandas as pd
import pytest

from analysis.coding import (
    AREA_INDICATOR,
    NO_AREA,
    coded_area_results,
    coded_table,
    coder_agreement,
    resolved_codes,
)
from analysis.results import filter_results


def _codes(rows):
    return pd.DataFrame(rows, columns=["answer_id", "coder", "area", "theme"])


def test_agreement_of_two_coders_matches_the_hand_computed_alpha():
    # units 1-4; coder a: housing, work, housing, none; coder b: housing, work, work, none.
    # Coincidences: o_hh = 2, o_ww = 2, o_hw = o_wh = 1, o_nn = 2; n_h = 3, n_w = 3, n_n = 2,
    # n = 8. alpha = 1 - (n - 1) * 2 / sum_{c != k} n_c n_k = 1 - 7 * 2 / 42 = 2/3.
    codes = _codes(
        [(1, "a", "housing", None), (2, "a", "work", None), (3, "a", "housing", None),
         (4, "a", None, None), (1, "b", "housing", None), (2, "b", "work", None),
         (3, "b", "work", None), (4, "b", None, None), (5, "a", "money", None)]
    )  # fmt: skip
    result = coder_agreement(codes)
    assert result.units == 4 and result.coders == ("a", "b")
    assert result.alpha == pytest.approx(2 / 3)
    assert result.percent == pytest.approx(0.75)


def test_agreement_without_double_coding_is_undefined():
    result = coder_agreement(_codes([(1, "a", "housing", None)]))
    assert result.units == 0 and np.isnan(result.alpha) and np.isnan(result.percent)


def test_one_code_per_answer_by_majority_and_first_coder_on_a_tie():
    codes = _codes(
        [(1, "a", "work", "x"), (1, "b", "housing", "y"), (1, "c", "housing", "z"),
         (2, "b", "money", None), (2, "a", "work", None)]
    )  # fmt: skip
    resolved = resolved_codes(codes)
    assert resolved[["answer_id", "area"]].values.tolist() == [[1, "housing"], [2, "money"]]
    assert resolved["theme"].iloc[0] == "y" and pd.isna(resolved["theme"].iloc[1])


def test_coded_areas_are_counted_with_noise_and_small_counts_hidden():
    # 20 newcomer answers: housing 12, language 5, work 3 (< 5: hidden). Every published
    # count carries its cell's noise, so language (published) and the total do not give
    # work back by subtraction.
    areas = ["housing"] * 12 + ["language"] * 5 + ["work"] * 3
    codes = _codes([(i, "a", a, "Miete" if a == "housing" else None)
                    for i, a in enumerate(areas)])  # fmt: skip
    keys = np.random.default_rng(4).integers(0, 2**31, 20)
    answers = pd.DataFrame({"answer_id": range(20), "audience": "newcomer", "record_key": keys})
    results = coded_area_results(codes, answers)
    totals = filter_results(results, indicator=AREA_INDICATOR).set_index("level")
    housing = totals.loc["housing"]
    assert abs(housing["count"] - 12) <= 4 and abs(housing["n"] - 20) <= 4
    assert housing["estimate"] == pytest.approx(housing["count"] / housing["n"])
    assert totals.loc["work", "suppressed"]
    assert np.isnan(totals.loc["work", "count"])  # redacted, not only flagged
    assert "key_n" not in results
    # the same records give the same numbers in every table: the theme "Miete" is the
    # whole housing cell (all 12 housing codes carry it)
    theme = results[results["level"] == "housing: miete"].iloc[0]
    assert (theme["count"], theme["n"]) == (housing["count"], housing["n"])
    table = coded_table(results, {"housing": "Wohnen"})
    assert table["Bedarfsfeld / Thema"].tolist()[-1] == "Wohnen: miete"
    assert table.set_index("Bedarfsfeld / Thema").loc["work", "Anzahl"] == "·"
    assert NO_AREA not in set(results["level"])
