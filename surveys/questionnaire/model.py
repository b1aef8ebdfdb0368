"""The questionnaire as data: pydantic models validated once on load, rendered generically.

A questionnaire (one audience: newcomer, volunteer or administration) has option sets,
sections and questions. German is the source language; translations are flat mappings
from a *translation key* to text (see :func:`Questionnaire.source_strings`), so that
interpreters can work on a two-column sheet and nothing in the structure is duplicated
per language.

Translation keys are stable and derived from ids::

    title, intro, privacy, consent_sensitive, thank_you
    section.<section>.title, section.<section>.intro
    q.<question>.label, q.<question>.hint, q.<question>.guidance
    q.<question>.constraint_message, q.<question>.required_message
    q.<question>.option.<code>, q.<question>.row.<code>     (inline options/rows)
    options.<set>.<code>, options.<set>.<code>.hint          (shared option sets)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

Audience = Literal["newcomer", "volunteer", "administration"]
QuestionType = Literal[
    "single", "multiple", "scale", "ranking", "number", "text", "textarea", "matrix", "note"
]
"""``note``: text shown between questions, never answered (label and hint only)."""
QUESTION_TYPES: tuple[str, ...] = QuestionType.__args__  # type: ignore[attr-defined]
ReviewStatus = Literal["draft", "reviewed"]
StringStatus = Literal["draft", "reviewed", "outdated"]
"""Review state of one translated string; *outdated*: the German source changed since."""

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
CODE_PATTERN = r"^[A-Za-z0-9_\-]+$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    label: str = Field(min_length=1)
    hint: str | None = None
    missing: bool = False
    """A missing code ("betrifft mich nicht", "weiß nicht"): stored, never averaged."""


class Question(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    type: QuestionType
    label: str = Field(min_length=1)
    hint: str | None = None
    required: bool = False
    relevance: str | None = None
    options: str | list[Option] | None = None
    """Option set name or inline options (choice, scale, ranking, matrix columns)."""
    rows: str | list[Option] | None = None
    """Matrix rows: option set name (e.g. ``areas``) or inline rows."""
    row_relevance: str | None = None
    """Per-row skip logic for matrices; ``{row}`` is replaced by the row code."""
    max_choices: int | None = Field(default=None, ge=1)
    min: float | None = None
    max: float | None = None
    max_length: int = Field(default=2000, ge=1, le=10000)
    sensitive: bool = False
    """Only asked after the separate consent for sensitive data."""
    integer: bool = False
    """A number question that takes whole numbers only."""
    constraint_message: str | None = None
    """Shown instead of the standard message when an answer breaks a limit (min, max,
    whole number, max_choices, max_length)."""
    required_message: str | None = None
    """Shown instead of the standard message when a required question is left empty."""
    guidance: str | None = None
    """Further guidance below the hint (XLSForm ``guidance_hint``)."""

    @model_serializer(mode="wrap")
    def _omit_unset_additions(self, handler: SerializerFunctionWrapHandler) -> dict:
        # Versions stored before these fields existed must keep their content hash.
        data = handler(self)
        for name, default in _LATER_FIELDS.items():
            if data.get(name, default) == default:
                data.pop(name, None)
        return data


_LATER_FIELDS = {
    "integer": False,
    "constraint_message": None,
    "required_message": None,
    "guidance": None,
}


class Section(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    intro: str | None = None
    relevance: str | None = None
    sensitive: bool = False
    questions: list[Question] = Field(min_length=1)


class Questionnaire(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    audience: Audience
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    intro: str | None = None
    privacy: str | None = None
    consent_sensitive: str | None = None
    thank_you: str | None = None
    option_sets: dict[str, list[Option]] = Field(default_factory=dict)
    sections: list[Section] = Field(min_length=1)
    source_language: str = "de"
    """The language the source texts are written in. German, except for a form imported
    without German texts (:mod:`surveys.xlsform`): its texts stand in the source slot, and
    the survey does not offer them as German (:mod:`surveys.translations.status`)."""

    @model_serializer(mode="wrap")
    def _omit_german_source(self, handler: SerializerFunctionWrapHandler) -> dict:
        # Versions stored before this field existed must keep their content hash.
        data = handler(self)
        if data.get("source_language") == "de":
            data.pop("source_language")
        return data

    # -- structure -----------------------------------------------------------------------
    def questions(self) -> Iterator[tuple[Section, Question]]:
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def question(self, question_id: str) -> Question:
        for _, q in self.questions():
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def resolve_options(self, spec: str | list[Option] | None) -> list[Option]:
        if spec is None:
            return []
        if isinstance(spec, str):
            return self.option_sets[spec]
        return spec

    def options_of(self, question: Question) -> list[Option]:
        return self.resolve_options(question.options)

    def rows_of(self, question: Question) -> list[Option]:
        return self.resolve_options(question.rows)

    # -- translation keys ----------------------------------------------------------------
    def source_strings(self) -> dict[str, str]:
        """Every user-facing German string under its stable translation key."""
        out: dict[str, str] = {}

        def put(key: str, text: str | None) -> None:
            if text:
                out[key] = text

        for field in ("title", "intro", "privacy", "consent_sensitive", "thank_you"):
            put(field, getattr(self, field))
        for name, options in self.option_sets.items():
            for opt in options:
                put(f"options.{name}.{opt.code}", opt.label)
                put(f"options.{name}.{opt.code}.hint", opt.hint)
        for section in self.sections:
            put(f"section.{section.id}.title", section.title)
            put(f"section.{section.id}.intro", section.intro)
            for q in section.questions:
                put(f"q.{q.id}.label", q.label)
                put(f"q.{q.id}.hint", q.hint)
                put(f"q.{q.id}.guidance", q.guidance)
                put(f"q.{q.id}.constraint_message", q.constraint_message)
                put(f"q.{q.id}.required_message", q.required_message)
                for kind, spec in (("option", q.options), ("row", q.rows)):
                    if isinstance(spec, list):
                        for opt in spec:
                            put(f"q.{q.id}.{kind}.{opt.code}", opt.label)
                            put(f"q.{q.id}.{kind}.{opt.code}.hint", opt.hint)
        return out


class Translation(_Strict):
    """One language of one questionnaire, as an interpreter delivers it."""

    questionnaire: str
    language: str
    status: ReviewStatus = "draft"
    reviewed_by: str | None = None
    """A role, never a name (e.g. "Muttersprachler/in, Dolmetscherpool Rheingau")."""
    strings: dict[str, str] = Field(default_factory=dict)
    string_status: dict[str, StringStatus] = Field(default_factory=dict)
    """Per-string review state where it differs from ``status`` (see
    :mod:`surveys.translations.status`)."""
    string_reviewers: dict[str, str] = Field(default_factory=dict)
    """Role that reviewed a string, where it differs from ``reviewed_by``."""
    source_hashes: dict[str, str] = Field(default_factory=dict)
    """Short hash of the German source each string was translated from: a string whose
    source changed since is *outdated*."""

    @model_serializer(mode="wrap")
    def _omit_empty_review_fields(self, handler: SerializerFunctionWrapHandler) -> dict:
        # Versions stored before these fields existed must keep their content hash.
        data = handler(self)
        for name in ("string_status", "string_reviewers", "source_hashes"):
            if not data.get(name):
                data.pop(name, None)
        return data


class QuestionnaireBundle(_Strict):
    """A questionnaire with its translations: what a stored version contains."""

    questionnaire: Questionnaire
    translations: dict[str, Translation] = Field(default_factory=dict)

    def content_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)

    def content_hash(self) -> str:
        return hashlib.sha256(self.content_json().encode("utf-8")).hexdigest()

    def languages(self) -> list[str]:
        return ["de", *sorted(self.translations)]

    def text(self, key: str, language: str) -> str:
        """The text for ``key`` in ``language``, falling back to German."""
        tr = self.translations.get(language)
        if tr is not None and tr.strings.get(key):
            return tr.strings[key]
        return self.questionnaire.source_strings().get(key, "")

    def missing_keys(self, language: str) -> list[str]:
        """Keys that fall back to German in ``language`` (empty for German itself)."""
        if language == "de":
            return []
        tr = self.translations.get(language)
        have = tr.strings if tr else {}
        return [k for k in self.questionnaire.source_strings() if not have.get(k)]
