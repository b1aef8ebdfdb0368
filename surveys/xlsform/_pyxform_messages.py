"""pyxform's refusals in German, located at sheet, row and column.

pyxform stops at the first problem and reports it in English (``[row : 7] On the
'survey' sheet, the 'name' value …``). The common ones are translated; any other keeps
pyxform's own words inside a German sentence, so nothing is hidden from the guide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from surveys.xlsform._reader import Sheet
from surveys.xlsform._report import Finding

_ALIASES = {
    "type": ("type", "command"),
    "name": ("name", "value", "tag"),
    "list_name": ("list_name", "list name"),
    "calculation": ("calculation", "calculate"),
}

Rule = tuple[re.Pattern[str], str | None, str]
"""pyxform's words, the column they concern, the German message (``{group}`` fills in)."""
_RULES: list[Rule] = [
    (re.compile(p), field, text)
    for p, field, text in [
        (r"Duplicate column header: (?P<h>.+)", None,
         "Die Spalte »{h}« gibt es zweimal. Bitte eine davon umbenennen oder löschen."),
        (r"different names for the same column were found: '(?P<a>[^']+)', '(?P<b>[^']+)'", None,
         "Die Spalten »{a}« und »{b}« meinen dasselbe. Bitte eine davon umbenennen oder löschen."),
        (r"must have a sheet named 'survey'", None, "Das Blatt »survey« mit den Fragen fehlt."),
        (r"Question with no type", "type", "Die Zeile hat keinen Typ."),
        (r"Question or group with no name", "name", "Frage oder Gruppe ohne Namen."),
        (r"List name not in (?:choices|columns) sheet: (?P<l>\S+)", "type",
         "Die Liste »{l}« fehlt im Blatt choices."),
        (r"There should be a choices sheet", None,
         "Das Blatt choices fehlt, Auswahlfragen brauchen es."),
        (r"Unmatched 'end_(?P<t>\w+)'", "type", "end_{t} ohne passendes begin_{t}."),
        (r"Unmatched 'begin_(?P<t>\w+)'.*name '(?P<n>[^']*)'", "type",
         "begin_{t} »{n}« ohne passendes end_{t}."),
        (r"Could not find the name '(?P<n>[^']+)'", None,
         "Verweis auf ${{{n}}}: diesen Namen gibt es im Blatt survey nicht."),
        (r"survey element named '(?P<n>[^']+)' has no label or hint", "name",
         "»{n}« hat weder Beschriftung (label) noch Hinweis (hint)."),
        (r"Unknown question type '(?P<t>[^']+)'", "type", "Unbekannter Fragetyp »{t}«."),
        (r"Names must begin with a letter or underscore", None,
         "Ungültiger Name: Namen beginnen mit einem Buchstaben oder _ und enthalten nur "
         "Buchstaben, Ziffern, _, - und Punkte."),
        (r"must be unique within their nearest parent|case-insensitive match", "name",
         "Dieser Name kommt in derselben Gruppe schon vor."),
        (r"Choices must have a name", "name", "Antwort ohne Namen (Spalte name)."),
        (r"Choice names must be unique", "name",
         "Dieser Antwortname kommt in der Liste schon vor."),
        (r"Missing calculation", "calculation", "Die Berechnung (calculation) fehlt."),
        (r"This section has not been included", "type",
         "Der Typ »include« (ein anderes Formular einbinden) wird nicht unterstützt: bitte die "
         "Fragen direkt in dieses Formular kopieren."),
        (r"was not recognized as a supported type", None,
         "Die Datei ist keine lesbare XLSForm-Arbeitsmappe (.xlsx oder .xls): beschädigt, leer "
         "oder ein anderes Format."),
    ]
]  # fmt: skip


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
    for pattern, field, template in _RULES:
        m = pattern.search(text)
        if m is None:
            continue
        message = template.format(**m.groupdict())
        if "h" in m.groupdict():
            where, column = _duplicate_header(sheets, m["h"])
            return Finding(where, 1, column, message)
        if "a" in m.groupdict():
            return Finding(title, 1, f"{m['a']}, {m['b']}", message)
        if "supported type" in pattern.pattern:
            return Finding("", None, None, message)
        column = _column(sheet, field or (column_m.group(1) if column_m else None))
        return Finding(title, row or _row_of(sheet, m), column, message)
    column = _column(sheet, ctx.get("column") or (column_m.group(1) if column_m else None))
    plain = re.sub(r"\[row : \d+\]\s*", "", text).strip()
    return Finding(
        title,
        row,
        column,
        f"Die Datei entspricht nicht dem XLSForm-Standard (Meldung der Prüfung, englisch: "
        f"»{plain}«).",
    )
