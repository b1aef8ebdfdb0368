"""Languages of an XLSForm's text columns, and texts our survey can show as they are.

Language columns are named ``label::English (en)`` by the standard, but forms in the wild
say ``label::English``, ``label::Français (fr)``, ``LABEL::EN`` or just ``label``.
:func:`code_of` finds our language code for such a name (the code in parentheses first,
else the name through Babel's language names); :class:`LanguageMap` decides which
language becomes the German source text and which become translations.

Texts: ODK shows ``*emphasis*``, ``**bold**``, ``# headings``, ``[links](url)`` and HTML
spans as formatting, and replaces ``${name}`` by an earlier answer. Our survey shows plain
text, so :func:`plain_text` removes the formatting and puts "…" for a placeholder; the
importer names each such change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from surveys.questionnaire.languages import SOURCE_LANGUAGE, code_for_name, english_name, is_known
from surveys.xlsform._ledger import Ledger, field_of
from surveys.xlsform._product import OTHER, SPECIFY, ProductTexts

DEFAULT = "default"
"""pyxform's name for the language of text columns without a language."""
TRANSLATABLE = ("label", "hint", "guidance_hint")
OR_OTHER_LABEL = "Specify other."
"""The label pyxform gives the text question it adds for ``or_other`` (replaced: the
import writes the product's own texts, :mod:`surveys.xlsform._product`)."""
_COLUMN = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\)\s*$")


def column_label(code: str) -> str:
    """``German (de)``, ``Arabic (ar)``, ``Leichte Sprache (de)``: a language column name
    pyxform accepts (its code must be a registered primary language subtag)."""
    if "-x-" in code:
        return f"{english_name(code)} ({code.split('-x-', 1)[0]})"
    return f"{english_name(code)} ({code})"


def code_of(name: str) -> str | None:
    """Our language code for an XLSForm language name, ``None`` if unknown."""
    m = _COLUMN.match(name)
    if m:
        label, code = m["name"].strip(), m["code"]
        by_name = code_for_name(label) if label else None
        if by_name and by_name.split("-x-", 1)[0] == code.lower():
            return by_name  # "Leichte Sprache (de)" is de-x-ls, "Deutsch (de)" is de
        for candidate in (code, code.lower()):
            if is_known(candidate):
                return candidate
        return by_name
    if re.fullmatch(r"[A-Za-z]{2,3}", name.strip()) and is_known(name.strip().lower()):
        return name.strip().lower()
    return code_for_name(name)


@dataclass
class LanguageMap:
    """Which XLSForm language becomes the source text, which become translations."""

    source: str
    """The XLSForm language whose texts fill the German source slot."""
    codes: dict[str, str] = field(default_factory=dict)
    """Carried XLSForm language -> our code (the source's own code included)."""
    left_out: dict[str, str] = field(default_factory=dict)
    """XLSForm language -> why its columns are not carried (German, for the guide)."""
    notes: list[str] = field(default_factory=list)
    """Assumptions the guide must confirm (German)."""

    @classmethod
    def build(cls, names: Iterable[str], default_language: str) -> LanguageMap:
        ordered = list(dict.fromkeys(names)) or [default_language]
        found = {n: (None if n == DEFAULT else code_of(n)) for n in ordered}
        explicit_german = any(c == SOURCE_LANGUAGE for c in found.values())
        out = cls(source=ordered[0])
        for name in ordered:
            code = found[name]
            if name == DEFAULT and not explicit_german:
                code = SOURCE_LANGUAGE
                out.notes.append(
                    "Die Textspalten ohne Sprachangabe (z. B. »label«) werden als Deutsch "
                    "übernommen."
                )
            if code is None:
                out.left_out[name] = (
                    "neben Spalten auf Deutsch stehen Spalten ohne Sprachangabe"
                    if name == DEFAULT
                    else "die Sprache ist unbekannt (Sprachcode in Klammern angeben, z. B. "
                    "»label::Tigrinya (ti)«)"
                )
            elif code in out.codes.values():
                other = next(n for n, c in out.codes.items() if c == code)
                out.left_out[name] = f"dieselbe Sprache wie »{other}«"
            else:
                out.codes[name] = code
        german = [n for n, c in out.codes.items() if c == SOURCE_LANGUAGE]
        if german:
            out.source = german[0]
        elif out.codes:
            out.source = (
                default_language if default_language in out.codes else next(iter(out.codes))
            )
            out.notes.append(
                f"Das Formular hat keine deutschen Texte: es wird in »{out.source}« und seinen "
                "anderen Sprachen angeboten, nicht auf Deutsch. Für Deutsch die Spalten "
                "»label::Deutsch (de)« (und »hint::Deutsch (de)«) ergänzen und das Formular "
                "erneut importieren."
            )
        else:
            out.source = ordered[0]
            reason = out.left_out.pop(out.source, "")
            out.notes.append(
                f"Die Sprache »{out.source}« ist unbekannt ({reason}); ihre Texte stehen an "
                "Stelle der deutschen."
            )
        return out

    def split(self, value: Any, default_language: str) -> tuple[str | None, dict[str, str]]:
        """A pyxform text value (string or ``{language: text}``) → the source text and the
        translations by our language code (left-out languages dropped)."""
        if value is None or value == "":
            return None, {}
        texts: Mapping[str, Any] = value if isinstance(value, dict) else {default_language: value}
        texts = {k: str(v) for k, v in texts.items() if isinstance(v, str | int | float) and str(v)}
        source = texts.get(self.source)
        translations = {
            code: texts[name]
            for name, code in self.codes.items()
            if name in texts and (name != self.source or code != SOURCE_LANGUAGE)
        }
        return source, translations


