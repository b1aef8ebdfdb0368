"""Sections split into pages that fit about three phone screens.

On a 360 × 740 phone the needs matrix (13 areas, a 7-step scale one option per line) is
about ten screens long; nobody scrolls that far without losing their place. A section is
therefore shown as one or more *parts*. The unit of a part is a question, or one row of
a matrix (the matrix's own label is repeated on each of its parts). Heights are
estimated from the texts in the respondent's language with the metrics of
``static/survey.css`` (18 px text, 1.5 line height, 45 px per option line), and units are
packed in questionnaire order into parts of at most :data:`PART_BUDGET_PX`, as evenly
as that many parts allow (13 areas become 3 + 3 + 3 + 2 + 2 rows, not 3 + 3 + 3 + 3 + 1).
``tests/e2e`` measures the real pages in Chromium against three screens.

Generic: no question is named here; the estimate reads only the questionnaire model.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from surveys.questionnaire import relevance
from surveys.questionnaire.model import Question, Section
from surveys.responses.answers import question_visible, visible_rows
from surveys.web.views import QuestionnaireTexts, option_key

SCREEN_PX = 740
SCREENS = 3
CHROME_PX = 760
"""Everything on a section page around its questions: header, progress, title, intro,
announcement, buttons and the resume code (measured in Chromium, rounded up)."""
PART_BUDGET_PX = SCREENS * SCREEN_PX - CHROME_PX
LINE_PX = 27  # 18 px × 1.5
HINT_LINE_PX = 24
OPTION_PX = 45  # one option line: 2.5 rem minimum height (a 44 px touch target)
GAP_PX = 27  # 1.5 rem below a question
LABEL_CHARS = 28  # per line of bold question text at 324 px
OPTION_CHARS = 26  # per line of option text beside a 27 px radio button
HINT_CHARS = 38
AUDIO_PX = 44  # a play control below a text that has a recording

MEMO_SIZE = 20_000
"""Remembered splits per questionnaire version (a few hundred bytes each)."""
PageKeys = tuple[str, ...]
"""The form keys of one part: question ids and matrix ``question.row`` keys."""


def _lines(text: str, per_line: int) -> int:
    return max(1, math.ceil(len(text) / per_line)) if text else 0


@dataclass(frozen=True)
class _Unit:
    key: str
    question: str
    cost: int
    header: int  # paid once on every part that shows rows of this matrix


class SectionPaging:
    """The parts of a questionnaire version's sections; unit heights are computed once
    per language and text."""

    def __init__(self, texts: QuestionnaireTexts, budget: int = PART_BUDGET_PX):
        self.texts = texts
        self.budget = budget
        self._costs: dict[tuple[str, str], int] = {}
        self._texts: dict[str, tuple[str, ...]] = {}
        self._deps: dict[str, frozenset[str]] = {}
        self._parts: dict[tuple[Any, ...], list[PageKeys]] = {}

    def _text_px(self, key: str, lang: str, per_line: int, line_px: int) -> int:
        return _lines(self.texts.text(key, lang), per_line) * line_px

    def _options_px(self, question: Question, lang: str) -> int:
        q = self.texts.questionnaire
        prefix = option_key(question, question.options, "option")
        total = 0
        for o in q.options_of(question):
            label = _lines(self.texts.text(prefix + o.code, lang) or o.label, OPTION_CHARS)
            hint = self._text_px(prefix + o.code + ".hint", lang, HINT_CHARS, HINT_LINE_PX)
            total += max(OPTION_PX, label * LINE_PX + hint + 14)
        return total

    def _cost(self, lang: str, key: str, question: Question) -> int:
        hit = self._costs.get((lang, key))
        if hit is not None:
            return hit
        qid = question.id
        label = self._text_px(f"q.{qid}.label", lang, LABEL_CHARS, LINE_PX)
        hints = self._text_px(f"q.{qid}.hint", lang, HINT_CHARS, HINT_LINE_PX)
        hints += self._text_px(f"q.{qid}.guidance", lang, HINT_CHARS, HINT_LINE_PX)
        if key == qid:  # the whole question (a matrix: its label, paid per part)
            body = {
                "matrix": 0,
                "text": OPTION_PX,
                "number": OPTION_PX,
                "textarea": 5 * LINE_PX + 20,
                "note": 0,
                "ranking": (question.max_choices or 3) * (LINE_PX + 54 + 18),
            }.get(question.type)
            options = self._options_px(question, lang) if body is None else body
            cost = label + hints + GAP_PX + options
        else:  # one row of a matrix
            row = key.split(".", 1)[1]
            prefix = option_key(question, question.rows, "row")
            legend = self._text_px(prefix + row, lang, LABEL_CHARS, LINE_PX)
            hint = self._text_px(prefix + row + ".hint", lang, HINT_CHARS, HINT_LINE_PX)
            cost = GAP_PX + legend + hint + self._options_px(question, lang)
        self._costs[(lang, key)] = cost
        return cost

    def _text_keys(self, key: str, question: Question) -> tuple[str, ...]:
        """The translation keys a unit shows (each may have a recording)."""
        hit = self._texts.get(key)
        if hit is None:
            q = self.texts.questionnaire
            options = option_key(question, question.options, "option")
            labels = [options + o.code for o in q.options_of(question)]
            if key == question.id:
                hit = (f"q.{key}.label", *([] if question.type == "matrix" else labels))
            else:
                hit = (option_key(question, question.rows, "row") + key.split(".", 1)[1], *labels)
            self._texts[key] = hit
        return hit

    def _audio_px(self, key: str, question: Question, audio: Collection[str]) -> int:
        if not audio:
            return 0
        return AUDIO_PX * sum(1 for k in self._text_keys(key, question) if k in audio)

    def visible_keys(
        self, section: Section, answers: Mapping[str, Any], consent: bool | None
    ) -> list[tuple[str, Question]]:
        q = self.texts.questionnaire
        out: list[tuple[str, Question]] = []
        for question in section.questions:
            if not question_visible(q, question, answers, consent):
                continue
            if question.type == "matrix":
                rows = visible_rows(q, question, answers)
                out += [(f"{question.id}.{r}", question) for r in rows]
            else:
                out.append((question.id, question))
        return out

    def parts(
        self,
        section: Section,
        lang: str,
        answers: Mapping[str, Any],
        consent: bool | None,
        audio: Collection[str] = (),
    ) -> list[PageKeys]:
        """The section's parts for these answers (at least one, possibly empty);
        ``audio``: the text keys with a recording in ``lang`` (their controls take room).

        Remembered by the answers the section's skip logic reads: every page shows the
        step counter, which needs the parts of every section."""
        deps = self._deps.get(section.id)
        if deps is None:
            deps = self._deps[section.id] = _dependencies(section)
        memo = (
            lang,
            section.id,
            consent,
            frozenset(audio),
            tuple(sorted((k, _frozen(v)) for k, v in answers.items() if k.split(".")[0] in deps)),
        )
        hit = self._parts.get(memo)
        if hit is None:
            if len(self._parts) >= MEMO_SIZE:
                self._parts.clear()
            hit = self._parts[memo] = self._split(section, lang, answers, consent, audio)
        return hit

    def _split(
        self,
        section: Section,
        lang: str,
        answers: Mapping[str, Any],
        consent: bool | None,
        audio: Collection[str],
    ) -> list[PageKeys]:
        units = []
        for key, question in self.visible_keys(section, answers, consent):
            header = 0
            if question.type == "matrix":
                header = self._cost(lang, question.id, question)
                header += self._audio_px(question.id, question, audio)
            cost = self._cost(lang, key, question) + self._audio_px(key, question, audio)
            units.append(_Unit(key, question.id, cost, header))
        if not units:
            return [()]
        packed = _pack(units, self.budget)
        # the smallest budget that needs no more parts: parts of even length
        low, high = max(u.cost + u.header for u in units), self.budget
        while low < high:
            middle = (low + high) // 2
            if len(_pack(units, middle)) <= len(packed):
                high = middle
            else:
                low = middle + 1
        if low < self.budget:
            packed = _pack(units, low)
        return [tuple(u.key for u in part) for part in packed]


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _dependencies(section: Section) -> frozenset[str]:
    """The question ids the visibility of the section's questions and rows reads."""
    found: set[str] = set()
    for question in section.questions:
        for expr in (question.relevance, question.row_relevance):
            if expr:
                found |= relevance.references(relevance.parse(expr.replace("{row}", "x")))
    return frozenset(found)


def _pack(units: Sequence[_Unit], budget: int) -> list[list[_Unit]]:
    """Units in order into parts, a new part when the next unit would not fit."""
    parts: list[list[_Unit]] = [[]]
    used = 0
    for unit in units:
        shown = any(u.question == unit.question for u in parts[-1])
        cost = unit.cost + (0 if shown else unit.header)
        if parts[-1] and used + cost > budget:
            parts.append([])
            used = 0
            cost = unit.cost + unit.header
        parts[-1].append(unit)
        used += cost
    return parts
