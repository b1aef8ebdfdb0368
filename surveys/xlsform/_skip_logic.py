"""Skip logic of the import, translated once every question is known.

ODK lets a ``relevant`` refer to a later question; ours may only look back (a page cannot
depend on what comes after it). Each expression of an element (its own and those of the
groups dissolved around it) is translated on its own: one that cannot be carried is
dropped and named, and flagged (``depends``) when it referred to a left-out row. A
required question whose condition was dropped is no longer required, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from surveys.questionnaire import relevance as rel
from surveys.xlsform._ledger import Ledger
from surveys.xlsform.odk_relevance import UnknownReference, from_odk, to_ours

Conditions = tuple[tuple[str, int | None], ...]
"""ODK expressions with the row each comes from."""


@dataclass
class _Pending:
    target: dict[str, Any]
    parts: Conditions
    position: int
    row: int | None
    what: str  # "question" | "section"


def _reason(exc: rel.RelevanceError) -> str:
    text = str(exc)
    if text.startswith("cannot translate "):
        return f"{text.removeprefix('cannot translate ')} wird nicht unterstützt"
    return "der Ausdruck wird nicht unterstützt"


class SkipLogic:
    def __init__(self, ledger: Ledger, literals: dict[str, str]):
        self.ledger, self.literals = ledger, literals
        self.names: dict[str, str] = {}
        """XLSForm name -> our reference (question id or matrix row ``q.row``)."""
        self.order: dict[str, int] = {}
        self.matrix_rows: dict[str, list[str]] = {}
        self.pending: list[_Pending] = []
        self.position = 0

    def question(
        self, name: str, qid: str, row: int | None, item: dict[str, Any], conditions: Conditions
    ) -> None:
        """A question in asking order, with the conditions under which it is asked."""
        self.names[name] = qid
        self.order[qid] = self.position
        self.position += 1
        if conditions:
            self.pending.append(_Pending(item, conditions, self.order[qid], row, "question"))

    def section(self, section: dict[str, Any], relevant: str, row: int | None) -> None:
        self.pending.append(_Pending(section, ((relevant, row),), self.position, row, "section"))

    def resolve(self) -> None:
        for p in self.pending:
            carried: list[str] = []
            dropped = False
            for expr, _ in p.parts:
                ours = self.translate(expr, p)
                dropped = dropped or ours is False
                if isinstance(ours, str):
                    carried.append(ours)
            if carried:
                text = carried[0] if len(carried) == 1 else " and ".join(f"({c})" for c in carried)
                p.target["relevance"] = to_ours(rel.parse(text))
            if dropped and p.target.get("required"):
                p.target["required"] = False
                message = "Ist nicht mehr Pflicht, weil ihre Bedingung entfällt."
                self.ledger.note(p.row, "required", message, "changed")

    def translate(self, expr: str, p: _Pending) -> str | bool | None:
        """Our expression, ``None`` (nothing left of it), or ``False`` (dropped, named)."""
        shown = "der Abschnitt wird" if p.what == "section" else "die Frage wird"
        dropped = f"Sie entfällt: {shown} immer gezeigt."
        kind = "changed"
        try:
            ours, _ = from_odk(expr, self.names, self.matrix_rows, self.literals)
            refs = rel.references(rel.parse(ours)) if ours else set()
            later = [r for r in refs if self.order.get(r.split(".", 1)[0], -1) >= p.position]
            if not later:
                return ours
            why = f"bezieht sich auf »{later[0]}«, das erst später gefragt wird"
        except UnknownReference as exc:
            if exc.name in self.ledger.left_names:
                source = self.ledger.left_names[exc.name]
                at = f"Zeile {source}, " if source else ""
                why, kind = f"hängt von »{exc.name}« ({at}nicht übernommen) ab", "depends"
            else:
                why = f"bezieht sich auf »{exc.name}«, das nicht übernommen wird"
        except rel.RelevanceError as exc:
            why = f"lässt sich nicht übertragen ({_reason(exc)})"
        message = f"Die Bedingung »{expr}« {why}. {dropped}"
        self.ledger.note(p.row, "relevant", message, "depends" if kind == "depends" else "changed")
        return False
