"""pyxform's refusals in German, located at sheet, row and column.

pyxform stops at the first problem and reports it in English (``[row : 7] On the
'survey' sheet, the 'name' value …``). The common ones are translated; any other keeps
pyxform's own words inside a German sentence, so nothing is hidden from the guide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from surveys.xlsform._reader import Sheet
from surveys.xlsform._report import Finding

_ALIASES = {
    "type": ("type", "command"),
    "name": ("name", "value", "tag"),
    "list_name": ("list_name", "list name"),
    "calculation": ("calculation", "calculate"),
}

Rule = tuple[re.Pattern[str], str | None, Callable[[re.Match[str]], str]]
_RULES: list[Rule] = [
    (
        re.compile(r"Duplicate column header: (?P<h>.+)"),
        None,
        lambda m: (
            f"Die Spalte »{m['h']}« gibt es zweimal. Bitte eine davon umbenennen oder löschen."
        ),
    ),
    (
        re.compile(
            r"different names for the same column were found: '(?P<a>[^']+)', "
            r"'(?P<b>[^']+)'"
        ),
        None,
        lambda m: (
            f"Die Spalten »{m['a']}« und »{m['b']}« meinen dasselbe. Bitte eine davon "
            "umbenennen oder löschen."
        ),
    ),
    (
        re.compile(r"must have a sheet named 'survey'"),
        None,
        lambda m: "Das Blatt »survey« mit den Fragen fehlt.",
    ),
    (re.compile(r"Question with no type"), "type", lambda m: "Die Zeile hat keinen Typ."),
    (
        re.compile(r"Question or group with no name"),
        "name",
        lambda m: "Frage oder Gruppe ohne Namen.",
    ),
    (
        re.compile(r"List name not in (?:choices|columns) sheet: (?P<l>\S+)"),
        "type",
        lambda m: f"Die Liste »{m['l']}« fehlt im Blatt choices.",
    ),
    (
        re.compile(r"There should be a choices sheet"),
        None,
        lambda m: "Das Blatt choices fehlt, Auswahlfragen brauchen es.",
    ),
    (
        re.compile(r"Unmatched 'end_(?P<t>\w+)'"),
        "type",
        lambda m: f"end_{m['t']} ohne passendes begin_{m['t']}.",
    ),
    (
        re.compile(r"Unmatched 'begin_(?P<t>\w+)'.*name '(?P<n>[^']*)'"),
        "type",
        lambda m: f"begin_{m['t']} »{m['n']}« ohne passendes end_{m['t']}.",
    ),
    (
        re.compile(r"Could not find the name '(?P<n>[^']+)'"),
        None,
        lambda m: f"Verweis auf ${{{m['n']}}}: diesen Namen gibt es im Blatt survey nicht.",
    ),
    (
        re.compile(r"survey element named '(?P<n>[^']+)' has no label or hint"),
        "name",
        lambda m: f"»{m['n']}« hat weder Beschriftung (label) noch Hinweis (hint).",
    ),
    (
        re.compile(r"Unknown question type '(?P<t>[^']+)'"),
        "type",
        lambda m: f"Unbekannter Fragetyp »{m['t']}«.",
    ),
    (
        re.compile(r"Names must begin with a letter or underscore"),
        None,
        lambda m: (
            "Ungültiger Name: Namen beginnen mit einem Buchstaben oder _ und enthalten "
            "nur Buchstaben, Ziffern, _, - und Punkte."
        ),
    ),
    (
        re.compile(r"must be unique within their nearest parent|case-insensitive match"),
        "name",
        lambda m: "Dieser Name kommt in derselben Gruppe schon vor.",
    ),
    (
        re.compile(r"Choices must have a name"),
        "name",
        lambda m: "Antwort ohne Namen (Spalte name).",
    ),
    (
        re.compile(r"Choice names must be unique"),
        "name",
        lambda m: "Dieser Antwortname kommt in der Liste schon vor.",
    ),
    (
        re.compile(r"Missing calculation"),
        "calculation",
        lambda m: "Die Berechnung (calculation) fehlt.",
    ),
    (
        re.compile(r"This section has not been included"),
        "type",
        lambda m: (
            "Der Typ »include« (ein anderes Formular einbinden) wird nicht unterstützt: "
            "bitte die Fragen direkt in dieses Formular kopieren."
        ),
    ),
    (
        re.compile(r"was not recognized as a supported type"),
        None,
        lambda m: (
            "Die Datei ist keine lesbare XLSForm-Arbeitsmappe (.xlsx oder .xls): "
            "beschädigt, leer oder ein anderes Format."
        ),
    ),
]


def _column(sheet: Sheet | None, field: str | None) -> str | None:
    if field is None:
        return None
    if sheet is not None:
        for alias in _ALIASES.get(field, (field,)):
            for header in sheet.headers:
                if header.lower() == alias:
                    return sheet.column(header)
    return field


def _duplicate_header(sheets: Mapping[str, Sheet], header: str) -> tuple[str, str | None]:
    for sheet in sheets.values():
        if sheet.headers.count(header) > 1 or header in sheet.letters:
            return sheet.title or sheet.name, sheet.column(header)
    return "survey", header


def _row_of(sheet: Sheet | None, match: re.Match[str]) -> int | None:
    """The row a message is about when pyxform names only the element or the type."""
    wanted = match.groupdict().get("n") or ("include" if "include" in match.re.pattern else None)
    if sheet is None or not wanted:
        return None
    for i, raw in enumerate(sheet.rows):
        for header, value in raw.items():
            low = header.lower()
            if low in _ALIASES["name"] and str(value) == wanted:
                return i + 2
            if low in _ALIASES["type"] and str(value).split()[:1] == [wanted]:
                return i + 2
    return None


def german(exc: Exception, sheets: Mapping[str, Sheet]) -> Finding:
    """One located German finding for a pyxform refusal."""
    text = str(exc)
    ctx = dict(getattr(exc, "context", None) or {})
    row_m = re.search(r"\[row : (\d+)\]", text)
    row = int(ctx.get("row") or (row_m.group(1) if row_m else 0)) or None
    sheet_m = re.search(r"On the '(\w+)' sheet|for sheet: '(\w+)'", text)
    key = str(
        ctx.get("sheet")
        or ctx.get("sheet_name")
        or (sheet_m and (sheet_m.group(1) or sheet_m.group(2)))
        or "survey"
    ).lower()
    sheet = sheets.get(key)
    title = sheet.title if sheet is not None and sheet.title else key
    column_m = re.search(r"the '([^']+)' value", text)
    for pattern, field, message in _RULES:
        m = pattern.search(text)
        if m is None:
            continue
        if "h" in m.groupdict():
            where, column = _duplicate_header(sheets, m["h"])
            return Finding(where, 1, column, message(m))
        if "a" in m.groupdict():
            return Finding(title, 1, f"{m['a']}, {m['b']}", message(m))
        if "supported type" in pattern.pattern:
            return Finding("", None, None, message(m))
        column = _column(sheet, field or (column_m.group(1) if column_m else None))
        return Finding(title, row or _row_of(sheet, m), column, message(m))
    column = _column(sheet, ctx.get("column") or (column_m.group(1) if column_m else None))
    plain = re.sub(r"\[row : \d+\]\s*", "", text).strip()
    return Finding(
        title,
        row,
        column,
        f"Die Datei entspricht nicht dem XLSForm-Standard (Meldung von pyxform: »{plain}«).",
    )
