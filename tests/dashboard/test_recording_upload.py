"""Übersetzungen, "Aufnahmen zum Anhören": recordings uploaded by the guide are checked
whole (nothing stored with any problem), then stored with the versions the survey shows
and audited."""

from __future__ import annotations

from bedarfsradar.audit import entries
from surveys.translations.recordings import RecordingStore
from tests.dashboard.conftest import run_page
from tests.dashboard.test_translations_page import tr_ctx
from tests.test_survey_audio import wav, zip_of

__all__ = ["tr_ctx"]


def test_a_bad_recording_stores_nothing_and_says_which_file(tr_ctx):
    at = run_page("translations.py")
    archive = zip_of({"fa/intro.wav": wav(1), "fa/q.gibtsnicht.label.wav": wav(1)})
    at.file_uploader(key="rec-upload").set_value(
        [("aufnahmen.zip", archive, "application/zip")]
    ).run()
    assert not at.exception
    assert "1 Fehler: Es wurde nichts gespeichert." in [e.value for e in at.error]
    problems = next(d.value for d in at.dataframe if "Problem" in d.value.columns)
    assert problems["Problem"].str.contains("q.gibtsnicht.label").all()
    version = tr_ctx.storage.campaign("zw-offen").questionnaire_version_id
    assert RecordingStore(tr_ctx.db).index(version) == {}


def test_good_recordings_are_stored_for_the_campaigns_version_and_audited(tr_ctx):
    at = run_page("translations.py")
    files = [
        ("aufnahmen.zip", zip_of({"fa/intro.wav": wav(1), "fa/q.children.label.wav": wav(1, 7)}),
         "application/zip"),
        ("ar__title.wav", wav(2), "audio/wav"),
    ]  # fmt: skip
    at.file_uploader(key="rec-upload").set_value(files).run()
    assert not at.error
    at.button(key="rec-store").click().run()
    assert "3 Aufnahmen gespeichert." in [s.value for s in at.success]
    version = tr_ctx.storage.campaign("zw-offen").questionnaire_version_id
    assert set(RecordingStore(tr_ctx.db).index(version)) == {
        ("fa", "intro"),
        ("fa", "q.children.label"),
        ("ar", "title"),
    }
    log = entries(tr_ctx.db, tr_ctx.municipality_id)
    upload = log[log["action"] == "recordings.upload"]
    assert len(upload) == 1 and upload["detail"].iloc[0]["recordings"] == 3