# -- text the survey can show as it is ---------------------------------------------------------
_MARKDOWN = [
    (re.compile(r"<span\b[^>]*>(.*?)</span>", re.IGNORECASE | re.DOTALL), r"\1"),
    (re.compile(r"</?(?:b|i|u|em|strong|br|p|font)\b[^>]*>", re.IGNORECASE), " "),
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)"), r"\1 (\2)"),
    (re.compile(r"\*\*(\S(?:.*?\S)?)\*\*"), r"\1"),
    (re.compile(r"__(\S(?:.*?\S)?)__"), r"\1"),
    (re.compile(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w])_(\S(?:.*?\S)?)_(?![\w])"), r"\1"),
    (re.compile(r"^#{1,6}\s+", re.MULTILINE), ""),
]
_PIPING = re.compile(r"\$\{[^}]*\}")
PLACEHOLDER = "…"


def plain_text(text: str) -> tuple[str, list[str]]:
    """The text without ODK formatting and placeholders, and what was changed (German)."""
    changes = []
    out = text
    for pattern, repl in _MARKDOWN:
        out = pattern.sub(repl, out)
    if out != text:
        changes.append("Formatierung (Markdown/HTML) entfernt")
    if _PIPING.search(out):
        refs = ", ".join(dict.fromkeys(_PIPING.findall(out)))
        out = _PIPING.sub(PLACEHOLDER, out)
        changes.append(
            f"Platzhalter {refs} durch »{PLACEHOLDER}« ersetzt (frühere Antworten werden nicht "
            "in Texte eingesetzt)"
        )
    out = re.sub(r"[ \t]{2,}", " ", out).strip()
    return out, changes


def language_names(form: Mapping[str, Any], extra: Iterable[str] = ()) -> list[str]:
    """Every XLSForm language a text of the form is written in, in order of appearance."""
    default = str(form.get("default_language") or DEFAULT)
    names: list[str] = []

    def add(value: Any) -> None:
        if isinstance(value, dict):
            names.extend(str(k) for k, v in value.items() if isinstance(v, str) and v)
        elif isinstance(value, str) and value:
            names.append(default)

    def walk(elements: list[dict[str, Any]]) -> None:
        for el in elements:
            if el.get("type") in ("repeat", "loop") or el.get("label") == OR_OTHER_LABEL:
                continue  # left out, or pyxform's own untranslated or_other question
            for key in TRANSLATABLE:
                add(el.get(key))
            bind = el.get("bind") or {}
            add(bind.get("jr:constraintMsg"))
            add(bind.get("jr:requiredMsg"))
            walk(el.get("children") or [])

    for key in ("translated_title", "intro", "privacy", "consent_sensitive", "thank_you"):
        add(form.get(key))
    walk(form.get("children") or [])
    for options in (form.get("choices") or {}).values():
        for choice in options:
            add(choice.get("label"))
    names.extend(extra)
    return names


