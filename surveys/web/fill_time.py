"""The "too fast" rule: an online response submitted sooner than a person could read the
questions shown to this respondent is flagged ``too_fast`` for the guide's review (stored,
never refused).

The time needed grows with the form: :data:`SECONDS_PER_QUESTION` for each question the
respondent was shown (after skip logic and consent; a matrix row counts as a question, a
note does not), counted from the privacy notice. A fixed limit (it was 20 s) flagged real
people answering a short form quickly and let a bot through a long one. The Kampagnen
page documents the rule for the guide.
"""

from __future__ import annotations

from typing import Any

from surveys.questionnaire.model import Questionnaire
from surveys.responses.answers import question_visible, section_visible, visible_rows

SECONDS_PER_QUESTION = 2.0
"""Reading a short question and tapping an answer takes a person at least this long."""


def shown_questions(q: Questionnaire, answers: dict[str, Any], consent: bool | None) -> int:
    """How many questions this respondent was shown (matrix rows one each, notes none)."""
    count = 0
    for section in q.sections:
        if not section_visible(q, section, answers, consent):
            continue
        for question in section.questions:
            if question.type == "note" or not question_visible(q, question, answers, consent):
                continue
            count += len(visible_rows(q, question, answers)) if question.type == "matrix" else 1
    return count


def too_fast(elapsed_seconds: float, shown: int, seconds_per_question: float) -> bool:
    return elapsed_seconds < shown * seconds_per_question
