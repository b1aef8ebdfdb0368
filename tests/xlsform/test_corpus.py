"""Third-party-style forms (tests/xlsform/corpus.py): each imports, imports naming what it
leaves out, or is refused with located problems; none crashes; nothing is lost unnamed.

"Nothing lost" is checked against the source sheets themselves: every question row, choice
row and language column is either carried (the result maps it) or named in a finding.
"""

from __future__ import annotations

import io
from functools import cache

import pytest
from pyxform.xls2xform import convert

from surveys.questionnaire import relevance
from surveys.xlsform import Finding, ImportResult, XLSFormError, import_xlsform
from tests.xlsform.corpus import CORPUS, Form

IMPORTS = [f for f in CORPUS if f.expect == "imports"]


def run(form: Form) -> ImportResult:
    if form.expect != "imports":
        return import_xlsform(form.data(), form.filename)
    return _imported(form.name, form.fmt)


@cache
def _imported(name: str, fmt: str) -> ImportResult:
    form = next(f for f in CORPUS if (f.name, f.fmt) == (name, fmt))
    return import_xlsform(form.data(), form.filename)


def by_id(form: Form) -> str:
    return form.filename


def pyxform_converts(form: Form) -> bool:
    try:
        convert(io.BytesIO(form.data()), file_type="." + form.fmt)
    except Exception:
        return False
    return True


def sheet(form: Form, name: str) -> list[list]:
    found = [rows for title, rows in form.sheets.items() if title.lower() == name]
    return found[0] if found else []


def nonempty(rows: list[list]) -> list[tuple[int, dict]]:
    header = [str(h).strip() if h is not None else "" for h in rows[0]] if rows else []
    out = []
    for i, row in enumerate(rows[1:], start=2):
        values = {h: v for h, v in zip(header, row, strict=False) if h and v not in (None, "")}
        if values:
            out.append((i, values))
    return out


def left_out_rows(result: ImportResult, sheet_name: str) -> set[int]:
    """Rows left out as a whole, each also named in a finding at that row."""
    rows = {r for s, r in result.left_out if s == sheet_name}
    named = {
        f.row for f in result.findings if f.kind == "left_out" and f.sheet.lower() == sheet_name
    }
    assert rows <= named
    return rows


@pytest.mark.parametrize("form", CORPUS, ids=by_id)
def test_each_form_imports_or_is_refused_as_expected_and_never_crashes(form):
    if form.expect == "imports":
        result = run(form)
        assert any(q.type != "note" for _, q in result.bundle.questionnaire.questions())
    else:
        with pytest.raises(XLSFormError) as info:
            run(form)
        problems = info.value.problems
        assert problems and all(isinstance(p, Finding) for p in problems)
        assert all(p.message and "[row" not in p.message for p in problems)


@pytest.mark.parametrize("form", IMPORTS, ids=by_id)
def test_every_question_row_is_carried_or_named(form):
    result = run(form)
    rows = nonempty(sheet(form, "survey"))
    ends = ("end_group", "end group", "end_repeat", "end repeat")
    question_rows = {r for r, v in rows if str(v.get("type", v.get("Type", ""))) not in ends}
    assert question_rows, form.name
    carried, named = set(result.rows), left_out_rows(result, "survey")
    assert question_rows == carried | named
    assert not carried & named
    # and the questionnaire holds exactly the carried items (plus what or_other adds)
    skip = ("section:", "group:", "start", "intro", "privacy", "consent_sensitive")
    items = {qid.split(".")[0] for qid in result.rows.values() if not qid.startswith(skip)}
    questions = {q.id for _, q in result.bundle.questionnaire.questions()}
    added = {q for q in questions - items if q.endswith("_other")}
    assert questions == items | added


