"""A corpus of third-party-style XLSForms, written by the tests (no binaries in the repo).

Modelled on what KoboToolbox, ODK Build and the pyxform project's own example forms
contain: aliases and odd case, no settings sheet, no German, metadata rows, notes,
``or_other``, integers, formula cells, repeats, GPS and photos, several languages,
duplicate columns, corrupt and empty files. Each form says what must happen to it:
``imports`` (possibly naming left-out rows) or ``refused`` (with a located message).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook

Rows = list[list[Any]]


@dataclass
class Form:
    name: str
    sheets: dict[str, Rows]
    expect: str  # "imports" | "refused"
    fmt: str = "xlsx"
    formulas: dict[tuple[str, str], str] = field(default_factory=dict)
    """(sheet, cell) -> formula written as a formula cell (no computed value)."""
    raw: bytes | None = None

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.fmt}"

    def data(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return (
            xls_bytes(self.sheets) if self.fmt == "xls" else xlsx_bytes(self.sheets, self.formulas)
        )


def xlsx_bytes(
    sheets: dict[str, Rows], formulas: dict[tuple[str, str], str] | None = None
) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    for (title, cell), formula in (formulas or {}).items():
        wb[title][cell] = formula
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xls_bytes(sheets: dict[str, Rows]) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for title, rows in sheets.items():
        ws = wb.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


YES_NO = [["list_name", "name", "label"], ["yn", "yes", "Ja"], ["yn", "no", "Nein"]]
SETTINGS = [["form_title", "form_id", "version"], ["Nachbarschaft", "nachbarschaft", "3"]]

KOBO_DEFAULT = {
    "survey": [
        ["type", "name", "label", "required", "hint"],
        ["start", "start"],
        ["end", "end"],
        ["today", "today"],
        ["deviceid", "deviceid"],
        ["select_one yn", "kinder", "Haben Sie Kinder?", "true", None],
        ["integer", "anzahl", "Wie viele Kinder?", "false", "Nur Kinder im Haushalt"],
        ["text", "wunsch", "Was wünschen Sie sich?", None, None],
    ],
    "choices": YES_NO,
    "settings": [["form_title", "version"], ["Kobo-Standardformular", "2024.1"]],
}

ALIASES = {
    "SURVEY": [
        ["Type", "Name", "label::English (en)", "Hint::English (en)", "Required"],
        ["select one from yn", "works", "Do you work?", None, "yes"],
        ["select_multiple reasons", "why", "Why not?", "Pick all", None],
        ["integer", "hours", "Hours per week", None, "no"],
    ],
    "Choices": [
        ["list name", "name", "label::English (en)"],
        ["yn", "yes", "Yes"],
        ["yn", "no", "No"],
        ["reasons", "permit", "No work permit"],
        ["reasons", "language", "Language"],
    ],
}

NOTES_OR_OTHER = {
    "survey": [
        ["type", "name", "label", "relevant"],
        ["note", "willkommen", "Willkommen! Die Umfrage dauert 10 Minuten.", None],
        ["note", None, "Alle Angaben sind freiwillig.", None],
        ["select_one herkunft or_other", "herkunft", "Woher kommen Sie?", None],
        ["select_multiple hilfe or_other", "hilfe", "Wobei brauchen Sie Hilfe?", None],
        ["note", "danke", "Danke für Ihre Hilfe!", "${herkunft} != ''"],
    ],
    "choices": [
        ["list_name", "name", "label"],
        ["herkunft", "syrien", "Syrien"],
        ["herkunft", "ukraine", "Ukraine"],
        ["hilfe", "wohnung", "Wohnung"],
        ["hilfe", "arbeit", "Arbeit"],
    ],
    "settings": SETTINGS,
}

NUMBERS_AND_MESSAGES = {
    "survey": [
        [
            "type",
            "name",
            "label",
            "required",
            "constraint",
            "constraint_message",
            "required_message",
            "guidance_hint",
            "appearance",
        ],
        [
            "integer",
            "alter",
            "Wie alt sind Sie?",
            "yes",
            ". >= 16 and . <= 99",
            "Bitte ein Alter von 16 bis 99.",
            "Bitte geben Sie Ihr Alter an.",
            "Volle Jahre",
            None,
        ],
        ["decimal", "miete", "Miete pro Monat (Euro)?", "no", ". >= 0", None, None, None, None],
        [
            "text",
            "notiz",
            "Anmerkung",
            None,
            "string-length(.) <= 200",
            "Höchstens 200 Zeichen",
            None,
            None,
            "multiline",
        ],
        ["integer", "personen", "Personen im Haushalt?", None, ". > 0", None, None, None, None],
        [
            "text",
            "plz",
            "Postleitzahl",
            None,
            "regex(., '^[0-9]{5}$')",
            "Fünf Ziffern",
            None,
            None,
            "numbers",
        ],
    ],
    "settings": SETTINGS,
}

REPEATS = {
    "survey": [
        ["type", "name", "label", "relevant", "calculation"],
        ["integer", "kinder", "Wie viele Kinder haben Sie?", None],
        ["begin_repeat", "kind", "Kind", "${kinder} > 0"],
        ["integer", "kind_alter", "Alter des Kindes", None],
        ["select_one yn", "kind_kita", "Geht das Kind in die Kita?", None],
        ["end_repeat", None, None, None],
        ["select_one yn", "hilfe", "Brauchen Sie Hilfe bei der Kita-Suche?", "${kinder} > 0"],
        ["calculate", "zwei", None, None, "${kinder} * 2"],
        ["text", "warum", "Warum?", "${zwei} = 'x'"],
    ],
    "choices": YES_NO,
    "settings": SETTINGS,
}

GPS_PHOTOS = {
    "survey": [
        ["type", "name", "label", "relevant"],
        ["geopoint", "ort", "Wo wohnen Sie?", None],
        ["image", "foto", "Foto der Wohnung", None],
        ["audio", "ton", "Sprachnachricht", None],
        ["date", "geburt", "Geburtsdatum", None],
        ["barcode", "code", "Code", None],
        ["text", "adresse_ok", "Ist die Adresse richtig?", "${ort} != ''"],
        ["select_one yn", "zufrieden", "Sind Sie zufrieden?", None],
    ],
    "choices": YES_NO,
    "settings": SETTINGS,
}

LANGUAGES = {
    "survey": [
        [
            "type",
            "name",
            "label::English (en)",
            "label::Français (fr)",
            "label::العربية (ar)",
            "label::Dari (prs)",
            "label::Klingon",
            "hint::English (en)",
            "hint::Français (fr)",
        ],
        ["begin_group", "arbeit", "Work", "Travail", "العمل", "کار", "Qapla", None, None],
        [
            "select_one yn",
            "job",
            "Do you have a job?",
            "Avez-vous un emploi?",
            "هل لديك عمل؟",
            "آیا کار دارید؟",
            "Qapla'?",
            "Paid work",
            "Travail payé",
        ],
        ["end_group", None],
    ],
    "choices": [
        [
            "list_name",
            "name",
            "label::English (en)",
            "label::Français (fr)",
            "label::العربية (ar)",
            "label::Dari (prs)",
            "label::Klingon",
        ],
        ["yn", "yes", "Yes", "Oui", "نعم", "بله", "HIja'"],
        ["yn", "no", "No", "Non", "لا", "نه", "ghobe'"],
    ],
    "settings": [["form_title", "form_id", "default_language"], ["Work", "work", "English (en)"]],
}

GERMAN_AND_ENGLISH = {
    "survey": [
        ["type", "name", "label::Deutsch (de)", "label::English (en)", "relevant"],
        ["begin_group", "wohnen", "Wohnen", "Housing", None],
        ["select_one yn", "wohnung", "Haben Sie eine Wohnung?", "Do you have a flat?", None],
        ["integer", "zimmer", "Wie viele Zimmer?", "How many rooms?", "${wohnung} = 'yes'"],
        ["end_group", None, None, None, None],
    ],
    "choices": [
        ["list_name", "name", "label::Deutsch (de)", "label::English (en)"],
        ["yn", "yes", "Ja", "Yes"],
        ["yn", "no", "Nein", "No"],
    ],
    "settings": [
        ["form_title", "form_id", "version", "default_language"],
        ["Wohnen", "wohnen", "1", "Deutsch (de)"],
    ],
}

GROUPS_AND_TEXT = {
    "survey": [
        ["type", "name", "label", "hint", "relevant", "appearance"],
        ["begin_group", "alltag", "# Alltag", "Fragen zum **Alltag**", None, "field-list"],
        ["text", "name_kind", "Wie heißt Ihr Kind?", None, None, None],
        [
            "select_one yn",
            "schule",
            "Geht ${name_kind} zur Schule?",
            "_Nur_ eine Antwort",
            None,
            None,
        ],
        ["begin_group", "schulweg", "Schulweg", None, "${schule} = 'yes'", None],
        ["select_one yn", "bus", "Fährt ${name_kind} mit dem Bus?", None, None, "minimal"],
        ["end_group", None, None, None, None, None],
        ["begin_group", "zufrieden", "Wie zufrieden sind Sie?", None, None, "table-list"],
        ["select_one skala", "zufrieden_schule", "Schule", None, None, None],
        ["select_one skala", "zufrieden_kita", "Kita", None, None, None],
        ["end_group", None, None, None, None, None],
        ["end_group", None, None, None, None, None],
    ],
    "choices": [
        *YES_NO,
        ["skala", "1", "gar nicht"],
        ["skala", "2", "etwas"],
        ["skala", "3", "sehr"],
    ],
    "settings": SETTINGS,
}

EXTRA_COLUMNS = {
    "survey": [
        [
            "type",
            "name",
            "label",
            "default",
            "choice_filter",
            "media::image",
            "notizen",
            "read_only",
        ],
        ["select_one land", "land", "Land?", "de", None, "karte.png", "für Welle 2", None],
        ["select_one stadt", "stadt", "Stadt?", None, "land=${land}", None, None, None],
        ["text", "kommentar", "Kommentar", "keiner", None, None, None, "no"],
    ],
    "choices": [
        ["list_name", "name", "label", "land", "media::image"],
        ["land", "de", "Deutschland", None, "de.png"],
        ["land", "at", "Österreich", None, None],
        ["stadt", "wi", "Wiesbaden", "de", None],
        ["stadt", "w", "Wien", "at", None],
        ["stadt", "don't know", "Weiß nicht", "de", None],
    ],
    "settings": SETTINGS,
}

RANK = {
    "survey": [
        ["type", "name", "label", "constraint"],
        ["rank thema", "wichtig", "Ordnen Sie nach Wichtigkeit", None],
        ["rank thema", "top2", "Was ist am wichtigsten (zwei)?", "count-selected(.) <= 2"],
        ["select_multiple thema", "themen", "Welche Themen?", "count-selected(.) <= 2"],
    ],
    "choices": [
        ["list_name", "name", "label"],
        ["thema", "a", "Arbeit"],
        ["thema", "w", "Wohnen"],
        ["thema", "s", "Sprache"],
    ],
    "settings": SETTINGS,
}

FORWARD_AND_ODD_LOGIC = {
    "survey": [
        ["type", "name", "label", "relevant", "required"],
        ["text", "vorher", "Erste Frage", "${nachher} = 'x'", None],
        ["integer", "jahr", "Seit welchem Jahr?", None, None],
        ["text", "neu", "Seit kurzem?", "${jahr} > 2020 and today() > 0", "yes"],
        ["select_one yn", "nachher", "Spätere Frage", None, "${jahr} > 2000"],
        ["text", "nicht_a", "Nicht ja?", "${nachher} != 'yes'", None],
    ],
    "choices": YES_NO,
    "settings": SETTINGS,
}

FORMULA_TRUE = Form(
    "formula_true",
    {
        "survey": [
            ["type", "name", "label", "required"],
            ["text", "a", "Frage A", None],
            ["integer", "b", "Frage B", None],
        ],
        "settings": SETTINGS,
    },
    "imports",
    formulas={("survey", "D2"): "=TRUE()", ("survey", "D3"): "=FALSE()"},
)

FORMULA_BAD = Form(
    "formula_bad",
    {"survey": [["type", "name", "label"], ["text", "a", None]], "settings": SETTINGS},
    "refused",
    formulas={("survey", "C2"): '=CONCAT("Fra", "ge")'},
)

CORPUS: list[Form] = [
    Form("kobo_default", KOBO_DEFAULT, "imports"),
    Form("kobo_default", KOBO_DEFAULT, "imports", fmt="xls"),
    Form("aliases", ALIASES, "imports"),
    Form("notes_or_other", NOTES_OR_OTHER, "imports"),
    Form("numbers_and_messages", NUMBERS_AND_MESSAGES, "imports"),
    Form("repeats", REPEATS, "imports"),
    Form("gps_photos", GPS_PHOTOS, "imports"),
    Form("gps_photos", GPS_PHOTOS, "imports", fmt="xls"),
    Form("languages", LANGUAGES, "imports"),
    Form("german_and_english", GERMAN_AND_ENGLISH, "imports"),
    Form("groups_and_text", GROUPS_AND_TEXT, "imports"),
    Form("extra_columns", EXTRA_COLUMNS, "imports"),
    Form("rank", RANK, "imports"),
    Form("forward_and_odd_logic", FORWARD_AND_ODD_LOGIC, "imports"),
    FORMULA_TRUE,
    FORMULA_BAD,
    Form(
        "duplicate_label",
        {"survey": [["type", "name", "label", "label"], ["text", "a", "Erste", "Zweite"]]},
        "refused",
    ),
    Form(
        "duplicate_relevant",
        {
            "survey": [
                ["type", "name", "label", "relevant", "relevance"],
                ["text", "a", "A", None, None],
                ["text", "b", "B", "${a} != ''", "true()"],
            ]
        },
        "refused",
    ),
    Form(
        "include",
        {"survey": [["type", "name", "label"], ["include", "other_form", "Teil 2"]]},
        "refused",
    ),
    Form(
        "missing_list",
        {
            "survey": [["type", "name", "label"], ["select_one farben", "farbe", "Farbe?"]],
            "choices": YES_NO,
        },
        "refused",
    ),
    Form(
        "unmatched_group",
        {"survey": [["type", "name", "label"], ["begin_group", "g", "G"], ["text", "a", "A"]]},
        "refused",
    ),
    Form("corrupt", {}, "refused", raw=b"PK\x03\x04 this is not really a zip archive"),
    Form("empty", {}, "refused", raw=xlsx_bytes({"survey": []})),
    Form("empty_file", {}, "refused", raw=b""),
    Form("text_as_xlsx", {}, "refused", raw=b"type,name,label\ntext,a,A\n"),
]
