"""Our questionnaire as an XLSForm that ODK Collect and KoboToolbox can run.

Checked with pyxform (no errors, no warnings) and read back by :func:`read_xlsform` into
an identical questionnaire. What the export does so ODK can run it:

- a first step (group ``bedarfsradar-start``) with the introduction and the privacy notice
  as notes and the separate consent for sensitive questions as an ``acknowledge`` item;
  sensitive sections and questions are only relevant once it is ticked;
- a ranking of the top *n* becomes ``select_multiple`` with ``count-selected(.) <= n``
  (ODK's ``rank`` orders every option, so "up to three" could never be met) and the column
  ``bedarfsradar_type: ranking`` that brings the ranking back on import;
- language columns ``label::German (de)``; Leichte Sprache is ``Leichte Sprache (de)``
  because pyxform accepts only registered language codes;
- ``q != "a"`` is written ``${q} != '' and ${q} != 'a'`` (ODK's ``!=`` is true while the
  question is unanswered, ours is not).

Recordings of texts read aloud (:mod:`surveys.translations.recordings`) go into the standard
``media::audio::German (de)`` columns of the survey and choices sheets, one file name per
text and language; the files themselves travel beside the form (ODK's media folder).

Extra columns that ODK tools ignore carry what XLSForm cannot say: ``sensitive`` and
``matrix_rows`` (survey), ``missing`` (choices), ``audience`` and translated
``translated_title``/``thank_you`` (settings), and the ``choice_hints`` sheet.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from surveys.questionnaire import relevance as rel
from surveys.questionnaire.languages import SOURCE_LANGUAGE
from surveys.questionnaire.model import Option, Question, QuestionnaireBundle
from surveys.translations.checks import neutralise
from surveys.xlsform._mapping import INLINE, RANKING, START_GROUP, START_NOTES
from surveys.xlsform._reader import HINT_SHEET
from surveys.xlsform._texts import column_label
from surveys.xlsform.odk_relevance import CONSENT, consent_odk, to_odk

DEFAULT_MAX_LENGTH = 2000


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _constraint(question: Question) -> str | None:
    parts = []
    if question.type == "number":
        if question.min is not None:
            parts.append(f". >= {_number_text(question.min)}")
        if question.max is not None:
            parts.append(f". <= {_number_text(question.max)}")
    if question.type in ("text", "textarea") and question.max_length != DEFAULT_MAX_LENGTH:
        parts.append(f"string-length(.) <= {question.max_length}")
    if question.type in ("multiple", "ranking") and question.max_choices is not None:
        parts.append(f"count-selected(.) <= {question.max_choices}")
    return " and ".join(parts) or None


def _list_name(question: Question, spec: str | list[Option] | None) -> str:
    return spec if isinstance(spec, str) else question.id + INLINE


_KIND = {
    "single": "select_one",
    "scale": "select_one",
    "multiple": "select_multiple",
    "ranking": "select_multiple",
    "text": "text",
    "textarea": "text",
    "note": "note",
}


AudioFiles = Mapping[tuple[str, str], str]
"""(language, text key) -> file name of its recording in the form's media folder."""


