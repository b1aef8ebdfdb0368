"""Skip logic between ODK and our language: same answers, same visibility."""

from __future__ import annotations

import pytest

from surveys.questionnaire import relevance
from surveys.questionnaire.model import Questionnaire
from surveys.xlsform.odk_relevance import constraint_limits, from_odk, to_odk

Q = Questionnaire.model_validate(
    {"id": "t", "audience": "newcomer", "version": "1", "title": "T",
     "sections": [{"id": "s", "title": "S", "questions": [
         {"id": "a", "type": "single", "label": "A", "options": [{"code": "x", "label": "X"}]},
         {"id": "n", "type": "number", "label": "N"}]}]}
)  # fmt: skip
NAMES = {"a": "a", "n": "n"}


@pytest.mark.parametrize(
    "ours",
    ['a != "x"', 'a == "x" or n >= 3', 'not a == "x"', "answered(a) and n < 2",
     'n > 1 and (a == "x" or a != "y")'],
)  # fmt: skip
def test_our_expression_goes_to_odk_and_back_unchanged(ours):
    odk = to_odk(relevance.parse(ours), Q)
    back, consent = from_odk(odk, NAMES, {})
    assert (back, consent) == (ours, False)


@pytest.mark.parametrize(
    ("odk", "answers", "shown"),
    [("${a} != 'x'", {}, True), ("${a} != 'x'", {"a": "x"}, False),
     ("${a} != '' and ${a} != 'x'", {}, False), ("${n} > 3", {}, False),
     ("string-length(${a}) > 0", {"a": "x"}, True), ("not(${a} = 'x')", {}, True)],
)  # fmt: skip
def test_imported_skip_logic_behaves_as_in_odk_for_unanswered_questions(odk, answers, shown):
    ours, _ = from_odk(odk, NAMES, {})
    assert relevance.evaluate(relevance.parse(ours), answers) is shown


@pytest.mark.parametrize(
    ("text", "integer", "limits"),
    [(". >= 1 and . <= 12", False, {"min": 1.0, "max": 12.0}),
     (". > 0 and . < 100", True, {"min": 1.0, "max": 99.0}),
     ("count-selected(.) < 4", False, {"max_choices": 3}),
     ("string-length(.) <= 300", False, {"max_length": 300})],
)  # fmt: skip
def test_constraints_become_limits(text, integer, limits):
    assert constraint_limits(text, integer=integer) == limits


@pytest.mark.parametrize("text", [". > 0", "regex(., '[0-9]+')", ". != 3", ". >= ${n}"])
def test_a_constraint_without_an_exact_limit_is_refused(text):
    with pytest.raises(relevance.RelevanceError):
        constraint_limits(text)
