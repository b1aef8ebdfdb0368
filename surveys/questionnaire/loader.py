"""Load questionnaires, translations and the need-area taxonomy from YAML.

A bad file is rejected whole with every problem listed, each naming the file and the path
inside it (``newcomer.yaml: sections[2] (about).questions[0] (gender).type: unknown
question type 'slider'``). Nothing is half-loaded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from surveys.questionnaire import relevance
from surveys.questionnaire.languages import is_known
from surveys.questionnaire.model import (
    QUESTION_TYPES,
    Option,
    Question,
    Questionnaire,
    QuestionnaireBundle,
    Translation,
)

MAX_FILE_BYTES = 2_000_000
CHOICE_TYPES = {"single", "multiple", "scale", "ranking"}
NO_OPTION_TYPES = {"number", "text", "textarea", "note"}


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class QuestionnaireError(ValueError):
    """A questionnaire, translation or taxonomy file that cannot be used."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# -- YAML -------------------------------------------------------------------------------
def read_yaml(path: Path) -> Any:
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise QuestionnaireError([Problem(name, "", f"cannot read file ({exc.strerror})")]) from exc
    if size > MAX_FILE_BYTES:
        raise QuestionnaireError([Problem(name, "", f"file larger than {MAX_FILE_BYTES} bytes")])
    text = path.read_text(encoding="utf-8", errors="strict")
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise QuestionnaireError([Problem(name, line, f"not valid YAML: {exc.problem}")]) from exc
    except yaml.YAMLError as exc:
        raise QuestionnaireError([Problem(name, "", f"not valid YAML: {exc}")]) from exc


