"""The choices sheet as option sets: codes, labels, hints (``choice_hints``), ``missing``.

A list named ``<question>__inline`` is that question's own options (translation keys
``q.<id>.option.<code>``); every other list is a shared option set
(``options.<list>.<code>``), also when no carried question uses it, so no choice row is
lost. A choice name our codes cannot hold (``don't know``) is renamed, and skip logic
comparing with it follows the new name.
"""

from __future__ import annotations

import re
from typing import Any

from surveys.questionnaire.model import CODE_PATTERN
from surveys.xlsform._ledger import Ledger, field_of
from surveys.xlsform._texts import Texts

INLINE = "__inline"
_CODE = re.compile(CODE_PATTERN)


def flag(value: Any) -> bool | None:
    """``yes``/``TRUE``/``true()`` → True, empty/``no`` → False, an expression → None."""
    if value is None or value == "":
        return False
    text = str(value).strip().lower()
    if text in ("yes", "true", "true()", "1", "ja"):
        return True
    if text in ("no", "false", "false()", "0", "nein"):
        return False
    return None


class Options:
    def __init__(
        self,
        ledger: Ledger,
        texts: Texts,
        lists: dict[str, list[dict[str, Any]]],
        hint_rows: list[tuple[int, dict[str, str]]],
    ):
        self.ledger, self.texts, self.lists = ledger, texts, lists
        self.index = self._index()
        self.hints = {
            (v.get("list_name", ""), v.get("name", "")): (
                row,
                {
                    k.split("::", 1)[1].strip(): t
                    for k, t in v.items()
                    if k.startswith("hint::") and t
                },
            )
            for row, v in hint_rows
        }
        self.literals: dict[str, str] = {}
        """Renamed choice names (old -> new), for skip logic comparing with them."""
        self.rows: dict[int, str] = {}
        """choices row -> ``list.code``"""
        self.inline: set[str] = set()
        self.built: dict[str, list[dict[str, Any]]] = {}

    def _index(self) -> dict[tuple[str, str], int]:
        sheet = self.ledger.sheets.get("choices")
        if sheet is None:
            return {}
        tokens = self.ledger.tokens["choices"]
        list_h = next((h for h, t in tokens.items() if field_of(t)[0] == "list_name"), None)
        name_h = next((h for h, t in tokens.items() if t == ("name",)), None)
        out: dict[tuple[str, str], int] = {}
        for i, raw in enumerate(sheet.rows):
            if list_h and name_h and raw.get(list_h) and raw.get(name_h) is not None:
                out.setdefault((str(raw[list_h]).strip(), str(raw[name_h]).strip()), i + 2)
        return out

    def spec(self, list_name: str, xls_name: str, qid: str) -> str | list[dict[str, Any]]:
        """A question's options: its own list inline, else the name of a shared set."""
        if list_name == xls_name + INLINE:
            self.inline.add(list_name)
            return self.build(list_name, f"q.{qid}.option")
        return list_name

    def count(self, spec: str | list[dict[str, Any]]) -> int:
        return len(spec) if isinstance(spec, list) else len(self.build(spec, f"options.{spec}"))

    def option_sets(self) -> dict[str, list[dict[str, Any]]]:
        return {n: self.build(n, f"options.{n}") for n in self.lists if n not in self.inline}

    def build(self, list_name: str, prefix: str) -> list[dict[str, Any]]:
        if list_name in self.built:
            return self.built[list_name]
        out: list[dict[str, Any]] = []
        for choice in self.lists.get(list_name, []):
            if (
                opt := self._option(list_name, choice, prefix, {o["code"] for o in out})
            ) is not None:
                out.append(opt)
        self.built[list_name] = out
        return out

    def _option(
        self, list_name: str, choice: dict[str, Any], prefix: str, seen: set[str]
    ) -> dict[str, Any] | None:
        ledger = self.ledger
        name = str(choice.get("name", ""))
        row = self.index.get((list_name, name))
        code = name if _CODE.match(name) else re.sub(r"[^A-Za-z0-9_\-]+", "_", name) or "x"
        if code in seen:
            if row is not None:
                ledger.used[("choices", row)] = {"*"}
                ledger.whole.add(("choices", row))
                message = f"Die Antwort »{name}« steht schon in der Liste »{list_name}«."
                ledger.note(row, "name", message, "left_out", "choices")
            return None
        if code != name:
            self.literals[name] = code
            message = f"Antwortname »{name}« als »{code}« übernommen."
            ledger.note(row, "name", message, "changed", "choices")
        opt: dict[str, Any] = {"code": code}
        key = f"{prefix}.{code}"
        if row is None and name == "other":  # added by pyxform for or_other
            opt["label"] = self.texts.or_other(key, 0)
            message = (
                f"Liste »{list_name}«: für »or_other« kommt die Antwort »{opt['label']}« hinzu, "
                "in jeder Sprache des Formulars."
            )
            ledger.note(None, None, message, "changed", "choices")
        else:
            label = choice.get("label")
            opt["label"] = self.texts.text(label, key, row, "label", sheet="choices", fallback=name)
        if found := self.hints.get((list_name, name)):
            hint_row, hint = found
            if text := self.texts.text(hint, f"{key}.hint", hint_row, "hint", sheet="choice_hints"):
                opt["hint"] = text
        if flag(choice.get("missing")):
            opt["missing"] = True
        ledger.use(row, "list_name", "name", "missing", sheet="choices")
        if row is not None:
            self.rows[row] = f"{list_name}.{code}"
        return opt