@pytest.mark.parametrize("form", IMPORTS, ids=by_id)
def test_every_choice_row_is_carried_or_named(form):
    result = run(form)
    choice_rows = {r for r, _ in nonempty(sheet(form, "choices"))}
    named = left_out_rows(result, "choices")
    assert choice_rows == set(result.choices) | named
    q = result.bundle.questionnaire
    options = sum(len(v) for v in q.option_sets.values()) + sum(
        len(x.options) for _, x in q.questions() if isinstance(x.options, list)
    )
    added = sum(1 for v in q.option_sets.values() for o in v if o.code == "other")
    assert options == len(result.choices) + added


@pytest.mark.parametrize("form", IMPORTS, ids=by_id)
def test_every_language_column_is_carried_or_named(form):
    result = run(form)
    names = set()
    for title in ("survey", "choices"):
        header = sheet(form, title)[0] if sheet(form, title) else []
        for h in header:
            base, _, lang = str(h).partition("::")
            if base.lower() in ("label", "hint"):
                names.add(lang.strip() or "default")
    assert names == set(result.languages) | set(result.left_out_languages)
    codes = {c for c in result.languages.values()}
    assert set(result.bundle.languages()) == {"de"} | codes


def test_at_least_80_percent_of_the_forms_pyxform_converts_import():
    convertible = [f for f in CORPUS if pyxform_converts(f)]
    imported = [f for f in convertible if f.expect == "imports" and run(f)]
    assert len(convertible) >= 15
    assert len(imported) / len(convertible) >= 0.8
    assert imported == convertible  # in this corpus: all of them


@pytest.mark.parametrize("form", [f for f in CORPUS if not pyxform_converts(f)], ids=by_id)
def test_a_form_pyxform_rejects_is_refused(form):
    with pytest.raises(XLSFormError):
        run(form)


# -- what the corpus shows in particular -------------------------------------------------------
def find(result: ImportResult, kind: str, text: str) -> list[Finding]:
    return [f for f in result.findings if f.kind == kind and text in f.message]


def form_named(name: str, fmt: str = "xlsx") -> Form:
    return next(f for f in CORPUS if f.name == name and f.fmt == fmt)


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_kobo_metadata_rows_are_left_out_by_name_and_the_questions_import(fmt):
    result = run(form_named("kobo_default", fmt))
    named = {f.row: f.message for f in result.findings if f.kind == "left_out"}
    assert sorted(named) == [2, 3, 4, 5]
    assert "»start«" in named[2] and "»deviceid«" in named[5]
    kinder, anzahl, wunsch = result.bundle.questionnaire.sections[0].questions
    assert (kinder.required, anzahl.integer, anzahl.hint) == (True, True, "Nur Kinder im Haushalt")


def test_aliases_and_an_english_only_form_import_with_english_as_named_source():
    result = run(form_named("aliases"))
    q = result.bundle.questionnaire
    works, why, hours = q.sections[0].questions
    assert (works.label, works.required, why.type, hours.integer) == (
        "Do you work?", True, "multiple", True)  # fmt: skip
    assert result.bundle.translations["en"].strings["q.works.label"] == "Do you work?"
    assert find(result, "changed", "keine deutschen Texte")


def test_or_other_gives_an_other_option_and_a_text_question_shown_only_for_it():
    result = run(form_named("notes_or_other"))
    q = result.bundle.questionnaire
    assert [o.code for o in q.option_sets["herkunft"]][-1] == "other"
    assert q.option_sets["herkunft"][-1].label == "Sonstiges"
    other = q.question("herkunft_other")
    assert (other.type, other.label, other.relevance) == (
        "text", "Bitte näher angeben:", 'selected(herkunft, "other")')  # fmt: skip
    notes = [x for _, x in q.questions() if x.type == "note"]
    assert [n.label for n in notes][:2] == ["Willkommen! Die Umfrage dauert 10 Minuten.",
                                           "Alle Angaben sind freiwillig."]  # fmt: skip
    assert notes[-1].relevance == "answered(herkunft)"
    assert len(find(result, "changed", "or_other")) == 4


