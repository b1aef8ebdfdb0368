"""Recordings of questionnaire texts read aloud: which files are accepted, and why not.

Many newcomers read their own language with difficulty. A recording per question, option
and intro text lets them listen instead (XLSForm's ``media::audio`` column; the survey
page's ``<audio controls preload="none">``, no JavaScript). This module only checks one
file; :mod:`surveys.translations.recordings` stores it with the questionnaire version.

Accepted: Ogg (Opus or Vorbis), MP3, MPEG-4 audio (m4a/aac) and WAV — what phones and
recording apps write and every current browser plays. The format is read from the bytes
with mutagen (pure Python), never from the file name, and so is the duration. Limits:
:data:`MAX_BYTES` (a recording is fetched over a weak connection only when someone
presses play) and :data:`MAX_SECONDS` (the privacy notice read slowly takes about two
minutes). Every refusal is a :class:`RecordingError` with a German message for the guide.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import mutagen
from mutagen.aac import AAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

MAX_BYTES = 5_000_000
MAX_SECONDS = 180.0
MIN_SECONDS = 0.3
FORMATS: dict[type, tuple[str, str]] = {
    OggOpus: ("audio/ogg", "ogg"),
    OggVorbis: ("audio/ogg", "ogg"),
    MP3: ("audio/mpeg", "mp3"),
    MP4: ("audio/mp4", "m4a"),
    AAC: ("audio/aac", "aac"),
    WAVE: ("audio/wav", "wav"),
}
"""mutagen's file type -> (content type served, file extension)."""
EXTENSIONS = {ext for _, ext in FORMATS.values()} | {"opus", "oga", "mp4", "wave"}
"""File name endings the uploads and the translation package look at."""
ACCEPTED = "Ogg/Opus, MP3, M4A/AAC oder WAV"


def recording_file_name(language: str, key: str, extension: str = "ogg") -> str:
    """The file an interpreter records a text into (named in the translation workbook):
    ``<language>/<key>.<extension>``, e.g. ``fa/q.children.label.ogg``."""
    return f"{language}/{key}.{extension}"


class RecordingError(ValueError):
    """A file that cannot be a recording; the message is German, for the guide."""


@dataclass(frozen=True)
class Audio:
    """A checked recording."""

    data: bytes
    sha256: str
    content_type: str
    extension: str
    duration_ms: int

    @property
    def file_name(self) -> str:
        """Content-addressed name: the same bytes always get the same name."""
        return f"{self.sha256[:16]}.{self.extension}"


def check_recording(data: bytes, name: str = "Datei") -> Audio:
    """``data`` as an :class:`Audio`, or :class:`RecordingError` saying what is wrong
    (``name`` is the file name shown in the message)."""
    if not data:
        raise RecordingError(f"{name}: die Datei ist leer.")
    if len(data) > MAX_BYTES:
        raise RecordingError(
            f"{name}: die Datei ist {len(data) / 1e6:.1f} MB groß, erlaubt sind "
            f"{MAX_BYTES / 1e6:.0f} MB. Bitte als Ogg/Opus oder MP3 speichern."
        )
    try:
        found = mutagen.File(io.BytesIO(data))
    except Exception:  # mutagen raises many types for broken files; none may crash us
        found = None
    kind = FORMATS.get(type(found)) if found is not None else None
    if found is None or kind is None:
        raise RecordingError(f"{name}: kein Tonformat, das wir annehmen ({ACCEPTED}).")
    seconds = float(getattr(found.info, "length", 0.0) or 0.0)
    if seconds < MIN_SECONDS:
        raise RecordingError(f"{name}: die Aufnahme ist leer oder beschädigt.")
    if seconds > MAX_SECONDS:
        raise RecordingError(
            f"{name}: die Aufnahme dauert {seconds:.0f} Sekunden, erlaubt sind "
            f"{MAX_SECONDS:.0f} Sekunden."
        )
    return Audio(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=kind[0],
        extension=kind[1],
        duration_ms=round(seconds * 1000),
    )
