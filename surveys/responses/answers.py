"""Answers of one respondent: the form mapping, its validation and its long-format rows.

The *form mapping* is what the web form and the relevance logic work with::

    {"stadtteil": "winkel", "need.housing": "4", "barriers": ["cost", "time"],
     "top3": ["housing", "language"], "helps_most": "Eine Wohnung"}

Matrix rows are ``question.row`` keys, multiple choice and ranking are lists (ranking in
rank order), everything else a string. :func:`clean_answers` validates against the
questionnaire and drops what skip logic hides, so hidden questions are never stored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from surveys.questionnaire import relevance
from surveys.questionnaire.model import Question, Questionnaire, Section


@dataclass(frozen=True)
class AnswerRow:
    question_id: str
    item: str = ""
    value: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class AnswerError:
    """A validation problem; ``code`` is a UI string key, ``params`` fill its placeholders.
    ``text_key``, when set, is the questionnaire's own message for it (a translation key
    such as ``q.<id>.constraint_message``), shown instead of the UI string."""

    key: str
    code: str
    params: tuple[tuple[str, Any], ...] = ()
    text_key: str | None = None


def _required(question: Question, key: str) -> AnswerError:
    own = f"q.{question.id}.required_message" if question.required_message else None
    return AnswerError(key, "error_required", text_key=own)


def _broken(question: Question, code: str, params: tuple[tuple[str, Any], ...] = ()) -> AnswerError:
    """A limit of the question broken (range, whole number, count, length)."""
    own = f"q.{question.id}.constraint_message" if question.constraint_message else None
    return AnswerError(question.id, code, params, own)


class _Compiled:
    """Parsed relevance expressions of a questionnaire, cached per questionnaire object."""

    def __init__(self, q: Questionnaire):
        self.section: dict[str, relevance.Node | None] = {
            s.id: relevance.parse(s.relevance) if s.relevance else None for s in q.sections
        }
        self.question: dict[str, relevance.Node | None] = {}
        self.rows: dict[tuple[str, str], relevance.Node] = {}
        for _, qq in q.questions():
            self.question[qq.id] = relevance.parse(qq.relevance) if qq.relevance else None
            if qq.row_relevance:
                for row in q.rows_of(qq):
                    expr = qq.row_relevance.replace("{row}", row.code)
                    self.rows[(qq.id, row.code)] = relevance.parse(expr)


_CACHE: dict[int, tuple[Questionnaire, _Compiled]] = {}


def compiled(q: Questionnaire) -> _Compiled:
    hit = _CACHE.get(id(q))
    if hit is None or hit[0] is not q:
        hit = (q, _Compiled(q))
        _CACHE[id(q)] = hit
    return hit[1]


def section_visible(
    q: Questionnaire,
    section: Section,
    answers: Mapping[str, Any],
    sensitive_consent: bool | None = None,
) -> bool:
    if section.sensitive and not sensitive_consent:
        return False
    node = compiled(q).section[section.id]
    return node is None or relevance.evaluate(node, answers)


def question_visible(
    q: Questionnaire,
    question: Question,
    answers: Mapping[str, Any],
    sensitive_consent: bool | None = None,
) -> bool:
    if question.sensitive and not sensitive_consent:
        return False
    node = compiled(q).question[question.id]
    return node is None or relevance.evaluate(node, answers)


def visible_rows(q: Questionnaire, question: Question, answers: Mapping[str, Any]) -> list[str]:
    rows = [r.code for r in q.rows_of(question)]
    nodes = compiled(q).rows
    return [
        r
        for r in rows
        if (question.id, r) not in nodes or relevance.evaluate(nodes[(question.id, r)], answers)
    ]


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def clean_answers(
    q: Questionnaire,
    answers: Mapping[str, Any],
    sensitive_consent: bool | None = None,
    sections: list[Section] | None = None,
) -> tuple[dict[str, Any], list[AnswerError]]:
    """Validate ``answers`` for ``sections`` (default: all) and drop hidden ones.

    Returns the cleaned mapping (only visible, valid answers, in canonical types) and the
    errors (each naming the form key and a UI string key such as ``error_required``).
    Relevance is evaluated in questionnaire order on the cleaned answers so far, so an
    answer to a question that later became hidden is removed, not stored.
    """
    cleaned: dict[str, Any] = {}
    errors: list[AnswerError] = []
    wanted = {s.id for s in sections} if sections is not None else None
    # Earlier answers outside the validated sections still drive relevance.
    context: dict[str, Any] = dict(answers)
    for section in q.sections:
        if wanted is not None and section.id not in wanted:
            continue
        if not section_visible(q, section, context, sensitive_consent):
            _forget(q, section, context)
            continue
        for question in section.questions:
            if not question_visible(q, question, context, sensitive_consent):
                _forget_question(question, context)
                continue
            _clean_question(q, question, answers, cleaned, errors)
            context.update({k: v for k, v in cleaned.items()})
            for key in list(context):
                if _belongs(key, question) and key not in cleaned:
                    context.pop(key)
    return cleaned, errors


def _belongs(key: str, question: Question) -> bool:
    return key == question.id or key.startswith(question.id + ".")


def _forget_question(question: Question, context: dict[str, Any]) -> None:
    for key in [k for k in context if _belongs(k, question)]:
        context.pop(key)


def _forget(q: Questionnaire, section: Section, context: dict[str, Any]) -> None:
    for question in section.questions:
        _forget_question(question, context)


def _clean_question(
    q: Questionnaire,
    question: Question,
    answers: Mapping[str, Any],
    cleaned: dict[str, Any],
    errors: list[AnswerError],
) -> None:
    qid = question.id
    codes = {o.code for o in q.options_of(question)}
    t = question.type
    if t == "note":
        return
    if t == "matrix":
        rows = visible_rows(q, question, {**answers, **cleaned})
        for row in rows:
            key = f"{qid}.{row}"
            value = answers.get(key)
            if value in (None, ""):
                if question.required:
                    errors.append(_required(question, key))
                continue
            if str(value) not in codes:
                errors.append(AnswerError(key, "error_invalid_option"))
                continue
            cleaned[key] = str(value)
        return
    raw = answers.get(qid)
    if t in ("multiple", "ranking"):
        values = _as_list(raw)
        if not values:
            if question.required:
                errors.append(_required(question, qid))
            return
        if any(v not in codes for v in values):
            errors.append(AnswerError(qid, "error_invalid_option"))
            return
        if t == "ranking" and len(set(values)) != len(values):
            errors.append(AnswerError(qid, "error_ranking_duplicate"))
            return
        if t == "multiple":
            values = list(dict.fromkeys(values))
        if question.max_choices and len(values) > question.max_choices:
            errors.append(_broken(question, "error_too_many", (("max", question.max_choices),)))
            return
        cleaned[qid] = values
        return
    value = "" if raw is None else (raw[0] if isinstance(raw, list) and raw else raw)
    value = str(value).strip() if not isinstance(value, list) else ""
    if value == "":
        if question.required:
            errors.append(_required(question, qid))
        return
    if t in ("single", "scale"):
        if value not in codes:
            errors.append(AnswerError(qid, "error_invalid_option"))
            return
        cleaned[qid] = value
    elif t == "number":
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            errors.append(AnswerError(qid, "error_number"))
            return
        lo = question.min if question.min is not None else -math.inf
        hi = question.max if question.max is not None else math.inf
        if not math.isfinite(number) or not lo <= number <= hi:
            errors.append(
                _broken(question, "error_number_range", (("min", _fmt(lo)), ("max", _fmt(hi))))
            )
            return
        if question.integer and not number.is_integer():
            errors.append(_broken(question, "error_number"))
            return
        cleaned[qid] = _fmt(number)
    else:  # text, textarea
        if len(value) > question.max_length:
            errors.append(_broken(question, "error_too_long", (("max", question.max_length),)))
            return
        cleaned[qid] = value


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def to_rows(q: Questionnaire, answers: Mapping[str, Any]) -> list[AnswerRow]:
    """Long-format rows for storage from a cleaned form mapping."""
    rows: list[AnswerRow] = []
    types = {qq.id: qq.type for _, qq in q.questions()}
    for key, value in answers.items():
        qid, _, item = key.partition(".")
        t = types.get(qid)
        if t is None:
            continue
        if t == "matrix":
            rows.append(AnswerRow(qid, item, str(value)))
        elif t == "multiple":
            rows.extend(AnswerRow(qid, "", str(v)) for v in value)
        elif t == "ranking":
            rows.extend(AnswerRow(qid, str(i), str(v)) for i, v in enumerate(value, start=1))
        elif t in ("text", "textarea"):
            rows.append(AnswerRow(qid, "", None, str(value)))
        else:
            rows.append(AnswerRow(qid, "", str(value)))
    return rows


def from_rows(q: Questionnaire, rows: list[AnswerRow]) -> dict[str, Any]:
    """The form mapping back from stored rows (to resume a partial response)."""
    types = {qq.id: qq.type for _, qq in q.questions()}
    out: dict[str, Any] = {}
    ranked: dict[str, list[tuple[int, str]]] = {}
    for r in rows:
        t = types.get(r.question_id)
        if t == "matrix":
            out[f"{r.question_id}.{r.item}"] = r.value
        elif t == "multiple":
            out.setdefault(r.question_id, []).append(r.value)
        elif t == "ranking":
            ranked.setdefault(r.question_id, []).append((int(r.item or 0), r.value or ""))
        elif t in ("text", "textarea"):
            out[r.question_id] = r.text
        elif t is not None:
            out[r.question_id] = r.value
    for qid, pairs in ranked.items():
        out[qid] = [v for _, v in sorted(pairs)]
    return out