def test_integer_constraints_and_their_messages_are_carried_and_untranslatable_ones_named():
    result = run(form_named("numbers_and_messages"))
    q = result.bundle.questionnaire
    alter = q.question("alter")
    assert (alter.integer, alter.min, alter.max, alter.required) == (True, 16.0, 99.0, True)
    assert alter.constraint_message == "Bitte ein Alter von 16 bis 99."
    assert alter.required_message == "Bitte geben Sie Ihr Alter an."
    assert alter.guidance == "Volle Jahre"
    assert (q.question("personen").min, q.question("notiz").max_length) == (1.0, 200)
    plz = q.question("plz")
    assert plz.constraint_message is None
    assert [f.row for f in find(result, "left_out", "regex")] == [6]
    assert [f.column for f in find(result, "left_out", "ohne übernommene Prüfregel")] == [
        "constraint_message (F)"
    ]


def test_repeats_and_calculations_are_left_out_and_logic_on_them_is_flagged():
    result = run(form_named("repeats"))
    assert sorted(left_out_rows(result, "survey")) == [3, 4, 5, 8]
    flagged = [f for f in result.findings if f.kind == "depends"]
    assert [(f.row, f.column) for f in flagged] == [(9, "relevant (D)")]
    assert "»zwei« (Zeile 8" in flagged[0].message
    q = result.bundle.questionnaire
    assert q.question("warum").relevance is None
    assert q.question("hilfe").relevance == "kinder > 0"


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_location_photos_and_dates_are_left_out_and_dependent_questions_flagged(fmt):
    result = run(form_named("gps_photos", fmt))
    assert sorted(left_out_rows(result, "survey")) == [2, 3, 4, 5, 6]
    assert find(result, "left_out", "Ortsangaben")[0].row == 2
    [flag] = [f for f in result.findings if f.kind == "depends"]
    assert (flag.row, "»ort« (Zeile 2, nicht übernommen)" in flag.message) == (7, True)


def test_several_languages_become_translations_dari_included_and_unknown_ones_named():
    result = run(form_named("languages"))
    assert result.languages == {"English (en)": "en", "Français (fr)": "fr", "العربية (ar)": "ar",
                                "Dari (prs)": "prs"}  # fmt: skip
    assert set(result.left_out_languages) == {"Klingon"}
    [named] = find(result, "left_out", "Klingon")
    assert "(Spalten: survey label::Klingon, choices label::Klingon)" in named.message
    tr = result.bundle.translations
    assert tr["prs"].strings["q.job.label"] == "آیا کار دارید؟"
    assert tr["fr"].strings["q.job.hint"] == "Travail payé"
    assert result.bundle.questionnaire.question("job").label == "Do you have a job?"


def test_a_german_form_with_english_imports_with_only_its_title_and_audience_to_confirm():
    result = run(form_named("german_and_english"))
    assert [f.message for f in result.findings] == [
        "Der Formulartitel »Wohnen« steht nur in einer Sprache im Formular; als Titel steht auf "
        "Englisch »Survey«. Auf der Seite Übersetzungen lässt sich das ändern.",
        "Zielgruppe nicht angegeben: als Fragebogen für Zugewanderte übernommen."]  # fmt: skip
    assert result.bundle.missing_keys("en") == []  # English is offered as well
    q = result.bundle.questionnaire
    assert q.question("zimmer").relevance == 'wohnung == "yes"'
    assert result.bundle.translations["en"].strings["q.zimmer.label"] == "How many rooms?"


def test_nested_groups_table_lists_markdown_and_piping_are_carried_and_named():
    result = run(form_named("groups_and_text"))
    q = result.bundle.questionnaire
    [section] = q.sections
    assert (section.title, section.intro) == ("Alltag", "Fragen zum Alltag")
    types = {x.id: x.type for x in section.questions}
    assert types == {"name_kind": "text", "schule": "single", "schulweg": "note",
                     "bus": "single", "zufrieden": "matrix"}  # fmt: skip
    assert q.question("bus").relevance == 'schule == "yes"'
    assert q.question("bus").label == "Fährt … mit dem Bus?"
    assert [r.code for r in q.rows_of(q.question("zufrieden"))] == ["schule", "kita"]
    assert {f.row for f in find(result, "changed", "Platzhalter ${name_kind}")} == {4, 6}
    assert {f.row for f in find(result, "changed", "Markdown")} == {2, 4}