def _loc_path(raw: Any, loc: Iterable[int | str]) -> str:
    """Render a pydantic error location with the ids of the elements it passes."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            item = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(item, dict) and ("id" in item or "code" in item):
                label += f" ({item.get('id', item.get('code'))})"
            parts.append(label)
            node = item
        else:
            parts.append(("." if parts else "") + str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts)


def _pydantic_problems(name: str, raw: Any, exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        if err["loc"] and err["loc"][-1] == "str" and isinstance(err.get("input"), list):
            continue  # the list branch of "option set name | inline list" reports the cause
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("list["))]
        # union members ("str", "list[Option]") add noise to the location
        loc = [p for p in loc if p not in ("str", "function-after")]
        path = _loc_path(raw, loc)
        field = loc[-1] if loc else ""
        kind = err["type"]
        if kind == "missing" and field in ("label", "title"):
            msg = f"missing German {field} (German is the source language)"
        elif kind == "literal_error" and field == "type":
            msg = f"unknown question type {err['input']!r} (known: {', '.join(QUESTION_TYPES)})"
        elif kind == "extra_forbidden":
            msg = f"unknown field {field!r}"
        elif kind == "string_pattern_mismatch":
            msg = f"{err['input']!r} is not a valid id (lower-case letters, digits, _)"
        else:
            msg = err["msg"]
        problems.append(Problem(name, path, msg))
    # a union of str | list[Option] reports once per member; keep each message once
    return list(dict.fromkeys(problems))


# -- taxonomy ---------------------------------------------------------------------------
@dataclass(frozen=True)
class NeedBaseSpec:
    """The declared base of a need area (see ``data/taxonomy.yaml`` and
    :mod:`analysis.bases`); ``applies_to`` is a skip-logic expression over the newcomer's
    own answers."""

    not_applicable: str = "no_need"
    applies_to: str | None = None
    population: str | None = None


@dataclass(frozen=True)
class NeedArea:
    code: str
    label: str
    examples: str
    audiences: tuple[str, ...]
    base: NeedBaseSpec = NeedBaseSpec()


def load_taxonomy(path: Path) -> list[NeedArea]:
    raw = read_yaml(path)
    name = path.name
    areas = raw.get("areas") if isinstance(raw, dict) else None
    if not isinstance(areas, list) or not areas:
        raise QuestionnaireError([Problem(name, "areas", "expected a list of need areas")])
    out: list[NeedArea] = []
    problems: list[Problem] = []
    for i, a in enumerate(areas):
        if not isinstance(a, dict) or not a.get("code") or not a.get("label"):
            problems.append(Problem(name, f"areas[{i}]", "needs code and label"))
            continue
        audiences = a.get("audiences") or ["newcomer", "volunteer", "administration"]
        base, base_problems = _need_base(a.get("base"), name, f"areas[{i}] ({a['code']}).base")
        problems += base_problems
        out.append(
            NeedArea(
                str(a["code"]),
                str(a["label"]),
                str(a.get("examples", "")),
                tuple(audiences),
                base,
            )
        )
    dup = [c for c, k in Counter(a.code for a in out).items() if k > 1]
    problems += [Problem(name, "areas", f"duplicate area code {c!r}") for c in dup]
    if problems:
        raise QuestionnaireError(problems)
    return out


def _need_base(raw: Any, name: str, path: str) -> tuple[NeedBaseSpec, list[Problem]]:
    if raw is None:
        return NeedBaseSpec(), []
    if not isinstance(raw, dict):
        return NeedBaseSpec(), [Problem(name, path, "expected a mapping")]
    problems = [
        Problem(name, f"{path}.{k}", "unknown key (applies_to, not_applicable, population)")
        for k in raw
        if k not in ("applies_to", "not_applicable", "population")
    ]
    policy = str(raw.get("not_applicable", "no_need"))
    if policy not in ("no_need", "exclude"):
        problems.append(Problem(name, f"{path}.not_applicable", "must be no_need or exclude"))
    applies = raw.get("applies_to")
    if applies is not None:
        try:
            relevance.parse(str(applies))
        except relevance.RelevanceError as exc:
            problems.append(Problem(name, f"{path}.applies_to", str(exc)))
    population = raw.get("population")
    if (applies is not None or policy == "exclude") and not population:
        problems.append(
            Problem(name, f"{path}.population", "say in German who the base is (population)")
        )
    spec = NeedBaseSpec(policy, None if applies is None else " ".join(str(applies).split()),
                        None if population is None else str(population))  # fmt: skip
    return spec, problems


def areas_option_set(taxonomy: list[NeedArea], audience: str) -> list[Option]:
    return [
        Option(code=a.code, label=a.label, hint=a.examples or None)
        for a in taxonomy
        if audience in a.audiences
    ]


# -- questionnaire ----------------------------------------------------------------------
def load_questionnaire(path: Path, taxonomy: list[NeedArea] | None = None) -> Questionnaire:
    return parse_questionnaire(read_yaml(path), path.name, taxonomy)


def parse_questionnaire(
    raw: Any, name: str, taxonomy: list[NeedArea] | None = None
) -> Questionnaire:
    """Validate raw YAML data into a questionnaire; the option set ``areas`` comes from the
    taxonomy (filtered by audience) unless the file defines it, so a stored version is
    self-contained."""
    if not isinstance(raw, dict):
        raise QuestionnaireError([Problem(name, "", "expected a mapping at the top level")])
    data = dict(raw)
    if taxonomy is not None and isinstance(data.get("option_sets", {}), dict):
        sets = dict(data.get("option_sets") or {})
        if "areas" not in sets and isinstance(data.get("audience"), str):
            sets["areas"] = [
                o.model_dump(exclude_none=True)
                for o in areas_option_set(taxonomy, data["audience"])
            ]
        data["option_sets"] = sets
    try:
        q = Questionnaire.model_validate(data)
    except ValidationError as exc:
        raise QuestionnaireError(_pydantic_problems(name, data, exc)) from exc
    problems = check_questionnaire(q, name)
    if problems:
        raise QuestionnaireError(problems)
    return q


def _dup_codes(options: list[Option], name: str, path: str) -> list[Problem]:
    counts = Counter(o.code for o in options)
    return [
        Problem(name, path, f"option code {c!r} used {k} times") for c, k in counts.items() if k > 1
    ]


def check_questionnaire(q: Questionnaire, name: str) -> list[Problem]:
    """Cross-field checks pydantic cannot express: ids, codes, references, skip logic."""
    problems: list[Problem] = []
    for set_name, options in q.option_sets.items():
        problems += _dup_codes(options, name, f"option_sets.{set_name}")

    seen_sections: set[str] = set()
    seen_questions: dict[str, Question] = {}
    for si, section in enumerate(q.sections):
        spath = f"sections[{si}] ({section.id})"
        if section.id in seen_sections:
            problems.append(Problem(name, f"{spath}.id", f"duplicate section id {section.id!r}"))
        seen_sections.add(section.id)
        if section.relevance:
            problems += _check_expression(
                section.relevance, seen_questions, name, f"{spath}.relevance", q
            )
        if section.sensitive and not q.consent_sensitive:
            problems.append(Problem(name, spath, "sensitive section needs consent_sensitive text"))
        for qi, question in enumerate(section.questions):
            qpath = f"{spath}.questions[{qi}] ({question.id})"
            if question.id in seen_questions:
                problems.append(
                    Problem(name, f"{qpath}.id", f"duplicate question id {question.id!r}")
                )
            problems += _check_question(q, question, seen_questions, name, qpath)
            seen_questions[question.id] = question
    return problems


def _check_question(
    q: Questionnaire, question: Question, earlier: dict[str, Question], name: str, qpath: str
) -> list[Problem]:
    problems: list[Problem] = []
    for field in ("options", "rows"):
        spec = getattr(question, field)
        if isinstance(spec, str) and spec not in q.option_sets:
            known = ", ".join(sorted(q.option_sets)) or "none"
            problems.append(
                Problem(name, f"{qpath}.{field}", f"unknown option set {spec!r} (known: {known})")
            )
        elif isinstance(spec, list):
            problems += _dup_codes(spec, name, f"{qpath}.{field}")
    t = question.type
    if t in CHOICE_TYPES | {"matrix"} and question.options is None:
        problems.append(Problem(name, qpath, f"a {t} question needs options"))
    if t == "matrix" and question.rows is None:
        problems.append(Problem(name, qpath, "a matrix question needs rows"))
    if t != "matrix" and (question.rows is not None or question.row_relevance):
        problems.append(Problem(name, qpath, "only matrix questions have rows"))
    if t in NO_OPTION_TYPES and question.options is not None:
        problems.append(Problem(name, qpath, f"a {t} question has no options"))
    if question.sensitive and not q.consent_sensitive:
        problems.append(Problem(name, qpath, "sensitive question needs consent_sensitive text"))
    if question.integer and t != "number":
        problems.append(Problem(name, qpath, "only number questions take whole numbers only"))
    if t == "note" and question.required:
        problems.append(Problem(name, qpath, "a note is never answered, so never required"))
    if question.relevance:
        problems += _check_expression(question.relevance, earlier, name, f"{qpath}.relevance", q)
    if question.row_relevance and not problems:
        for row in q.rows_of(question):
            expr = question.row_relevance.replace("{row}", row.code)
            problems += _check_expression(
                expr, {**earlier, question.id: question}, name, f"{qpath}.row_relevance", q
            )
            if problems:
                break
    return problems


def _check_expression(
    expr: str, earlier: dict[str, Question], name: str, path: str, q: Questionnaire
) -> list[Problem]:
    try:
        node = relevance.parse(expr)
    except relevance.RelevanceError as exc:
        return [Problem(name, path, f"cannot parse {expr!r}: {exc}")]
    problems = []
    all_ids = {qq.id for _, qq in q.questions()}
    for ref in sorted(relevance.references(node)):
        if ref not in all_ids:
            problems.append(Problem(name, path, f"refers to unknown question {ref!r}"))
        elif ref not in earlier:
            problems.append(
                Problem(name, path, f"refers to question {ref!r}, which is asked later")
            )
    problems += _check_row_refs(node, earlier, name, path, q)
    return problems


def _known_codes(q: Questionnaire, spec: str | list[Option] | None) -> set[str]:
    """Codes of an option spec; an unknown set name (reported elsewhere) has none."""
    if isinstance(spec, list):
        return {o.code for o in spec}
    return {o.code for o in q.option_sets.get(spec or "", [])}


def _check_row_refs(
    node: relevance.Node, earlier: dict[str, Question], name: str, path: str, q: Questionnaire
) -> list[Problem]:
    problems: list[Problem] = []

    def walk(n: relevance.Node) -> None:
        if isinstance(n, relevance.Ref) and "." in n.name:
            qid, row = n.name.split(".", 1)
            target = earlier.get(qid)
            if target is not None and target.type != "matrix":
                problems.append(Problem(name, path, f"{qid!r} is not a matrix; {n.name!r}"))
            elif target is not None and row not in _known_codes(q, target.rows):
                problems.append(Problem(name, path, f"matrix {qid!r} has no row {row!r}"))
        for child in (
            getattr(n, "args", ()) or getattr(n, "operands", ()) or getattr(n, "items", ())
        ):
            walk(child)
        for attr in ("left", "right", "operand"):
            if hasattr(n, attr):
                walk(getattr(n, attr))

    walk(node)
    return problems


# -- translations -----------------------------------------------------------------------
def load_translation(path: Path, questionnaire: Questionnaire) -> Translation:
    return parse_translation(read_yaml(path), path.name, questionnaire)


def parse_translation(raw: Any, name: str, questionnaire: Questionnaire) -> Translation:
    if not isinstance(raw, dict):
        raise QuestionnaireError([Problem(name, "", "expected a mapping at the top level")])
    try:
        tr = Translation.model_validate(raw)
    except ValidationError as exc:
        raise QuestionnaireError(_pydantic_problems(name, raw, exc)) from exc
    problems: list[Problem] = []
    if tr.questionnaire != questionnaire.id:
        problems.append(
            Problem(
                name,
                "questionnaire",
                f"translation is for {tr.questionnaire!r}, not {questionnaire.id!r}",
            )
        )
    if not is_known(tr.language):
        problems.append(Problem(name, "language", f"unknown language code {tr.language!r}"))
    if tr.status == "reviewed" and not tr.reviewed_by:
        problems.append(
            Problem(name, "reviewed_by", "a reviewed translation names the reviewer's role")
        )
    source = questionnaire.source_strings()
    for key in tr.strings:
        if key not in source:
            problems.append(
                Problem(name, f"strings.{key}", f"translation for an unknown id {key!r}")
            )
    for field in ("string_status", "string_reviewers", "source_hashes"):
        for key in getattr(tr, field):
            if key not in tr.strings:
                problems.append(Problem(name, f"{field}.{key}", f"no translation for {key!r}"))
    if problems:
        raise QuestionnaireError(problems)
    return tr


def load_bundle(
    questionnaire_path: Path, translations_dir: Path | None, taxonomy: list[NeedArea]
) -> QuestionnaireBundle:
    """A questionnaire with all translation files ``<id>.<lang>.yaml`` found beside it."""
    q = load_questionnaire(questionnaire_path, taxonomy)
    translations: dict[str, Translation] = {}
    problems: list[Problem] = []
    if translations_dir is not None and translations_dir.is_dir():
        for path in sorted(translations_dir.glob(f"{q.id}.*.yaml")):
            try:
                tr = load_translation(path, q)
            except QuestionnaireError as exc:
                problems += exc.problems
                continue
            if tr.language in translations or tr.language == "de":
                problems.append(Problem(path.name, "language", f"second file for {tr.language!r}"))
            translations[tr.language] = tr
    if problems:
        raise QuestionnaireError(problems)
    return QuestionnaireBundle(questionnaire=q, translations=translations)
