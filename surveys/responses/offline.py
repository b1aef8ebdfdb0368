"""Offline interviews (ODK Collect, KoboCollect) as responses: identity and replacement.

An interview collected on a tablet comes back in the tool's export with random ids:
``meta/instanceID`` names one version of the submission, ODK Central's ``KEY`` (Kobo:
``meta/rootUuid``) its first version, ``meta/deprecatedID`` the version an edit replaced.
None of them is stored: :func:`instance_hash` keys each with the server secret
(HMAC-SHA256), so the hashes cannot be compared with an export by anyone without the
secret, and they say nothing about the person interviewed.

:func:`classify` decides what an import does with each interview, against what earlier
imports stored (table ``offline_submission``):

========================  ============================================================
``known``                 this version was imported before (or replaced since): nothing
``deleted``               an earlier version was imported and its response deleted since
                          (retention, the guide): the interview does not come back
``replace``               an earlier version holds a response: its answers are replaced
                          (same response, same record key)
``new``                   a new response with mode ``offline``
========================  ============================================================

:meth:`surveys.responses.storage.Storage.store_offline` applies it in one transaction.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import bindparam, delete, insert, select, update

from bedarfsradar.db.schema import Answer, FreeTextCode, OfflineSubmission, Response
from surveys.responses.answers import AnswerRow
from surveys.responses.sql import Prepared, prepare

OFFLINE_MODE = "offline"
Status = Literal["new", "replace", "known", "deleted"]


def normalise_instance_id(value: str) -> str:
    """``uuid:ABC…`` (ODK, Kobo's ``meta/instanceID``) and ``abc…`` (Kobo's ``_uuid``) name
    the same instance."""
    text = value.strip()
    if text.lower().startswith("uuid:"):
        text = text[5:]
    return text.strip().lower()


def instance_hash(secret: str, instance_id: str) -> str:
    """The keyed hash under which an instance id is remembered (64 hex characters)."""
    message = f"offline-instance:{normalise_instance_id(instance_id)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class OfflineResponse:
    """One interview ready to store: its ids (hashed before anything is stored), the
    answer rows as the assisted entry stores them, and the response's attributes."""

    instance_id: str
    root_id: str
    """The first version's id (the instance's own id when the export does not say)."""
    rows: Sequence[AnswerRow]
    language: str
    sensitive_consent: bool | None
    month: str
    """"YYYY-MM" of the interview, the only time kept."""
    replaced_ids: tuple[str, ...] = ()
    """Earlier versions this one replaced (``meta/deprecatedID``)."""


@dataclass(frozen=True)
class Known:
    """What earlier imports stored: instance hash -> root hash; the live response (client
    UUID) of each root that has one; the roots whose response was deleted since."""

    roots: Mapping[str, str] = field(default_factory=dict)
    live: Mapping[str, str] = field(default_factory=dict)
    deleted: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Decision:
    status: Status
    instance_hash: str
    root_hash: str
    replaced_hashes: tuple[str, ...]
    target: str | None = None
    """``replace``: the client UUID of the response whose answers are replaced."""


@dataclass(frozen=True)
class OfflineOutcome:
    """What an import stored."""

    added: int
    replaced: int
    unchanged: int
    """Already imported (or deleted since): nothing changed for these."""


def classify(secret: str, responses: Sequence[OfflineResponse], known: Known) -> list[Decision]:
    """The decision for each response, in order; a later response in the same batch sees
    what the earlier ones will have done."""
    roots = dict(known.roots)
    live = dict(known.live)
    out: list[Decision] = []
    for r in responses:
        ih = instance_hash(secret, r.instance_id)
        replaced = tuple(instance_hash(secret, i) for i in r.replaced_ids)
        if ih in roots:
            out.append(Decision("known", ih, roots[ih], replaced))
            continue
        # the interview's root: the one its replaced version belongs to, else its own
        rh = next((roots[h] for h in replaced if h in roots), instance_hash(secret, r.root_id))
        roots[ih] = rh
        for h in replaced:
            roots.setdefault(h, rh)
        if rh in live:
            out.append(Decision("replace", ih, rh, replaced, live[rh]))
        elif rh in known.deleted:
            out.append(Decision("deleted", ih, rh, replaced))
        else:
            out.append(Decision("new", ih, rh, replaced))
            live[rh] = ""  # filled in by the store: a later version in the batch replaces it
    return out


class OfflineStatements:
    """The import's statements, compiled once per dialect (run on the storage's cursor)."""

    def __init__(self, dialect_name: str):
        o = OfflineSubmission

        def compiled(stmt: Any) -> Prepared:
            return prepare(stmt, dialect_name)

        self.known = compiled(
            select(o.instance_hash, o.root_hash, o.response_uuid, Response.id)
            .outerjoin(Response, Response.client_uuid == o.response_uuid)
            .where(o.municipality_id == bindparam("municipality_id"))
        )
        """Every imported version of the town, with its response's id (None if deleted)."""
        self.remember = compiled(
            insert(o).values(
                municipality_id=bindparam("municipality_id"),
                campaign_id=bindparam("campaign_id"),
                instance_hash=bindparam("instance_hash"),
                root_hash=bindparam("root_hash"),
                response_uuid=bindparam("response_uuid"),
            )
        )
        self.retire = compiled(
            update(o).where(o.response_uuid == bindparam("uuid")).values(response_uuid=None)
        )
        """The versions that held a response before a newer version took it over."""
        self.earlier = compiled(
            select(Response.id, Response.record_key).where(
                Response.client_uuid == bindparam("uuid")
            )
        )
        """The response an earlier version holds, and its record key (kept)."""
        self.forget_codes = compiled(
            delete(FreeTextCode).where(
                FreeTextCode.answer_id.in_(
                    select(Answer.id).where(Answer.response_id == bindparam("response_id"))
                )
            )
        )
        self.forget_response = compiled(
            delete(Response).where(Response.id == bindparam("response_id"))
        )


def known_from_rows(rows: Sequence[tuple[Any, ...]]) -> Known:
    """:class:`Known` from the rows of :attr:`OfflineStatements.known`."""
    roots: dict[str, str] = {}
    live: dict[str, str] = {}
    gone: set[str] = set()
    for instance, root, uuid, response_id in rows:
        roots[str(instance)] = str(root)
        if uuid is None:
            continue
        if response_id is None:
            gone.add(str(root))
        else:
            live[str(root)] = str(uuid)
    return Known(roots, live, frozenset(gone - set(live)))
