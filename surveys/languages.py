"""Survey languages: names in themselves, HTML ``lang`` and text direction.

Direction comes from the language code through Babel's CLDR data, never from the text
(a Latin full stop at the start of an Arabic hint must not flip the page). A language
Babel does not know (a private-use tag such as Leichte Sprache, ``de-x-ls``) maps to its
base language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError

SOURCE_LANGUAGE = "de"

# Order on the language choice page; newcomers' languages first after German.
PREFERRED_ORDER = ("de", "de-x-ls", "ar", "fa", "uk", "ru", "tr", "en")

_NATIVE_OVERRIDES = {
    "de-x-ls": "Leichte Sprache",
    "fa": "فارسی / دری",
    "kmr": "Kurdî (Kurmancî)",
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
        loc = Locale.parse(base.replace("-", "_"))
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
