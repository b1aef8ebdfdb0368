"""A KoboToolbox form as a town gets it from an NGO: English and Arabic labels (German
optional), metadata rows, a welcome note outside any group, select_one, select_multiple,
integer, relevant, or_other and a constraint with its message in English only, the
title in one language only (Kobo has no translated form title). Built by the tests with
openpyxl; no binary in the repository."""

from __future__ import annotations

from tests.xlsform.corpus import xlsx_bytes

TITLE = "Needs of families"


def families_form(german: bool = True) -> bytes:
    de = ["label::German"] if german else []
    header = ["type", "name", *de, "label::English", "label::Arabic", "required", "relevant",
              "constraint", "constraint_message::English"]  # fmt: skip

    def row(kind: str, name: str, texts: tuple[str, str, str], *rest: object) -> list[object]:
        return [kind, name, *(texts[:1] if german else ()), *texts[1:], *rest]

    survey = [
        header,
        ["start", "start"],
        ["end", "end"],
        row("note", "welcome", ("Willkommen! Alle Fragen sind freiwillig.",
                                "Welcome! All questions are optional.",
                                "مرحبًا! كل الأسئلة اختيارية.")),
        row("begin_group", "family", ("Familie", "Family", "العائلة")),
        row("select_one yn", "children", ("Haben Sie Kinder?", "Do you have children?",
                                          "هل لديكم أطفال؟")),
        row("integer", "kids", ("Wie viele Kinder?", "How many children?", "كم عدد الأطفال؟"),
            None, "${children} = 'yes'", ". >= 1 and . <= 15", "Between 1 and 15."),
        ["end_group"],
        row("begin_group", "needs", ("Unterstützung", "Support", "الدعم")),
        row("select_multiple help or_other", "help", ("Wobei brauchen Sie Hilfe?",
                                                      "Where do you need help?",
                                                      "في أي مجال تحتاجون المساعدة؟")),
        row("select_one lang or_other", "home_language", ("Welche Sprache sprechen Sie zu Hause?",
                                                          "Which language do you speak at home?",
                                                          "ما اللغة التي تتحدثونها في البيت؟")),
        ["end_group"],
    ]  # fmt: skip
    choices = [
        ["list_name", "name", *de, "label::English", "label::Arabic"],
        row("yn", "yes", ("Ja", "Yes", "نعم")),
        row("yn", "no", ("Nein", "No", "لا")),
        row("help", "housing", ("Wohnung", "Housing", "السكن")),
        row("help", "work", ("Arbeit", "Work", "العمل")),
        row("lang", "arabic", ("Arabisch", "Arabic", "العربية")),
        row("lang", "german", ("Deutsch", "German", "الألمانية")),
    ]
    settings = [["form_title", "form_id", "version"], [TITLE, "families_kobo", "4"]]
    return xlsx_bytes({"survey": survey, "choices": choices, "settings": settings})


KINDER = [
    ["type", "name", "label::German", "label::Arabic", "hint::German"],
    ["integer", "kinder", "Wie viele Kinder?", "كم طفلاً؟", "Nur im Haushalt"],
]
"""One question whose hint has no Arabic: Arabic is incomplete, German complete."""


def kinder_form() -> bytes:
    return xlsx_bytes({"survey": KINDER})
