"""The results pages' texts: same keys in every language, through the workbook, and a
language offered only when its texts and the names it borrows are reviewed."""

from __future__ import annotations

from dataclasses import replace

from surveys.questionnaire.loader import load_bundle, load_taxonomy
from surveys.translations.result_texts import (
    borrowed_keys,
    hidden_result_languages,
    load_result_texts,
    result_languages,
)
from surveys.translations.status import source_hash
from tests.conftest import DATA_DIR


def _bundle():
    q = DATA_DIR / "questionnaires"
    return load_bundle(
        q / "newcomer.yaml", q / "translations", load_taxonomy(DATA_DIR / "taxonomy.yaml")
    )


def _reviewed(texts, bundle, code):
    """``code``'s result texts and borrowed questionnaire texts marked reviewed."""
    sets = dict(texts.sets)
    sets[code] = replace(sets[code], status="reviewed", reviewed_by="Prüfung")
    tr = bundle.translations[code]
    status = {**tr.string_status, **dict.fromkeys(borrowed_keys(bundle), "reviewed")}
    translations = {**bundle.translations, code: tr.model_copy(update={"string_status": status})}
    return replace(texts, sets=sets), bundle.model_copy(update={"translations": translations})


def test_every_language_has_every_result_text_and_its_placeholders():
    texts = load_result_texts(DATA_DIR / "results")
    source = texts.source
    assert set(texts.text.strings) == {"de", "de-x-ls", "en", "ar", "fa", "uk", "ru", "tr"}
    for code, strings in texts.text.strings.items():
        assert set(strings) == set(source), code
        for key, text in strings.items():
            for placeholder in ("{area}", "{share}", "{n}", "{town}", "{wave}", "{date}"):
                assert (placeholder in text) == (placeholder in source[key]), (code, key)


def test_drafts_are_not_offered_and_say_why():
    texts, bundle = load_result_texts(DATA_DIR / "results"), _bundle()
    assert result_languages(texts, bundle) == ["de"]
    hidden = hidden_result_languages(texts, bundle)
    assert set(hidden) == {"de-x-ls", "en", "ar", "fa", "uk", "ru", "tr"}
    assert hidden["fa"].startswith(f"{len(texts.source)} Ergebnistexte nicht geprüft")


def test_reviewed_texts_and_names_make_a_language_offered():
    texts, bundle = load_result_texts(DATA_DIR / "results"), _bundle()
    reviewed, with_names = _reviewed(texts, bundle, "fa")
    assert result_languages(reviewed, with_names) == ["de", "fa"]
    # texts reviewed, but the area names borrowed from the questionnaire still drafts
    assert "fa" not in result_languages(reviewed, bundle)
    assert "Bereichs- und Stadtteilnamen" in hidden_result_languages(reviewed, bundle)["fa"]
    # one German text changed after the review: outdated, hidden again
    fa = reviewed.sets["fa"]
    hashes = {k: source_hash(v) for k, v in texts.source.items()}
    hashes["needs_title"] = "0" * 12
    stale = replace(reviewed, sets={**reviewed.sets, "fa": replace(fa, source_hashes=hashes)})
    assert result_languages(stale, with_names) == ["de"]
    assert "1 Ergebnistexte veraltet" in hidden_result_languages(stale, with_names)["fa"]
