"""Survey languages: names in themselves, HTML ``lang`` and text direction.

Direction comes from the language code through Babel's CLDR data, never from the text
(a Latin full stop at the start of an Arabic hint must not flip the page). A language
Babel does not know (a private-use tag such as Leichte Sprache, ``de-x-ls``) maps to its
base language.

Dari (``prs``) is its own language option, for a translation file of its own: CLDR has no
Dari locale, so its data (direction, plural rules) come from Persian as spoken in
Afghanistan (``fa_AF``, :data:`BABEL_ALIASES`). Until a Dari translation exists, the Farsi
one serves Dari speakers too, which is why Farsi is offered as "فارسی / دری".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers

SOURCE_LANGUAGE = "de"

# Order on the language choice page; newcomers' languages first after German.
PREFERRED_ORDER = ("de", "de-x-ls", "ar", "fa", "prs", "uk", "ru", "tr", "en")

_NATIVE_OVERRIDES = {
    "de-x-ls": "Leichte Sprache",
    "fa": "فارسی / دری",
    "prs": "دری",
    "kmr": "Kurdî (Kurmancî)",
}
BABEL_ALIASES = {"prs": "fa_AF"}
"""Codes CLDR does not know, with the locale whose data stand in for them."""
_NAME_OVERRIDES = {
    "leichte sprache": "de-x-ls",
    "einfache sprache": "de-x-ls",
    "easy german": "de-x-ls",
    "dari": "prs",
    "دری": "prs",
    "farsi": "fa",
}


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    html_lang: str
    direction: str  # "ltr" | "rtl"
    babel_locale: str


def _base(code: str) -> str:
    return code.split("-x-", 1)[0]


@lru_cache(maxsize=128)
def language(code: str) -> Language:
    """Metadata for a language code; raises ``ValueError`` for a code Babel cannot place."""
    base = _base(code)
    try:
        loc = Locale.parse(BABEL_ALIASES.get(base, base).replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"unknown language code {code!r}") from exc
    direction = "rtl" if loc.character_order == "right-to-left" else "ltr"
    native = _NATIVE_OVERRIDES.get(code) or (loc.get_display_name(loc) or code)
    native = native[:1].upper() + native[1:]
    return Language(
        code=code,
        native_name=native,
        html_lang=base,
        direction=direction,
        babel_locale=str(loc),
    )


def is_known(code: str) -> bool:
    try:
        language(code)
    except ValueError:
        return False
    return True


def ordered(codes: list[str]) -> list[str]:
    """Languages in the order shown to respondents."""
    rank = {c: i for i, c in enumerate(PREFERRED_ORDER)}
    return sorted(codes, key=lambda c: (rank.get(c, len(rank)), c))


def english_name(code: str) -> str:
    """``German``, ``Arabic``, ``Dari``: the name XLSForm tools expect in column headers."""
    if code == "prs":
        return "Dari"
    if "-x-" in code:
        return language(code).native_name
    return Locale.parse(language(code).babel_locale).get_display_name("en") or code


_GERMAN_OVERRIDES = {"de-x-ls": "Leichte Sprache", "fa": "Farsi/Dari", "prs": "Dari"}


@lru_cache(maxsize=256)
def german_name(code: str) -> str:
    """``Arabisch``, ``Leichte Sprache``: a language named for the guide (German); an
    unknown code unchanged."""
    if code in _GERMAN_OVERRIDES:
        return _GERMAN_OVERRIDES[code]
    return Locale("de").languages.get(_base(code).split("-")[0].lower()) or code


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for ident in locale_identifiers():
        if "_" in ident:  # territories and scripts: the bare language is enough
            continue
        loc = Locale.parse(ident)
        for name in (loc.get_display_name("en"), loc.get_display_name(loc)):
            if name:
                names.setdefault(name.casefold(), ident)
    return {**names, **_NAME_OVERRIDES}


def code_for_name(name: str) -> str | None:
    """The code of a language named in English or in itself (``English``, ``Français``,
    ``Dari``, ``Leichte Sprache``); ``None`` if no language has that name."""
    return _names().get(" ".join(name.split()).casefold())
