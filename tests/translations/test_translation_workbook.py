"""Translation workbooks: export, validated import, diff, review status, staleness."""

from __future__ import annotations

import pytest
import yaml
from openpyxl import load_workbook

from surveys.questionnaire.loader import load_translation
from surveys.translations.checks import FORMULA_PREFIXES, MAX_OPTION_LABEL_WIDTH, foreign_words
from surveys.translations.status import (
    coverage,
    from_translation,
    load_ui_string_sets,
    source_hash,
)
from surveys.translations.workbook import write_workbook
from surveys.translations.workbook_import import apply_import, read_workbook


def test_round_trip_without_edits_changes_nothing(workbook, shipped):
    bundle, _, _ = shipped
    wb = workbook(("ar", "fa", "de-x-ls", "en", "ru", "tr", "uk"))
    plan = wb.plan()
    assert plan.problems == []
    assert not plan.has_changes
    n_keys = len(bundle.questionnaire.source_strings()) + len(wb.ui.strings["de"])
    for code, lp in plan.languages.items():
        assert (lp.added, lp.changed, lp.status_changed, lp.outdated) == ([], [], [], []), code
        assert len(lp.unchanged) == n_keys


def test_export_has_context_source_translation_status_and_hash(workbook, shipped):
    bundle, _, _ = shipped
    wb = workbook(("ar",))
    ws = wb.wb["ar"]
    assert [c.value for c in ws[1]][:4] == ["Schlüssel", "Kontext / Hinweis",
                                            "Deutsch (Quelltext)", "Übersetzung"]  # fmt: skip
    row = wb.row_of("ar", "q.barriers.option.cost")
    assert ws[f"C{row}"].value == "Kosten"
    assert ws[f"D{row}"].value == bundle.translations["ar"].strings["q.barriers.option.cost"]
    assert "„Was macht es schwer, Angebote zu nutzen?“" in ws[f"B{row}"].value
    assert ws[f"E{row}"].value == "draft"
    assert ws[f"G{row}"].value == source_hash("Kosten")
    # interface strings come along, with their placeholders named for the translator
    step = wb.row_of("ar", "ui.step_of")
    assert "{step} {total}" in ws[f"B{step}"].value
    assert wb.wb["Info"]["B1"].value == "newcomer"


def test_exported_workbook_contains_no_formula(tmp_path, shipped):
    bundle, ui, ui_sets = shipped
    ar = bundle.translations["ar"]
    hostile = ar.model_copy(update={"strings": {**ar.strings, "title": '=HYPERLINK("x")',
                                                "intro": "+1", "privacy": "-2",
                                                "thank_you": "@SUM(A1)",
                                                "consent_sensitive": "\tx"}})  # fmt: skip
    bundle = bundle.model_copy(update={"translations": {**bundle.translations, "ar": hostile}})
    path = write_workbook(tmp_path / "t.xlsx", bundle, ui.strings["de"], ui_sets, ["ar", "fa"])
    wb = load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert len(cells) > 800
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    starts = [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(
        FORMULA_PREFIXES)]  # fmt: skip
    assert starts == []
    assert '\'=HYPERLINK("x")' in [c.value for c in cells]


def _messages(plan):
    return [str(p) for p in plan.problems if "row missing" not in p.message]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("ui.step_of", "الخطوة {step}", "error: sheet 'ar', row {row}, key ui.step_of: "
         "placeholder {total} missing (keep it unchanged)"),
        ("ui.next", "التالي {n}", "error: sheet 'ar', row {row}, key ui.next: "
         "placeholder {n} not in the German text"),
        ("q.need.label", "   ", "error: sheet 'ar', row {row}, key q.need.label: "
         "translation is only spaces"),
        ("q.need.label", "Wie groß ist das Problem?", "error: sheet 'ar', row {row}, key "
         "q.need.label: Latin letters in the Arabic text: 'Wie', 'groß', 'ist'"),
        ("title", "@SUM(A1)", "error: sheet 'ar', row {row}, key title: translation starts "
         "with '@', which spreadsheet programs read as a formula; remove it (use '–' for a "
         "dash)"),
        ("title", "=1+1", "error: sheet 'ar', row {row}, key title: cell with a formula in "
         "column(s) translation"),
        ("q.barriers.option.cost", "ت" * (MAX_OPTION_LABEL_WIDTH + 1), "error: sheet 'ar', "
         "row {row}, key q.barriers.option.cost: option label is 91 characters; at most 90 "
         "fit a 360 px phone screen (about three lines)"),
        ("q.need.label", None, "warning: sheet 'ar', row {row}, key q.need.label: empty "
         "cell: the existing translation is kept"),
    ],
)  # fmt: skip
def test_each_validation_case_names_sheet_row_and_key(workbook, key, value, expected):
    wb = workbook(("ar",))
    row = wb.set("ar", key, "translation", value)
    plan = wb.plan()
    assert _messages(plan) == [expected.replace("{row}", str(row))]


