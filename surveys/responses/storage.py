"""The one storage API for questionnaires, campaigns and responses.

Everything that writes or reads survey data goes through :class:`Storage`: the public
form, the guide's paper entry, the demo generator, the dashboard and the benchmarks.

Guarantees:
- ``complete_response`` is idempotent on the client UUID: a double click, a retry or a
  replayed POST stores the response once and returns the same receipt code.
- A partial response is stored after each page and can be resumed with a resume code.
- Receipt and resume codes are derived with HMAC from the server secret and the client
  UUID (so a retry returns the same code); only their SHA-256 hashes are stored.
- No IP address, user agent or exact timestamp is ever stored: only the month.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast
from uuid import uuid4

import pandas as pd
from sqlalchemy import (
    CursorResult,
    delete,
    func,
    select,
    update,
)

from analysis.tidy import ANSWER_COLUMNS as TIDY_ANSWER_COLUMNS
from bedarfsradar.db import rls
from bedarfsradar.db.engine import Database
from bedarfsradar.db.schema import (
    Answer,
    Campaign,
    FreeTextCode,
    Municipality,
    QuestionnaireVersion,
    Response,
)
from surveys.questionnaire.model import QuestionnaireBundle
from surveys.responses import offline
from surveys.responses.answers import AnswerRow
from surveys.responses.offline import OFFLINE_MODE
from surveys.responses.sql import ResponseStatements, positional_sql

ANSWER_COLUMNS = list(TIDY_ANSWER_COLUMNS)
_ANSWER_ROW = ["id", "question_id", "item", "value", "text"]
"""What :meth:`Storage.answers_frame` reads per answer row (``id``: the response's)."""
_CHUNK = 200_000
"""Answer rows turned into a frame at a time (bounds the Python objects alive at once)."""
"""The frame :meth:`Storage.answers_frame` returns is the analysis layer's input contract."""
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones
MODES = ("online", "assisted", "paper", OFFLINE_MODE)
RECORD_KEY_RANGE = 2**31
"""Record keys are uniform in [0, RECORD_KEY_RANGE) (see :mod:`analysis.protection`)."""


class StorageError(Exception):
    """Base of the storage layer's typed errors (translated into messages at the edge)."""


class CampaignNotFound(StorageError):
    pass


class CampaignExists(StorageError):
    pass


class CampaignClosed(StorageError):
    pass


class AlreadyComplete(StorageError):
    """A partial save arrived for a response that was already submitted."""


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    municipality_id: int
    slug: str
    title: str
    wave: int
    status: str
    audience: str
    questionnaire_version_id: int
    modes: tuple[str, ...]
    targets: dict[str, Any]


@dataclass(frozen=True)
class VersionInfo:
    """A stored questionnaire version as lists show it (without its content)."""

    id: int
    questionnaire_id: str
    audience: str
    version_label: str
    title: str
    content_hash: str
    created_at: datetime | None


@dataclass(frozen=True)
class Receipt:
    code: str
    created: bool
    """False when this UUID had already been submitted (the call was a no-op)."""


def current_month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


def _code(secret: str, purpose: str, client_uuid: str) -> str:
    digest = hmac.new(secret.encode(), f"{purpose}:{client_uuid}".encode(), hashlib.sha256)
    number = int.from_bytes(digest.digest()[:8], "big")
    chars = []
    for _ in range(10):
        number, rem = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[rem])
    return "".join(chars[:5]) + "-" + "".join(chars[5:])


def normalise_code(code: str) -> str:
    """Forgiving input: spaces, dashes and case do not matter."""
    return "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def current_town() -> int | None:
    """The town of the running request or command (:mod:`bedarfsradar.db.rls`)."""
    return rls.current_town()


def _in_town(stmt: Any, column: Any, municipality_id: int | None) -> Any:
    """``stmt`` limited to one town: the given one, else the current one
    (:func:`bedarfsradar.db.rls.current_town`). Without either, no limit in the code, and
    on PostgreSQL the database shows no town's rows (SQLite holds one town)."""
    town = municipality_id if municipality_id is not None else rls.current_town()
    return stmt if town is None else stmt.where(column == town)


