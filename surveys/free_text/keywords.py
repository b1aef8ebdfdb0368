"""Suggested need-area codes for free-text answers: a small keyword matcher per language.

A suggestion only helps the guide, who always decides the code (:mod:`surveys.free_text.codes`).

Rule (the contract the tests check)
-----------------------------------
- Languages searched: the answer's questionnaire language (``de-x-ls`` counts as ``de``)
  plus German and English, because people often switch to either.
- Text and keywords are normalised the same way: Unicode NFKC, case-folded; Arabic script
  without diacritics and tatweel, with ی/ک/ه/ا for the variants of yeh, kaf, teh marbuta
  and alef, without zero-width non-joiners (Farsi compounds match either way).
- A keyword matches as a substring (good for German compounds and Arabic/Farsi clitics:
  "Wohnungssuche", "الشقة"). ``^`` in front means "at the start of a word", ``$`` at the
  end "at the end of a word". In English, Ukrainian, Russian and Turkish every keyword is
  a word-start prefix (stem) unless it carries its own markers: "квартир" matches
  "квартиры", but "evening" does not match Turkish "ev".
- Score of an area: the summed length of its distinct matching keywords (a long, specific
  stem such as "deutschkurs" outweighs an incidental "arbeit"). Suggestions: areas with a
  score > 0, highest first, ties in taxonomy order; at most ``limit``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

AREAS: tuple[str, ...] = ("language", "work", "education", "childcare", "housing", "health",
                          "authorities", "money", "mobility", "leisure", "belonging",
                          "information", "family")  # fmt: skip
STEM_LANGUAGES = frozenset({"en", "uk", "ru", "tr"})
FALLBACK_LANGUAGES = ("de", "en")

# fmt: off
KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "de": {
        "language": ("^deutsch$", "deutschkurs", "sprachkurs", "sprache", "integrationskurs",
                     "sprachcafé", "^b1$", "^b2$", "^c1$"),
        "work": ("arbeit", "^job", "beruf", "anerkennung", "abschluss", "praktikum",
                 "bewerbung", "^schicht"),
        "education": ("schule", "hausaufgabe", "weiterbildung", "ausbildung", "studium",
                      "universität", "bildung"),
        "childcare": ("kita", "kindergarten", "kinderbetreuung", "kinder-betreuung",
                      "betreuung", "krippe", "tagesmutter", "^hort$"),
        "housing": ("wohnung", "wohnen", "miete", "vermieter", "unterkunft", "zimmer"),
        "health": ("arzt", "ärzt", "krank", "gesundheit", "therapie", "psych", "klinik",
                   "medikament", "doktor"),
        "authorities": ("amt$", "ämter", "behörde", "brief", "formular", "aufenthalt",
                        "termin", "papiere", "visum", "antrag"),
        "money": ("geld", "schulden", "^bank", "kosten", "leistung", "konto", "rechnung"),
        "mobility": ("^bus", "bahn", "führerschein", "fahrrad", "fahrdienst", "mobilität",
                     "verbindung", "^auto$"),
        "leisure": ("verein", "sport", "freizeit", "kultur", "weinfest", "fest$", "musik",
                    "fußball", "schwimm"),
        "belonging": ("nachbar", "freund", "kontakt", "allein", "einsam", "diskriminier",
                      "rassis", "sicherheit", "gemeinschaft"),
        "information": ("information", "internet", "wlan", "online", "digital", "zuständig",
                        "^liste", "übersicht", "computer", "handy"),
        "family": ("frauen", "erziehung", "gewalt", "eltern", "schwanger", "mutter",
                   "hebamme", "familienberatung"),
    },
    "en": {
        "language": ("german", "language", "class", "course"),
        "work": ("work", "job", "employ", "career", "degree", "recognition", "qualification",
                 "internship"),
        "education": ("school", "education", "homework", "university", "training", "study"),
        "childcare": ("daycare", "day care", "kindergarten", "nursery", "childcare",
                      "child care", "babysit"),
        "housing": ("apartment", "^flat$", "housing", "house", "^rent$", "renting", "rental",
                    "landlord", "accommodation"),
        "health": ("doctor", "hospital", "health", "therapy", "medic"),
        "authorities": ("office", "letter", "^form$", "^forms$", "residence", "permit", "visa",
                        "paperwork", "document", "appointment", "authorit"),
        "money": ("money", "debt", "bank", "benefit", "cost"),
        "mobility": ("bus", "train", "transport", "driving", "bike", "bicycle", "^car$",
                     "^cars$"),
        "leisure": ("sport", "club", "culture", "leisure", "football", "music"),
        "belonging": ("neighbo", "friend", "lonely", "alone", "discriminat", "racis"),
        "information": ("information", "internet", "online", "wifi", "digital"),
        "family": ("women", "violence", "parenting", "mother", "pregnan"),
    },
    "ar": {
        "language": ("لغة", "ألماني", "دروس"),
        "work": ("عمل", "وظيفة", "شغل", "معادلة", "شهادة"),
        "education": ("مدرسة", "تعليم", "دراسة", "تدريب"),
        "childcare": ("روضة", "حضانة", "رعاية الأطفال"),
        "housing": ("شقة", "سكن", "منزل", "بيت", "إيجار"),
        "health": ("طبيب", "دكتور", "مستشفى", "صحة", "علاج", "مرض"),
        "authorities": ("دوائر", "رسائل", "رسمية", "أوراق", "إقامة", "استمارة", "موعد"),
        "money": ("مالية", "نقود", "ديون", "بنك"),
        "mobility": ("باص", "حافلة", "مواصلات", "قطار", "سيارة", "رخصة قيادة"),
        "leisure": ("رياضة", "نادي", "ثقافة", "ترفيه"),
        "belonging": ("جيران", "أصدقاء", "وحدة", "وحيد", "تمييز", "عنصرية"),
        "information": ("معلومات", "إنترنت", "انترنت"),
        "family": ("نساء", "المرأة", "عنف", "تربية", "أمهات"),
    },
    "fa": {
        "language": ("زبان", "آلمانی", "کلاس"),
        "work": ("کار", "شغل", "مدرک تحصیلی"),
        "education": ("مدرسه", "تحصیل", "دانشگاه", "آموزش"),
        "childcare": ("مهدکودک", "مهد کودک", "مهد"),
        "housing": ("آپارتمان", "خانه", "مسکن", "اجاره"),
        "health": ("دکتر", "پزشک", "بیمارستان", "سلامت", "بیمه"),
        "authorities": ("اداره", "نامه", "مدارک", "اقامت", "فرم"),
        "money": ("پول", "بدهی", "بانک", "هزینه"),
        "mobility": ("اتوبوس", "قطار", "ماشین", "گواهینامه", "دوچرخه"),
        "leisure": ("ورزش", "باشگاه", "فرهنگ", "تفریح"),
        "belonging": ("همسایه", "دوست", "تنها", "تبعیض"),
        "information": ("اطلاعات", "اینترنت"),
        "family": ("زنان", "خشونت", "تربیت", "مادر"),
    },
    "uk": {
        "language": ("мов", "німецьк", "курс"),
        "work": ("робот", "прац", "диплом", "визнання", "професі", "ваканс"),
        "education": ("школ", "освіт", "навчан", "університет"),
        "childcare": ("садок", "садоч", "дитсад", "догляд за дит"),
        "housing": ("житл", "квартир", "оренд", "помешкан"),
        "health": ("лікар", "здоров", "страхов"),
        "authorities": ("документ", "^лист$", "^листи$", "^листів$", "відомств", "дозвіл",
                        "посвідк", "бланк", "анкет"),
        "money": ("грош", "борг", "банк", "рахун", "виплат"),
        "mobility": ("автобус", "поїзд", "транспорт", "водійськ", "велосипед"),
        "leisure": ("спорт", "клуб", "культур", "відпочин"),
        "belonging": ("сусід", "друз", "самотн", "дискриміна"),
        "information": ("інформац", "інтернет"),
        "family": ("жінк", "насильств", "вихован"),
    },
    "ru": {
        "language": ("язык", "немецк", "курс"),
        "work": ("работ", "специальност", "диплом", "признани", "ваканс"),
        "education": ("школ", "образован", "учеб", "университет"),
        "childcare": ("садик", "детсад", "^сад$", "^сада$", "^саду$"),
        "housing": ("квартир", "жиль", "жилье", "аренд"),
        "health": ("врач", "больниц", "здоров", "страховк"),
        "authorities": ("документ", "письм", "ведомств", "разрешени", "бланк", "анкет",
                        "^внж$"),
        "money": ("деньг", "долг", "банк", "счет", "пособи"),
        "mobility": ("автобус", "поезд", "транспорт", "велосипед"),
        "leisure": ("спорт", "клуб", "культур", "досуг"),
        "belonging": ("сосед", "друз", "одинок", "дискриминац"),
        "information": ("информац", "интернет"),
        "family": ("женщин", "насили", "воспитан"),
    },
    "tr": {
        "language": ("almanca", "^dil$", "kurs"),
        "work": ("^iş$", "^işe$", "^işi$", "çalış", "meslek", "diploma", "denklik"),
        "education": ("okul", "eğitim", "üniversite", "ödev"),
        "childcare": ("kreş", "anaokul", "çocuk bakım"),
        "housing": ("^ev$", "^evi$", "^evim", "konut", "daire", "kira"),
        "health": ("doktor", "hastane", "sağlık", "sigorta"),
        "authorities": ("resmi", "mektup", "belge", "evrak", "oturum", "form"),
        "money": ("para", "borç", "banka", "hesap"),
        "mobility": ("otobüs", "tren", "ulaşım", "ehliyet", "bisiklet"),
        "leisure": ("spor", "kulüp", "kültür", "dernek"),
        "belonging": ("komşu", "arkadaş", "yalnız", "ayrımcılık"),
        "information": ("bilgi", "internet"),
        "family": ("kadın", "şiddet", "anne"),
    },
}
# fmt: on

_ARABIC_FOLD = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "\u200c": None,
        "\u0640": None,
    }
)
_DIACRITICS = re.compile("[\u064b-\u065f\u0670]")


def normalise(text: str) -> str:
    """NFKC, case-folded, Arabic-script variants folded (see module docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _DIACRITICS.sub("", folded).translate(_ARABIC_FOLD)


def base_language(code: str) -> str:
    return code.split("-")[0].lower() if code else "de"


@cache
def _patterns(language: str) -> tuple[tuple[str, tuple[tuple[re.Pattern[str], int], ...]], ...]:
    out = []
    for area, words in KEYWORDS.get(language, {}).items():
        compiled = []
        for word in words:
            start, end = word.startswith("^"), word.endswith("$")
            stem = normalise(word.strip("^$"))
            if language in STEM_LANGUAGES and not (start or end):
                start = True
            regex = ("(?<!\\w)" if start else "") + re.escape(stem) + ("(?!\\w)" if end else "")
            compiled.append((re.compile(regex), len(stem)))
        out.append((area, tuple(compiled)))
    return tuple(out)


def area_scores(text: str, language: str = "de") -> dict[str, int]:
    """Score per area (only areas with a match) by the rule of the module docstring."""
    norm = normalise(text or "")
    scores: dict[str, int] = {}
    for lang in dict.fromkeys([base_language(language), *FALLBACK_LANGUAGES]):
        for area, patterns in _patterns(lang):
            hit = sum(length for pattern, length in patterns if pattern.search(norm))
            if hit:
                scores[area] = scores.get(area, 0) + hit
    return scores


def suggest_areas(
    text: str, language: str = "de", limit: int = 3, areas: Iterable[str] = AREAS
) -> list[str]:
    """Suggested need-area codes for one free text, best first (module docstring)."""
    order = {a: i for i, a in enumerate(areas)}
    scores = {a: s for a, s in area_scores(text, language).items() if a in order}
    return sorted(scores, key=lambda a: (-scores[a], order[a]))[:limit]
