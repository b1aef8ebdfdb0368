"""Recordings of questionnaire texts, stored with the questionnaire version.

One recording per (questionnaire version, language, text key); the key is one of the
version's translation keys (:meth:`Questionnaire.source_strings`: ``intro``,
``q.children.label``, ``options.severity.4`` …). Every row carries the municipality, every
query filters by it or by a version that belongs to it. A recording is addressed by the
SHA-256 of its bytes (:attr:`RecordingRef.url_name`), so its public URL never changes its
content and can be cached for a year; uploading the same text again replaces the row.

The survey reads :meth:`RecordingStore.index` (what exists, without the bytes) for its
pages and :meth:`RecordingStore.audio` when someone presses play.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bedarfsradar.db.engine import Database
from bedarfsradar.db.schema import QuestionnaireVersion, Recording
from surveys.questionnaire.languages import is_known
from surveys.questionnaire.model import QuestionnaireBundle
from surveys.translations.audio import FORMATS, Audio, RecordingError, check_recording

_EXTENSION = dict(FORMATS.values())  # content type -> extension
_COPIED = [
    c.name for c in Recording.__table__.columns if c.name not in ("id", "questionnaire_version_id")
]


@dataclass(frozen=True)
class RecordingRef:
    """What a page needs to know about a recording (no bytes)."""

    language: str
    text_key: str
    sha256: str
    content_type: str
    duration_ms: int
    size: int

    @property
    def url_name(self) -> str:
        """The file name in the public URL: hash and extension."""
        return f"{self.sha256}.{_EXTENSION.get(self.content_type, 'bin')}"


@dataclass(frozen=True)
class StoredAudio:
    content_type: str
    data: bytes


class RecordingStore:
    def __init__(self, db: Database):
        self.db = db

    @staticmethod
    def _check_owner(session: Session, municipality_id: int, version_id: int) -> None:
        owner = session.scalar(
            select(QuestionnaireVersion.municipality_id).where(
                QuestionnaireVersion.id == version_id
            )
        )
        if owner != municipality_id:
            raise RecordingError(f"Fragebogen-Version {version_id} gibt es hier nicht.")

    def save(
        self,
        *,
        municipality_id: int,
        version_id: int,
        language: str,
        text_key: str,
        audio: Audio | bytes,
        known_keys: Iterable[str],
    ) -> RecordingRef:
        """Store (or replace) the recording of ``text_key`` in ``language``.

        ``known_keys`` are the version's text keys; anything else is refused, as are
        unknown languages and files :func:`check_recording` rejects."""
        checked = audio if isinstance(audio, Audio) else check_recording(audio, text_key)
        if not is_known(language):
            raise RecordingError(f"Unbekannte Sprache {language!r}.")
        if text_key not in set(known_keys):
            raise RecordingError(f"{text_key}: diesen Text gibt es im Fragebogen nicht.")
        with self.db.write() as s:
            self._check_owner(s, municipality_id, version_id)
            s.execute(
                delete(Recording).where(
                    Recording.questionnaire_version_id == version_id,
                    Recording.language == language,
                    Recording.text_key == text_key,
                )
            )
            s.add(
                Recording(
                    municipality_id=municipality_id,
                    questionnaire_version_id=version_id,
                    language=language,
                    text_key=text_key,
                    sha256=checked.sha256,
                    content_type=checked.content_type,
                    duration_ms=checked.duration_ms,
                    size=len(checked.data),
                    data=checked.data,
                )
            )
        return RecordingRef(
            language,
            text_key,
            checked.sha256,
            checked.content_type,
            checked.duration_ms,
            len(checked.data),
        )

    def index(self, version_id: int) -> dict[tuple[str, str], RecordingRef]:
        """(language, text key) -> recording, for every recording of a version."""
        stmt = select(
            Recording.language,
            Recording.text_key,
            Recording.sha256,
            Recording.content_type,
            Recording.duration_ms,
            Recording.size,
        ).where(Recording.questionnaire_version_id == version_id)
        with self.db.read() as s:
            rows = s.execute(stmt).all()
        return {(r.language, r.text_key): RecordingRef(*r) for r in rows}

    def audio(self, version_id: int, sha256: str) -> StoredAudio | None:
        """The bytes of a recording of this version (None if it has no such recording:
        a recording of another version or municipality is never served)."""
        stmt = (
            select(Recording.content_type, Recording.data)
            .where(Recording.questionnaire_version_id == version_id, Recording.sha256 == sha256)
            .limit(1)
        )
        with self.db.read() as s:
            row = s.execute(stmt).first()
        return None if row is None else StoredAudio(row.content_type, bytes(row.data))

    def carry_over(
        self, old_version: int, new_version: int, old: QuestionnaireBundle, new: QuestionnaireBundle
    ) -> int:
        """Copy to ``new_version`` the recordings of ``old_version`` whose text reads the
        same in both (a translation import makes a new version; a recording of an
        unchanged text stays valid, one of a changed text must be made again). Returns
        how many were copied."""
        with self.db.write() as s:
            existing = select(Recording.language, Recording.text_key).where(
                Recording.questionnaire_version_id == new_version
            )
            have = {(row.language, row.text_key) for row in s.execute(existing)}
            rows = s.scalars(
                select(Recording).where(Recording.questionnaire_version_id == old_version)
            ).all()
            copied = 0
            for r in rows:
                if (r.language, r.text_key) in have:
                    continue
                text = old.text(r.text_key, r.language)
                if not text or text != new.text(r.text_key, r.language):
                    continue
                copy = {c: getattr(r, c) for c in _COPIED}
                s.add(Recording(**copy, questionnaire_version_id=new_version))
                copied += 1
        return copied

    def delete(
        self, *, municipality_id: int, version_id: int, language: str, text_key: str
    ) -> bool:
        with self.db.write() as s:
            done = s.execute(
                delete(Recording).where(
                    Recording.municipality_id == municipality_id,
                    Recording.questionnaire_version_id == version_id,
                    Recording.language == language,
                    Recording.text_key == text_key,
                )
            )
            return bool(getattr(done, "rowcount", 0))
