"""Helpers the dashboard uses: respondent selection, group differences, display, export."""

import csv as csvlib
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analysis.compare import group_differences
from analysis.display import results_table
from analysis.export import neutralise_cell, neutralise_frame, to_csv_bytes, to_xlsx_bytes
from analysis.needs import prevalence
from analysis.results import make_results
from analysis.subset import select_respondents
from analysis.tidy import prepare


def _needs(builder, rid, stadtteil, housing, wave=1):
    builder.add(rid, "stadtteil", stadtteil, wave=wave)
    builder.add(rid, "need", housing, item="housing", wave=wave)


def test_selection_keeps_matching_respondents_and_their_answers(builder):
    for i in range(6):
        _needs(builder, f"h{i}", "hallgarten", "5", wave=1 + i % 2)
        _needs(builder, f"w{i}", "winkel", "1")
    data = prepare(builder.frame())
    sub = select_respondents(data, {"stadtteil": ["hallgarten"], "wave": [2]})
    assert sorted(sub.respondents.index) == ["h1", "h3", "h5"]
    assert set(sub.question("need")["response_id"]) == {"h1", "h3", "h5"}
    assert list(sub.respondents["stadtteil"].cat.categories) == ["hallgarten"]
    assert select_respondents(data, {"stadtteil": []}) is data
    with pytest.raises(KeyError):
        select_respondents(data, {"nope": ["x"]})


def test_selection_gives_the_prevalence_of_the_subgroup(builder):
    for i in range(10):
        _needs(builder, f"h{i}", "hallgarten", "4" if i < 8 else "1")
        _needs(builder, f"w{i}", "winkel", "4" if i < 2 else "1")
    data = prepare(builder.frame())
    sub = prevalence(select_respondents(data, {"stadtteil": ["hallgarten"]}))
    row = sub[(sub.indicator == "need_prevalence") & (sub.level == "housing")].iloc[0]
    assert row["estimate"] == pytest.approx(0.8) and row["n"] == 10


def test_group_differences_flag_a_real_difference_and_adjust_p_values(builder):
    for i in range(40):
        builder.add(f"h{i}", "stadtteil", "hallgarten")
        builder.add(f"h{i}", "need", "5" if i < 32 else "1", item="mobility")
        builder.add(f"h{i}", "need", "5" if i < 20 else "1", item="housing")
        builder.add(f"w{i}", "stadtteil", "winkel")
        builder.add(f"w{i}", "need", "5" if i < 8 else "1", item="mobility")
        builder.add(f"w{i}", "need", "5" if i < 20 else "1", item="housing")
    builder.add("x", "need", "5", item="mobility")  # no Stadtteil: left out
    res = prevalence(prepare(builder.frame()), group_vars=["stadtteil"])
    diff = group_differences(res, "need_prevalence", "stadtteil").set_index("level")
    assert bool(diff.loc["mobility", "significant"]) and not bool(
        diff.loc["housing", "significant"]
    )
    assert diff.loc["mobility", "n_groups"] == 2
    assert (diff["p_adjusted"] >= diff["p_value"] - 1e-12).all()
    assert diff.loc["housing", "p_value"] == pytest.approx(1.0)


def test_group_differences_refuse_redacted_counts():
    res = make_results(
        indicator="need_prevalence",
        group_var="stadtteil",
        group=["a", "b"],
        level="housing",
        n=[10, 3],
        count=[5, np.nan],
        estimate=[0.5, np.nan],
        method="wilson",
    )
    with pytest.raises(ValueError, match="unsuppressed"):
        group_differences(res, "need_prevalence", "stadtteil")


def test_display_table_uses_german_formats_and_hides_suppressed_cells():
    res = make_results(
        indicator="need_prevalence",
        group_var="stadtteil",
        group=["hallgarten", "winkel"],
        level="housing",
        n=[1234, 3],
        estimate=[0.3449, np.nan],
        ci_low=[0.27, np.nan],
        ci_high=[0.42, np.nan],
        suppressed=[False, True],
        method="wilson",
    )
    table = results_table(res, "Bedarfsfeld", {"housing": "Wohnen"}, {"hallgarten": "Hallgarten"})
    assert table.iloc[0].tolist() == ["Wohnen", "Hallgarten", "34 %", "27–42 %", "1.234"]
    assert table.iloc[1].tolist()[2:] == ["·", "·", "·"]
    gap = make_results(
        indicator="g",
        group_var="all",
        group="Gesamt",
        level="x",
        n=[20],
        estimate=[-0.123],
        ci_low=[-0.2],
        ci_high=[0.05],
        method="newcombe",
    )
    row = results_table(gap, kind="points").iloc[0]
    assert row["Schätzung"] == "−12" and row["95-%-KI"] == "−20 bis +5"
    assert "Gruppe" not in results_table(gap).columns


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 6723", "'+49 6723"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Wohnen", "Wohnen"),
        ("a=b", "a=b"),
        (-3, -3),
        (None, None),
    ],
)
def test_formula_cells_are_neutralised(value, expected):
    assert neutralise_cell(value) == expected


def test_csv_and_xlsx_exports_neutralise_formulas_and_keep_numbers():
    frame = pd.DataFrame(
        {"text": ['=HYPERLINK("http://x")', "ok"], "n": [-1.5, 2.0], "=evil": ["a", "b"]}
    )
    assert neutralise_frame(frame)["text"].tolist()[0].startswith("'=")
    csv = to_csv_bytes(frame)
    assert csv.startswith(b"\xef\xbb\xbf")
    rows = list(csvlib.reader(io.StringIO(csv.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["text", "n", "'=evil"]
    assert rows[1] == ['\'=HYPERLINK("http://x")', "-1,5", "a"]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"Bedarfe": frame})))
    sheet = book["Bedarfe"]
    assert sheet["A2"].value.startswith("'=") and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -1.5 and sheet["C1"].value == "'=evil"


def test_display_table_formats_extra_columns_as_asked():
    res = make_results(
        indicator="perception_gap",
        group_var="audience",
        group="volunteer",
        level="housing",
        n=[30],
        estimate=[-0.2],
        ci_low=[-0.3],
        ci_high=[-0.1],
        method="newcombe",
    )
    res["estimate_newcomer"] = 0.9
    res["flag"] = "unterschätzt"
    table = results_table(
        res, kind="points", extra=[("estimate_newcomer", "Zugewanderte", "share"), ("flag", "")]
    )
    assert table.iloc[0]["Zugewanderte"] == "90 %" and table.iloc[0][""] == "unterschätzt"
