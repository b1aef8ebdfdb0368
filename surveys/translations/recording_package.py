"""Recordings handed out and back with the translation workbook.

The workbook (:func:`surveys.translations.workbook.write_workbook`) names, beside every
questionnaire text, the file an interpreter records it into: ``<language>/<key>.ogg``
(any accepted ending: :data:`surveys.translations.audio.EXTENSIONS`), e.g.
``fa/q.children.label.m4a``.
The interpreter returns the recordings as one ZIP file; :func:`plan_recordings` checks
every file (language, text key, format, size, duration) without storing anything, and
:func:`store_recordings` stores the plan only when it has no problem at all — a bad file
changes nothing. Single files can also be uploaded with the same naming
(``fa__q.children.label.ogg`` where a folder is not possible).

The archive is read in memory, never extracted to disk, and refused when it holds more
than :data:`MAX_FILES` files or would expand beyond :data:`MAX_UNCOMPRESSED_BYTES`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from surveys.questionnaire.languages import is_known
from surveys.translations.audio import EXTENSIONS, MAX_BYTES, Audio, RecordingError, check_recording
from surveys.translations.recordings import RecordingRef, RecordingStore

MAX_FILES = 2000
MAX_UNCOMPRESSED_BYTES = 400_000_000


@dataclass(frozen=True)
class PlannedRecording:
    language: str
    key: str
    audio: Audio
    file: str


@dataclass
class RecordingPlan:
    recordings: list[PlannedRecording] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """German, one per file: what is wrong with it."""

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.recordings)


def _target(name: str) -> tuple[str, str, str] | None:
    """(language, key, extension) from ``fa/q.x.label.ogg`` or ``fa__q.x.label.ogg``."""
    path = PurePosixPath(name.replace("\\", "/"))
    stem, dot, extension = path.name.rpartition(".")
    if not dot or extension.lower() not in EXTENSIONS:
        return None
    if len(path.parts) >= 2:
        return path.parts[-2], stem, extension.lower()
    language, sep, key = stem.partition("__")
    return (language, key, extension.lower()) if sep else None


def plan_files(
    files: Iterable[tuple[str, bytes]], known_keys: Iterable[str], languages: Iterable[str]
) -> RecordingPlan:
    """Check named files against the questionnaire's text keys and languages."""
    keys, langs = set(known_keys), set(languages)
    plan = RecordingPlan()
    seen: set[tuple[str, str]] = set()
    for name, data in files:
        target = _target(name)
        if target is None:
            plan.problems.append(
                f"{name}: Dateiname nicht erkannt (erwartet z. B. „fa/q.children.label.ogg“)."
            )
            continue
        language, key, _ = target
        if not is_known(language) or language not in langs:
            plan.problems.append(f"{name}: Sprache „{language}“ hat dieser Fragebogen nicht.")
            continue
        if key not in keys:
            plan.problems.append(f"{name}: den Text „{key}“ gibt es im Fragebogen nicht.")
            continue
        if (language, key) in seen:
            plan.problems.append(f"{name}: zweite Aufnahme desselben Textes.")
            continue
        try:
            audio = check_recording(data, name)
        except RecordingError as exc:
            plan.problems.append(str(exc))
            continue
        seen.add((language, key))
        plan.recordings.append(PlannedRecording(language, key, audio, name))
    return plan


def plan_recordings(
    archive: bytes, known_keys: Iterable[str], languages: Iterable[str]
) -> RecordingPlan:
    """Check a returned ZIP of recordings (see the module docstring)."""
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            members = [i for i in zf.infolist() if not i.is_dir()]
            members = [i for i in members if not PurePosixPath(i.filename).name.startswith(".")]
            if len(members) > MAX_FILES:
                return RecordingPlan(problems=[f"Mehr als {MAX_FILES} Dateien im Archiv."])
            if sum(i.file_size for i in members) > MAX_UNCOMPRESSED_BYTES:
                return RecordingPlan(problems=["Das Archiv ist entpackt zu groß."])
            too_big = [i.filename for i in members if i.file_size > MAX_BYTES]
            files = [(i.filename, zf.read(i)) for i in members if i.file_size <= MAX_BYTES]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        return RecordingPlan(problems=[f"Das ZIP-Archiv kann nicht gelesen werden ({exc})."])
    plan = plan_files(files, known_keys, languages)
    limit = MAX_BYTES / 1e6
    plan.problems += [f"{name}: größer als {limit:.0f} MB." for name in too_big]
    return plan


def store_recordings(
    store: RecordingStore,
    plan: RecordingPlan,
    *,
    municipality_id: int,
    version_ids: Iterable[int],
    known_keys: Mapping[str, str] | Iterable[str],
) -> list[RecordingRef]:
    """Store every planned recording with each questionnaire version (only a plan
    without problems)."""
    if plan.problems:
        raise RecordingError("Die Aufnahmen haben Fehler; es wurde nichts gespeichert.")
    keys = list(known_keys)
    stored = []
    for version_id in version_ids:
        for item in plan.recordings:
            stored.append(
                store.save(
                    municipality_id=municipality_id,
                    version_id=version_id,
                    language=item.language,
                    text_key=item.key,
                    audio=item.audio,
                    known_keys=keys,
                )
            )
    return stored
