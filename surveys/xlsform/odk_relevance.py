"""Skip logic and constraints between our expression language and ODK XPath.

Our language (:mod:`surveys.questionnaire.relevance`) → ODK (:func:`to_odk`)::

    q == "a"         ${q} = 'a'
    q != "a"         ${q} != '' and ${q} != 'a'     (ours is false while q is unanswered)
    selected(q, "c") selected(${q}, 'c')
    count(q)         count-selected(${q})
    answered(q)      ${q} != ''
    any_of(q, op, v) ${q.row1} op v or ${q.row2} op v …  (every row of matrix q)

ODK → ours (:func:`from_odk`) reads the same subset plus ``not()``, ``true()``,
``false()``, ``string-length(${q}) > 0`` and the sibling paths pyxform writes for
``or_other`` (``../q``). ``${q} != 'a'`` is true in ODK while ``q`` is unanswered, so it
becomes ``not q == "a"``, which behaves the same here; the pair our export writes for
``!=`` becomes ``q != "a"`` again. Anything else (arithmetic, ``today()``, ``regex()``,
``if()``…) raises :class:`~surveys.questionnaire.relevance.RelevanceError`.

The consent step of the export (:data:`CONSENT`) is no question of ours: a comparison
``${bedarfsradar-consent} = 'OK'`` is removed from an ``and`` chain and reported, because
it only says "sensitive" (the ``sensitive`` column carries that).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from surveys.questionnaire import relevance as rel
from surveys.questionnaire.model import Questionnaire

CONSENT = "bedarfsradar-consent"
"""Name of the export's consent item (``acknowledge``); never a question id of ours."""
CONSENT_VALUE = "OK"


class UnknownReference(rel.RelevanceError):
    """An expression names a question that is not (or not yet) part of the questionnaire."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"refers to unknown question '${{{name}}}'")


# -- ours -> text ---------------------------------------------------------------------------
def to_ours(node: rel.Node, parent: str | None = None) -> str:
    """Our expression syntax, canonical form (double quotes, single spaces)."""
    if isinstance(node, rel.Literal):
        v = node.value
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return f'"{v}"'
        return repr(v)
    if isinstance(node, rel.Ref):
        return node.name
    if isinstance(node, rel.ListLit):
        return "[" + ", ".join(to_ours(i) for i in node.items) + "]"
    if isinstance(node, rel.Call):
        return f"{node.func}(" + ", ".join(to_ours(a) for a in node.args) + ")"
    if isinstance(node, rel.Compare):
        return f"{to_ours(node.left, 'cmp')} {node.op} {to_ours(node.right, 'cmp')}"
    if isinstance(node, rel.Not):
        return f"not {to_ours(node.operand, 'not')}"
    if isinstance(node, rel.BoolOp):
        text = f" {node.op} ".join(to_ours(o, node.op) for o in node.operands)
        needs_parens = parent in ("not", "cmp") or (parent == "and" and node.op == "or")
        return f"({text})" if needs_parens else text
    raise TypeError(node)  # pragma: no cover


# -- ours -> ODK ----------------------------------------------------------------------------
def _odk_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, str):
        return f'"{value}"' if "'" in value else f"'{value}'"
    return repr(value)


def to_odk(node: rel.Node, q: Questionnaire, parent: str | None = None) -> str:
    """An ODK XPath expression for one of ours (``any_of`` expands over the rows)."""
    if isinstance(node, rel.Literal):
        return _odk_literal(node.value)
    if isinstance(node, rel.Ref):
        return "${" + node.name + "}"
    if isinstance(node, rel.Compare):
        if node.op == "in":
            items = node.right.items if isinstance(node.right, rel.ListLit) else (node.right,)
            parts = [rel.Compare("==", node.left, i) for i in items]
            return to_odk(rel.BoolOp("or", tuple(parts)), q, parent)
        left, right = to_odk(node.left, q, "cmp"), to_odk(node.right, q, "cmp")
        if node.op == "!=" and isinstance(node.left, rel.Ref):
            text = f"{left} != '' and {left} != {right}"
            return f"({text})" if parent in ("and", "cmp") else text
        op = "=" if node.op == "==" else node.op
        return f"{left} {op} {right}"
    if isinstance(node, rel.Not):
        return f"not({to_odk(node.operand, q)})"
    if isinstance(node, rel.BoolOp):
        text = f" {node.op} ".join(to_odk(o, q, node.op) for o in node.operands)
        return f"({text})" if parent in ("and", "cmp") and node.op == "or" else text
    if isinstance(node, rel.Call):
        ref = node.args[0]
        assert isinstance(ref, rel.Ref)
        if node.func == "selected":
            return f"selected(${{{ref.name}}}, {to_odk(node.args[1], q)})"
        if node.func == "answered":
            return f"${{{ref.name}}} != ''"
        if node.func == "count":
            return f"count-selected(${{{ref.name}}})"
        if node.func == "any_of":
            op_lit, value = node.args[1], node.args[2]
            assert isinstance(op_lit, rel.Literal)
            rows = q.rows_of(q.question(ref.name))
            parts = [
                rel.Compare(str(op_lit.value), rel.Ref(f"{ref.name}.{r.code}"), value) for r in rows
            ]
            return to_odk(rel.BoolOp("or", tuple(parts)), q, parent)
    raise TypeError(node)  # pragma: no cover


def consent_odk() -> str:
    return f"${{{CONSENT}}} = '{CONSENT_VALUE}'"


# -- ODK -> ours ----------------------------------------------------------------------------
_ODK_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{[^}]*\})
      | (?P<sibling>\.\./[A-Za-z_][A-Za-z0-9_.\-]*)
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>"[^"]*"|'[^']*')
      | (?P<op>!=|<=|>=|=|<|>|\(|\)|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_:\-]*(?:\.[A-Za-z0-9_]+)*)
      | (?P<dot>\.)
      | (?P<other>\S)
    )""",
    re.VERBOSE,
)


