"""A small, safe expression language for skip logic ("relevance").

Expressions are tokenised and parsed into a tiny AST and evaluated by walking it — never
with ``eval``. The grammar (lowest precedence first)::

    expr     := or
    or       := and ("or" and)*
    and      := not ("and" not)*
    not      := "not" not | compare
    compare  := primary (("=="|"!="|"<"|"<="|">"|">="|"in") primary)?
    primary  := NUMBER | STRING | NAME | NAME "(" args ")" | "(" expr ")" | "[" items "]"

A NAME is a question reference: ``children`` or ``need.housing`` (matrix row). Functions:
``selected(q, "code")`` (multiple choice contains code), ``answered(q)``,
``count(q)`` (number of selected options) and ``any_of(q, op, value)`` (any matrix row
compares true, e.g. ``any_of(need, ">=", 3)``).

Comparisons between a missing answer and anything are false, so an unanswered question
hides what depends on it. Numeric strings compare as numbers ("4" >= 3 is true), and
missing codes such as "na"/"dk" never satisfy a numeric comparison.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_LENGTH = 500
MAX_DEPTH = 30


class RelevanceError(ValueError):
    """An expression that cannot be parsed; the message names the position."""


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class ListLit:
    items: tuple[Node, ...]


Node = Literal | Ref | Call | Compare | BoolOp | Not | ListLit

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>"[^"\\]*"|'[^'\\]*')
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}
_COMPARE_OPS = {"==", "!=", "<", "<=", ">", ">=", "in"}
FUNCTIONS: dict[str, int] = {"selected": 2, "answered": 1, "count": 1, "any_of": 3}


def _tokenise(text: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            at = len(text) - len(text[pos:].lstrip())
            raise RelevanceError(f"unexpected character {text[at]!r} at {at + 1}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        start = match.start(kind) + 1
        if kind == "name" and value in _KEYWORDS:
            kind = "keyword"
        tokens.append((kind, value, start))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        if len(text) > MAX_LENGTH:
            raise RelevanceError(f"expression longer than {MAX_LENGTH} characters")
        self.tokens = _tokenise(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise RelevanceError(
                f"expression ends early, expected {repr(value) if value else 'a value'}"
            )
        if value is not None and tok[1] != value:
            raise RelevanceError(f"expected {value!r} at {tok[2]}, found {tok[1]!r}")
        self.i += 1
        return tok

    def parse(self) -> Node:
        if not self.tokens:
            raise RelevanceError("empty expression")
        node = self.parse_or()
        tok = self.peek()
        if tok is not None:
            raise RelevanceError(f"unexpected {tok[1]!r} at {tok[2]}")
        return node

    def _nested(self, fn: Callable[[], Node]) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RelevanceError(f"expression nested deeper than {MAX_DEPTH} levels")
        try:
            return fn()
        finally:
            self.depth -= 1

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while (tok := self.peek()) and tok[1] == "or":
            self.take()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_not()]
        while (tok := self.peek()) and tok[1] == "and":
            self.take()
            operands.append(self.parse_not())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def parse_not(self) -> Node:
        tok = self.peek()
        if tok and tok[1] == "not":
            self.take()
            return Not(self._nested(self.parse_not))
        return self.parse_compare()

    def parse_compare(self) -> Node:
        left = self.parse_primary()
        tok = self.peek()
        if tok and tok[1] in _COMPARE_OPS:
            self.take()
            right = self.parse_primary()
            return Compare(tok[1], left, right)
        return left

    def parse_primary(self) -> Node:
        kind, value, pos = self.take()
        if kind == "number":
            return Literal(float(value) if "." in value else int(value))
        if kind == "string":
            return Literal(value[1:-1])
        if kind == "keyword" and value in ("true", "false"):
            return Literal(value == "true")
        if value == "(":
            node = self._nested(self.parse_or)
            self.take(")")
            return node
        if value == "[":
            items: list[Node] = []
            while (tok := self.peek()) and tok[1] != "]":
                items.append(self.parse_primary())
                if (tok := self.peek()) and tok[1] == ",":
                    self.take()
            self.take("]")
            return ListLit(tuple(items))
        if kind == "name":
            tok = self.peek()
            if tok and tok[1] == "(":
                return self._call(value, pos)
            return Ref(value)
        raise RelevanceError(f"unexpected {value!r} at {pos}")

    def _call(self, name: str, pos: int) -> Node:
        if name not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise RelevanceError(f"unknown function {name!r} at {pos} (known: {known})")
        self.take("(")
        args: list[Node] = []
        while (tok := self.peek()) and tok[1] != ")":
            args.append(self._nested(self.parse_or))
            if (tok := self.peek()) and tok[1] == ",":
                self.take()
        self.take(")")
        if len(args) != FUNCTIONS[name]:
            raise RelevanceError(f"{name}() takes {FUNCTIONS[name]} argument(s), got {len(args)}")
        if name == "any_of":
            op = args[1]
            if not (isinstance(op, Literal) and op.value in _COMPARE_OPS - {"in"}):
                raise RelevanceError('any_of() needs a comparison like ">=" as second argument')
        if not isinstance(args[0], Ref):
            raise RelevanceError(f"{name}() needs a question id as first argument")
        return Call(name, tuple(args))


def parse(text: str) -> Node:
    """Parse an expression; raises :class:`RelevanceError` with a position on bad input."""
    return _Parser(text).parse()


def references(node: Node) -> set[str]:
    """The question ids (``need.housing`` → ``need``) an expression refers to."""
    found: set[str] = set()

    def walk(n: Node) -> None:
        if isinstance(n, Ref):
            found.add(n.name.split(".", 1)[0])
        elif isinstance(n, Call):
            for a in n.args:
                walk(a)
        elif isinstance(n, Compare):
            walk(n.left)
            walk(n.right)
        elif isinstance(n, BoolOp | ListLit):
            for a in n.operands if isinstance(n, BoolOp) else n.items:
                walk(a)
        elif isinstance(n, Not):
            walk(n.operand)

    walk(node)
    return found


Answers = Mapping[str, Any]
"""Answers as the form holds them: ``{"children": "yes", "need.housing": "4",
"barriers": ["cost", "time"]}`` — matrix rows as ``question.row`` keys."""

_MISSING = object()


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is _MISSING or right is _MISSING or left is None or right is None:
        return False
    if op == "in":
        items = right if isinstance(right, list | tuple) else [right]
        lefts = left if isinstance(left, list | tuple) else [left]
        return any(_equal(a, b) for a in lefts for b in items)
    if op in ("==", "!="):
        eq = (
            any(_equal(a, right) for a in left)
            if isinstance(left, list | tuple)
            else _equal(left, right)
        )
        return eq if op == "==" else not eq
    a, b = _number(left), _number(right)
    if a is None or b is None:
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _equal(a: Any, b: Any) -> bool:
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        return na == nb
    return str(a) == str(b)


def evaluate(node: Node, answers: Answers) -> bool:
    """Evaluate a parsed expression against answers; the result is a plain bool."""
    return bool(_eval(node, answers))


def _eval(node: Node, answers: Answers) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Ref):
        value = answers.get(node.name, _MISSING)
        return _MISSING if value in (None, "", []) else value
    if isinstance(node, ListLit):
        return [_eval(i, answers) for i in node.items]
    if isinstance(node, Not):
        return not evaluate(node.operand, answers)
    if isinstance(node, BoolOp):
        results: Iterable[bool] = (evaluate(o, answers) for o in node.operands)
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Compare):
        return _compare(node.op, _eval(node.left, answers), _eval(node.right, answers))
    if isinstance(node, Call):
        return _call(node, answers)
    raise TypeError(f"unknown node {node!r}")  # pragma: no cover


def _call(node: Call, answers: Answers) -> Any:
    ref = node.args[0]
    assert isinstance(ref, Ref)
    value = _eval(ref, answers)
    if node.func == "answered":
        return value is not _MISSING
    if node.func == "count":
        if value is _MISSING:
            return 0
        return len(value) if isinstance(value, list | tuple) else 1
    if node.func == "selected":
        code = _eval(node.args[1], answers)
        return value is not _MISSING and _compare("in", code, value)
    # any_of(question, op, value): any matrix row ``question.<row>`` compares true
    op = node.args[1].value  # type: ignore[union-attr]
    target = _eval(node.args[2], answers)
    prefix = ref.name + "."
    return any(_compare(op, v, target) for k, v in answers.items() if k.startswith(prefix))
