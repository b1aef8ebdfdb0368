"""One personal link per person: ``<base>/u/<campaign>/?t=<token>``.

The token is derived from the server secret and the invitation (HMAC-SHA-256), so the
reminder and a reprinted letter carry the same link as the invitation, and the database
never holds it: only its hash (HMAC-SHA-256 with the secret under another purpose),
against which a link that is opened is checked. Without the secret, a copy of the
database yields no working link. Changing the secret ends every personal link (as it
ends receipt codes).

20 characters from an alphabet without 0/O and 1/I (100 bits): typed from a letter
without confusion; case, spaces and dashes are forgiven.
"""

from __future__ import annotations

import hashlib
import hmac

ALPHABET = "abcdefghjklmnpqrstuvwxyz23456789"
LENGTH = 20


def invitation_token(secret: str, campaign_id: int, invitation_id: int) -> str:
    """The personal token of one invitation (always the same for the same secret)."""
    msg = f"invitation-token:{campaign_id}:{invitation_id}".encode()
    number = int.from_bytes(hmac.new(secret.encode(), msg, hashlib.sha256).digest(), "big")
    chars = []
    for _ in range(LENGTH):
        number, rem = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[rem])
    return "".join(chars)


def normalise_token(token: str) -> str:
    """Lower case, without spaces or dashes; "" when it cannot be a token."""
    text = "".join(ch for ch in token.lower() if ch not in " -\t")
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        return ""
    return text


def token_hash(secret: str, token: str) -> str:
    """What the database stores and looks up (hex, 64 characters)."""
    msg = f"invitation-hash:{normalise_token(token)}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()