def xlsform_rows(
    bundle: QuestionnaireBundle, audio: AudioFiles | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The sheets as lists of ``column -> value`` rows; ``audio`` adds the
    ``media::audio::<language>`` column beside each label that has a recording."""
    q = bundle.questionnaire
    codes = bundle.languages()
    audio = audio or {}

    recorded = {key for _, key in audio}

    def texts(column: str, key: str, german: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for code in codes:
            value = (
                german
                if code == SOURCE_LANGUAGE
                else (bundle.translations[code].strings.get(key) if german else None)
            )
            out[f"{column}::{column_label(code)}"] = value or None
            if column == "label" and key in recorded:  # every language gets the column
                out[f"media::audio::{column_label(code)}"] = audio.get((code, key), "")
        return out

    def odk(expr: str | None, sensitive: bool = False) -> str | None:
        parts = [consent_odk()] if sensitive else []
        if expr:
            parts.append(to_odk(rel.parse(expr), q, "and" if sensitive else None))
        return " and ".join(parts) or None

    survey: list[dict[str, Any]] = []
    start = [(name, key) for name, key in START_NOTES.items() if getattr(q, key)]
    if start or q.consent_sensitive:
        survey.append({"type": "begin_group", "name": START_GROUP, "appearance": "field-list"})
        for name, key in start:
            survey.append({"type": "note", "name": name, **texts("label", key, getattr(q, key))})
        if q.consent_sensitive:
            survey.append(
                {
                    "type": "acknowledge",
                    "name": CONSENT,
                    **texts("label", "consent_sensitive", q.consent_sensitive),
                }
            )
        survey.append({"type": "end_group", "name": START_GROUP})
    for section in q.sections:
        survey.append(
            {
                "type": "begin_group",
                "name": section.id,
                **texts("label", f"section.{section.id}.title", section.title),
                **texts("hint", f"section.{section.id}.intro", section.intro),
                "relevant": odk(section.relevance, section.sensitive),
                "sensitive": "yes" if section.sensitive else None,
            }
        )
        for question in section.questions:
            survey += _question_rows(bundle, question, texts, odk)
        survey.append({"type": "end_group", "name": section.id})

    choices: list[dict[str, Any]] = []
    hints: list[dict[str, Any]] = []

    def add_list(name: str, options: list[Option], prefix: str) -> None:
        for opt in options:
            choices.append(
                {
                    "list_name": name,
                    "name": opt.code,
                    **texts("label", f"{prefix}.{opt.code}", opt.label),
                    "missing": "yes" if opt.missing else None,
                }
            )
            if opt.hint:
                hints.append(
                    {
                        "list_name": name,
                        "name": opt.code,
                        **texts("hint", f"{prefix}.{opt.code}.hint", opt.hint),
                    }
                )

    for name, set_options in q.option_sets.items():
        add_list(name, set_options, f"options.{name}")
    for _, question in q.questions():
        if isinstance(question.options, list):
            add_list(question.id + INLINE, question.options, f"q.{question.id}.option")

    settings: dict[str, Any] = {
        "form_title": q.title,
        "form_id": q.id,
        "version": q.version,
        "default_language": column_label(SOURCE_LANGUAGE),
        "audience": q.audience,
        **{
            k: v
            for k, v in texts("translated_title", "title", q.title).items()
            if k != f"translated_title::{column_label(SOURCE_LANGUAGE)}"
        },
        **texts("thank_you", "thank_you", q.thank_you),
    }
    return {"survey": survey, "choices": choices, HINT_SHEET: hints, "settings": [settings]}


def _question_rows(
    bundle: QuestionnaireBundle, question: Question, texts: Any, odk: Any
) -> list[dict[str, Any]]:
    q = bundle.questionnaire
    key = f"q.{question.id}"
    common = {
        "name": question.id,
        **texts("label", f"{key}.label", question.label),
        **texts("hint", f"{key}.hint", question.hint),
        **texts("guidance_hint", f"{key}.guidance", question.guidance),
        "relevant": odk(question.relevance, question.sensitive),
        "sensitive": "yes" if question.sensitive else None,
    }
    if question.type == "matrix":
        options = _list_name(question, question.options)
        rows_spec = question.rows
        out = [
            {
                **common,
                "type": "begin_group",
                "appearance": "table-list",
                "matrix_rows": rows_spec if isinstance(rows_spec, str) else None,
            }
        ]
        for row in q.rows_of(question):
            rkey = (
                f"options.{rows_spec}.{row.code}"
                if isinstance(rows_spec, str)
                else f"{key}.row.{row.code}"
            )
            rrel = question.row_relevance
            out.append(
                {
                    "type": f"select_one {options}",
                    "name": f"{question.id}.{row.code}",
                    **texts("label", rkey, row.label),
                    **texts("hint", f"{rkey}.hint", row.hint),
                    "required": "yes" if question.required else None,
                    "relevant": odk(rrel.replace("{row}", row.code)) if rrel else None,
                }
            )
        out.append({"type": "end_group", "name": question.id})
        return out
    if question.type == "number":
        kind = "integer" if question.integer else "decimal"
    elif question.type in ("single", "scale", "multiple", "ranking"):
        kind = f"{_KIND[question.type]} {_list_name(question, question.options)}"
    else:
        kind = _KIND[question.type]
    appearance = {"scale": "likert", "textarea": "multiline"}.get(question.type)
    return [
        {
            **common,
            "type": kind,
            "appearance": appearance,
            "required": "yes" if question.required else None,
            "constraint": _constraint(question),
            **texts("constraint_message", f"{key}.constraint_message", question.constraint_message),
            **texts("required_message", f"{key}.required_message", question.required_message),
            "bedarfsradar_type": RANKING if question.type == "ranking" else None,
        }
    ]


def write_xlsform(bundle: QuestionnaireBundle, path: Path, audio: AudioFiles | None = None) -> Path:
    """Write the questionnaire as an XLSForm workbook (cells neutralised against formulas;
    ODK expressions never start with ``=``); ``audio`` as in :func:`xlsform_rows`."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    sheets = xlsform_rows(bundle, audio)
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        columns: list[str] = []
        for row in rows:
            for column, value in row.items():
                if column not in columns and value is not None:
                    columns.append(column)
        first = ("type", "name", "list_name", "label::", "hint::")
        columns.sort(key=lambda c: next((i for i, f in enumerate(first) if c.startswith(f)), 9))
        ws.append(columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(
                [
                    neutralise(str(v)) if v is not None else None
                    for v in (row.get(c) for c in columns)
                ]
            )
        ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