class _OdkParser:
    """ODK XPath subset → our AST; raises ``RelevanceError`` for anything else."""

    def __init__(
        self,
        text: str,
        names: Mapping[str, str],
        allow_self: bool = False,
        literals: Mapping[str, str] | None = None,
    ):
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _ODK_TOKEN.match(text, pos)
            if not m or m.end() == pos:
                break
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0
        self.names = names
        self.allow_self = allow_self
        self.literals = literals or {}

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise rel.RelevanceError("expression ends early")
        if value is not None and tok[1] != value:
            raise rel.RelevanceError(f"expected {value!r}, found {tok[1]!r}")
        self.i += 1
        return tok

    def parse(self) -> rel.Node:
        if not self.tokens:
            raise rel.RelevanceError("empty expression")
        node = self.parse_bool("or")
        if (tok := self.peek()) is not None:
            raise rel.RelevanceError(f"cannot translate {tok[1]!r}")
        return node

    def parse_bool(self, op: str) -> rel.Node:
        inner = (lambda: self.parse_bool("and")) if op == "or" else self.parse_compare
        operands = [inner()]
        while (tok := self.peek()) and tok == ("name", op):
            self.take()
            operands.append(inner())
        return operands[0] if len(operands) == 1 else rel.BoolOp(op, tuple(operands))

    def parse_compare(self) -> rel.Node:
        left = self.parse_primary()
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] in ("=", "!=", "<", "<=", ">", ">="):
            self.take()
            right = self.parse_primary()
            op = tok[1]
            if op in ("=", "!=") and right == rel.Literal("") and isinstance(left, rel.Ref):
                answered = rel.Call("answered", (left,))
                return answered if op == "!=" else rel.Not(answered)
            if (
                isinstance(left, rel.Call)
                and left.func == "string-length"
                and isinstance(left.args[0], rel.Ref)
                and left.args[0].name != "."
                and (op, right) in ((">", rel.Literal(0)), ("!=", rel.Literal(0)))
            ):
                return rel.Call("answered", left.args)
            if op == "!=":  # ODK: true while unanswered; ours: false — so say "not equal"
                return rel.Not(rel.Compare("==", left, right))
            return rel.Compare("==" if op == "=" else op, left, right)
        return left

    def ref(self, name: str) -> rel.Ref:
        if name not in self.names:
            raise UnknownReference(name)
        return rel.Ref(self.names[name])

    def parse_primary(self) -> rel.Node:
        kind, value = self.take()
        if kind == "ref":
            return self.ref(value[2:-1].strip())
        if kind == "sibling":
            return self.ref(value[3:])
        if kind == "number":
            return rel.Literal(float(value) if "." in value else int(value))
        if kind == "string":
            return rel.Literal(self.literals.get(value[1:-1], value[1:-1]))
        if kind == "dot" and self.allow_self:
            return rel.Ref(".")
        if value == "(":
            node = self.parse_bool("or")
            self.take(")")
            return node
        if kind == "name" and (tok := self.peek()) and tok[1] == "(":
            return self.call(value)
        raise rel.RelevanceError(f"cannot translate {value!r}")

    def call(self, name: str) -> rel.Node:
        self.take("(")
        args: list[rel.Node] = []
        while (tok := self.peek()) and tok[1] != ")":
            args.append(self.parse_bool("or"))
            if (tok := self.peek()) and tok[1] == ",":
                self.take()
        self.take(")")
        if name in ("true", "false") and not args:
            return rel.Literal(name == "true")
        if name == "not" and len(args) == 1:
            return rel.Not(args[0])
        if name == "selected" and len(args) == 2 and isinstance(args[0], rel.Ref):
            return rel.Call("selected", (args[0], args[1]))
        if name == "count-selected" and len(args) == 1 and isinstance(args[0], rel.Ref):
            return rel.Call("count", (args[0],))
        if name == "string-length" and len(args) == 1 and isinstance(args[0], rel.Ref):
            return rel.Call("string-length", tuple(args))
        raise rel.RelevanceError(f"cannot translate '{name}()'")


