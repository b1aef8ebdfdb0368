"""Questionnaire, translation and taxonomy files: good ones load, bad ones are rejected
whole with a message naming the file and the path inside it."""

import copy
from pathlib import Path

import pytest
import yaml

from bedarfsradar import PROJECT_ROOT
from surveys.questionnaire.loader import (
    QuestionnaireError,
    load_bundle,
    load_taxonomy,
    parse_questionnaire,
    parse_translation,
    read_yaml,
)

DATA = PROJECT_ROOT / "data"
TAXONOMY = load_taxonomy(DATA / "taxonomy.yaml")
NEWCOMER_RAW = yaml.safe_load((DATA / "questionnaires" / "newcomer.yaml").read_text())


def newcomer():
    return copy.deepcopy(NEWCOMER_RAW)


def problems_of(raw, name="q.yaml"):
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire(raw, name, TAXONOMY)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("audience", ["newcomer", "volunteer", "administration"])
def test_shipped_questionnaires_load_with_their_translations(audience):
    qdir = DATA / "questionnaires"
    bundle = load_bundle(qdir / f"{audience}.yaml", qdir / "translations", TAXONOMY)
    q = bundle.questionnaire
    assert q.audience == audience
    need = q.question("need")
    area_codes = [r.code for r in q.rows_of(need)]
    expected = [a.code for a in TAXONOMY if audience in a.audiences]
    assert area_codes == expected
    assert ("opening" in area_codes) is (audience == "administration")
    assert len(bundle.content_hash()) == 64


def test_newcomer_questionnaire_offers_the_eight_languages():
    qdir = DATA / "questionnaires"
    bundle = load_bundle(qdir / "newcomer.yaml", qdir / "translations", TAXONOMY)
    assert set(bundle.languages()) == {"de", "de-x-ls", "en", "ar", "fa", "uk", "ru", "tr"}
    for lang in bundle.languages():
        assert bundle.missing_keys(lang) == [], lang
        assert bundle.translations.get(lang, None) is None or bundle.translations[lang].status in (
            "draft",
            "reviewed",
        )


def test_content_hash_changes_with_any_text_and_only_then():
    a = parse_questionnaire(newcomer(), "a.yaml", TAXONOMY)
    b = parse_questionnaire(newcomer(), "b.yaml", TAXONOMY)
    raw = newcomer()
    raw["sections"][0]["questions"][0]["label"] = "Wo wohnen Sie?"
    c = parse_questionnaire(raw, "c.yaml", TAXONOMY)
    from surveys.questionnaire.model import QuestionnaireBundle

    ha, hb, hc = (QuestionnaireBundle(questionnaire=x).content_hash() for x in (a, b, c))
    assert ha == hb != hc


def test_duplicate_question_id_is_named_with_its_path():
    raw = newcomer()
    raw["sections"][2]["questions"][0]["id"] = "stadtteil"
    assert problems_of(raw) == [
        "q.yaml: sections[2] (priorities).questions[0] (stadtteil).id: "
        "duplicate question id 'stadtteil'"
    ]


def test_duplicate_section_id():
    raw = newcomer()
    raw["sections"][2]["id"] = "needs"
    assert "q.yaml: sections[2] (needs).id: duplicate section id 'needs'" in problems_of(raw)


def test_unknown_question_type_lists_the_known_ones():
    raw = newcomer()
    raw["sections"][0]["questions"][0]["type"] = "slider"
    (msg,) = problems_of(raw)
    assert msg.startswith(
        "q.yaml: sections[0] (household).questions[0] (stadtteil).type: "
        "unknown question type 'slider' (known: single, multiple"
    )


def test_relevance_referring_to_unknown_question():
    raw = newcomer()
    raw["sections"][0]["questions"][2]["relevance"] = 'kids == "yes"'
    assert problems_of(raw) == [
        "q.yaml: sections[0] (household).questions[2] (children_ages).relevance: "
        "refers to unknown question 'kids'"
    ]


def test_relevance_referring_to_a_later_question():
    raw = newcomer()
    raw["sections"][0]["questions"][0]["relevance"] = 'children == "yes"'
    assert problems_of(raw) == [
        "q.yaml: sections[0] (household).questions[0] (stadtteil).relevance: "
        "refers to question 'children', which is asked later"
    ]


def test_relevance_referring_to_unknown_matrix_row():
    raw = newcomer()
    raw["sections"][2]["questions"][0]["relevance"] = "need.weather >= 3"
    assert problems_of(raw) == [
        "q.yaml: sections[2] (priorities).questions[0] (top3).relevance: "
        "matrix 'need' has no row 'weather'"
    ]


def test_relevance_syntax_error_names_the_position():
    raw = newcomer()
    raw["sections"][0]["questions"][2]["relevance"] = 'children = "yes"'
    (msg,) = problems_of(raw)
    assert "cannot parse 'children = \"yes\"': unexpected character '=' at 10" in msg


def test_duplicated_option_codes_in_a_set_and_inline():
    raw = newcomer()
    raw["option_sets"]["yes_no"].append({"code": "yes", "label": "Doch"})
    raw["sections"][3]["questions"][1]["options"].append({"code": "cost", "label": "Geld"})
    assert problems_of(raw) == [
        "q.yaml: option_sets.yes_no: option code 'yes' used 2 times",
        "q.yaml: sections[3] (offers).questions[1] (barriers).options: "
        "option code 'cost' used 2 times",
    ]


