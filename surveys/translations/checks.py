"""Checks shared by the translation workbook's export and import: the problem type, which
script a language is written in, placeholders, foreign words, the display width of an
option label on a 360 px screen, and formula neutralisation of exported cells.

Why a limit on option labels: on a 360 px screen the survey (18 px body font, 18 px page
padding each side, 27 px radio button and 11 px gap) leaves about 286 px for an option's
text, ≈ 30 characters of Latin, Cyrillic or Arabic text per line. :data:`MAX_OPTION_LABEL_WIDTH`
(90, ≈ three lines; wide scripts such as Ethiopic count double) keeps a list of options on
one screen. The longest German option is 51 characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from surveys.questionnaire.languages import language

MAX_OPTION_LABEL_WIDTH = 90
MAX_WORKBOOK_BYTES = 5_000_000
MAX_UNCOMPRESSED_BYTES = 50_000_000
"""A returned workbook is a zip file: refuse archives that expand beyond this."""
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
INFO_SHEET = "Info"
STATUSES = ("draft", "reviewed", "outdated")

COLUMNS: tuple[tuple[str, str], ...] = (
    ("key", "Schlüssel"),
    ("context", "Kontext / Hinweis"),
    ("source", "Deutsch (Quelltext)"),
    ("translation", "Übersetzung"),
    ("status", "Status (draft | reviewed | outdated)"),
    ("reviewed_by", "Geprüft von (Rolle, kein Name)"),
    ("source_hash", "Quell-Hash (nicht ändern)"),
)
REQUIRED_COLUMNS = ("key", "translation", "status", "reviewed_by", "source_hash")
RECORDING_COLUMN = "Aufnahme zum Anhören (Dateiname)"
"""Last column: the file to record a questionnaire text into
(:mod:`surveys.translations.recording_package`); not read back with the translations."""
COLUMN_WIDTHS = (34, 48, 60, 60, 14, 26, 16)

PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_OPTION_KEY = re.compile(r"^(options\.[^.]+\.[^.]+|q\.[^.]+\.(option|row)\.[^.]+)$")
_CODE_TOKEN = re.compile(r"^([A-Z]{1,4}[0-9]{0,2}\+?|[A-Za-z]?[0-9]+[A-Za-z]?)$")
"""Codes that may stand in any script: B1, C1+, A2, IP, EU, 10, 3a."""

NAMES = frozenset(
    {
        "Oestrich-Winkel",
        "Oestrich",
        "Winkel",
        "Mittelheim",
        "Hallgarten",
        "Rheingau",
        "Rheingau-Taunus-Kreis",
        "Wiesbaden",
        "Rüdesheim",
        "Hessen",
        "KISI",
    }
)
"""Proper names a translation may keep in Latin letters even when they are not in the
German source of that string (any word of the German source is allowed as well)."""

# Unicode blocks per ISO 15924 script; only letters are classified (digits, punctuation,
# marks and symbols belong to no script here).
SCRIPT_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "Latn": (
        (0x41, 0x5A),
        (0x61, 0x7A),
        (0xAA, 0xAA),
        (0xBA, 0xBA),
        (0xC0, 0x24F),
        (0x1E00, 0x1EFF),
        (0x2C60, 0x2C7F),
        (0xA720, 0xA7FF),
        (0xFF21, 0xFF5A),
    ),
    "Cyrl": ((0x400, 0x52F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F)),
    "Arab": ((0x600, 0x6FF), (0x750, 0x77F), (0x870, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "Ethi": ((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F)),
    "Grek": ((0x370, 0x3FF), (0x1F00, 0x1FFF)),
    "Hebr": ((0x590, 0x5FF),),
    "Armn": ((0x530, 0x58F),),
    "Geor": ((0x10A0, 0x10FF),),
    "Deva": ((0x900, 0x97F),),
    "Thai": ((0xE00, 0xE7F),),
}
SCRIPT_NAMES = {
    "Latn": "Latin",
    "Cyrl": "Cyrillic",
    "Arab": "Arabic",
    "Ethi": "Ethiopic",
    "Grek": "Greek",
    "Hebr": "Hebrew",
    "Armn": "Armenian",
    "Geor": "Georgian",
    "Deva": "Devanagari",
    "Thai": "Thai",
}


# -- problems -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int | None
    key: str | None
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = [f"sheet {self.sheet!r}"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.key:
            where.append(f"key {self.key}")
        return f"{self.severity}: {', '.join(where)}: {self.message}"


class TranslationImportError(ValueError):
    """A workbook that cannot be read at all (unreadable, wrong structure): nothing changes."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# -- scripts, placeholders, widths ---------------------------------------------------------