def _fold(node: rel.Node, rows: Mapping[str, list[str]]) -> rel.Node:
    """Undo what :func:`to_odk` expands: ``any_of`` over all rows of a matrix, and the
    ``answered(q) and not q == v`` pair of ``q != v``."""
    if isinstance(node, rel.Not):
        return rel.Not(_fold(node.operand, rows))
    if not isinstance(node, rel.BoolOp):
        return node
    operands = [_fold(o, rows) for o in node.operands]
    if node.op == "or" and (folded := _any_of(operands, rows)) is not None:
        return folded
    if node.op == "and":
        out: list[rel.Node] = []
        for o in operands:
            prev = out[-1] if out else None
            if (
                isinstance(o, rel.Not)
                and isinstance(o.operand, rel.Compare)
                and o.operand.op == "=="
                and prev == rel.Call("answered", (o.operand.left,))
            ):
                out[-1] = rel.Compare("!=", o.operand.left, o.operand.right)
            else:
                out.append(o)
        operands = out
    return operands[0] if len(operands) == 1 else rel.BoolOp(node.op, tuple(operands))


def _any_of(operands: list[rel.Node], rows: Mapping[str, list[str]]) -> rel.Node | None:
    cmps = [o for o in operands if isinstance(o, rel.Compare) and isinstance(o.left, rel.Ref)]
    if len(cmps) != len(operands) or not cmps:
        return None
    first = cmps[0]
    assert isinstance(first.left, rel.Ref)
    qid = first.left.name.split(".", 1)[0]
    codes = [c.left.name.split(".", 1)[-1] for c in cmps if isinstance(c.left, rel.Ref)]
    same = all(
        c.op == first.op
        and c.right == first.right
        and isinstance(c.left, rel.Ref)
        and c.left.name.startswith(qid + ".")
        for c in cmps
    )
    if qid in rows and codes == rows[qid] and same:
        return rel.Call("any_of", (rel.Ref(qid), rel.Literal(first.op), first.right))
    return None


def _without_consent(node: rel.Node) -> tuple[rel.Node | None, bool]:
    marker = rel.Compare("==", rel.Ref(CONSENT), rel.Literal(CONSENT_VALUE))
    if node == marker:
        return None, True
    if isinstance(node, rel.BoolOp) and node.op == "and" and marker in node.operands:
        rest = tuple(o for o in node.operands if o != marker)
        return (rest[0] if len(rest) == 1 else rel.BoolOp("and", rest)), True
    return node, False


def from_odk(
    text: str,
    names: Mapping[str, str],
    matrix_rows: Mapping[str, list[str]],
    literals: Mapping[str, str] | None = None,
) -> tuple[str | None, bool]:
    """Our expression for an ODK ``relevant`` and whether it required the export's consent
    step; ``None`` when nothing but that remains. ``names`` maps XLSForm names to ours,
    ``literals`` renamed choice names. Raises ``RelevanceError`` (or
    :class:`UnknownReference`) if it cannot be translated."""
    known = {**names, CONSENT: CONSENT}
    node, consent = _without_consent(_OdkParser(text, known, literals=literals).parse())
    if node is None:
        return None, consent
    node = _fold(node, matrix_rows)
    if CONSENT in rel.references(node):
        raise rel.RelevanceError("uses the consent step in an unexpected way")
    ours = to_ours(node)
    rel.parse(ours)  # must be valid in our language
    return ours, consent


def constraint_limits(text: str, *, integer: bool = False) -> dict[str, float | int]:
    """``. >= 1 and . <= 200`` → min/max; ``string-length(.) <= 300`` → max_length;
    ``count-selected(.) <= 3`` → max_choices. With whole numbers ``. > 0`` is ``min 1``.
    Anything else raises ``RelevanceError``."""
    node = _OdkParser(text, {}, allow_self=True).parse()
    parts = node.operands if isinstance(node, rel.BoolOp) and node.op == "and" else (node,)
    out: dict[str, float | int] = {}
    for part in parts:
        if not (isinstance(part, rel.Compare) and isinstance(part.right, rel.Literal)):
            raise rel.RelevanceError(f"cannot translate constraint {text!r}")
        value = part.right.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise rel.RelevanceError(f"cannot translate constraint {text!r}")
        left, op = part.left, part.op
        whole = isinstance(value, int)
        if left == rel.Ref(".") and (op in (">=", "<=") or (integer and whole)):
            if op in (">", "<"):
                value, op = (value + 1, ">=") if op == ">" else (value - 1, "<=")
            if op not in (">=", "<="):
                raise rel.RelevanceError(f"cannot translate constraint {text!r}")
            out["min" if op == ">=" else "max"] = float(value)
        elif (
            isinstance(left, rel.Call)
            and left.args == (rel.Ref("."),)
            and op in ("<=", "<")
            and whole
            and (name := {"string-length": "max_length", "count": "max_choices"}.get(left.func))
        ):
            out[name] = int(value) if op == "<=" else int(value) - 1
        else:
            raise rel.RelevanceError(f"cannot translate constraint {text!r}")
    return out
