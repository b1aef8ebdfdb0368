"""The skip-logic expression language: parsed, evaluated, never eval'd."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.questionnaire.relevance import RelevanceError, evaluate, parse, references

ANSWERS = {
    "children": "yes",
    "need.housing": "4",
    "need.mobility": "dk",
    "need.language": "2",
    "barriers": ["cost", "time"],
    "age": "34",
}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('children == "yes"', True),
        ('children != "yes"', False),
        ("need.housing >= 3", True),
        ("need.housing > 4", False),
        ("need.language >= 3", False),
        ("need.mobility >= 3", False),  # a missing code never satisfies a numeric comparison
        ("need.mobility <= 3", False),
        ("unanswered >= 3", False),  # unanswered: comparisons are false
        ('not unanswered == "x"', True),
        ('selected(barriers, "cost")', True),
        ('selected(barriers, "papers")', False),
        ("count(barriers) == 2", True),
        ("answered(children) and not answered(unanswered)", True),
        ('any_of(need, ">=", 4)', True),
        ('any_of(need, ">", 4)', False),
        ('children in ["yes", "maybe"]', True),
        ("age >= 18 and age < 65", True),
        ('(children == "no" or need.housing == 4) and age > 30', True),
        ("true", True),
    ],
)
def test_expressions_evaluate_to_expected_values(expr, expected):
    assert evaluate(parse(expr), ANSWERS) is expected


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("", "empty expression"),
        ("children ==", "ends early"),
        ('children = "yes"', "unexpected character '='"),
        ("__import__('os')", "unknown function '__import__'"),
        ("selected(barriers)", "takes 2 argument(s), got 1"),
        ('any_of(need, "~", 3)', "comparison"),
        ("(a == 1", "expected ')'"),
        ("a == 1)", "unexpected ')'"),
        ("a ; b", "unexpected character ';'"),
        ("x" * 600, "longer than 500"),
        ("not " * 40 + "a", "nested deeper"),
    ],
)
def test_bad_expressions_are_rejected_with_a_reason(expr, message):
    with pytest.raises(RelevanceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(expr)


def test_references_name_the_questions_not_the_rows():
    assert references(parse('need.housing >= 3 and selected(barriers, "x")')) == {
        "need",
        "barriers",
    }


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_arbitrary_text_either_parses_or_raises_relevance_error(text):
    try:
        node = parse(text)
    except RelevanceError:
        return
    assert isinstance(evaluate(node, ANSWERS), bool)
