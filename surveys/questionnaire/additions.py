"""A town's own questions beside the shared core questionnaire of the Land.

The Land provides the core (``data/questionnaires``); every town asks it with its own name
and Stadtteile. A town may add sections of its own (and, through the translation workbook,
languages). The additions are a small YAML file::

    sections:                      # appended after the core's sections, before "final"
      - id: lokal_idstein
        title: Fragen der Stadt Idstein
        questions:
          - id: lokal_treffpunkt
            type: single
            label: Kennen Sie das Stadtteilcafé in der Kernstadt?
            options: yes_no        # an option set of the core, or inline, or their own
    option_sets: {}                # optional sets of their own

:func:`with_additions` checks them against the core (German problems): no id of the
core's may be taken or changed, so every core question keeps its id, options and codes,
and the Land's pooled tables, which read the core's question ids only
(:mod:`bedarfsradar.land`), never see a town's own question.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from surveys.questionnaire.loader import (
    Problem,
    QuestionnaireError,
    check_questionnaire,
    read_yaml,
)
from surveys.questionnaire.model import Option, QuestionnaireBundle, Section

LAST_SECTIONS = ("final",)
"""Core sections that stay last (the closing question); additions go before them."""


class LocalAdditions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sections: list[Section] = Field(min_length=1)
    option_sets: dict[str, list[Option]] = Field(default_factory=dict)


def load_additions(path: Path) -> LocalAdditions:
    """The additions file, validated (raises :class:`QuestionnaireError`)."""
    raw = read_yaml(path)
    try:
        return LocalAdditions.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem(path.name, ".".join(str(p) for p in e["loc"]), str(e["msg"]))
            for e in exc.errors()
        ]
        raise QuestionnaireError(problems) from exc


def question_ids(bundle: QuestionnaireBundle) -> set[str]:
    return {q.id for _, q in bundle.questionnaire.questions()}


def with_additions(
    bundle: QuestionnaireBundle, additions: LocalAdditions, name: str = "Zusatzfragen"
) -> QuestionnaireBundle:
    """The town's questionnaire (the core made the town's) with its own sections before
    the closing one. Refused: a section, question or option-set name of the core's."""
    q = bundle.questionnaire
    taken_sections = {s.id for s in q.sections}
    taken_questions = question_ids(bundle)
    problems = [
        Problem(name, f"sections ({s.id})", f"Abschnitt „{s.id}“ gibt es im Kernfragebogen")
        for s in additions.sections
        if s.id in taken_sections
    ]
    problems += [
        Problem(name, f"questions ({qu.id})",
                f"Frage „{qu.id}“ gibt es im Kernfragebogen: eigene Fragen brauchen eigene Ids")
        for s in additions.sections for qu in s.questions if qu.id in taken_questions
    ]  # fmt: skip
    problems += [
        Problem(name, f"option_sets ({n})", f"Antwortliste „{n}“ gibt es im Kernfragebogen")
        for n in additions.option_sets
        if n in q.option_sets
    ]
    if problems:
        raise QuestionnaireError(problems)
    last = [s for s in q.sections if s.id in LAST_SECTIONS]
    first = [s for s in q.sections if s.id not in LAST_SECTIONS]
    data: dict[str, Any] = q.model_dump(mode="json")
    data["sections"] = [s.model_dump(mode="json")
                        for s in (*first, *additions.sections, *last)]  # fmt: skip
    data["option_sets"] = {**data["option_sets"],
                           **{k: [o.model_dump(mode="json") for o in v]
                              for k, v in additions.option_sets.items()}}  # fmt: skip
    merged = type(q).model_validate(data)
    if problems := check_questionnaire(merged, name):
        raise QuestionnaireError(problems)
    return bundle.model_copy(update={"questionnaire": merged})
