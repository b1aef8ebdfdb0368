"""The respondent's state between pages: a signed cookie, and CSRF tokens derived from it.

The cookie holds only what the browser needs to continue: the client UUID, the mode
(online, or assisted/paper when the guide opened the form), the answer to the sensitive
consent, whether the privacy notice was accepted, when the respondent started (for
the minimum fill time), a review flag if the anti-bot field was filled and, for people
invited by name, the hash of their personal link's token. None of it
is stored on the server; answers are stored as a partial response after each page.
The cookie is HttpOnly, SameSite=Lax and scoped to the campaign's path.

A respondent sends the same cookie with every page until their state changes, so a
verified cookie is remembered (by its exact text, with its signing time for the age
limit) instead of being decoded and verified again on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from dataclasses import asdict, dataclass, replace

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "br_survey"
MAX_AGE_SECONDS = 60 * 60 * 24 * 60  # resume within two months without the code
VERIFIED_COOKIES = 4096
"""Verified cookies remembered at most (a school class is about 30 respondents)."""


@dataclass(frozen=True)
class SurveyState:
    uuid: str
    mode: str = "online"
    consent: bool | None = None
    """Sensitive-questions consent: None = not asked yet."""
    privacy: bool = False
    started: float = 0.0
    done: bool = False
    flag: str | None = None
    """Why this response is flagged for the guide's review (the hidden anti-bot field was
    filled); carried to every later save, None for everyone else."""
    invitation: str | None = None
    """The hash of the personal link's token this respondent came with (invited people,
    :mod:`surveys.invitations`): kept only here in the respondent's browser, so that
    completing marks the invitation finished; the server never stores it with a response."""

    def with_(self, **changes: object) -> SurveyState:
        return replace(self, **changes)  # type: ignore[arg-type]


def new_state(mode: str = "online") -> SurveyState:
    return SurveyState(uuid=str(uuid.uuid4()), mode=mode, started=time.time())


class StateCodec:
    def __init__(self, secret: str):
        self._secret = secret.encode()
        self._serializer = URLSafeTimedSerializer(secret, salt="bedarfsradar-survey-state")
        self._verified: dict[str, tuple[SurveyState, float]] = {}

    def dumps(self, state: SurveyState) -> str:
        return self._serializer.dumps(asdict(state))

    def loads(self, token: str | None) -> SurveyState | None:
        """The state in a cookie, or None if it is missing, forged, malformed or older
        than :data:`MAX_AGE_SECONDS`."""
        if not token:
            return None
        known = self._verified.get(token)
        if known is not None:
            state, signed = known
            return state if time.time() - signed <= MAX_AGE_SECONDS else None
        try:
            data, signed_at = self._serializer.loads(
                token, max_age=MAX_AGE_SECONDS, return_timestamp=True
            )
            state = SurveyState(**data)
        except (BadSignature, TypeError, ValueError):
            return None
        if len(self._verified) >= VERIFIED_COOKIES:
            self._verified.clear()
        self._verified[token] = (state, signed_at.timestamp())
        return state

    def csrf_token(self, state: SurveyState, slug: str) -> str:
        msg = f"csrf:{slug}:{state.uuid}".encode()
        return hmac.new(self._secret, msg, hashlib.sha256).hexdigest()[:32]

    def csrf_ok(self, state: SurveyState, slug: str, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf_token(state, slug), str(token))

    def mode_signature(self, slug: str, mode: str) -> str:
        """Signature the dashboard adds to an assisted/paper link for this campaign."""
        msg = f"mode:{slug}:{mode}".encode()
        return hmac.new(self._secret, msg, hashlib.sha256).hexdigest()[:24]

    def mode_ok(self, slug: str, mode: str, signature: str | None) -> bool:
        return bool(signature) and hmac.compare_digest(
            self.mode_signature(slug, mode), str(signature)
        )
