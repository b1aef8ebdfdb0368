"""View models: a questionnaire section in one language, ready for the templates.

Generic for every question type — no per-question code. Templates only lay out what
these dataclasses carry; all text is already in the respondent's language. Texts come
from a :class:`QuestionnaireTexts`: the survey passes its prepared version
(:mod:`surveys.web.prepared`), whose lookups are dictionary hits.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from starlette.datastructures import FormData

from surveys.questionnaire.languages import language
from surveys.questionnaire.model import Option, Question, Questionnaire, Section
from surveys.responses.answers import AnswerError, question_visible, visible_rows
from surveys.translations.ui_text import UiText

# Eastern Arabic (Arabic) and Extended Arabic-Indic (Farsi/Urdu) digits typed on phones
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.")


class QuestionnaireTexts(Protocol):
    """A questionnaire and its texts per language (a bundle or a prepared version)."""

    @property
    def questionnaire(self) -> Questionnaire: ...

    def text(self, key: str, language: str) -> str: ...


NO_AUDIO: Mapping[str, str] = {}
"""Text key -> URL of its recording in the page's language (none by default)."""


@dataclass
class OptionView:
    code: str
    label: str
    hint: str | None
    checked: bool
    html_id: str
    audio: str | None = None


@dataclass
class RowView:
    code: str
    name: str
    label: str
    hint: str | None
    options: list[OptionView]
    error: str | None = None
    audio: str | None = None


@dataclass
class RankView:
    name: str
    label: str
    selected: str


@dataclass
class FieldView:
    id: str
    name: str
    type: str
    label: str
    hint: str | None
    required: bool
    options: list[OptionView] = field(default_factory=list)
    rows: list[RowView] = field(default_factory=list)
    ranks: list[RankView] = field(default_factory=list)
    value: str = ""
    error: str | None = None
    max_length: int | None = None
    min: float | None = None
    max: float | None = None
    guidance: str | None = None
    integer: bool = False
    audio: str | None = None
    new: bool = False
    """Appeared because of an answer on this page (announced at the top)."""


def html_id(name: str) -> str:
    return "f-" + name.replace(".", "-")


def option_key(question: Question, spec: str | list[Option] | None, kind: str) -> str:
    """The translation key prefix of a question's options or rows."""
    if isinstance(spec, str):
        return f"options.{spec}."
    return f"q.{question.id}.{kind}."


def _options(
    bundle: QuestionnaireTexts,
    question: Question,
    options: list[Option],
    prefix: str,
    lang: str,
    selected: set[str],
    name: str,
    audio: Mapping[str, str] = NO_AUDIO,
) -> list[OptionView]:
    return [
        OptionView(
            code=o.code,
            label=bundle.text(prefix + o.code, lang) or o.label,
            hint=bundle.text(prefix + o.code + ".hint", lang) or None if o.hint else None,
            checked=o.code in selected,
            html_id=f"{html_id(name)}-{o.code}",
            audio=audio.get(prefix + o.code),
        )
        for o in options
    ]


def _as_set(value: Any) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, list | tuple):
        return {str(v) for v in value}
    return {str(value)}


def section_fields(
    bundle: QuestionnaireTexts,
    section: Section,
    lang: str,
    answers: Mapping[str, Any],
    errors: list[AnswerError],
    ui: UiText,
    consent: bool | None,
    keys: Collection[str] | None = None,
    audio: Mapping[str, str] = NO_AUDIO,
    new: Collection[str] = (),
) -> list[FieldView]:
    """The visible questions of ``section`` with current values and error messages.

    ``keys``: only these form keys (a part of a long section, :mod:`surveys.web.paging`);
    ``audio``: recordings of this language by text key; ``new``: keys to mark as just
    appeared."""
    q = bundle.questionnaire
    messages = {
        e.key: bundle.text(e.text_key, lang)
        if e.text_key
        else ui.get(e.code, lang, **dict(e.params))
        for e in errors
    }
    fields: list[FieldView] = []
    for question in section.questions:
        if not question_visible(q, question, answers, consent):
            continue
        qid = question.id
        if keys is not None and question.type != "matrix" and qid not in keys:
            continue
        view = FieldView(
            id=html_id(qid),
            name=qid,
            type=question.type,
            label=bundle.text(f"q.{qid}.label", lang),
            hint=bundle.text(f"q.{qid}.hint", lang) or None,
            required=question.required,
            error=messages.get(qid),
            max_length=question.max_length,
            min=question.min,
            max=question.max,
            guidance=bundle.text(f"q.{qid}.guidance", lang) if question.guidance else None,
            integer=question.integer,
            audio=audio.get(f"q.{qid}.label"),
            new=qid in new,
        )
        opt_prefix = option_key(question, question.options, "option")
        options = q.options_of(question)
        if question.type == "matrix":
            row_prefix = option_key(question, question.rows, "row")
            rows_by_code = {r.code: r for r in q.rows_of(question)}
            for code in visible_rows(q, question, answers):
                row = rows_by_code[code]
                name = f"{qid}.{code}"
                if keys is not None and name not in keys:
                    continue
                view.rows.append(
                    RowView(
                        code=code,
                        name=name,
                        label=bundle.text(row_prefix + code, lang) or row.label,
                        hint=(bundle.text(row_prefix + code + ".hint", lang) or None)
                        if row.hint
                        else None,
                        options=_options(
                            bundle,
                            question,
                            options,
                            opt_prefix,
                            lang,
                            _as_set(answers.get(name)),
                            name,
                            audio,
                        ),
                        error=messages.get(name),
                        audio=audio.get(row_prefix + code),
                    )
                )
            if not view.rows:
                continue
        elif question.type == "ranking":
            chosen = list(answers.get(qid) or [])
            view.options = _options(bundle, question, options, opt_prefix, lang, set(), qid, audio)
            for i in range(1, (question.max_choices or 3) + 1):
                view.ranks.append(
                    RankView(
                        name=f"{qid}.{i}",
                        label=ui.get("rank_label", lang, n=i),
                        selected=chosen[i - 1] if i <= len(chosen) else "",
                    )
                )
        elif options:
            view.options = _options(
                bundle, question, options, opt_prefix, lang, _as_set(answers.get(qid)), qid, audio
            )
        else:
            value = answers.get(qid)
            view.value = "" if value is None else str(value)
        fields.append(view)
    return fields