def test_defaults_media_filters_and_comment_columns_are_named_cell_by_cell():
    result = run(form_named("extra_columns"))
    cells = {(f.sheet, f.row, f.column) for f in result.findings if f.kind == "left_out"}
    assert cells == {("survey", 2, "default (D)"), ("survey", 2, "media::image (F)"),
                     ("survey", 2, "notizen (G)"), ("survey", 3, "choice_filter (E)"),
                     ("survey", 4, "default (D)"), ("survey", 4, "read_only (H)"),
                     ("choices", 2, "media::image (E)"), ("choices", 4, "land (D)"),
                     ("choices", 5, "land (D)"), ("choices", 6, "land (D)")}  # fmt: skip
    assert [o.code for o in result.bundle.questionnaire.option_sets["stadt"]][-1] == "don_t_know"


def test_rank_questions_become_rankings_of_all_or_of_the_top_few():
    q = run(form_named("rank")).bundle.questionnaire
    assert (q.question("wichtig").type, q.question("wichtig").max_choices) == ("ranking", 3)
    assert (q.question("top2").type, q.question("top2").max_choices) == ("ranking", 2)
    assert (q.question("themen").type, q.question("themen").max_choices) == ("multiple", 2)


def test_odd_logic_is_dropped_by_name_and_not_equal_behaves_as_in_odk():
    result = run(form_named("forward_and_odd_logic"))
    q = result.bundle.questionnaire
    assert q.question("vorher").relevance is None
    assert find(result, "changed", "»nachher«, das erst später gefragt wird")[0].row == 2
    assert (q.question("neu").relevance, q.question("neu").required) == (None, False)
    assert find(result, "changed", "Ist nicht mehr Pflicht")[0].row == 4
    assert find(result, "changed", "Pflicht nur unter der Bedingung")[0].row == 5
    expr = relevance.parse(q.question("nicht_a").relevance)
    # ODK: ${nachher} != 'yes' is true while nachher is unanswered
    assert relevance.evaluate(expr, {}) is True
    assert relevance.evaluate(expr, {"nachher": "yes"}) is False
    assert relevance.evaluate(expr, {"nachher": "no"}) is True


def test_a_constant_formula_without_computed_value_is_used_and_named():
    result = run(form_named("formula_true"))
    a, b = result.bundle.questionnaire.sections[0].questions
    assert (a.required, b.required) == (True, False)
    assert [(f.row, f.column) for f in find(result, "changed", "Formel")] == [
        (2, "required (D)"), (3, "required (D)")]  # fmt: skip


def test_duplicate_columns_are_refused_naming_both():
    with pytest.raises(XLSFormError) as info:
        run(form_named("duplicate_relevant"))
    assert str(info.value) == (
        "Blatt survey, Zeile 1, Spalte relevant, relevance: Die Spalten »relevant« und "
        "»relevance« meinen dasselbe. Bitte eine davon umbenennen oder löschen.")  # fmt: skip
    with pytest.raises(XLSFormError) as info:
        run(form_named("duplicate_label"))
    assert str(info.value).startswith("Blatt survey, Zeile 1, Spalte label (C): Die Spalte »label«")


def test_include_and_unmatched_groups_are_refused_at_their_row():
    with pytest.raises(XLSFormError) as info:
        run(form_named("include"))
    assert (info.value.problems[0].row, "include" in str(info.value)) == (2, True)
    with pytest.raises(XLSFormError) as info:
        run(form_named("unmatched_group"))
    assert (
        str(info.value)
        == "Blatt survey, Zeile 2, Spalte type (A): begin_group »g« ohne passendes end_group."
    )
