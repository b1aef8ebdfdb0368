"""Password rules for dashboard users, as NIST SP 800-63B §5.1.1 and OWASP ASVS V2 ask:
long enough, not common, not built from the user name or the town — and no composition
rules ("one digit, one capital …"), which make passwords harder to remember, not to guess.

The estimate of how guessable a password is comes from ``zxcvbn`` (Dropbox's estimator,
PyPI ``zxcvbn``): dictionaries of common passwords, names and words, keyboard patterns,
repeats, sequences and dates. A password must reach :data:`MIN_SCORE` (about 10⁸ guesses:
"safely unguessable" for an online attack, and slow offline behind argon2). Context:
zxcvbn is told the user name, the town's name and slug and the application's name; and
what is left after removing those words must be strong on its own, because zxcvbn counts
the punctuation and digits around a known word as random characters
(``oestrich-winkel-2026`` would otherwise pass). Only the first :data:`ESTIMATE_CHARS`
characters are estimated (zxcvbn's time grows fast with length; a longer password is
long enough).

Messages are German: the CLI and the Benutzer page show them as they are.
"""

from __future__ import annotations

import re

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_SCORE = 3
ESTIMATE_CHARS = 64
APP_WORDS = ("bedarfsradar",)

TOO_SHORT = f"Das Passwort braucht mindestens {MIN_LENGTH} Zeichen."
TOO_LONG = f"Das Passwort darf höchstens {MAX_LENGTH} Zeichen haben."
FROM_CONTEXT = (
    "Das Passwort ist zu sehr aus dem Benutzernamen oder dem Namen der Stadt gebildet. "
    "Bitte ein anderes wählen, z. B. drei oder vier zufällige Wörter."
)
GUESSABLE = (
    "Das Passwort ist zu leicht zu erraten (ein häufiges Passwort, ein Wort, eine "
    "Wiederholung oder ein Tastaturmuster). Bitte ein anderes wählen, z. B. drei oder "
    "vier zufällige Wörter."
)


def context_words(username: str, *town: str) -> list[str]:
    """The words a password must not be built from: the user name, the town's names and
    slugs, the application's name, each whole and in parts (``oestrich-winkel`` gives
    ``oestrich``, ``winkel`` and ``oestrichwinkel``), lower-case, three letters or more."""
    words: set[str] = set()
    for text in (username, *town, *APP_WORDS):
        parts = [p for p in re.split(r"[\W_]+", text.lower()) if p]
        words.update(parts)
        words.add("".join(parts))
    return sorted((w for w in words if len(w) >= 3), key=len, reverse=True)


def _score(password: str, user_inputs: list[str]) -> int:
    return int(zxcvbn(password[:ESTIMATE_CHARS], user_inputs=user_inputs)["score"])


def password_problem(password: str, username: str, *town: str) -> str | None:
    """None for an acceptable password, else the German reason it is refused."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    words = context_words(username, *town)
    if _score(password, words) < MIN_SCORE:
        return GUESSABLE
    rest = password.lower()
    for word in words:
        rest = rest.replace(word, "")
    if rest != password.lower() and _score(rest, []) < MIN_SCORE:
        return FROM_CONTEXT
    return None
