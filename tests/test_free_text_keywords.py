"""The keyword matcher: every language covers every need area; the demo's free texts in
seven languages get the area a person would give them first."""

import pytest

from surveys.demo import FREE_TEXTS
from surveys.free_text.keywords import AREAS, KEYWORDS, normalise, suggest_areas

EXPECTED_FIRST = {
    "Eine größere Wohnung für meine Familie.": "housing",
    "Ein Deutschkurs am Abend, weil ich tagsüber arbeite.": "language",
    "Ein Bus am Abend von Hallgarten nach Oestrich.": "mobility",
    "Jemand, der mir die Briefe vom Amt erklärt.": "authorities",
    "Ein Kita-Platz für meine Tochter.": "childcare",
    "Kontakt mit Nachbarn, ich bin oft allein.": "belonging",
    "Hilfe bei Briefen.": "authorities",
    "Eine Wohnung.": "housing",
    "أحتاج إلى شقة أكبر لعائلتي.": "housing",
    "دورة لغة ألمانية في المساء.": "language",
    "مساعدة في فهم الرسائل من الدوائر الرسمية.": "authorities",
    "مكان في الروضة لابني.": "childcare",
    "یک آپارتمان مناسب برای خانواده‌ام.": "housing",
    "کلاس زبان آلمانی با مهدکودک.": "language",
    "کسی که در اداره برایم ترجمه کند.": "authorities",
    "اتوبوس بیشتر از هالگارتن.": "mobility",
    "Допомога з пошуком житла.": "housing",
    "Визнання мого диплома медсестри.": "work",
    "Курси німецької мови ввечері.": "language",
    "Більше автобусів з Гальгартена.": "mobility",
    "Помощь с поиском квартиры.": "housing",
    "Работа по специальности.": "work",
    "Курсы немецкого для продолжающих (B2).": "language",
    "Daha büyük bir ev.": "housing",
    "Akşam Almanca kursu.": "language",
    "Resmi mektupları anlamak için yardım.": "authorities",
    "Help finding an apartment.": "housing",
    "Recognition of my engineering degree.": "work",
    "Evening German classes after work.": "language",
    "Someone to go with me to the doctor.": "health",
}


@pytest.mark.parametrize("language", sorted(KEYWORDS))
def test_every_language_has_keywords_for_all_thirteen_areas(language):
    assert set(KEYWORDS[language]) == set(AREAS) and len(AREAS) == 13


@pytest.mark.parametrize(
    ("language", "text"), [(lang, t) for lang, texts in FREE_TEXTS.items() for t in texts]
)
def test_demo_free_texts_get_the_expected_area_first(language, text):
    expected = EXPECTED_FIRST.get(text)
    suggested = suggest_areas(text, language)
    if expected is None:  # "Deutsch lernen mit Kinder-Betreuung": both areas, any order
        assert set(suggested[:2]) == {"language", "childcare"}
    else:
        assert suggested[0] == expected


def test_word_boundaries_keep_short_stems_from_matching_inside_other_words():
    assert suggest_areas("evening classes", "tr") == ["language"]  # not Turkish "ev" (house)
    assert "work" not in suggest_areas("Manche Geschichten nehme ich mit.", "de")
    assert suggest_areas("Мой дом далеко от сада", "ru") == ["childcare"]
    assert suggest_areas("", "ar") == [] and suggest_areas("Danke!", "de") == []


def test_arabic_script_variants_and_farsi_joiners_are_folded():
    assert normalise("الشقّة") == normalise("الشقه")
    assert normalise("مهد\u200cکودک") == normalise("مهدکودک")
    assert suggest_areas("ابحث عن شقه", "ar") == ["housing"]


def test_answers_in_german_or_english_are_understood_whatever_the_form_language():
    assert suggest_areas("Ich brauche eine Wohnung", "ar")[0] == "housing"
    assert suggest_areas("I need a doctor", "uk")[0] == "health"
    assert suggest_areas("Ein Bus bitte", "de-x-ls")[0] == "mobility"