class Texts:
    """Texts of the form: source text returned, translations collected by key."""

    def __init__(
        self,
        ledger: Ledger,
        langs: LanguageMap,
        default_language: str,
        product: ProductTexts | None = None,
    ):
        self.ledger, self.langs, self.default_language = ledger, langs, default_language
        self.product = product or ProductTexts()
        self.strings: dict[str, dict[str, str]] = {}
        """Our language code -> translation key -> text."""

    @property
    def source_code(self) -> str:
        """Our code of the language in the source slot (German unless the form has none)."""
        return self.langs.codes.get(self.langs.source, SOURCE_LANGUAGE)

    @property
    def targets(self) -> list[str]:
        """Our codes of the translations the form has (the source's own code included when
        it is not German: its texts are offered under that code)."""
        return [c for c in dict.fromkeys(self.langs.codes.values()) if c != SOURCE_LANGUAGE]

    def fixed(self, key: str, fixed_key: str, **params: Any) -> tuple[str | None, list[str]]:
        """A text the import writes itself, from the product's translations: the source
        text (``None`` if the product has none in the source language) and the languages
        it was written in; languages the product lacks stay without it (and are hidden)."""
        written = []
        for code in self.targets:
            if (text := self.product.fixed(fixed_key, code, **params)) is not None:
                self.strings.setdefault(code, {})[key] = text
                written.append(code)
        source = self.product.fixed(fixed_key, self.source_code, **params)
        if source is None:
            source = self.product.fixed(fixed_key, "en", **params)
        return source, written

    def fill(self, key: str, fixed_key: str, **params: Any) -> dict[str, str]:
        """The product's text ``fixed_key`` for each language of the form that has no
        text for ``key``; the texts written by language."""
        written = {}
        for code in self.targets:
            if self.strings.get(code, {}).get(key) or code == self.source_code:
                continue
            if (text := self.product.fixed(fixed_key, code, **params)) is not None:
                self.strings.setdefault(code, {})[key] = text
                written[code] = text
        return written

    def copy(self, source_key: str, key: str) -> None:
        """``key`` gets the translations of ``source_key`` (a section titled like the form)."""
        for texts in self.strings.values():
            if source_key in texts and key not in texts:
                texts[key] = texts[source_key]

    def text(
        self,
        value: Any,
        key: str,
        row: int | None,
        fieldname: str,
        *,
        sheet: str = "survey",
        fallback: str | None = None,
    ) -> str | None:
        """The source text for ``key`` (translations stored aside), as plain text; the
        guide is told about each text taken from elsewhere or changed."""
        note = self.ledger.note
        value = self.original(sheet, row, fieldname, value)
        source, translations = self.langs.split(value, self.default_language)
        if source is None and translations:
            code, source = next(iter(translations.items()))
            message = (
                f"Kein Text in »{self.langs.source}«: der Text in »{code}« steht an seiner Stelle."
            )
            note(row, fieldname, message, "changed", sheet)
        if source is None:
            if fallback is not None:
                message = f"Ohne Beschriftung: »{fallback}« steht an ihrer Stelle."
                note(row, fieldname, message, "changed", sheet)
            return fallback
        self.ledger.use(row, fieldname, sheet=sheet)
        cleaned, changes = plain_text(source)
        for code, text in translations.items():
            translations[code], more = plain_text(text)
            changes += more
        if changes:
            note(row, fieldname, "; ".join(dict.fromkeys(changes)) + ".", "changed", sheet)
        for code, text in translations.items():
            if text:
                self.strings.setdefault(code, {})[key] = text
        return cleaned or fallback

    def original(self, sheet: str, row: int | None, fieldname: str, value: Any) -> Any:
        """The text as written: pyxform turns typographic quotes („…“, ’) into plain ones
        in every cell, for its expressions; texts keep them here."""
        from pyxform.parsing.sheet_headers import clean_text_values

        rows = self.ledger.sheets[sheet].rows if sheet in self.ledger.sheets else []
        if row is None or value in (None, "") or not 0 <= row - 2 < len(rows):
            return value
        raw = rows[row - 2]
        texts = value if isinstance(value, dict) else {self.default_language: value}
        out = dict(texts)
        for header, tokens in self.ledger.tokens[sheet].items():
            fname, lang = field_of(tokens)
            cell, lang = raw.get(header), lang or self.default_language
            if (
                fname == fieldname
                and isinstance(cell, str)
                and lang in texts
                and texts[lang] in (clean_text_values(cell, True), clean_text_values(cell, False))
            ):
                out[lang] = cell
        return out if isinstance(value, dict) else out[self.default_language]

    def or_other(self, key: str, which: int) -> str:
        """Source text (and its translations) for what ``or_other`` adds: ``which`` 0 is
        the option ("Sonstiges"), 1 the text question ("Bitte näher angeben:")."""
        source, _ = self.fixed(key, (OTHER, SPECIFY)[which])
        return source or ("Other", "Please specify:")[which]