def script_of_letter(ch: str) -> str | None:
    if not unicodedata.category(ch).startswith("L"):
        return None
    cp = ord(ch)
    for script, ranges in SCRIPT_RANGES.items():
        if any(lo <= cp <= hi for lo, hi in ranges):
            return script
    return "other"


def expected_script(code: str) -> str | None:
    """The script a language is written in, from CLDR likely subtags (``ar`` → Arab)."""
    from babel.core import get_global

    likely = get_global("likely_subtags")
    meta = language(code)
    for candidate in (meta.html_lang, meta.babel_locale.split("_")[0]):
        full = likely.get(candidate)
        if full:
            parts = full.split("_")
            if len(parts) > 1 and len(parts[1]) == 4:
                return parts[1]
    return None


def _words(text: str) -> list[str]:
    out = []
    for raw in text.split():
        word = raw.strip("".join(c for c in raw if not (c.isalnum() or c in "-+")))
        word = word.strip("-")
        if word:
            out.append(word)
    return out


MAX_QUOTED_SOURCE_WORDS = 3


def foreign_words(text: str, script: str, source: str = "") -> list[str]:
    """Words in ``text`` with letters of another script than ``script``.

    Always allowed: known proper names (:data:`NAMES`), codes (B1, IP), digits,
    punctuation and placeholders ``{n}``. Up to :data:`MAX_QUOTED_SOURCE_WORDS` words of
    the German ``source`` (also hyphen parts and inflected forms sharing a four-letter
    stem, "Termin" for "Termine") may be quoted in a text that is otherwise in
    ``script`` — "(Familiennachzug)" after the Farsi term. A German sentence left in an
    Arabic cell is reported.
    """
    text = PLACEHOLDER.sub(" ", text)
    has_own = any(script_of_letter(c) == script for c in text)
    names = {n.casefold() for n in NAMES} | {
        p.casefold() for n in NAMES for p in re.split(r"[-/]", n)
    }
    source_words: set[str] = set()
    for w in _words(source):
        source_words.add(w.casefold())
        source_words.update(p.casefold() for p in re.split(r"[-/]", w) if p)

    def kind(part: str) -> str:
        """'ok' (own script, name or code), 'quoted' (from the source) or 'foreign'."""
        if all(script_of_letter(c) in (None, script) for c in part) or _CODE_TOKEN.match(part):
            return "ok"
        p = part.casefold()
        if p in names:
            return "ok"
        stem = len(p) >= 4 and any(
            w.startswith(p) or p.startswith(w) for w in source_words if len(w) >= 4
        )
        return "quoted" if p in source_words or stem else "foreign"

    foreign: list[str] = []
    quoted: list[str] = []
    for word in _words(text):
        kinds = (
            {kind(word)} if kind(word) == "ok" else {kind(p) for p in re.split(r"[-/]", word) if p}
        )
        if kinds <= {"ok"}:
            continue
        (foreign if "foreign" in kinds else quoted).append(word)
    if not has_own or len(quoted) > MAX_QUOTED_SOURCE_WORDS:
        foreign += quoted
        foreign.sort(key=lambda w: text.find(w))
    return foreign


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def display_width(text: str) -> int:
    """Width in Latin-character units: wide (CJK, Ethiopic) characters count double,
    combining marks not at all."""
    width = 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        wide = unicodedata.east_asian_width(ch) in ("W", "F") or script_of_letter(ch) == "Ethi"
        width += 2 if wide else 1
    return width


def is_option_label(key: str) -> bool:
    return bool(_OPTION_KEY.match(key))


def neutralise(value: str) -> str:
    """A cell value that spreadsheet programs never read as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value
