"""The "too fast" rule scales with the form: seconds per question shown to this
respondent (skip logic and consent applied; matrix rows count, notes do not)."""

from __future__ import annotations

from surveys.web.fill_time import SECONDS_PER_QUESTION, shown_questions, too_fast


def test_the_questions_shown_follow_skip_logic_and_consent(sqlite_ctx):
    q = sqlite_ctx.bundles()["newcomer"].questionnaire
    without_children = shown_questions(q, {"children": "no"}, consent=False)
    with_children = shown_questions(q, {"children": "yes"}, consent=False)
    with_consent = shown_questions(q, {"children": "yes"}, consent=True)
    assert 20 < without_children < with_children < with_consent


def test_a_person_answering_eight_questions_quickly_is_not_flagged_but_a_bot_is():
    assert SECONDS_PER_QUESTION == 2
    assert not too_fast(elapsed_seconds=19, shown=8, seconds_per_question=2)  # was flagged at 20 s
    assert too_fast(elapsed_seconds=5, shown=8, seconds_per_question=2)
    assert too_fast(elapsed_seconds=60, shown=40, seconds_per_question=2)  # a long form
    assert not too_fast(elapsed_seconds=0, shown=40, seconds_per_question=0)  # switched off
