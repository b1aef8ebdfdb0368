"""The import's ledger: where each piece came from, what was carried, what was named.

pyxform's normalised form has no row numbers. :class:`RowIndex` finds the row of each
element by its path of group names, the way pyxform itself nests the rows; :func:`field_of`
names the field a header feeds (``relevance`` and ``relevant`` both feed ``relevant``) and
the language of a text column. The importer marks in the :class:`Ledger` which fields of
which row it carried; :meth:`Ledger.unused_cells` names every other non-empty cell, so
nothing goes silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from surveys.xlsform._reader import Sheet
from surveys.xlsform._report import Finding, Kind

SETTINGS_ROW = 2

_BIND = {
    "relevant": "relevant",
    "required": "required",
    "constraint": "constraint",
    "jr:constraintMsg": "constraint_message",
    "jr:requiredMsg": "required_message",
    "calculate": "calculation",
    "readonly": "read_only",
}
_CONTROL = {"appearance": "appearance", "jr:count": "repeat_count"}
TRANSLATED = {"label", "hint", "guidance_hint", "constraint_message", "required_message"}

REASONS = {
    "default": "Vorgabewerte (default) werden nicht übernommen: die Frage beginnt leer.",
    "media": "Bilder, Ton und Video zu Fragen und Antworten werden nicht übernommen.",
    "choice_filter": "Antwortfilter (choice_filter) werden nicht übernommen: alle Antworten der "
    "Liste werden gezeigt.",
    "read_only": "Schreibschutz (read_only) wird nicht übernommen.",
    "calculation": "Berechnungen (calculation) werden nicht übernommen.",
    "parameters": "Parameter (parameters) werden nicht übernommen.",
    "trigger": "Auslöser (trigger) werden nicht übernommen.",
    "repeat_count": "Wiederholungen werden nicht übernommen.",
    "appearance": "Diese Darstellung (appearance) wird nicht übernommen.",
    "constraint": "Diese Prüfregel (constraint) wird nicht übernommen.",
    "constraint_message": "Eine Fehlermeldung ohne übernommene Prüfregel entfällt.",
    "required": "Diese Pflichtangabe wird nicht übernommen.",
    "required_message": "Eine Fehlermeldung für Pflichtfragen entfällt, weil die Frage nicht "
    "Pflicht ist.",
}
GENERIC = "Diese Spalte wird nicht übernommen."


def header_tokens(sheet: Sheet, kind: str) -> dict[str, tuple[str, ...]]:
    """pyxform's reading of each header: ``relevance`` → ``("bind", "relevant")``."""
    from pyxform import aliases
    from pyxform.parsing.sheet_headers import process_header
    from pyxform.question import MultipleChoiceQuestion, Option
    from pyxform.survey import Survey

    known = {
        "survey": (aliases.survey_header, set(MultipleChoiceQuestion.get_slot_names())),
        "choices": (aliases.list_header, set(Option.get_slot_names())),
        "settings": (aliases.settings_header, set(Survey.get_slot_names())),
    }
    header_aliases, columns = known.get(kind, ({}, set()))
    double = any("::" in h for h in sheet.headers)
    out: dict[str, tuple[str, ...]] = {}
    for header in sheet.headers:
        try:
            _, tokens = process_header(
                header=header,
                use_double_colon=double,
                header_aliases=header_aliases,
                header_columns=columns,
            )
        except Exception:  # an odd header is simply an unknown field
            tokens = (header,)
        out[header] = tuple(tokens)
    return out


def field_of(tokens: tuple[str, ...]) -> tuple[str, str | None]:
    """The field a header feeds and the language of a text column (``None``: the form's
    default language, or not a text column)."""
    head = tokens[0]
    if head in ("label", "hint", "guidance_hint", "title"):
        return head, tokens[1] if len(tokens) > 1 else None
    if head == "bind" and len(tokens) > 1:
        field = _BIND.get(tokens[1], f"bind::{tokens[1]}")
        lang = tokens[2] if len(tokens) > 2 and field in TRANSLATED else None
        return field, lang
    if head == "control" and len(tokens) > 1:
        return _CONTROL.get(tokens[1], tokens[1]), None
    if head in ("list name", "list_name"):
        return "list_name", None
    if head == "media":
        return "media", None
    return head, tokens[1] if len(tokens) > 1 else None


class RowIndex:
    """Sheet row of each survey element, found by its path of group names."""

    def __init__(self, sheet: Sheet, tokens: dict[str, tuple[str, ...]]):
        from pyxform.xls2json import RE_BEGIN_CONTROL, RE_END_CONTROL

        type_h = next((h for h, t in tokens.items() if t == ("type",)), "type")
        name_h = next((h for h, t in tokens.items() if t == ("name",)), "name")
        self.by_path: dict[tuple[str, ...], int] = {}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.types: dict[int, str] = {}
        self.ends: set[int] = set()
        stack: list[str] = []
        for i, raw in enumerate(sheet.rows):
            row = i + 2
            kind = str(raw.get(type_h) or "").strip()
            name = str(raw.get(name_h) or "").strip()
            self.types[row] = kind
            if RE_END_CONTROL.search(kind):
                self.ends.add(row)
                if stack:
                    stack.pop()
                continue
            if not name and kind == "note":
                name = f"generated_note_name_{row}"
            if name:
                self.by_path.setdefault((*stack, name), row)
                self.by_name[name].append(row)
            if RE_BEGIN_CONTROL.search(kind):
                stack.append(name)

    def row(self, path: tuple[str, ...]) -> int | None:
        found = self.by_path.get(path)
        if found is None and path:
            rows = self.by_name.get(path[-1], [])
            found = rows[0] if len(rows) == 1 else None
        return found


