"""XLSForm: our questionnaires round-trip; hand-written forms import; bad ones are rejected
whole with sheet, row and column."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook

from bedarfsradar import PROJECT_ROOT
from surveys.loader import load_bundle, load_taxonomy
from surveys.translation_io import FORMULA_PREFIXES
from surveys.xlsform import XLSFormError, read_xlsform, write_xlsform

DATA = PROJECT_ROOT / "data"


def shipped(audience):
    qdir = DATA / "questionnaires"
    return load_bundle(qdir / f"{audience}.yaml", qdir / "translations",
                       load_taxonomy(DATA / "taxonomy.yaml"))  # fmt: skip


@pytest.mark.parametrize("audience", ["newcomer", "volunteer", "administration"])
def test_export_then_import_gives_an_identical_questionnaire(tmp_path, audience):
    bundle = shipped(audience)
    path = write_xlsform(bundle, tmp_path / f"{audience}.xlsx")
    back = read_xlsform(path)
    assert back.questionnaire == bundle.questionnaire
    assert back.translations == bundle.translations
    assert back.content_hash() == bundle.content_hash()


def test_export_uses_standard_columns_and_odk_expressions(tmp_path):
    path = write_xlsform(shipped("newcomer"), tmp_path / "n.xlsx")
    wb = load_workbook(path)
    header = [c.value for c in wb["survey"][1]]
    assert header[:3] == ["type", "name", "label::German (de)"]
    assert "label::Arabic (ar)" in header and "label::Persian (fa)" in header
    rows = {}
    for r in wb["survey"].iter_rows(min_row=2, values_only=True):
        rows.setdefault(r[1], dict(zip(header, r, strict=False)))  # begin_group, not end
    assert rows["children_ages"]["relevant"] == "${children} = 'yes'"
    assert rows["children_ages"]["type"] == "select_multiple children_ages__inline"
    assert rows["barriers_other"]["relevant"] == "selected(${barriers}, 'other')"
    assert rows["barriers_other"]["constraint"] == "string-length(.) <= 300"
    assert rows["top3"]["type"] == "rank areas"
    assert rows["need.housing"]["type"] == "select_one severity"
    assert rows["offer.housing"]["relevant"] == "${need.housing} >= 3"
    assert rows["offers"]["relevant"].startswith("${need.language} >= 3 or ${need.work} >= 3")
    assert [c.value for c in wb["settings"][2]][:4] == [
        "Was brauchen Sie in Oestrich-Winkel?", "newcomer", "2026.1", "German (de)"]  # fmt: skip
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str)
                and c.value.startswith(FORMULA_PREFIXES)]  # fmt: skip


def form(survey, choices=None, settings=None):
    """A workbook from lists of rows (first row = header)."""
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {"survey": survey, "choices": choices, "settings": settings or [
        ["form_title", "form_id", "version", "default_language"],
        ["Kita-Umfrage", "kita", "1", "German (de)"]]}  # fmt: skip
    for name, rows in sheets.items():
        if rows is None:
            continue
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    return wb


HEADER = ["type", "name", "label::German (de)", "label::English (en)", "hint::German (de)",
          "required", "relevant", "constraint", "appearance"]  # fmt: skip
CHOICES = [
    ["list_name", "name", "label::German (de)", "label::English (en)"],
    ["yn", "yes", "Ja", "Yes"],
    ["yn", "no", "Nein", "No"],
    ["barrier", "cost", "Kosten", "Cost"],
    ["barrier", "time", "Uhrzeit", "Time"],
]


def save(wb, tmp_path, name="form.xlsx"):
    path = tmp_path / name
    wb.save(path)
    return path


def test_a_hand_written_xlsform_becomes_a_questionnaire_with_translations(tmp_path):
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
    bundle = read_xlsform(save(form(survey, CHOICES), tmp_path))
    q = bundle.questionnaire
    assert (q.id, q.title, q.version, q.audience) == ("kita", "Kita-Umfrage", "1", "newcomer")
    section = q.sections[0]
    assert (section.id, section.title, section.intro) == ("family", "Familie", "Ein paar Fragen")
    children, n, barriers, note = section.questions
    assert (children.type, children.required, children.options) == ("single", True, "yn")
    assert (n.type, n.min, n.max, n.relevance) == ("number", 1.0, 12.0, 'children == "yes"')
    assert barriers.relevance == 'children == "yes" and n_children > 1'
    assert (note.type, note.max_length) == ("textarea", 300)
    assert note.relevance == 'selected(barriers, "cost")'
    assert [o.code for o in q.option_sets["barrier"]] == ["cost", "time"]
    en = bundle.translations["en"].strings
    assert en["q.children.label"] == "Do you have children?"
    assert en["options.barrier.cost"] == "Cost"
    assert en["section.family.title"] == "Family"


@pytest.mark.parametrize(
    ("row", "choices", "expected"),
    [
        (["geopoint", "where", "Wo?", "Where?"], CHOICES,
         "survey, row 3, column type (A): type 'geopoint' has no equivalent here (select_one, "
         "select_multiple, rank, integer, decimal, text, begin_group, end_group)"),
        (["text", "when", "Wann?", "When?", None, None, "today() > 3"], CHOICES,
         "survey, row 3, column relevant (G): cannot translate 'today() > 3': cannot translate "
         "'today()'"),
        (["text", "x", None, "Only English"], CHOICES,
         "survey, row 3, column label::German (de) (C): missing German label (German is the "
         "source language)"),
        (["text", "Bad-Name", "Frage", "Question"], CHOICES,
         "survey, row 3, column name (B): 'Bad-Name' is not a valid id (lower-case letters, "
         "digits, _)"),
        (["select_one colours", "colour", "Farbe?", "Colour?"], CHOICES,
         "survey, row 3, column type (A): list 'colours' not in sheet choices"),
        (["integer", "age", "Alter?", "Age?", None, None, None, "regex(., '[0-9]+')"], CHOICES,
         "survey, row 3, column constraint (H): cannot translate 'regex()'"),
        (["deviceid", "device"], CHOICES,
         "survey, row 3, column type (A): metadata type 'deviceid' is not collected (no "
         "timestamps or device data); remove the row"),
        (["text", "later", "Später?", "Later?", None, None, "${nowhere} = 'yes'"], CHOICES,
         "survey, row 3, column relevant (G): cannot translate \"${nowhere} = 'yes'\": refers "
         "to unknown question '${nowhere}'"),
    ],
)  # fmt: skip
def test_a_bad_workbook_is_rejected_naming_sheet_row_and_column(tmp_path, row, choices, expected):
    survey = [HEADER, ["select_one yn", "children", "Kinder?", "Children?"], row]
    with pytest.raises(XLSFormError) as info:
        read_xlsform(save(form(survey, choices), tmp_path))
    assert [str(p) for p in info.value.problems] == [expected]


def test_every_problem_of_a_bad_workbook_is_listed_and_nothing_is_half_read(tmp_path):
    survey = [[*HEADER, "media::image"],
              ["begin_group", "s1", "Teil 1"],
              ["select_one yn", "children", "Kinder?", "Children?"],
              ["text", "photo", "Foto", "Photo", None, None, None, None, None, "x.png"],
              ["date", "born", "Geboren?", "Born?"]]  # fmt: skip
    wb = form(survey, CHOICES, [["form_title", "form_id", "default_language"],
                                ["Test", "Test Form", "English (en)"]])  # fmt: skip
    wb["choices"]["B3"] = "=1+1"
    with pytest.raises(XLSFormError) as info:
        read_xlsform(save(wb, tmp_path))
    assert [str(p) for p in info.value.problems] == [
        "survey, row 4, column media::image (J): column not supported",
        "choices, row 3, column name (B): cell holds a formula",
    ]
    # once the structure is readable, the content problems are listed together
    wb = form(
        [*survey[:-2], survey[-1]],
        CHOICES,
        [["form_title", "form_id", "default_language"], ["Test", "Test Form", "English (en)"]],
    )
    with pytest.raises(XLSFormError) as info:
        read_xlsform(save(wb, tmp_path, "two.xlsx"))
    assert [str(p) for p in info.value.problems] == [
        "settings, row 2, column default_language (C): default language must be German (de), "
        "not 'English (en)'",
        "settings, row 2, column form_id (B): 'Test Form' is not a valid id (lower-case "
        "letters, digits, _)",
        "survey, row 4, column type (A): type 'date' has no equivalent here (select_one, "
        "select_multiple, rank, integer, decimal, text, begin_group, end_group)",
        "survey, row 2, column type (A): begin_group 's1' has no end_group",
    ]


def test_not_a_workbook_is_rejected(tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_text("type,name\n", encoding="utf-8")
    with pytest.raises(XLSFormError) as info:
        read_xlsform(path)
    assert str(info.value) == "form.xlsx: not an XLSX workbook"
