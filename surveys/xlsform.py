"""XLSForm import and export (the ODK / KoboToolbox spreadsheet standard).

Import (:func:`read_xlsform`) turns a workbook with ``survey``, ``choices`` and ``settings``
sheets into a :class:`QuestionnaireBundle` (German source plus one translation per
``label::Language (code)`` column). A bad workbook is rejected whole: every problem is
listed, each naming sheet, row and column (``survey, row 7, column relevant: cannot
translate 'today()'``). Export (:func:`write_xlsform`) writes our questionnaire in the same
form, so that export → import gives an identical questionnaire.

Mapping (XLSForm → ours):

=======================================  ==========================================
``select_one L`` / ``select_multiple L``  single / multiple (``appearance likert``: scale)
``rank L``                                ranking (``count-selected(.) <= n``: max_choices)
``integer``, ``decimal``                  number (``. >= a and . <= b``: min / max)
``text``                                  text (``appearance multiline``: textarea;
                                          ``string-length(.) <= n``: max_length)
top-level ``begin_group``/``end_group``   section (label title, hint intro, relevant)
a group inside a section whose rows are   matrix: group label/hint/relevant are the
all ``select_one`` of one list            question's; each row's name is
                                          ``<question>.<row>``; ``matrix_rows`` names the
                                          option set the rows come from (else inline rows)
``relevant``                              relevance, translated (see below)
``required`` yes/true                     required
=======================================  ==========================================

Lists named ``<question>__inline`` are a question's own options (translation keys
``q.<id>.option.<code>``); every other list is a shared option set
(``options.<list>.<code>``). Extra columns that ODK tools ignore carry what XLSForm cannot
say: ``sensitive`` (survey), ``missing`` and ``hint::…`` (choices), and in ``settings``:
``audience`` plus ``intro``, ``privacy``, ``consent_sensitive``, ``thank_you`` (each with
``::Language (code)``) the title's translations as ``translated_title::Language (code)`` (pyxform
accepts neither a translated ``form_title`` nor a ``title`` column). Questions outside any group
form one section per run, titled with the form title.

Relevance: ``${q} = 'a'`` → ``q == "a"``, ``!=``, ``<``, ``<=``, ``>``, ``>=``,
``selected(${q}, 'c')`` → ``selected(q, "c")``, ``count-selected(${q})`` → ``count(q)``,
``${q} != ''`` → ``answered(q)``, ``not(…)``, ``and``, ``or``, parentheses, ``true()``,
``false()``. An or-chain comparing every row of a matrix with the same value becomes
``any_of(q, ">=", 3)``. Anything else (arithmetic, ``today()``, ``regex()``, …) cannot
be translated and is rejected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from surveys import relevance as rel
from surveys.languages import SOURCE_LANGUAGE, is_known, language
from surveys.loader import QuestionnaireError, parse_questionnaire, parse_translation
from surveys.model import ID_PATTERN, Option, Question, Questionnaire, QuestionnaireBundle
from surveys.translation_io import TranslationImportError, load_workbook_safely, neutralise

INLINE = "__inline"
TEXT_FIELDS = ("intro", "privacy", "consent_sensitive", "thank_you")
DEFAULT_MAX_LENGTH = 2000
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
}
SURVEY_COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "appearance",
    "sensitive",
    "matrix_rows",
    "constraint_message",
    "required_message",
    "guidance_hint",
}
CHOICE_COLUMNS = {"list_name", "name", "label", "missing"}
HINT_COLUMNS = {"list_name", "name", "hint"}
HINT_SHEET = "choice_hints"
"""Option hints live in their own sheet: pyxform rejects translated columns it does not
know in ``choices``, and ODK tools ignore unknown sheets."""
SETTINGS_COLUMNS = {
    "form_title",
    "form_id",
    "version",
    "default_language",
    "audience",
    "instance_name",
    "style",
    "translated_title",
    *TEXT_FIELDS,
}
IGNORED_TRANSLATED = {"constraint_message", "required_message", "guidance_hint"}
_LANG_COLUMN = re.compile(r"^(?P<base>[a-z_]+)::(?P<name>.*?)\s*\((?P<code>[A-Za-z0-9-]+)\)\s*$")
_ID = re.compile(ID_PATTERN)
_CODE = re.compile(r"^[A-Za-z0-9_\-]+$")


# -- problems -----------------------------------------------------------------------------
@dataclass(frozen=True)
class XLSFormProblem:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.sheet]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class XLSFormError(ValueError):
    """A workbook that cannot become a questionnaire; nothing of it is used."""

    def __init__(self, problems: list[XLSFormProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# -- relevance: our syntax <-> ODK --------------------------------------------------------
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
        op = "=" if node.op == "==" else node.op
        return f"{to_odk(node.left, q, 'cmp')} {op} {to_odk(node.right, q, 'cmp')}"
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


_ODK_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{[^}]*\})
      | (?P<number>\d+(?:\.\d+)?)
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

    def __init__(self, text: str, names: Mapping[str, str], allow_self: bool = False):
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
            if tok[1] in ("=", "!=") and right == rel.Literal("") and isinstance(left, rel.Ref):
                answered = rel.Call("answered", (left,))
                return answered if tok[1] == "!=" else rel.Not(answered)
            return rel.Compare("==" if tok[1] == "=" else tok[1], left, right)
        return left

    def ref(self, token: str) -> rel.Ref:
        name = token[2:-1].strip()
        if name not in self.names:
            raise rel.RelevanceError(f"refers to unknown question {token!r}")
        return rel.Ref(self.names[name])

    def parse_primary(self) -> rel.Node:
        kind, value = self.take()
        if kind == "ref":
            return self.ref(value)
        if kind == "number":
            return rel.Literal(float(value) if "." in value else int(value))
        if kind == "string":
            return rel.Literal(value[1:-1])
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
        if name == "string-length" and len(args) == 1 and self.allow_self:
            return rel.Call("string-length", tuple(args))
        raise rel.RelevanceError(f"cannot translate '{name}()'")


def _matrix_any_of(node: rel.Node, rows: Mapping[str, list[str]]) -> rel.Node:
    """Fold ``q.a >= 3 or q.b >= 3 or …`` over all rows of matrix ``q`` into ``any_of``."""
    if isinstance(node, rel.BoolOp):
        operands = tuple(_matrix_any_of(o, rows) for o in node.operands)
        if node.op == "or" and all(
            isinstance(o, rel.Compare) and isinstance(o.left, rel.Ref) and "." in o.left.name
            for o in operands
        ):
            cmps = [o for o in operands if isinstance(o, rel.Compare)]
            first = cmps[0]
            assert isinstance(first.left, rel.Ref)
            qid = first.left.name.split(".", 1)[0]
            codes = [c.left.name.split(".", 1)[1] for c in cmps if isinstance(c.left, rel.Ref)]
            if (
                qid in rows
                and codes == rows[qid]
                and all(c.op == first.op and c.right == first.right for c in cmps)
                and all(
                    isinstance(c.left, rel.Ref) and c.left.name.startswith(qid + ".") for c in cmps
                )
            ):
                return rel.Call("any_of", (rel.Ref(qid), rel.Literal(first.op), first.right))
        return rel.BoolOp(node.op, operands)
    if isinstance(node, rel.Not):
        return rel.Not(_matrix_any_of(node.operand, rows))
    return node


def from_odk(text: str, names: Mapping[str, str], matrix_rows: Mapping[str, list[str]]) -> str:
    """Our expression for an ODK ``relevant``; raises ``RelevanceError`` if impossible."""
    node = _matrix_any_of(_OdkParser(text, names).parse(), matrix_rows)
    ours = to_ours(node)
    rel.parse(ours)  # must be valid in our language
    return ours


def constraint_limits(text: str) -> dict[str, float | int]:
    """``. >= 1 and . <= 200`` → min/max; ``string-length(.) <= 300`` → max_length;
    ``count-selected(.) <= 3`` → max_choices. Anything else raises ``RelevanceError``."""
    node = _OdkParser(text, {}, allow_self=True).parse()
    parts = node.operands if isinstance(node, rel.BoolOp) and node.op == "and" else (node,)
    out: dict[str, float | int] = {}
    for part in parts:
        if not (isinstance(part, rel.Compare) and isinstance(part.right, rel.Literal)):
            raise rel.RelevanceError(f"cannot translate constraint {text!r}")
        value = part.right.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise rel.RelevanceError(f"cannot translate constraint {text!r}")
        left = part.left
        if left == rel.Ref(".") and part.op in (">=", "<="):
            out["min" if part.op == ">=" else "max"] = float(value)
        elif (
            isinstance(left, rel.Call)
            and left.args == (rel.Ref("."),)
            and part.op == "<="
            and isinstance(value, int)
        ):
            name = {"string-length": "max_length", "count": "max_choices"}.get(left.func)
            if name is None:
                raise rel.RelevanceError(f"cannot translate constraint {text!r}")
            out[name] = value
        else:
            raise rel.RelevanceError(f"cannot translate constraint {text!r}")
    return out


# -- export -------------------------------------------------------------------------------
def language_column(code: str) -> str:
    """``German (de)``, ``Arabic (ar)``: the XLSForm language column suffix."""
    from babel import Locale

    meta = language(code)
    try:
        name = Locale.parse(meta.babel_locale).get_display_name("en") or meta.native_name
    except (ValueError, TypeError):
        name = meta.native_name
    if "-x-" in code:
        name = meta.native_name
    return f"{name} ({code})"


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _constraint(question: Question) -> str | None:
    parts = []
    if question.type == "number":
        if question.min is not None:
            parts.append(f". >= {_number_text(question.min)}")
        if question.max is not None:
            parts.append(f". <= {_number_text(question.max)}")
    if question.type in ("text", "textarea") and question.max_length != DEFAULT_MAX_LENGTH:
        parts.append(f"string-length(.) <= {question.max_length}")
    if question.type in ("multiple", "ranking") and question.max_choices is not None:
        parts.append(f"count-selected(.) <= {question.max_choices}")
    return " and ".join(parts) or None


def _list_name(question: Question, spec: str | list[Option] | None) -> str:
    return spec if isinstance(spec, str) else question.id + INLINE


def xlsform_rows(bundle: QuestionnaireBundle) -> dict[str, list[dict[str, Any]]]:
    """The three sheets as lists of ``column -> value`` rows."""
    q = bundle.questionnaire
    codes = bundle.languages()

    def texts(column: str, key: str, german: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for code in codes:
            value = (
                german
                if code == SOURCE_LANGUAGE
                else (bundle.translations[code].strings.get(key) if german else None)
            )
            out[f"{column}::{language_column(code)}"] = value or None
        return out

    def odk(expr: str | None) -> str | None:
        return to_odk(rel.parse(expr), q) if expr else None

    survey: list[dict[str, Any]] = []
    for section in q.sections:
        survey.append(
            {
                "type": "begin_group",
                "name": section.id,
                **texts("label", f"section.{section.id}.title", section.title),
                **texts("hint", f"section.{section.id}.intro", section.intro),
                "relevant": odk(section.relevance),
                "sensitive": "yes" if section.sensitive else None,
            }
        )
        for question in section.questions:
            key = f"q.{question.id}"
            common = {
                "name": question.id,
                **texts("label", f"{key}.label", question.label),
                **texts("hint", f"{key}.hint", question.hint),
                "relevant": odk(question.relevance),
                "sensitive": "yes" if question.sensitive else None,
            }
            if question.type == "matrix":
                options = _list_name(question, question.options)
                rows_spec = question.rows
                survey.append(
                    {
                        **common,
                        "type": "begin_group",
                        "appearance": "table-list",
                        "matrix_rows": rows_spec if isinstance(rows_spec, str) else None,
                    }
                )
                for row in q.rows_of(question):
                    rkey = (
                        f"options.{rows_spec}.{row.code}"
                        if isinstance(rows_spec, str)
                        else f"{key}.row.{row.code}"
                    )
                    rrel = question.row_relevance
                    survey.append(
                        {
                            "type": f"select_one {options}",
                            "name": f"{question.id}.{row.code}",
                            **texts("label", rkey, row.label),
                            **texts("hint", f"{rkey}.hint", row.hint),
                            "required": "yes" if question.required else None,
                            "relevant": odk(rrel.replace("{row}", row.code)) if rrel else None,
                        }
                    )
                survey.append({"type": "end_group", "name": question.id})
                continue
            kind = {
                "single": f"select_one {_list_name(question, question.options)}",
                "scale": f"select_one {_list_name(question, question.options)}",
                "multiple": f"select_multiple {_list_name(question, question.options)}",
                "ranking": f"rank {_list_name(question, question.options)}",
                "number": "decimal",
                "text": "text",
                "textarea": "text",
            }[question.type]
            appearance = {"scale": "likert", "textarea": "multiline"}.get(question.type)
            survey.append(
                {
                    **common,
                    "type": kind,
                    "appearance": appearance,
                    "required": "yes" if question.required else None,
                    "constraint": _constraint(question),
                }
            )
        survey.append({"type": "end_group", "name": section.id})

    choices: list[dict[str, Any]] = []
    hints: list[dict[str, Any]] = []

    def add_list(name: str, options: list[Option], prefix: str) -> None:
        for opt in options:
            choices.append(
                {
                    "list_name": name,
                    "name": opt.code,
                    **texts("label", f"{prefix}.{opt.code}", opt.label),
                    "missing": "yes" if opt.missing else None,
                }
            )
            if opt.hint:
                hints.append(
                    {
                        "list_name": name,
                        "name": opt.code,
                        **texts("hint", f"{prefix}.{opt.code}.hint", opt.hint),
                    }
                )

    for name, set_options in q.option_sets.items():
        add_list(name, set_options, f"options.{name}")
    for _, question in q.questions():
        if isinstance(question.options, list):
            add_list(question.id + INLINE, question.options, f"q.{question.id}.option")

    settings: dict[str, Any] = {
        "form_id": q.id,
        "version": q.version,
        "audience": q.audience,
        "default_language": language_column(SOURCE_LANGUAGE),
        **{k: v for k, v in texts("translated_title", "title", q.title).items() if "(de)" not in k},
    }
    settings["form_title"] = q.title
    for name in TEXT_FIELDS:
        settings.update(texts(name, name, getattr(q, name)))
    return {"survey": survey, "choices": choices, HINT_SHEET: hints, "settings": [settings]}


def write_xlsform(bundle: QuestionnaireBundle, path: Path) -> Path:
    """Write the questionnaire as an XLSForm workbook (cells neutralised against formulas;
    ODK expressions never start with ``=``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    sheets = xlsform_rows(bundle)
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        columns: list[str] = []
        for row in rows:
            for column, value in row.items():
                if column not in columns and (value is not None or title == "settings"):
                    columns.append(column)
        if title == "settings":
            columns = ["form_title", "form_id", "version", "default_language"] + [
                c
                for c in columns
                if c not in ("form_title", "form_id", "version", "default_language")
            ]
        ws.append(columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(
                [
                    neutralise(str(v)) if v is not None else None
                    for v in (row.get(c) for c in columns)
                ]
            )
        ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# -- import -------------------------------------------------------------------------------
@dataclass
class _Sheet:
    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    languages: dict[str, str] = field(default_factory=dict)
    """column -> language code for ``label::…`` style columns."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_sheet(
    wb: Any, name: str, allowed: set[str], problems: list[XLSFormProblem], required: bool = True
) -> _Sheet | None:
    if name not in wb.sheetnames:
        if required:
            problems.append(XLSFormProblem(name, None, None, f"sheet {name!r} is missing"))
        return None
    ws = wb[name]
    rows_iter = ws.iter_rows()
    try:
        header_cells = next(rows_iter)
    except StopIteration:
        problems.append(XLSFormProblem(name, 1, None, "empty sheet"))
        return None
    header = [_text(c.value) for c in header_cells]
    sheet = _Sheet(name, header, [])
    for i, column in enumerate(header):
        if not column:
            continue
        m = _LANG_COLUMN.match(column)
        base = m.group("base") if m else column.split("::", 1)[0]
        if base not in allowed:
            header[i] = f"?{column}"  # unsupported: rejected below if any row uses it
            continue
        if m:
            if not is_known(m.group("code")):
                problems.append(
                    XLSFormProblem(
                        name, 1, _col(i, column), f"unknown language code {m.group('code')!r}"
                    )
                )
            sheet.languages[column] = m.group("code")
        elif "::" in column:
            problems.append(
                XLSFormProblem(
                    name,
                    1,
                    _col(i, column),
                    "name the language code in parentheses, e.g. 'label::Arabic (ar)'",
                )
            )
    for cells in rows_iter:
        values = {}
        for i, cell in enumerate(cells):
            if i < len(header) and header[i] and cell.value is not None:
                if cell.data_type == "f":
                    problems.append(
                        XLSFormProblem(name, cell.row, _col(i, header[i]), "cell holds a formula")
                    )
                values[header[i]] = _text(cell.value)
        values = {k: v for k, v in values.items() if v}
        if values:
            for column in [c for c in values if c.startswith("?")]:
                idx = header.index(column)
                problems.append(
                    XLSFormProblem(
                        name, cells[0].row, _col(idx, column[1:]), "column not supported"
                    )
                )
            sheet.rows.append((cells[0].row, values))
    return sheet


def _col(index: int, name: str) -> str:
    from openpyxl.utils import get_column_letter

    return f"{name} ({get_column_letter(index + 1)})"


def _yes(value: str) -> bool:
    return value.strip().lower() in ("yes", "true", "true()", "1", "ja")


class _Builder:
    """Collects the questionnaire from the sheets, problems with sheet/row/column."""

    def __init__(
        self, survey: _Sheet, choices: _Sheet | None, settings: _Sheet | None, workbook_name: str
    ):
        self.survey, self.choices, self.settings = survey, choices, settings
        self.name = workbook_name
        self.problems: list[XLSFormProblem] = []
        self.strings: dict[str, dict[str, str]] = {}  # language -> key -> text
        self.languages: set[str] = set()
        for sheet in (survey, choices, settings):
            if sheet is not None:
                self.languages.update(sheet.languages.values())
        self.german_columns: dict[str, str] = {}  # base -> German column (or plain base)
        self.default = SOURCE_LANGUAGE
        self.hint_sheet: _Sheet | None = None
        self.hints: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}

    def problem(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(XLSFormProblem(sheet, row, column, message))

    def column_of(self, sheet: _Sheet, column: str) -> str:
        return _col(sheet.header.index(column), column) if column in sheet.header else column

    # texts: German from "label::German (de)" or plain "label"; others into translations
    def text(
        self, sheet: _Sheet, row: int, values: Mapping[str, str], base: str, key: str
    ) -> str | None:
        german = values.get(base) if self.default == SOURCE_LANGUAGE else None
        for column, code in sheet.languages.items():
            if not column.startswith(base + "::") or column not in values:
                continue
            if code == SOURCE_LANGUAGE:
                german = values[column]
            else:
                self.strings.setdefault(code, {})[key] = values[column]
        return german or None

    def label(self, sheet: _Sheet, row: int, values: Mapping[str, str], key: str) -> str:
        german = self.text(sheet, row, values, "label", key)
        if not german:
            column = next(
                (
                    c
                    for c, code in sheet.languages.items()
                    if code == SOURCE_LANGUAGE and c.startswith("label::")
                ),
                "label",
            )
            self.problem(
                sheet.name,
                row,
                self.column_of(sheet, column),
                "missing German label (German is the source language)",
            )
        return german or "?"

    # -- settings and choices --------------------------------------------------------------
    def read_settings(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.settings is None or not self.settings.rows:
            self.problem("settings", None, None, "sheet 'settings' needs form_id and form_title")
            return out
        row, values = self.settings.rows[0]
        default = values.get("default_language", "")
        if default:
            m = re.search(r"\(([A-Za-z0-9-]+)\)\s*$", default)
            code = m.group(1) if m else default
            if code != SOURCE_LANGUAGE:
                self.problem(
                    "settings",
                    row,
                    self.column_of(self.settings, "default_language"),
                    f"default language must be German (de), not {default!r}",
                )
        form_id = values.get("form_id", "")
        if not _ID.match(form_id):
            self.problem(
                "settings",
                row,
                self.column_of(self.settings, "form_id"),
                f"{form_id!r} is not a valid id (lower-case letters, digits, _)",
            )
        out["id"] = form_id
        out["version"] = values.get("version") or "1"
        out["audience"] = values.get("audience") or "newcomer"
        if out["audience"] not in ("newcomer", "volunteer", "administration"):
            self.problem(
                "settings",
                row,
                self.column_of(self.settings, "audience"),
                "audience must be newcomer, volunteer or administration",
            )
        self.text(self.settings, row, values, "translated_title", "title")
        title = self.text(self.settings, row, values, "form_title", "title")
        if not title:
            self.problem(
                "settings",
                row,
                self.column_of(self.settings, "form_title"),
                "missing German form_title",
            )
        out["title"] = title or "?"
        for name in TEXT_FIELDS:
            if text := self.text(self.settings, row, values, name, name):
                out[name] = text
        return out

    def read_choices(self) -> dict[str, list[tuple[int, dict[str, Any]]]]:
        lists: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        if self.choices is None:
            return lists
        for row, values in self.choices.rows:
            name = values.get("list_name", "")
            code = values.get("name", "")
            if not name:
                self.problem(
                    "choices", row, self.column_of(self.choices, "list_name"), "missing list_name"
                )
                continue
            if not _CODE.match(code):
                self.problem(
                    "choices",
                    row,
                    self.column_of(self.choices, "name"),
                    f"{code!r} is not a valid choice name (letters, digits, _ and -)",
                )
                continue
            lists.setdefault(name, []).append((row, values))
        return lists

    def options(
        self, list_name: str, rows: list[tuple[int, dict[str, Any]]], prefix: str
    ) -> list[dict[str, Any]]:
        assert self.choices is not None
        out = []
        seen: set[str] = set()
        for row, values in rows:
            code = values["name"]
            if code in seen:
                self.problem(
                    "choices",
                    row,
                    self.column_of(self.choices, "name"),
                    f"choice {code!r} appears twice in list {list_name!r}",
                )
            seen.add(code)
            opt: dict[str, Any] = {
                "code": code,
                "label": self.label(self.choices, row, values, f"{prefix}.{code}"),
            }
            if found := self.hints.get((list_name, code)):
                hint_row, hint_values = found
                assert self.hint_sheet is not None
                hint = self.text(self.hint_sheet, hint_row, hint_values, "hint",
                                 f"{prefix}.{code}.hint")  # fmt: skip
                if hint:
                    opt["hint"] = hint
            if _yes(values.get("missing", "")):
                opt["missing"] = True
            out.append(opt)
        return out

    # -- survey ----------------------------------------------------------------------------
    def build(self) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
        raw = self.read_settings()
        lists = self.read_choices()
        used_inline: set[str] = set()
        sections: list[dict[str, Any]] = []
        names: dict[str, str] = {}  # XLSForm name -> our reference
        matrix_rows: dict[str, list[str]] = {}
        pending_rel: list[tuple[dict[str, Any], str, str, int, str]] = []
        rows = self.survey.rows
        i = 0
        implicit = 0
        current: dict[str, Any] | None = None
        open_rows: list[tuple[int, str]] = []

        def rel_later(target: dict[str, Any], field: str, expr: str, row: int) -> None:
            pending_rel.append((target, field, expr, row, self.column_of(self.survey, "relevant")))

        while i < len(rows):
            row, values = rows[i]
            kind = values.get("type", "").strip()
            name = values.get("name", "")
            base = kind.replace(" ", "_").split()[0] if kind else ""
            if base == "begin_group" and current is None:
                if not _ID.match(name):
                    self.problem(
                        "survey",
                        row,
                        self.column_of(self.survey, "name"),
                        f"{name!r} is not a valid id (lower-case letters, digits, _)",
                    )
                current = {
                    "id": name,
                    "questions": [],
                    "title": self.label(self.survey, row, values, f"section.{name}.title"),
                }
                if intro := self.text(self.survey, row, values, "hint", f"section.{name}.intro"):
                    current["intro"] = intro
                if _yes(values.get("sensitive", "")):
                    current["sensitive"] = True
                if values.get("relevant"):
                    rel_later(current, "relevance", values["relevant"], row)
                open_rows.append((row, name))
                sections.append(current)
                i += 1
                continue
            if base == "end_group":
                if current is None or current.get("implicit"):
                    self.problem(
                        "survey",
                        row,
                        self.column_of(self.survey, "type"),
                        "end_group without begin_group",
                    )
                else:
                    open_rows.pop()
                    current = None
                i += 1
                continue
            if base == "begin_group":  # inside a section: a matrix
                i = self.matrix(i, current, lists, names, matrix_rows, used_inline, rel_later)
                continue
            if current is None:
                implicit += 1
                current = {
                    "id": f"section_{implicit}",
                    "title": raw.get("title", "?"),
                    "questions": [],
                    "implicit": True,
                }
                sections.append(current)
            question = self.question(row, values, kind, lists, used_inline)
            if question is not None:
                names[name] = name
                if values.get("relevant"):
                    rel_later(question, "relevance", values["relevant"], row)
                current["questions"].append(question)
            i += 1
            if current.get("implicit") and i < len(rows):
                nxt = rows[i][1].get("type", "").replace(" ", "_")
                if nxt.startswith(("begin_group", "end_group")):
                    current = None
        for row, name in open_rows:
            self.problem(
                "survey",
                row,
                self.column_of(self.survey, "type"),
                f"begin_group {name!r} has no end_group",
            )
        for section in sections:
            section.pop("implicit", None)
        # relevance last: every name is known, and matrices' rows for any_of
        for target, field_name, expr, row, column in pending_rel:
            try:
                target[field_name] = from_odk(expr, names, matrix_rows)
            except rel.RelevanceError as exc:
                self.problem("survey", row, column, f"cannot translate {expr!r}: {exc}")
        self.matrix_row_relevance(sections)
        option_sets = {}
        for list_name, list_rows in lists.items():
            if list_name.endswith(INLINE) or list_name in used_inline:
                continue
            option_sets[list_name] = self.options(list_name, list_rows, f"options.{list_name}")
        raw["option_sets"] = option_sets
        raw["sections"] = sections
        return raw, self.strings

    def options_spec(
        self,
        row: int,
        list_name: str,
        qid: str,
        lists: Mapping[str, list[tuple[int, dict[str, Any]]]],
        used_inline: set[str],
    ) -> str | list[dict[str, Any]]:
        if list_name not in lists:
            self.problem(
                "survey",
                row,
                self.column_of(self.survey, "type"),
                f"list {list_name!r} not in sheet choices",
            )
            return list_name
        if list_name == qid + INLINE:
            used_inline.add(list_name)
            return self.options(list_name, lists[list_name], f"q.{qid}.option")
        return list_name

    def question(
        self,
        row: int,
        values: Mapping[str, str],
        kind: str,
        lists: Mapping[str, list[tuple[int, dict[str, Any]]]],
        used_inline: set[str],
    ) -> dict[str, Any] | None:
        parts = kind.split()
        base = parts[0] if parts else ""
        name = values.get("name", "")
        type_col = self.column_of(self.survey, "type")
        if not kind:
            self.problem("survey", row, type_col, "missing type")
            return None
        if base in METADATA_TYPES:
            self.problem(
                "survey",
                row,
                type_col,
                f"metadata type {base!r} is not collected "
                "(no timestamps or device data); remove the row",
            )
            return None
        if not _ID.match(name):
            self.problem(
                "survey",
                row,
                self.column_of(self.survey, "name"),
                f"{name!r} is not a valid id (lower-case letters, digits, _)",
            )
            return None
        appearance = values.get("appearance", "").strip()
        q: dict[str, Any] = {"id": name}
        if base in ("select_one", "select_multiple", "rank") and len(parts) == 2:
            q["type"] = {
                "select_one": "scale" if "likert" in appearance else "single",
                "select_multiple": "multiple",
                "rank": "ranking",
            }[base]
            q["options"] = self.options_spec(row, parts[1], name, lists, used_inline)
        elif base in ("integer", "decimal") and len(parts) == 1:
            q["type"] = "number"
        elif base == "text" and len(parts) == 1:
            q["type"] = "textarea" if "multiline" in appearance else "text"
        else:
            self.problem(
                "survey",
                row,
                type_col,
                f"type {kind!r} has no equivalent here "
                "(select_one, select_multiple, rank, integer, decimal, text, "
                "begin_group, end_group)",
            )
            return None
        q["label"] = self.label(self.survey, row, values, f"q.{name}.label")
        if hint := self.text(self.survey, row, values, "hint", f"q.{name}.hint"):
            q["hint"] = hint
        if _yes(values.get("required", "")):
            q["required"] = True
        if _yes(values.get("sensitive", "")):
            q["sensitive"] = True
        if constraint := values.get("constraint"):
            try:
                limits = constraint_limits(constraint)
            except rel.RelevanceError as exc:
                self.problem("survey", row, self.column_of(self.survey, "constraint"), str(exc))
                limits = {}
            allowed = {
                "number": {"min", "max"},
                "text": {"max_length"},
                "textarea": {"max_length"},
                "multiple": {"max_choices"},
                "ranking": {"max_choices"},
            }.get(q["type"], set())
            for key, value in limits.items():
                if key not in allowed:
                    self.problem(
                        "survey",
                        row,
                        self.column_of(self.survey, "constraint"),
                        f"{key} does not apply to a {q['type']} question",
                    )
                else:
                    q[key] = value
        return q

    def matrix(
        self,
        start: int,
        section: dict[str, Any] | None,
        lists: Mapping[str, list[tuple[int, dict[str, Any]]]],
        names: dict[str, str],
        matrix_rows: dict[str, list[str]],
        used_inline: set[str],
        rel_later: Any,
    ) -> int:
        """Read a nested group as a matrix question; returns the index after its end."""
        rows = self.survey.rows
        row, values = rows[start]
        qid = values.get("name", "")
        type_col = self.column_of(self.survey, "type")
        if not _ID.match(qid):
            self.problem(
                "survey",
                row,
                self.column_of(self.survey, "name"),
                f"{qid!r} is not a valid id (lower-case letters, digits, _)",
            )
        q: dict[str, Any] = {
            "id": qid,
            "type": "matrix",
            "label": self.label(self.survey, row, values, f"q.{qid}.label"),
        }
        if hint := self.text(self.survey, row, values, "hint", f"q.{qid}.hint"):
            q["hint"] = hint
        if _yes(values.get("sensitive", "")):
            q["sensitive"] = True
        if values.get("relevant"):
            rel_later(q, "relevance", values["relevant"], row)
        rows_set = values.get("matrix_rows") or None
        sub: list[tuple[int, dict[str, str]]] = []
        i = start + 1
        while i < len(rows) and not rows[i][1].get("type", "").replace(" ", "_").startswith(
            "end_group"
        ):
            sub.append(rows[i])
            i += 1
        if i == len(rows):
            self.problem("survey", row, type_col, f"begin_group {qid!r} has no end_group")
        kinds = {r[1].get("type", "").split()[0] if r[1].get("type") else "" for r in sub}
        lists_used = {r[1].get("type", "").split()[-1] for r in sub}
        if not sub or kinds != {"select_one"} or len(lists_used) != 1:
            self.problem(
                "survey",
                row,
                type_col,
                "a group inside a section must be a matrix: "
                "rows that are all select_one of the same list",
            )
            return i + 1
        list_name = lists_used.pop()
        q["options"] = self.options_spec(row, list_name, qid, lists, used_inline)
        codes = []
        inline_rows = []
        row_rel: dict[str, tuple[int, str]] = {}
        required = []
        for srow, svalues in sub:
            sname = svalues.get("name", "")
            code = sname
            for sep in (".", "_"):
                if sname.startswith(qid + sep):
                    code = sname[len(qid) + 1 :]
                    break
            if not _CODE.match(code):
                self.problem(
                    "survey",
                    srow,
                    self.column_of(self.survey, "name"),
                    f"{sname!r}: row code {code!r} is not valid",
                )
                continue
            codes.append(code)
            names[sname] = f"{qid}.{code}"
            required.append(_yes(svalues.get("required", "")))
            if rows_set is None:
                item: dict[str, Any] = {
                    "code": code,
                    "label": self.label(self.survey, srow, svalues, f"q.{qid}.row.{code}"),
                }
                if h := self.text(self.survey, srow, svalues, "hint", f"q.{qid}.row.{code}.hint"):
                    item["hint"] = h
                inline_rows.append(item)
            if svalues.get("relevant"):
                row_rel[code] = (srow, svalues["relevant"])
        if rows_set is not None:
            set_codes = [r[1]["name"] for r in lists.get(rows_set, [])]
            if rows_set not in lists:
                self.problem(
                    "survey",
                    row,
                    self.column_of(self.survey, "matrix_rows"),
                    f"list {rows_set!r} not in sheet choices",
                )
            elif set_codes != codes:
                self.problem(
                    "survey",
                    row,
                    self.column_of(self.survey, "matrix_rows"),
                    f"rows of {qid!r} differ from list {rows_set!r}",
                )
            q["rows"] = rows_set
        else:
            q["rows"] = inline_rows
        if required and all(required):
            q["required"] = True
        matrix_rows[qid] = codes
        q["_row_rel"] = row_rel
        names[qid] = qid
        if section is None:  # pragma: no cover - begin_group at top level is a section
            return i + 1
        section["questions"].append(q)
        return i + 1

    def matrix_row_relevance(self, sections: list[dict[str, Any]]) -> None:
        """Per-row ``relevant`` → one ``row_relevance`` template with ``{row}``."""
        for section in sections:
            for q in section["questions"]:
                row_rel = q.pop("_row_rel", None)
                if not row_rel:
                    continue
                templates = set()
                for code, (srow, expr) in row_rel.items():
                    try:
                        ours = from_odk(expr, self._all_names(sections), {})
                    except rel.RelevanceError as exc:
                        self.problem(
                            "survey",
                            srow,
                            self.column_of(self.survey, "relevant"),
                            f"cannot translate {expr!r}: {exc}",
                        )
                        continue
                    templates.add(
                        re.sub(  # any matrix's cell of this row: need.housing → need.{row}
                            rf"\b([a-z][a-z0-9_]*)\.{re.escape(code)}\b", r"\1.{row}", ours
                        )
                    )
                if len(templates) > 1 or len(row_rel) != len(self._codes(q, sections)):
                    srow = next(iter(row_rel.values()))[0]
                    self.problem(
                        "survey",
                        srow,
                        self.column_of(self.survey, "relevant"),
                        f"rows of matrix {q['id']!r} need the same relevance pattern "
                        "with the row's own code (e.g. need.<row> >= 3)",
                    )
                elif templates:
                    q["row_relevance"] = templates.pop()

    def _codes(self, q: dict[str, Any], sections: list[dict[str, Any]]) -> list[str]:
        rows = q.get("rows")
        if isinstance(rows, list):
            return [r["code"] for r in rows]
        return [r[1]["name"] for r in self.read_choices().get(rows or "", [])]

    def _all_names(self, sections: list[dict[str, Any]]) -> dict[str, str]:
        names: dict[str, str] = {}
        for section in sections:
            for q in section["questions"]:
                names[q["id"]] = q["id"]
                if q.get("type") == "matrix":
                    for code in self._codes(q, sections):
                        names[f"{q['id']}.{code}"] = f"{q['id']}.{code}"
                        names[f"{q['id']}_{code}"] = f"{q['id']}.{code}"
        return names


def _locate(builder: _Builder, message_path: str) -> tuple[int | None, str | None]:
    """The survey row of the last ``(id)`` in a loader problem path."""
    ids = re.findall(r"\(([a-z][a-z0-9_]*)\)", message_path)
    if not ids:
        return None, None
    target = ids[-1]
    for row, values in builder.survey.rows:
        if values.get("name") == target:
            field = message_path.rsplit(".", 1)[-1]
            column = {"relevance": "relevant", "row_relevance": "relevant"}.get(field, "type")
            return row, builder.column_of(builder.survey, column)
    return None, None


def parse_xlsform(wb: Any, name: str) -> QuestionnaireBundle:
    problems: list[XLSFormProblem] = []
    survey = _read_sheet(wb, "survey", SURVEY_COLUMNS, problems)
    choices = _read_sheet(wb, "choices", CHOICE_COLUMNS, problems, required=False)
    hint_sheet = _read_sheet(wb, HINT_SHEET, HINT_COLUMNS, problems, required=False)
    settings = _read_sheet(wb, "settings", SETTINGS_COLUMNS, problems)
    if survey is None or problems:
        raise XLSFormError(problems)
    builder = _Builder(survey, choices, settings, name)
    builder.hint_sheet = hint_sheet
    builder.hints = {
        (v.get("list_name", ""), v.get("name", "")): (row, v)
        for row, v in (hint_sheet.rows if hint_sheet else [])
    }
    raw, strings = builder.build()
    if builder.problems:
        raise XLSFormError(builder.problems)
    try:
        questionnaire = parse_questionnaire(raw, name)
    except QuestionnaireError as exc:
        located = []
        for p in exc.problems:
            row, column = _locate(builder, p.path)
            located.append(XLSFormProblem("survey", row, column, f"{p.path}: {p.message}"))
        raise XLSFormError(located) from exc
    translations = {}
    trouble: list[XLSFormProblem] = []
    for code, texts in sorted(strings.items()):
        raw_tr = {"questionnaire": questionnaire.id, "language": code, "strings": texts}
        try:
            translations[code] = parse_translation(raw_tr, f"{code}", questionnaire)
        except QuestionnaireError as exc:
            trouble += [
                XLSFormProblem("survey", None, f"label::… ({code})", str(p)) for p in exc.problems
            ]
    if trouble:
        raise XLSFormError(trouble)
    return QuestionnaireBundle(questionnaire=questionnaire, translations=translations)


def read_xlsform(path: Path) -> QuestionnaireBundle:
    """Read and validate an XLSForm workbook; raises :class:`XLSFormError` listing every
    problem with sheet, row and column."""
    try:
        wb = load_workbook_safely(path)
    except TranslationImportError as exc:
        raise XLSFormError(
            [XLSFormProblem(p.sheet, None, None, p.message) for p in exc.problems]
        ) from exc
    return parse_xlsform(wb, path.name)


def write_yaml_files(bundle: QuestionnaireBundle, directory: Path) -> Iterator[Path]:
    """``<id>.yaml`` and ``translations/<id>.<code>.yaml`` in our YAML format."""
    q = bundle.questionnaire
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{q.id}.yaml"
    data = q.model_dump(mode="json", exclude_defaults=True)
    data = {"id": q.id, "audience": q.audience, "version": q.version, **data}
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )
    yield path
    for code, tr in bundle.translations.items():
        tpath = directory / "translations" / f"{q.id}.{code}.yaml"
        tpath.parent.mkdir(parents=True, exist_ok=True)
        tpath.write_text(
            yaml.safe_dump(
                tr.model_dump(mode="json", exclude_none=True),
                allow_unicode=True,
                sort_keys=False,
                width=10_000,
            ),
            encoding="utf-8",
        )
        yield tpath
