"""Export: the results workbook a guide can hand on (German headings, no raw ids,
percentages, intervals as text, a "Lesehilfe" first), the technical table with its data
dictionary, and no workbook rebuilt on a rerun that changed nothing."""

import io
import re

import openpyxl
import pandas as pd
import pytest

import dashboard.exports
from analysis.supply import BARRIERS
from dashboard.labels import INDICATORS, METHODS
from tests.dashboard.conftest import run_page
from tests.dashboard.downloads import media_store, payload  # noqa: F401

GERMAN_SHEETS = ["Lesehilfe", "Bedarfe", "Einschätzungen", "Perspektiven", "Angebotslücken",
                 "Hürden", "Verwaltung", "Ehrenamt"]  # fmt: skip
TECHNICAL_HEADERS = {"indicator", "group_var", "group", "level", "estimate", "ci_low",
                     "ci_high", "method", "suppressed"}  # fmt: skip


def raw_ids(ctx) -> set[str]:  # type: ignore[no-untyped-def]
    ids = {a.code for a in ctx.taxonomy} | set(ctx.geography.stadtteile) | set(BARRIERS)
    ids |= set(INDICATORS) | set(METHODS) | {"newcomer", "volunteer", "administration"}
    ids |= {c.slug for c in ctx.storage.campaigns(ctx.municipality_id)}
    return ids


def workbook(blob: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(blob))


def cells(sheet) -> list[object]:  # type: ignore[no-untyped-def]
    return [c.value for row in sheet.iter_rows() for c in row if c.value is not None]


@pytest.mark.usefixtures("media_store")
def test_the_results_workbook_has_german_headings_labels_and_no_raw_ids(as_role):
    ctx = as_role("guide")
    at = run_page("export.py")
    wb = workbook(payload(at, "Alle Ergebnisse als XLSX"))
    assert wb.sheetnames == GERMAN_SHEETS
    ids = raw_ids(ctx)
    for sheet in wb.worksheets:
        headers = [c.value for c in sheet[1]]
        assert not TECHNICAL_HEADERS & set(headers), (sheet.title, headers)
        words = {w for v in cells(sheet) if isinstance(v, str) for w in re.split(r"[\s,;()]+", v)}
        assert not words & ids, (sheet.title, sorted(words & ids)[:10])
        codes = {w for w in words if re.fullmatch(r"[a-z0-9]+([_+][a-z0-9]+)+", w)}
        assert not codes, (sheet.title, sorted(codes)[:10])  # snake_case or "+ckm" codes
    needs = wb["Bedarfe"]
    headers = [c.value for c in needs[1]]
    assert headers[:4] == ["Kennzahl", "Aufschlüsselung", "Gruppe", "Bedarfsfeld"]
    assert {"Anteil", "95-%-Konfidenzintervall", "n", "Hinweis"} <= set(headers)
    row = {h: c for h, c in zip(headers, next(needs.iter_rows(min_row=2, max_row=2)), strict=True)}
    assert row["Kennzahl"].value == "Bedarf (Stufe 3–5)"
    assert row["Bedarfsfeld"].value == "Deutsch lernen"
    assert 0 < row["Anteil"].value < 1 and row["Anteil"].number_format == "0 %"
    assert re.fullmatch(r"\d+–\d+\s%", row["95-%-Konfidenzintervall"].value)
    guide = "\n".join(str(v) for v in cells(wb["Lesehilfe"]))
    assert "Stand der Daten" in guide and "95-%-Konfidenzintervall" in guide
    beliefs = cells(wb["Einschätzungen"])
    assert "Ehrenamtliche: Bedarf (Stufe 3–5) gesehen" in beliefs
    assert "Verwaltung: Bedarf (Stufe 3–5) gesehen" in beliefs
    gaps = [c.value for c in wb["Perspektiven"][1]]
    assert "Differenz (Prozentpunkte)" in gaps and "Zielgruppe" in cells(wb["Perspektiven"])


def test_a_hidden_value_keeps_its_labels_and_says_why(as_role):
    import dashboard.data as data

    as_role("viewer")
    results = data.aggregate_sheets(data.data_version())["Bedarfe"].head(3).copy()
    results.loc[1, "suppressed"] = True
    sheet = dashboard.exports.german_sheet("Bedarfe", results)
    hidden, shown = sheet.iloc[1], sheet.iloc[0]
    assert hidden["Bedarfsfeld"] == "Arbeit und Beruf" and hidden["Kennzahl"].startswith("Bedarf")
    assert pd.isna(hidden["Anteil"]) and pd.isna(hidden["n"])  # empty cells in the workbook
    assert hidden["95-%-Konfidenzintervall"] == "" and "weniger als 5" in hidden["Hinweis"]
    assert shown["Hinweis"] == "" and shown["Anteil"] == round(results.loc[0, "estimate"], 4)


@pytest.mark.usefixtures("media_store")
def test_the_technical_table_comes_with_a_data_dictionary_for_every_column(as_role):
    as_role("guide")
    at = run_page("export.py")
    wb = workbook(payload(at, "Technische Tabelle als XLSX"))
    assert wb.sheetnames == ["Technische Tabelle", "Datenwörterbuch", "Codes"]
    columns = [c.value for c in wb["Technische Tabelle"][1]]
    explained = [r[0] for r in wb["Datenwörterbuch"].iter_rows(min_row=2, values_only=True)]
    assert set(columns) >= TECHNICAL_HEADERS and set(columns) == set(explained)
    codes = {r[1]: r[2] for r in wb["Codes"].iter_rows(min_row=2, values_only=True)}
    assert codes["housing"] == "Wohnen" and codes["need_severe"] == "Großer Bedarf (Stufe 4–5)"


@pytest.mark.usefixtures("media_store")
def test_a_rerun_that_changed_nothing_builds_no_workbook_again(as_role, monkeypatch):
    as_role("guide")
    built: list[int] = []
    real = dashboard.exports.to_xlsx_bytes

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard.exports, "to_xlsx_bytes", counting)
    at = run_page("export.py")
    first = len(built)
    assert first == 3  # results, technical table, codebook
    at.selectbox(key="agg-sheet").set_value("Hürden").run()
    at.toggle(key="raw").set_value(True).run()
    at.toggle(key="raw").set_value(False).run()
    assert len(built) == first + 1  # only the raw answers' workbook, once
    assert "Hürden als CSV" in [b.proto.label for b in at.get("download_button")]


def test_months_are_named_in_german_and_workbook_formats_apply():
    from analysis.display import month_label
    from analysis.export import to_xlsx_bytes

    assert [month_label(m) for m in ("2026-03", "2026-12", "·", "2026-13")] == [
        "März 2026", "Dezember 2026", "·", "2026-13"]  # fmt: skip
    frame = pd.DataFrame({"Bereich": ["Wohnen", "=1+1"], "Anteil": [0.868, 0.25]})
    wb = workbook(to_xlsx_bytes({"Hürden": frame}, number_formats={"Anteil": "0 %"}, readable=True))
    sheet = wb["Hürden"]
    assert sheet["B2"].value == 0.868 and sheet["B2"].number_format == "0 %"
    assert sheet["A3"].value == "'=1+1"  # still neutralised
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["A"].width >= 8