def test_unknown_duplicate_and_missing_keys_and_review_without_role(workbook):
    wb = workbook(("fa",))
    ws = wb.wb["fa"]
    unknown = wb.set("fa", "q.need.label", "key", "q.shoe_size.label")
    dup = wb.row_of("fa", "q.gender.label")
    ws[f"A{dup}"] = "title"
    reviewed = wb.set("fa", "ui.next", "status", "reviewed")
    bad_status = wb.set("fa", "ui.back", "status", "fertig")
    plan = wb.plan()
    assert not plan.ok
    assert (
        str(plan.problems[0])
        == f"error: sheet 'fa', row {unknown}, key q.shoe_size.label: unknown key"
    )
    messages = [str(p) for p in plan.problems]
    assert f"error: sheet 'fa', row {dup}, key title: key appears twice (also row 2)" in messages
    assert (f"error: sheet 'fa', row {reviewed}, key ui.next: reviewed needs the reviewer's "
            "role (not a name)") in messages  # fmt: skip
    assert (f"error: sheet 'fa', row {bad_status}, key ui.back: unknown status 'fertig' "
            "(draft, reviewed or outdated)") in messages  # fmt: skip
    assert ("warning: sheet 'fa', key q.need.label: row missing from the sheet (existing "
            "translation kept)") in messages  # fmt: skip


def test_unknown_sheet_and_missing_column_reject_the_workbook(workbook):
    from surveys.translations.checks import TranslationImportError

    wb = workbook(("ar",))
    wb.wb.create_sheet("Notizen")
    wb.wb["ar"]["G1"] = "Hash?"
    wb.wb.save(wb.path)
    with pytest.raises(TranslationImportError) as info:
        read_workbook(wb.path)
    assert [str(p) for p in info.value.problems] == [
        "error: sheet 'ar', row 1: missing column(s) 'Quell-Hash (nicht ändern)'",
        "error: sheet 'Notizen': sheet name is not a known language code",
    ]


def test_script_check_spares_names_codes_digits_and_punctuation():
    assert foreign_words("دورات أعلى من مستوى B1 في Oestrich-Winkel، 10 دقائق (IP).", "Arab") == []
    assert foreign_words("رمز الدخول: {code}", "Arab") == []
    assert foreign_words("مكان في Kita-Platz أو Hort", "Arab", "Kita-Platz, Hort") == []
    # a German sentence left in an Arabic cell is reported even though its words are German
    assert foreign_words("Kita-Platz und Hort", "Arab", "Kita-Platz und Hort") == [
        "Kita-Platz", "und", "Hort"]  # fmt: skip
    assert foreign_words("Termin в Bürgerbüro", "Cyrl", "Termine im Bürgerbüro") == []
    assert foreign_words("Hilfe بعد Schule", "Arab", "") == ["Hilfe", "Schule"]
    assert foreign_words("Merhaba привет", "Latn") == ["привет"]


def test_a_changed_translation_and_a_review_show_in_the_diff_and_are_written(workbook, data_copy):
    wb = workbook(("ar", "tr"))
    wb.set("ar", "ui.next", "translation", "التالي ←")
    wb.set("tr", "q.need.label", "status", "reviewed")
    wb.set("tr", "q.need.label", "reviewed_by", "Muttersprachlerin, Dolmetscherpool Rheingau")
    plan = wb.plan()
    assert plan.ok and plan.has_changes
    assert plan.languages["ar"].changed == ["ui.next"]
    assert plan.languages["tr"].status_changed == ["q.need.label"]
    assert plan.languages["fa" if "fa" in plan.languages else "ar"].added == []
    written = apply_import(plan, wb.bundle, wb.ui.strings["de"],
                           data_copy / "questionnaires" / "translations",
                           data_copy / "ui")  # fmt: skip
    assert sorted(p.name for p in written) == ["ar.yaml", "newcomer.tr.yaml"]
    ui_ar = yaml.safe_load((data_copy / "ui" / "ar.yaml").read_text(encoding="utf-8"))
    assert ui_ar["strings"]["next"] == "التالي ←"
    tr = load_translation(data_copy / "questionnaires" / "translations" / "newcomer.tr.yaml",
                          wb.bundle.questionnaire)  # fmt: skip
    state = from_translation(tr)
    label = wb.bundle.questionnaire.question("need").label
    assert state.state("q.need.label", label) == "reviewed"
    assert state.reviewer("q.need.label") == "Muttersprachlerin, Dolmetscherpool Rheingau"
    assert state.state("q.gender.label", "Sie sind …") == "draft"
    assert tr.strings == wb.bundle.translations["tr"].strings  # texts unchanged