def test_missing_german_label():
    raw = newcomer()
    del raw["sections"][0]["questions"][1]["label"]
    assert problems_of(raw) == [
        "q.yaml: sections[0] (household).questions[1] (children).label: "
        "missing German label (German is the source language)"
    ]


def test_missing_german_option_label_in_an_option_set():
    raw = newcomer()
    del raw["option_sets"]["severity"][2]["label"]
    assert problems_of(raw) == [
        "q.yaml: option_sets.severity[2] (3).label: "
        "missing German label (German is the source language)"
    ]


def test_unknown_option_set():
    raw = newcomer()
    raw["sections"][0]["questions"][0]["options"] = "districts"
    (msg,) = problems_of(raw)
    assert msg.startswith(
        "q.yaml: sections[0] (household).questions[0] (stadtteil).options: "
        "unknown option set 'districts' (known: agree, areas,"
    )


def test_several_problems_are_reported_together():
    raw = newcomer()
    raw["sections"][0]["questions"][1]["id"] = "stadtteil"
    raw["sections"][0]["questions"][2]["relevance"] = "nope == 1"
    problems = problems_of(raw)
    assert len(problems) == 3
    assert "duplicate question id 'stadtteil'" in problems[0]
    assert problems[1].endswith("refers to unknown question 'nope'")
    # renaming 'children' also breaks the section that depends on it
    assert problems[2].endswith("(children_block).relevance: refers to unknown question 'children'")


def test_translation_for_an_unknown_id():
    q = parse_questionnaire(newcomer(), "newcomer.yaml", TAXONOMY)
    raw = {
        "questionnaire": "newcomer",
        "language": "ar",
        "strings": {"title": "ماذا تحتاج؟", "q.shoe_size.label": "مقاس الحذاء"},
    }
    with pytest.raises(QuestionnaireError) as info:
        parse_translation(raw, "newcomer.ar.yaml", q)
    assert [str(p) for p in info.value.problems] == [
        "newcomer.ar.yaml: strings.q.shoe_size.label: translation for an unknown id "
        "'q.shoe_size.label'"
    ]


def test_translation_language_and_review_role_are_checked():
    q = parse_questionnaire(newcomer(), "newcomer.yaml", TAXONOMY)
    raw = {"questionnaire": "newcomer", "language": "xx-nope", "status": "reviewed", "strings": {}}
    with pytest.raises(QuestionnaireError) as info:
        parse_translation(raw, "t.yaml", q)
    assert [str(p) for p in info.value.problems] == [
        "t.yaml: language: unknown language code 'xx-nope'",
        "t.yaml: reviewed_by: a reviewed translation names the reviewer's role",
    ]


def test_a_new_language_needs_only_a_translation_file(tmp_path):
    q = parse_questionnaire(newcomer(), "newcomer.yaml", TAXONOMY)
    tdir = tmp_path / "translations"
    tdir.mkdir()
    (tdir / "newcomer.ti.yaml").write_text(
        yaml.safe_dump(
            {
                "questionnaire": "newcomer",
                "language": "ti",
                "strings": {"title": "ኣብ ኦስትሪኽ-ቪንከል እንታይ የድልየኩም?"},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    qpath = tmp_path / "newcomer.yaml"
    qpath.write_text(yaml.safe_dump(NEWCOMER_RAW, allow_unicode=True), encoding="utf-8")
    bundle = load_bundle(qpath, tdir, TAXONOMY)
    assert "ti" in bundle.languages()
    assert bundle.text("title", "ti").startswith("ኣብ")
    # a missing string falls back to German, and the guide can see which
    assert bundle.text("q.need.label", "ti") == q.question("need").label
    assert "q.need.label" in bundle.missing_keys("ti")


def test_invalid_yaml_names_line_and_column(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nsections: [\n  - a: b\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        read_yaml(path)
    assert str(info.value).startswith("broken.yaml: line ")
    assert "not valid YAML" in str(info.value)


def test_taxonomy_rejects_duplicate_codes(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text("areas:\n  - {code: a, label: A}\n  - {code: a, label: B}\n")
    with pytest.raises(QuestionnaireError, match=r"taxonomy\.yaml: areas: duplicate area code 'a'"):
        load_taxonomy(path)


def test_direction_comes_from_the_language_code_not_the_text():
    from surveys.questionnaire.languages import language

    assert language("ar").direction == "rtl"
    assert language("fa").direction == "rtl"
    assert language("ps").direction == "rtl"
    assert language("de-x-ls").direction == "ltr"
    assert language("de-x-ls").html_lang == "de"
    assert language("uk").native_name == "Українська"


def test_file_path_in_message_uses_the_file_name(tmp_path: Path):
    raw = newcomer()
    raw["sections"][0]["questions"][0]["type"] = "dropdown"
    path = tmp_path / "my-questionnaire.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    from surveys.questionnaire.loader import load_questionnaire

    with pytest.raises(QuestionnaireError, match=r"^my-questionnaire\.yaml: sections\[0\]"):
        load_questionnaire(path, TAXONOMY)


def test_unknown_row_set_of_a_matrix_others_refer_to_is_reported_not_crashed():
    # found by the fuzzer: later relevance ("need.{row} >= 3") looked up the missing set
    raw = newcomer()
    raw["sections"][1]["questions"][0]["rows"] = "districts"
    problems = problems_of(raw)
    assert problems[0] == (
        "q.yaml: sections[1] (needs).questions[0] (need).rows: unknown option set "
        "'districts' (known: agree, areas, severity, stadtteil, yes_no)"
    )
    assert any("matrix 'need' has no row" in p for p in problems)
