"""The bytes behind a page's ``st.download_button`` in AppTest.

AppTest keeps download data in an in-memory media store that it drops after each run;
:func:`media_store` replaces that store's class with one that records every file, so a
test can read a button's payload through the button's URL."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import ClassVar

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import app_test


class RecordingStorage(MemoryMediaFileStorage):
    files: ClassVar[dict[str, bytes]] = {}

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):  # type: ignore[no-untyped-def]
        file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
        RecordingStorage.files[file_id] = self._files_by_id[file_id].content
        return file_id


@pytest.fixture
def media_store(monkeypatch) -> type[RecordingStorage]:
    RecordingStorage.files = {}
    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", RecordingStorage)
    return RecordingStorage


def download_button(at, label_part: str):  # type: ignore[no-untyped-def]
    found = [b for b in at.get("download_button") if label_part in b.proto.label]
    assert len(found) == 1, [b.proto.label for b in at.get("download_button")]
    return found[0]


def payload(at, label_part: str) -> bytes:
    """The bytes a download button with ``label_part`` in its label offers."""
    url = download_button(at, label_part).proto.url
    return RecordingStorage.files[PurePosixPath(url).stem]