def _campaign_info(c: Any, audience: str) -> CampaignInfo:
    """From a :class:`Campaign` object or a row with the same column names."""
    return CampaignInfo(
        id=c.id,
        municipality_id=c.municipality_id,
        slug=c.slug,
        title=c.title,
        wave=c.wave,
        status=c.status,
        audience=audience,
        questionnaire_version_id=c.questionnaire_version_id,
        modes=tuple(c.modes or MODES),
        targets=dict(c.targets or {}),
    )


_CAMPAIGN_INFO = select(
    Campaign.id,
    Campaign.municipality_id,
    Campaign.slug,
    Campaign.title,
    Campaign.wave,
    Campaign.status,
    Campaign.questionnaire_version_id,
    Campaign.modes,
    Campaign.targets,
    QuestionnaireVersion.audience,
).join(QuestionnaireVersion, QuestionnaireVersion.id == Campaign.questionnaire_version_id)
"""Columns of :class:`CampaignInfo` (Core rows: no ORM objects on the survey's path)."""


class Storage:
    def __init__(self, db: Database, secret_key: str):
        self.db = db
        self._secret = secret_key
        self._sql = ResponseStatements(db.engine.dialect.name)
        self._offline: offline.OfflineStatements | None = None

    # -- codes ---------------------------------------------------------------------------
    def receipt_code(self, client_uuid: str) -> str:
        return _code(self._secret, "receipt", client_uuid)

    def resume_code(self, client_uuid: str) -> str:
        return _code(self._secret, "resume", client_uuid)

    # -- municipality, questionnaires, campaigns -----------------------------------------
    def ensure_municipality(self, slug: str, name: str) -> int:
        with self.db.write() as s:
            found = s.scalar(select(Municipality.id).where(Municipality.slug == slug))
            if found is not None:
                return found
            m = Municipality(slug=slug, name=name)
            s.add(m)
            s.flush()
            return m.id

    def municipality_id(self, slug: str) -> int | None:
        with self.db.read() as s:
            return s.scalar(select(Municipality.id).where(Municipality.slug == slug))

    def store_questionnaire_version(self, municipality_id: int, bundle: QuestionnaireBundle) -> int:
        """Store a questionnaire version once; the same content returns the same id."""
        digest = bundle.content_hash()
        with self.db.write() as s:
            found = s.scalar(
                select(QuestionnaireVersion.id).where(
                    QuestionnaireVersion.municipality_id == municipality_id,
                    QuestionnaireVersion.content_hash == digest,
                )
            )
            if found is not None:
                return found
            q = bundle.questionnaire
            v = QuestionnaireVersion(
                municipality_id=municipality_id,
                questionnaire_id=q.id,
                audience=q.audience,
                version_label=q.version,
                content_hash=digest,
                content=bundle.model_dump(mode="json"),
            )
            s.add(v)
            s.flush()
            return v.id

    def questionnaire_bundle(self, version_id: int) -> QuestionnaireBundle:
        with self.db.read() as s:
            v = s.get(QuestionnaireVersion, version_id)
            if v is None:
                raise StorageError(f"questionnaire version {version_id} not found")
            bundle = QuestionnaireBundle.model_validate(v.content)
        if bundle.content_hash() != v.content_hash:
            raise StorageError(f"questionnaire version {version_id} fails its content hash")
        return bundle

    def questionnaire_versions(self, municipality_id: int) -> list[VersionInfo]:
        """Every stored questionnaire version of the town, newest first."""
        title = QuestionnaireVersion.content["questionnaire"]["title"].as_string()
        stmt = (
            select(
                QuestionnaireVersion.id,
                QuestionnaireVersion.questionnaire_id,
                QuestionnaireVersion.audience,
                QuestionnaireVersion.version_label,
                title,
                QuestionnaireVersion.content_hash,
                QuestionnaireVersion.created_at,
            )
            .where(QuestionnaireVersion.municipality_id == municipality_id)
            .order_by(QuestionnaireVersion.id.desc())
        )
        with self.db.read() as s:
            return [VersionInfo(*row) for row in s.execute(stmt).all()]

    def version_by_hash(self, municipality_id: int, content_hash: str) -> int | None:
        """The stored version with exactly this content (its
        :meth:`QuestionnaireBundle.content_hash`), ``None`` if there is none."""
        with self.db.read() as s:
            return s.scalar(
                select(QuestionnaireVersion.id).where(
                    QuestionnaireVersion.municipality_id == municipality_id,
                    QuestionnaireVersion.content_hash == content_hash,
                )
            )

    def latest_version(self, municipality_id: int, questionnaire_id: str) -> int | None:
        with self.db.read() as s:
            return s.scalar(
                select(QuestionnaireVersion.id)
                .where(
                    QuestionnaireVersion.municipality_id == municipality_id,
                    QuestionnaireVersion.questionnaire_id == questionnaire_id,
                )
                .order_by(QuestionnaireVersion.id.desc())
                .limit(1)
            )

    def create_campaign(
        self,
        municipality_id: int,
        slug: str,
        title: str,
        questionnaire_version_id: int,
        wave: int = 1,
        status: str = "open",
        targets: dict[str, Any] | None = None,
        opens_on: str | None = None,
        closes_on: str | None = None,
        modes: Sequence[str] = MODES,
    ) -> CampaignInfo:
        with self.db.write() as s:
            taken = select(Campaign.id).where(
                Campaign.slug == slug, Campaign.municipality_id == municipality_id
            )
            if s.scalar(taken) is not None:
                raise CampaignExists(f"campaign {slug!r} exists already")
            c = Campaign(
                municipality_id=municipality_id,
                slug=slug,
                title=title,
                wave=wave,
                questionnaire_version_id=questionnaire_version_id,
                status=status,
                targets=targets or {},
                opens_on=opens_on,
                closes_on=closes_on,
                modes=list(modes),
            )
            s.add(c)
            s.flush()
            audience = s.scalar(
                select(QuestionnaireVersion.audience).where(
                    QuestionnaireVersion.id == questionnaire_version_id
                )
            )
            return _campaign_info(c, audience or "")

    def campaign(self, slug: str, municipality_id: int | None = None) -> CampaignInfo:
        """The town's campaign (default: the current town's, see :func:`_in_town`)."""
        by_slug = _CAMPAIGN_INFO.where(Campaign.slug == slug)
        stmt = _in_town(by_slug, Campaign.municipality_id, municipality_id)
        with self.db.engine.connect() as conn:
            row = conn.execute(stmt).first()
        if row is None:
            raise CampaignNotFound(slug)
        return _campaign_info(row, row.audience)

    def campaigns(self, municipality_id: int) -> list[CampaignInfo]:
        stmt = _CAMPAIGN_INFO.where(Campaign.municipality_id == municipality_id).order_by(
            Campaign.wave, Campaign.slug
        )
        with self.db.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return [_campaign_info(row, row.audience) for row in rows]

    def set_campaign_status(
        self, slug: str, status: str, municipality_id: int | None = None
    ) -> None:
        if status not in ("draft", "open", "closed"):
            raise ValueError(f"unknown campaign status {status!r}")
        with self.db.write() as s:
            chosen = update(Campaign).where(Campaign.slug == slug)
            stmt = _in_town(chosen, Campaign.municipality_id, municipality_id)
            stmt = stmt.values(status=status)
            done = cast(CursorResult[Any], s.execute(stmt))
            if done.rowcount == 0:
                raise CampaignNotFound(slug)

    def switch_campaign_version(
        self, slug: str, version_id: int, municipality_id: int | None = None
    ) -> bool:
        """Point a campaign at a newer version whose questions are identical to its current
        one (only translations differ), e.g. after a translation import. Stored answers
        stay valid because question ids and option codes are the same; a version with
        other questions raises. False if the campaign already uses ``version_id``."""
        with self.db.write() as s:
            c = s.scalar(
                _in_town(
                    select(Campaign).where(Campaign.slug == slug),
                    Campaign.municipality_id,
                    municipality_id,
                )
            )
            if c is None:
                raise CampaignNotFound(slug)
            if c.questionnaire_version_id == version_id:
                return False
            old = s.get(QuestionnaireVersion, c.questionnaire_version_id)
            new = s.get(QuestionnaireVersion, version_id)
            if new is None or old is None or new.municipality_id != c.municipality_id:
                raise StorageError(f"questionnaire version {version_id} not found")
            if new.content.get("questionnaire") != old.content.get("questionnaire"):
                raise StorageError(
                    f"version {version_id} changes the questions of campaign {slug!r}; "
                    "start a new campaign for it"
                )
            c.questionnaire_version_id = version_id
            return True

    # -- responses -----------------------------------------------------------------------
    # The hot path: statements compiled once (:mod:`surveys.responses.sql`) on the DB-API
    # cursor, one transaction per page, no ORM objects.
    def _new_response(
        self,
        campaign: CampaignInfo,
        client_uuid: str,
        values: dict[str, Any],
        record_key: int | None = None,
    ) -> dict[str, Any]:
        return {
            "municipality_id": campaign.municipality_id,
            "campaign_id": campaign.id,
            "client_uuid": client_uuid,
            "receipt_hash": None,
            "resume_hash": None,
            **values,
            # Random, never derived from ids or times (a given key: synthetic data only);
            # only the first insert sets it.
            "record_key": secrets.randbelow(RECORD_KEY_RANGE) if record_key is None else record_key,
        }

    def _existing(self, cur: Any, campaign: CampaignInfo, client_uuid: str) -> str | None:
        """The status of the response with this UUID in ``campaign`` (None if there is
        none); raises for a response of another campaign."""
        find = self._sql.find_response
        cur.execute(
            find.sql,
            find.args({"client_uuid": client_uuid, "municipality_id": campaign.municipality_id}),
        )
        found = cur.fetchone()
        if found is not None and found[2] != campaign.id:
            raise StorageError("response belongs to another campaign")
        return None if found is None else str(found[1])

    def _write_answers(
        self, cur: Any, campaign: CampaignInfo, response_id: int, rows: Iterable[AnswerRow]
    ) -> None:
        mid = campaign.municipality_id
        payload = [(mid, response_id, r.question_id, r.item, r.value, r.text) for r in rows]
        if payload:
            cur.executemany(self._sql.insert_answer.sql, payload)

    def save_partial(
        self,
        campaign: CampaignInfo,
        client_uuid: str,
        rows: Sequence[AnswerRow],
        question_ids: Iterable[str],
        language: str,
        mode: str = "online",
        sensitive_consent: bool | None = None,
        month: str | None = None,
        *,
        review_flag: str | None = None,
    ) -> str:
        """Store one page: replace the answers to ``question_ids`` with ``rows``.

        Returns the resume code. Raises :class:`AlreadyComplete` if this response was
        submitted already (the form then shows the thank-you page again).
        ``review_flag``: why the guide should check this response (a suspected bot);
        it is stored with the answers, which are kept."""
        self._check_mode(campaign, mode)
        resume = self.resume_code(client_uuid)
        values = {
            "language": language,
            "mode": mode,
            "status": "partial",
            "month": month or current_month(),
            "sensitive_consent": sensitive_consent,
        }
        params = self._new_response(campaign, client_uuid, values)
        params["resume_hash"] = code_hash(resume)
        upsert = self._sql.upsert_partial
        with self.db.write_cursor() as cur:
            cur.execute(upsert.sql, upsert.args(params))
            found = cur.fetchone()
            if found is None:  # the upsert leaves complete responses alone
                self._existing(cur, campaign, client_uuid)
                raise AlreadyComplete(client_uuid)
            rid = found[0]
            qids = set(question_ids)
            if qids:
                cur.executemany(self._sql.delete_question.sql, [(rid, q) for q in sorted(qids)])
            self._write_answers(cur, campaign, rid, rows)
            self._flag(cur, rid, review_flag)
        return resume

    def _flag(self, cur: Any, response_id: int, review_flag: str | None) -> None:
        if review_flag:
            flag = self._sql.flag_response
            cur.execute(
                flag.sql, flag.args({"review_flag": review_flag, "response_id": response_id})
            )

    def complete_response(
        self,
        campaign: CampaignInfo,
        client_uuid: str,
        rows: Sequence[AnswerRow] | None,
        language: str,
        mode: str = "online",
        sensitive_consent: bool | None = None,
        month: str | None = None,
        record_key: int | None = None,
        *,
        review_flag: str | None = None,
        on_created: Callable[[Any], None] | None = None,
    ) -> Receipt:
        """Submit a response (idempotent on ``client_uuid``).

        ``rows`` is the complete answer set, replacing any partial answers; ``None`` keeps
        the stored partial answers and only marks the response complete. ``record_key``:
        only for synthetic data (the demo draws it from its seeded generator so its
        published tables are reproducible); real responses always get a fresh random key.
        Raises :class:`CampaignClosed` when the campaign is not open in the database at
        the time of the submission (``campaign`` may be a cached copy). ``review_flag``:
        as in :meth:`save_partial`. ``on_created``: runs on the transaction's cursor when
        this call completes the response (not on a retry); an exception from it undoes
        the submission (an invited person's link marked finished, in the same
        transaction: :meth:`surveys.invitations.store.InvitationStore.finisher`)."""
        self._check_mode(campaign, mode)
        if campaign.status != "open":
            raise CampaignClosed(campaign.slug)
        receipt = self.receipt_code(client_uuid)
        values = {
            "language": language,
            "mode": mode,
            "status": "complete",
            "month": month or current_month(),
            "sensitive_consent": sensitive_consent,
        }
        params = self._new_response(campaign, client_uuid, values, record_key)
        params["receipt_hash"] = code_hash(receipt)
        sql = self._sql
        with self.db.write_cursor() as cur:
            # Both statements write only while the campaign is open in the database.
            cur.execute(sql.submit_new.sql, sql.submit_new.args(params))
            found = cur.fetchone()
            if found is not None:
                self._write_answers(cur, campaign, found[0], rows or [])
                self._flag(cur, found[0], review_flag)
                if on_created is not None:
                    on_created(cur)
                return Receipt(receipt, created=True)
            cur.execute(sql.complete_partial.sql, sql.complete_partial.args(params))
            found = cur.fetchone()
            if found is None:
                if self._existing(cur, campaign, client_uuid) == "complete":
                    return Receipt(receipt, created=False)  # a retry: the same receipt
                raise CampaignClosed(campaign.slug)
            if rows is not None:
                cur.execute(sql.delete_answers.sql, (found[0],))
                self._write_answers(cur, campaign, found[0], rows)
            self._flag(cur, found[0], review_flag)
            if on_created is not None:
                on_created(cur)
            return Receipt(receipt, created=True)

    def _check_mode(self, campaign: CampaignInfo, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        if mode not in campaign.modes:
            raise StorageError(f"mode {mode!r} is not allowed in campaign {campaign.slug!r}")

    def resume(self, campaign: CampaignInfo, code: str) -> tuple[str, bool | None] | None:
        """The client UUID and sensitive consent of a partial response, by resume code."""
        if len(normalise_code(code)) != 10:
            return None
        with self.db.read() as s:
            row = s.execute(
                select(Response.client_uuid, Response.sensitive_consent).where(
                    Response.resume_hash == code_hash(code),
                    Response.campaign_id == campaign.id,
                    Response.status == "partial",
                )
            ).first()
            return (row[0], row[1]) if row else None

    def partial_rows(self, campaign: CampaignInfo, client_uuid: str) -> list[AnswerRow]:
        """Stored rows of a response in progress (empty if none or already complete)."""
        query = self._sql.partial_rows
        with self.db.read_cursor() as cur:
            cur.execute(query.sql, query.args({"client_uuid": client_uuid,
                                                "campaign_id": campaign.id}))  # fmt: skip
            rows = cur.fetchall()
        return [AnswerRow(*row) for row in rows]

    def review_flags(self, municipality_id: int) -> dict[str, int]:
        """Responses flagged for review, counted by reason (for the guide)."""
        stmt = (
            select(Response.review_flag, func.count())
            .where(Response.municipality_id == municipality_id, Response.review_flag.is_not(None))
            .group_by(Response.review_flag)
        )
        with self.db.read() as s:
            return {str(flag): int(n) for flag, n in s.execute(stmt).all()}

    def flagged_responses(self, municipality_id: int) -> dict[str, str]:
        """Reason of review by response (client UUID) for every flagged response."""
        stmt = select(Response.client_uuid, Response.review_flag).where(
            Response.municipality_id == municipality_id, Response.review_flag.is_not(None)
        )
        with self.db.read() as s:
            return {str(uuid): str(flag) for uuid, flag in s.execute(stmt).all()}

    def review_flag(self, client_uuid: str) -> str | None:
        with self.db.read() as s:
            return s.scalar(select(Response.review_flag).where(Response.client_uuid == client_uuid))

    def response_status(self, client_uuid: str) -> str | None:
        with self.db.read_cursor() as cur:
            cur.execute(self._sql.response_status.sql, (client_uuid,))
            found = cur.fetchone()
        return None if found is None else str(found[0])

    def delete_by_receipt(self, code: str, municipality_id: int | None = None) -> bool:
        """Delete a response and its answers (GDPR Art. 17). True if one was deleted."""
        if len(normalise_code(code)) != 10:
            return False
        with self.db.write() as s:
            stmt = select(Response.id).where(Response.receipt_hash == code_hash(code))
            if municipality_id is not None:
                stmt = stmt.where(Response.municipality_id == municipality_id)
            rid = s.scalar(stmt)
            if rid is None:
                return False
            s.execute(delete(Answer).where(Answer.response_id == rid))
            s.execute(delete(Response).where(Response.id == rid))
            return True

    def delete_flagged(self, municipality_id: int, flag: str) -> int:
        """Delete every response marked for review with ``flag`` and its answers (the
        guide's decision after checking them); the number deleted."""
        with self.db.write() as s:
            ids = select(Response.id).where(
                Response.municipality_id == municipality_id, Response.review_flag == flag
            )
            answers = select(Answer.id).where(Answer.response_id.in_(ids))
            s.execute(delete(FreeTextCode).where(FreeTextCode.answer_id.in_(answers)))
            s.execute(delete(Answer).where(Answer.response_id.in_(ids)))
            done = cast(CursorResult, s.execute(delete(Response).where(Response.id.in_(ids))))
            return int(done.rowcount or 0)

    # -- offline interviews (:mod:`surveys.responses.offline`) ---------------------------
    def _offline_sql(self) -> offline.OfflineStatements:
        if self._offline is None:
            self._offline = offline.OfflineStatements(self.db.engine.dialect.name)
        return self._offline

    def _offline_known(self, cur: Any, municipality_id: int) -> offline.Known:
        query = self._offline_sql().known
        cur.execute(query.sql, query.args({"municipality_id": municipality_id}))
        return offline.known_from_rows(cur.fetchall())

    def offline_decisions(
        self, municipality_id: int, responses: Sequence[offline.OfflineResponse]
    ) -> list[offline.Decision]:
        """What :meth:`store_offline` would do with each response now (for the preview)."""
        with self.db.read_cursor() as cur:
            known = self._offline_known(cur, municipality_id)
        return offline.classify(self._secret, responses, known)

    def store_offline(
        self, campaign: CampaignInfo, responses: Sequence[offline.OfflineResponse]
    ) -> offline.OfflineOutcome:
        """Store imported offline interviews in one transaction (all or nothing): each a
        complete response with mode ``offline``, like an assisted entry; an edited
        interview replaces the answers of its earlier version; an interview imported
        before changes nothing. Raises :class:`CampaignClosed` unless the campaign is open
        in the database."""
        self._check_mode(campaign, OFFLINE_MODE)
        sql, osql = self._sql, self._offline_sql()
        counts = {"new": 0, "replace": 0, "known": 0, "deleted": 0}
        with self.db.write_cursor() as cur:
            known = self._offline_known(cur, campaign.municipality_id)
            live = dict(known.live)
            decisions = offline.classify(self._secret, responses, known)
            seen = set(known.roots)
            for response, decision in zip(responses, decisions, strict=True):
                counts[decision.status] += 1
                if decision.status in ("known", "deleted"):
                    continue
                values = {
                    "language": response.language,
                    "mode": OFFLINE_MODE,
                    "status": "complete",
                    "month": response.month,
                    "sensitive_consent": response.sensitive_consent,
                }
                record_key = None
                if decision.status == "replace":
                    # stored anew under the same UUID and record key: a new row id tells
                    # every process's data version (count, highest id) that it changed
                    uuid = live[decision.root_hash]
                    cur.execute(osql.earlier.sql, osql.earlier.args({"uuid": uuid}))
                    old, record_key = cur.fetchone()
                    for stmt in (osql.forget_codes, sql.delete_answers, osql.forget_response):
                        cur.execute(stmt.sql, (old,))
                    cur.execute(
                        osql.retire.sql, osql.retire.args({"uuid": uuid, "response_uuid": None})
                    )
                else:
                    uuid = str(uuid4())
                params = self._new_response(campaign, uuid, values, record_key)
                params["receipt_hash"] = code_hash(self.receipt_code(uuid))
                cur.execute(sql.submit_new.sql, sql.submit_new.args(params))
                found = cur.fetchone()
                if found is None:
                    raise CampaignClosed(campaign.slug)
                rid = found[0]
                live[decision.root_hash] = uuid
                self._write_answers(cur, campaign, rid, response.rows)
                remember = [(decision.instance_hash, uuid)] + [
                    (h, None) for h in decision.replaced_hashes if h not in seen
                ]
                for instance, holder in remember:
                    seen.add(instance)
                    cur.execute(osql.remember.sql, osql.remember.args({
                        "municipality_id": campaign.municipality_id,
                        "campaign_id": campaign.id,
                        "instance_hash": instance,
                        "root_hash": decision.root_hash,
                        "response_uuid": holder,
                    }))  # fmt: skip
        return offline.OfflineOutcome(
            added=counts["new"],
            replaced=counts["replace"],
            unchanged=counts["known"] + counts["deleted"],
        )

    # -- reading for analysis ------------------------------------------------------------
    def answers_frame(
        self,
        municipality_id: int,
        campaign_slugs: Sequence[str] | None = None,
        include_partial: bool = False,
        question_ids: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """All answers as a tidy long frame (columns :data:`ANSWER_COLUMNS`, then
        ``record_key`` and ``month``); text columns are pandas strings.

        ``response_id`` is the client UUID (stable across backups and engines). The
        response-level columns are read once per response and spread over its answers
        (an answer row itself carries five columns): at 100,000 respondents this is a
        fraction of the time and memory of reading every column on every answer row.
        ``question_ids``: only the answers to these questions are read (the Land's pooled
        tables read a town's core questions only)."""
        chosen = [Response.municipality_id == municipality_id]
        if not include_partial:
            chosen.append(Response.status == "complete")
        if campaign_slugs is not None:
            chosen.append(Campaign.slug.in_(list(campaign_slugs)))
        responses = (
            select(
                Response.id,
                Response.client_uuid,
                Campaign.slug,
                Campaign.wave,
                QuestionnaireVersion.audience,
                Response.language,
                Response.mode,
                Response.record_key,
                Response.month,
            )
            .join(Campaign, Campaign.id == Response.campaign_id)
            .join(
                QuestionnaireVersion, QuestionnaireVersion.id == Campaign.questionnaire_version_id
            )
            .where(*chosen)
        )
        answers = (
            select(Answer.response_id, Answer.question_id, Answer.item, Answer.value, Answer.text)
            .join(Response, Response.id == Answer.response_id)
            .join(Campaign, Campaign.id == Response.campaign_id)
            .where(*chosen)
        )
        if question_ids is not None:
            answers = answers.where(Answer.question_id.in_(list(question_ids)))
        dialect = self.db.engine.dialect.name
        parts = []
        with self.db.read_cursor() as cur:  # plain tuples: SQLAlchemy rows cost 5x here
            cur.execute(*positional_sql(responses, dialect))
            people = pd.DataFrame.from_records(
                cur.fetchall(),
                columns=["id", "response_id", "campaign", "wave", "audience", "language",
                         "mode", "record_key", "month"],
            )  # fmt: skip
            cur.execute(*positional_sql(answers, dialect))
            while chunk := cur.fetchmany(_CHUNK):
                parts.append(pd.DataFrame.from_records(chunk, columns=_ANSWER_ROW))
        rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_ANSWER_ROW)
        # an answer whose response changed status between the two reads has no match: left out
        where = pd.Index(people["id"]).get_indexer(rows["id"].to_numpy(dtype="int64"))
        keep = where >= 0
        if not keep.all():
            rows, where = rows[keep], where[keep]
        columns: dict[str, Any] = {}
        for name in (*ANSWER_COLUMNS, "record_key", "month"):
            if name in _ANSWER_ROW:  # a chunk without any text reads as object: cast
                columns[name] = rows[name].astype("str").array
            elif name in ("wave", "record_key"):
                columns[name] = people[name].to_numpy(dtype="int64")[where]
            else:
                columns[name] = people[name].astype("str").array[where]
        return pd.DataFrame(columns)

    def response_counts(self, municipality_id: int) -> pd.DataFrame:
        """Responses per campaign, audience, language, mode and status."""
        stmt = (
            select(
                Campaign.slug.label("campaign"),
                Campaign.wave,
                QuestionnaireVersion.audience,
                Response.language,
                Response.mode,
                Response.status,
                Response.month,
                func.count().label("n"),
            )
            .join(Campaign, Campaign.id == Response.campaign_id)
            .join(
                QuestionnaireVersion, QuestionnaireVersion.id == Campaign.questionnaire_version_id
            )
            .where(Response.municipality_id == municipality_id)
            .group_by(
                Campaign.slug,
                Campaign.wave,
                QuestionnaireVersion.audience,
                Response.language,
                Response.mode,
                Response.status,
                Response.month,
            )
        )
        with self.db.read() as s:
            rows = s.execute(stmt).all()
        return pd.DataFrame(
            rows,
            columns=["campaign", "wave", "audience", "language", "mode", "status", "month", "n"],
        )

    def complete_counts(self, municipality_id: int) -> dict[str, int]:
        """Complete responses per campaign slug of the town."""
        stmt = (
            select(Campaign.slug, func.count(Response.id))
            .join(Response, Response.campaign_id == Campaign.id)
            .where(Campaign.municipality_id == municipality_id, Response.status == "complete")
            .group_by(Campaign.slug)
        )
        with self.db.read() as s:
            return {slug: int(n) for slug, n in s.execute(stmt).all()}

    def count_responses(self, municipality_id: int | None = None, status: str = "complete") -> int:
        stmt = select(func.count()).select_from(Response).where(Response.status == status)
        if municipality_id is not None:
            stmt = stmt.where(Response.municipality_id == municipality_id)
        with self.db.read() as s:
            return int(s.scalar(stmt) or 0)
