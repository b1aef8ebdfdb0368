"""XLSForm export: our three questionnaires run in ODK (pyxform converts them without
errors or warnings) and read back unchanged; hand-written forms import; forms pyxform
refuses are refused in German with sheet, row and column."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from bedarfsradar import PROJECT_ROOT
from surveys.questionnaire.loader import load_bundle, load_taxonomy
from surveys.translations.checks import FORMULA_PREFIXES
from surveys.xlsform import XLSFormError, import_xlsform, read_xlsform, write_xlsform
from tests.xlsform.corpus import xlsx_bytes

DATA = PROJECT_ROOT / "data"
AUDIENCES = ["newcomer", "volunteer", "administration"]


def shipped(audience):
    qdir = DATA / "questionnaires"
    return load_bundle(qdir / f"{audience}.yaml", qdir / "translations",
                       load_taxonomy(DATA / "taxonomy.yaml"))  # fmt: skip


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlsform")
    return {a: write_xlsform(shipped(a), folder / f"{a}.xlsx") for a in AUDIENCES}


def survey_rows(path):
    ws = load_workbook(path)["survey"]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_exported_questionnaire_converts_with_pyxform_without_errors_or_warnings(
    exported, audience
):
    warnings: list[str] = []
    result = convert(str(exported[audience]), warnings=warnings)
    assert warnings == []
    assert "<h:html" in result.xform


@pytest.mark.parametrize("audience", AUDIENCES)
def test_export_then_import_through_pyxform_gives_an_identical_questionnaire(exported, audience):
    bundle = shipped(audience)
    back = read_xlsform(exported[audience])
    assert back.findings == []
    assert back.bundle.questionnaire == bundle.questionnaire
    assert back.bundle.translations == bundle.translations
    assert back.bundle.content_hash() == bundle.content_hash()


def test_export_uses_standard_columns_and_odk_expressions(exported):
    path = exported["newcomer"]
    wb = load_workbook(path)
    header = [c.value for c in wb["survey"][1]]
    assert header[:3] == ["type", "name", "label::German (de)"]
    assert {"label::Leichte Sprache (de)", "label::Arabic (ar)", "label::Persian (fa)"} <= set(
        header
    )
    assert not [h for h in header if "de-x-ls" in h]  # pyxform warns about private-use codes
    rows = {}
    for r in survey_rows(path):
        rows.setdefault(r["name"], r)  # begin_group, not end_group
    assert rows["children_ages"]["relevant"] == "${children} = 'yes'"
    assert rows["children_ages"]["type"] == "select_multiple children_ages__inline"
    assert rows["barriers_other"]["relevant"] == "selected(${barriers}, 'other')"
    assert rows["barriers_other"]["constraint"] == "string-length(.) <= 300"
    assert rows["need.housing"]["type"] == "select_one severity"
    assert rows["offer.housing"]["relevant"] == "${need.housing} >= 3"
    assert rows["offers"]["relevant"].startswith("${need.language} >= 3 or ${need.work} >= 3")
    settings = dict(zip([c.value for c in wb["settings"][1]], [c.value for c in wb["settings"][2]],
                        strict=True))  # fmt: skip
    assert (settings["form_title"], settings["form_id"], settings["version"]) == (
        "Was brauchen Sie in Oestrich-Winkel?", "newcomer", "2026.1")  # fmt: skip
    assert settings["default_language"] == "German (de)"
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str)
                and c.value.startswith(FORMULA_PREFIXES)]  # fmt: skip


def test_the_top_three_ranking_can_be_answered_in_odk(exported):
    row = next(r for r in survey_rows(exported["newcomer"]) if r["name"] == "top3")
    # ODK's rank orders all 13 areas, so "at most 3" could never be met; choose up to 3
    assert (row["type"], row["constraint"]) == ("select_multiple areas", "count-selected(.) <= 3")
    xform = convert(str(exported["newcomer"])).xform
    assert "odk:rank" not in xform
    assert re.search(r'<bind [^>]*nodeset="/data/priorities/top3"[^>]*constraint="count-selected'
                     r'\(\.\) &lt;= 3"', xform)  # fmt: skip
    assert '<select ref="/data/priorities/top3"' in xform


def test_consent_and_privacy_come_before_the_sensitive_questions_in_odk(exported):
    bundle = shipped("newcomer")
    q = bundle.questionnaire
    rows = survey_rows(exported["newcomer"])
    names = [r["name"] for r in rows]
    assert names[:4] == ["bedarfsradar-start", "bedarfsradar-intro", "bedarfsradar-privacy",
                         "bedarfsradar-consent"]  # fmt: skip
    by_name: dict = {}
    for r in rows:
        by_name.setdefault(r["name"], r)
    assert by_name["bedarfsradar-privacy"]["label::German (de)"] == q.privacy
    assert by_name["bedarfsradar-privacy"]["type"] == "note"
    assert by_name["bedarfsradar-consent"]["type"] == "acknowledge"
    assert by_name["bedarfsradar-consent"]["label::German (de)"] == q.consent_sensitive
    sensitive = [x.id for _, x in q.questions() if x.sensitive] + [
        s.id for s in q.sections if s.sensitive
    ]
    assert sensitive
    for name in sensitive:
        assert by_name[name]["relevant"].startswith("${bedarfsradar-consent} = 'OK'")
        assert names.index(name) > names.index("bedarfsradar-consent")


def test_translated_privacy_text_is_in_each_language_column(exported):
    bundle = shipped("newcomer")
    privacy = next(
        r for r in survey_rows(exported["newcomer"]) if r["name"] == "bedarfsradar-privacy"
    )
    assert privacy["label::Arabic (ar)"] == bundle.translations["ar"].strings["privacy"]


# -- hand-written forms -------------------------------------------------------------------------
HEADER = ["type", "name", "label::German (de)", "label::English (en)", "hint::German (de)",
          "required", "relevant", "constraint", "appearance"]  # fmt: skip
CHOICES = [
    ["list_name", "name", "label::German (de)", "label::English (en)"],
    ["yn", "yes", "Ja", "Yes"],
    ["yn", "no", "Nein", "No"],
    ["barrier", "cost", "Kosten", "Cost"],
    ["barrier", "time", "Uhrzeit", "Time"],
]
SETTINGS = [["form_title", "form_id", "version", "default_language", "audience"],
            ["Kita-Umfrage", "kita", "1", "German (de)", "newcomer"]]  # fmt: skip


def test_a_hand_written_xlsform_becomes_a_questionnaire_with_translations():
    survey = [HEADER,
        ["begin_group", "family", "Familie", "Family", "Ein paar Fragen", None, None, None, None],
        ["select_one yn", "children", "Haben Sie Kinder?", "Do you have children?", None, "yes",
         None, None, None],
        ["integer", "n_children", "Wie viele?", "How many?", None, None, "${children} = 'yes'",
         ". >= 1 and . <= 12", None],
        ["select_multiple barrier", "barriers", "Was hindert Sie?", "What stops you?", None,
         None, "${children} = 'yes' and ${n_children} > 1", None, None],
        ["text", "cost_note", "Welche Kosten?", "Which costs?", None, None,
         "selected(${barriers}, 'cost')", "string-length(.) <= 300", "multiline"],
        ["end_group", "family", None, None, None, None, None, None, None],
    ]  # fmt: skip
    data = xlsx_bytes({"survey": survey, "choices": CHOICES, "settings": SETTINGS})
    result = import_xlsform(data, "kita.xlsx")
    [title] = result.findings  # KoboToolbox forms have their title in one language only
    assert (title.sheet, title.row, title.kind) == ("settings", 2, "changed")
    assert result.bundle.translations["en"].strings["title"] == "Survey"
    q = result.bundle.questionnaire
    assert (q.id, q.title, q.version, q.audience) == ("kita", "Kita-Umfrage", "1", "newcomer")
    section = q.sections[0]
    assert (section.id, section.title, section.intro) == ("family", "Familie", "Ein paar Fragen")
    children, n, barriers, note = section.questions
    assert (children.type, children.required, children.options) == ("single", True, "yn")
    assert (n.type, n.integer, n.min, n.max) == ("number", True, 1.0, 12.0)
    assert n.relevance == 'children == "yes"'
    assert barriers.relevance == 'children == "yes" and n_children > 1'
    assert (note.type, note.max_length) == ("textarea", 300)
    assert note.relevance == 'selected(barriers, "cost")'
    assert [o.code for o in q.option_sets["barrier"]] == ["cost", "time"]
    en = result.bundle.translations["en"].strings
    assert en["q.children.label"] == "Do you have children?"
    assert en["options.barrier.cost"] == "Cost"
    assert en["section.family.title"] == "Family"


def test_typographic_quotes_in_texts_survive_pyxform():
    survey = [["type", "name", "label"], ["text", "a", "Was heißt „Wohnen“ für Sie?"]]
    result = import_xlsform(xlsx_bytes({"survey": survey, "settings": SETTINGS}), "q.xlsx")
    assert result.bundle.questionnaire.sections[0].questions[0].label == (
        "Was heißt „Wohnen“ für Sie?"
    )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["select_one colours", "colour", "Farbe?"]],
         "Blatt survey, Zeile 2, Spalte type (A): Die Liste »colours« fehlt im Blatt choices."),
        ([["text", "1bad", "Frage"]],
         "Blatt survey, Zeile 2, Spalte name (B): Ungültiger Name: Namen beginnen mit einem "
         "Buchstaben oder _ und enthalten nur Buchstaben, Ziffern, _, - und Punkte."),
        ([["text", "a", "A"], ["text", "b", "B ${nowhere}"]],
         "Blatt survey, Zeile 3, Spalte label (C): Verweis auf ${nowhere}: diesen Namen gibt es "
         "im Blatt survey nicht."),
        ([["text", "a", "A"], ["end_group", None, None]],
         "Blatt survey, Zeile 3, Spalte type (A): end_group ohne passendes begin_group."),
        ([[None, "a", "A"]], "Blatt survey, Zeile 2, Spalte type (A): Die Zeile hat keinen Typ."),
    ],
)  # fmt: skip
def test_a_form_pyxform_refuses_is_refused_in_german_at_sheet_row_and_column(rows, expected):
    data = xlsx_bytes({"survey": [["type", "name", "label"], *rows], "choices": CHOICES})
    with pytest.raises(XLSFormError) as info:
        import_xlsform(data, "form.xlsx")
    assert [str(p) for p in info.value.problems] == [expected]


def test_a_refused_form_lists_the_pyxform_problem_and_every_uncomputed_formula():
    survey = [["type", "name", "label", "hint"], ["text", "a", None, None],
              ["text", "b", "B", None]]  # fmt: skip
    formulas = {("survey", "C2"): '=CONCAT("Fra", "ge")', ("survey", "D3"): "=A1&B1"}
    with pytest.raises(XLSFormError) as info:
        import_xlsform(xlsx_bytes({"survey": survey}, formulas), "f.xlsx")
    found = [(p.sheet, p.row, p.column) for p in info.value.problems]
    assert found == [("survey", 2, "name (B)"), ("survey", 2, "label (C)"),
                     ("survey", 3, "hint (D)")]  # fmt: skip
    assert "Formel" in str(info.value) and "=A1&B1" in str(info.value)


def test_not_a_workbook_is_refused_as_one_file_level_problem(tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_text("type,name\n", encoding="utf-8")
    with pytest.raises(XLSFormError) as info:
        read_xlsform(path)
    assert [str(p) for p in info.value.problems] == [
        "Datei: Die Datei ist keine lesbare XLSForm-Arbeitsmappe (.xlsx oder .xls): "
        "beschädigt, leer oder ein anderes Format."
    ]


def test_an_archive_bomb_is_refused_before_reading():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/big.xml", "0" * 60_000_000)
    with pytest.raises(XLSFormError, match="entpackt zu groß"):
        import_xlsform(buffer.getvalue(), "bomb.xlsx")


def test_gender_stars_and_snake_case_are_not_taken_for_formatting():
    text = "Liebe Bürger*innen und Nachbar*innen: Feld kita_platz_gesucht"
    survey = [["type", "name", "label"], ["text", "a", text], ["text", "b", "**Wichtig**"]]
    result = import_xlsform(xlsx_bytes({"survey": survey, "settings": SETTINGS}), "q.xlsx")
    a, b = result.bundle.questionnaire.sections[0].questions
    assert (a.label, b.label) == (text, "Wichtig")
    assert [f.row for f in result.findings if "Markdown" in f.message] == [3]