class Ledger:
    """Findings, carried fields per sheet row, and rows left out as a whole."""

    def __init__(self, sheets: dict[str, Sheet], default_language: str):
        self.sheets = sheets
        self.default_language = default_language
        self.tokens = {k: header_tokens(s, k) for k, s in sheets.items()}
        self.index = RowIndex(sheets["survey"], self.tokens["survey"])
        self.findings: list[Finding] = []
        self.used: dict[tuple[str, int], set[str]] = {}
        self.left_rows: set[int] = set()
        self.left_names: dict[str, int | None] = {}
        """XLSForm names of left-out survey rows (skip logic depending on them is flagged)."""
        self.whole: set[tuple[str, int]] = set()
        """(sheet, row) of rows left out as a whole."""

    def column(self, sheet: str, fieldname: str) -> str | None:
        """``relevant (G)``: the header (and letter) of a field in a sheet."""
        if sheet not in self.sheets:
            return fieldname
        s = self.sheets[sheet]
        headers = [h for h, t in self.tokens[sheet].items() if field_of(t)[0] == fieldname]
        if len(headers) == 1:
            return s.column(headers[0])
        letters = [s.letters[h] for h in headers if h in s.letters]
        return f"{fieldname} ({', '.join(letters)})" if headers and letters else fieldname

    def note(
        self,
        row: int | None,
        fieldname: str | None,
        message: str,
        kind: Kind,
        sheet: str = "survey",
    ) -> None:
        column = self.column(sheet, fieldname) if fieldname else None
        self.add(sheet, row, column, message, kind)

    def add(
        self, sheet: str, row: int | None, column: str | None, message: str, kind: Kind
    ) -> None:
        title = self.sheets[sheet].title if sheet in self.sheets else sheet
        if sheet in ("settings", "choices") and sheet not in self.sheets:
            title = f"{sheet} (fehlt)"
        self.findings.append(Finding(title, row, column, message, kind))

    def use(self, row: int | None, *fields: str, sheet: str = "survey") -> None:
        if row is not None:
            self.used.setdefault((sheet, row), set()).update(fields)

    def leave_out(self, row: int | None, name: str, message: str) -> None:
        self.left_names[name] = row
        if row is not None:
            self.left_rows.add(row)
            self.whole.add(("survey", row))
            self.note(row, "type", message, "left_out")

    def leave_out_tree(self, el: dict[str, Any], path: tuple[str, ...], message: str) -> None:
        self.leave_out(self.index.row(path), str(el.get("name", "")), message)
        for child in el.get("children") or []:
            sub = (*path, str(child.get("name", "")))
            if child.get("children") is not None:
                self.leave_out_tree(child, sub, message)
            elif (row := self.index.row(sub)) is not None:
                self.leave_out(row, str(child.get("name", "")), message)

    def unused_cells(self, left_languages: Iterable[str]) -> None:
        """Every non-empty cell of a carried row that nothing carried: named."""
        skip = set(left_languages)
        gone = self.left_rows | self.index.ends
        for key in ("survey", "choices", "settings"):
            sheet = self.sheets.get(key)
            for i, raw in enumerate(sheet.rows if sheet else []):
                row = i + 2
                if not raw or (key == "survey" and row in gone):
                    continue
                used = self.used.get((key, row))
                if used is None:
                    self._unread_row(key, row)
                    continue
                for header, value in raw.items():
                    fieldname, lang = field_of(self.tokens[key].get(header, (header,)))
                    if value in (None, "") or (lang or self.default_language) in skip:
                        continue
                    if fieldname not in used and "*" not in used:
                        assert sheet is not None
                        reason = REASONS.get(fieldname, GENERIC)
                        self.add(key, row, sheet.column(header), reason, "left_out")

    def labels(self, source: str) -> dict[tuple[str, int], str]:
        """(sheet title, row) -> the row's label as written, in the language ``source``
        where it has one (else its first label, else its name): what the guide calls it."""
        out: dict[tuple[str, int], str] = {}
        for key in ("survey", "choices"):
            sheet = self.sheets.get(key)
            if sheet is None:
                continue
            tokens = self.tokens[key]
            columns = [(h, field_of(t)[1] or self.default_language) for h, t in tokens.items()
                       if field_of(t)[0] == "label"]  # fmt: skip
            columns.sort(key=lambda c: c[1] != source)
            names = [h for h, t in tokens.items() if t == ("name",)]
            for i, raw in enumerate(sheet.rows):
                found = next((str(raw[h]) for h, _ in columns if raw.get(h)), None)
                found = found or next((str(raw[h]) for h in names if raw.get(h)), None)
                if found:
                    out[(sheet.title, i + 2)] = " ".join(found.split())
        return out

    def _unread_row(self, key: str, row: int) -> None:
        from pyxform import aliases

        if key == "survey" and self.index.types.get(row) in aliases.settings_header:
            return  # a setting written in the survey sheet: pyxform applied it
        self.whole.add((key, row))
        what = "Antwort" if key == "choices" else "Zeile"
        self.note(
            row,
            None,
            f"Diese {what} wird nicht gelesen (z. B. »disabled«, ohne Typ oder außerhalb "
            "jeder Liste); ihr Inhalt wird nicht übernommen.",
            "left_out",
            key,
        )