def test_stale_translation_is_marked_outdated(workbook, data_copy, shipped):
    bundle, ui, _ = shipped
    wb = workbook(("ar",))
    wb.set("ar", "q.need.label", "translation", "ما حجم المشكلة بالنسبة لكم ولعائلتكم؟")
    # meanwhile the guide rewords the German question
    q = bundle.questionnaire
    sections = [
        s.model_copy(update={"questions": [
            qq.model_copy(update={"label": "Wie groß ist das Problem für Ihre Familie?"})
            if qq.id == "need" else qq for qq in s.questions]})
        for s in q.sections
    ]  # fmt: skip
    changed = bundle.model_copy(
        update={"questionnaire": q.model_copy(update={"sections": sections})}
    )
    plan = wb.plan(bundle=changed)
    row = wb.row_of("ar", "q.need.label")
    assert [str(p) for p in plan.problems] == [
        f"warning: sheet 'ar', row {row}, key q.need.label: German source changed since the "
        "export: imported as outdated"
    ]
    assert plan.languages["ar"].outdated == ["q.need.label"]
    apply_import(plan, changed, ui.strings["de"], data_copy / "questionnaires" / "translations",
                 data_copy / "ui")  # fmt: skip
    tr = load_translation(
        data_copy / "questionnaires" / "translations" / "newcomer.ar.yaml", changed.questionnaire
    )
    new_german = "Wie groß ist das Problem für Ihre Familie?"
    assert from_translation(tr).state("q.need.label", new_german) == "outdated"
    assert from_translation(tr).state("q.gender.label", "Sie sind …") == "draft"
    # the next export tells the interpreter, and the coverage report counts it
    updated = changed.model_copy(update={"translations": {**changed.translations, "ar": tr}})
    again = type(wb)(wb.path.with_name("again.xlsx"), (updated, wb.ui, wb.ui_sets), ["ar"])
    assert again.get("ar", "q.need.label", "status") == "outdated"
    report = {c.language: c for c in coverage(updated, ui, wb.ui_sets)}
    assert report["ar"].outdated == 1
    assert report["ar"].offered  # outdated is shown to the guide, not hidden from people


def test_coverage_reports_translated_reviewed_and_why_a_language_is_hidden(shipped, data_copy):
    bundle, ui, _ = shipped
    ar = bundle.translations["ar"]
    partial = ar.model_copy(update={"strings": {k: v for k, v in ar.strings.items()
                                                if not k.startswith("q.gender")}})  # fmt: skip
    few = {k: v for k, v in list(ar.strings.items())[:3]}
    ps = ar.model_copy(update={"language": "ps", "strings": few})
    ps = ps.model_copy(update={"status": "reviewed", "reviewed_by": "Muttersprachler"})
    b = bundle.model_copy(update={"translations": {**bundle.translations, "fa": partial.model_copy(
        update={"language": "fa"}), "ps": ps}})  # fmt: skip
    ui_sets = load_ui_string_sets(data_copy / "ui")
    report = {c.language: c for c in coverage(b, ui, ui_sets)}
    total = len(bundle.questionnaire.source_strings()) + len(ui.strings["de"])
    assert report["ar"].total == total and report["ar"].translated_pct == 100.0
    assert report["ar"].reviewed_pct == 0.0 and report["ar"].offered
    assert report["de"].reviewed_pct == 100.0
    assert not report["ps"].offered
    assert report["ps"].translated == 3 and report["ps"].reviewed == 3
    assert report["ps"].hidden_reason.startswith(f"{len(bundle.questionnaire.source_strings()) - 3}"
                                                 " Fragebogen-Texte fehlen")  # fmt: skip
    assert report["ps"].hidden_reason.endswith("keine Übersetzung der Bedienoberfläche (data/ui)")
    assert report["ps"].direction == "rtl"
    assert not report["fa"].offered