def page_keys(section: Section, q: Questionnaire) -> list[str]:
    """Every form key a section can have: question ids and matrix ``question.row`` keys."""
    out: list[str] = []
    for question in section.questions:
        if question.type == "matrix":
            out += [f"{question.id}.{row.code}" for row in q.rows_of(question)]
        else:
            out.append(question.id)
    return out


def form_answers(
    section: Section, bundle: QuestionnaireTexts, form: FormData, keys: Collection[str]
) -> dict[str, Any]:
    """This page's answers from the POSTed form, in the form-mapping format (only the
    form ``keys`` the page showed)."""
    q = bundle.questionnaire
    out: dict[str, Any] = {}
    for question in section.questions:
        qid = question.id
        if question.type != "matrix" and qid not in keys:
            continue
        if question.type == "matrix":
            for row in q.rows_of(question):
                if f"{qid}.{row.code}" not in keys:
                    continue
                value = form.get(f"{qid}.{row.code}")
                if value:
                    out[f"{qid}.{row.code}"] = str(value)
        elif question.type == "multiple":
            values = [str(v) for v in form.getlist(qid) if v]
            if values:
                out[qid] = values
        elif question.type == "ranking":
            ranks = [
                str(form.get(f"{qid}.{i}") or "") for i in range(1, (question.max_choices or 3) + 1)
            ]
            values = [r for r in ranks if r]
            if values:
                out[qid] = values
        else:
            value = form.get(qid)
            if value is not None and str(value).strip():
                text = str(value)
                if question.type == "number":
                    text = text.translate(_DIGITS)
                out[qid] = text
    return out


def list_separator(lang: str) -> str:
    """Between the items of a list: the Arabic comma in right-to-left languages (all of
    them written in Arabic script here: Arabic, Farsi/Dari, Pashto, Kurdish Sorani)."""
    return "، " if language(lang).direction == "rtl" else ", "


def lead_in(label: str) -> str:
    """A row label in front of its answer: "Wohnen:", a sentence loses its full stop
    ("Ich verstehe Briefe vom Amt:"), a question keeps its mark ("Wie oft?")."""
    label = label.rstrip()
    if label.endswith(("?", "؟", "!")):
        return label
    return label.rstrip(".۔") + ":"


def answer_text(
    bundle: QuestionnaireTexts,
    question: Question,
    answers: Mapping[str, Any],
    lang: str,
    rank_label: Callable[[int], str] = str,
) -> list[tuple[str | None, str]]:
    """Review page lines for one question: (lead-in or None, answer text). The lead-in
    is a matrix row's label or a rank (``rank_label(1)`` …), ending in a colon
    (:func:`lead_in`)."""
    q = bundle.questionnaire
    opt_prefix = option_key(question, question.options, "option")
    label_of = {o.code: bundle.text(opt_prefix + o.code, lang) or o.label
                for o in q.options_of(question)}  # fmt: skip
    qid = question.id
    if question.type == "matrix":
        row_prefix = option_key(question, question.rows, "row")
        lines: list[tuple[str | None, str]] = []
        for row in q.rows_of(question):
            value = answers.get(f"{qid}.{row.code}")
            if value is not None:
                row_label = bundle.text(row_prefix + row.code, lang) or row.label
                lines.append((lead_in(row_label), label_of.get(str(value), str(value))))
        return lines
    value = answers.get(qid)
    if value is None:
        return []
    if isinstance(value, list):
        if question.type == "ranking":
            ranks = enumerate(value, start=1)
            return [(lead_in(rank_label(i)), label_of.get(v, v)) for i, v in ranks]
        return [(None, list_separator(lang).join(str(label_of.get(v, v)) for v in value))]
    return [(None, label_of.get(str(value), str(value)))]
