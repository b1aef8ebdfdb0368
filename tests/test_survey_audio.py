"""Questions read aloud (issue 19): recordings checked, stored with the questionnaire
version, shown as ``<audio controls preload="none">`` next to exactly the texts that have
one, served with long cache headers, exported in the XLSForm and named in the workbook."""

from __future__ import annotations

import io
import re
import wave
import zipfile

import pytest

from surveys.translations.audio import MAX_SECONDS, RecordingError, check_recording
from surveys.translations.recording_package import plan_recordings, store_recordings
from surveys.translations.recordings import RecordingStore
from tests.test_survey import Respondent, client, env, survey_of

__all__ = ["env"]

AUDIO_TAG = re.compile(r'<audio controls preload="none" src="([^"]+)" aria-label="[^"]*"></audio>')


def wav(seconds: float = 1.0, tone: int = 0) -> bytes:
    """A valid mono 8 kHz WAV file made with the standard library."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        frame = (tone % 30000).to_bytes(2, "little", signed=True)
        w.writeframes(frame * int(8000 * seconds))
    return buf.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def record(ctx, texts: dict[tuple[str, str], bytes]) -> dict[str, str]:
    """Store recordings for the campaign's version; text key -> sha256."""
    store = RecordingStore(ctx.db)
    version = ctx.storage.campaign("neu").questionnaire_version_id
    keys = ctx.storage.questionnaire_bundle(version).questionnaire.source_strings()
    out = {}
    for (lang, key), data in texts.items():
        ref = store.save(
            municipality_id=ctx.municipality_id,
            version_id=version,
            language=lang,
            text_key=key,
            audio=data,
            known_keys=keys,
        )
        out[key] = ref.sha256
    return out


def same_page(a: str, b: str) -> bool:
    """Equal but for each respondent's own CSRF token and blank lines."""

    def norm(html: str) -> str:
        html = re.sub(r'name="csrf" value="[^"]+"', "", html)
        return re.sub(r"\n+", "\n", html)

    return norm(a) == norm(b)


@pytest.fixture
def fresh(monkeypatch):
    import surveys.web.context as survey_context

    monkeypatch.setattr(survey_context, "CAMPAIGN_TTL_SECONDS", 0)  # uploads show at once


def test_recordings_are_checked_for_format_size_and_duration():
    audio = check_recording(wav(1.5), "a.wav")
    assert audio.content_type == "audio/wav" and audio.duration_ms == 1500
    with pytest.raises(RecordingError, match="kein Tonformat"):
        check_recording(b"<html>not audio</html>" * 50, "x.ogg")
    with pytest.raises(RecordingError, match="leer"):
        check_recording(b"", "x.ogg")
    with pytest.raises(RecordingError, match="Sekunden"):
        check_recording(wav(MAX_SECONDS + 2), "lang.wav")
    with pytest.raises(RecordingError, match="MB"):
        check_recording(b"RIFF" + b"\0" * 6_000_000, "big.wav")


def test_page_shows_audio_exactly_for_the_texts_with_a_recording(env, fresh):
    ctx, app = env
    before = Respondent(app, lang="fa").page.text
    shas = record(
        ctx,
        {
            ("fa", "intro"): wav(1, 1),
            ("fa", "q.children.label"): wav(1, 2),
            ("fa", "options.yes_no.yes"): wav(1, 3),
            ("ar", "q.stadtteil.label"): wav(1, 4),  # another language: not on Farsi pages
        },
    )
    r = Respondent(app, lang="fa")
    srcs = AUDIO_TAG.findall(r.page.text)
    assert srcs == [f"/u/neu/audio/{shas['intro']}.wav"]
    # the first page differs only by the markup of the audio element
    assert same_page(AUDIO_TAG.sub("", r.page.text), before)
    household = r.accept_privacy()
    assert AUDIO_TAG.findall(household.text) == [
        f"/u/neu/audio/{shas['q.children.label']}.wav",
        f"/u/neu/audio/{shas['options.yes_no.yes']}.wav",
    ]
    german = Respondent(app, lang="de")
    assert AUDIO_TAG.findall(german.page.text) == []
    assert "<audio" not in german.accept_privacy().text


def test_audio_is_served_with_long_cache_headers_and_byte_ranges(env, fresh):
    ctx, app = env
    data = wav(1, 5)
    sha = record(ctx, {("fa", "intro"): data})["intro"]
    c = client(app)
    got = c.get(f"/u/neu/audio/{sha}.wav")
    assert got.status_code == 200 and got.content == data
    assert got.headers["content-type"] == "audio/wav"
    assert got.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert got.headers["etag"] == f'"{sha}"'
    part = c.get(f"/u/neu/audio/{sha}.wav", headers={"range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == data[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(data)}"
    assert (
        c.get(f"/u/neu/audio/{sha}.wav", headers={"if-none-match": f'"{sha}"'}).status_code == 304
    )
    assert c.get(f"/u/neu/audio/{'0' * 64}.wav").status_code == 404
    assert c.get("/u/neu/audio/../../etc.wav").status_code == 404
    assert "media-src 'self'" in got.headers["content-security-policy"]


def test_only_recordings_of_the_campaigns_own_version_are_served(env, fresh):
    ctx, app = env
    mid = ctx.municipality_id
    other_version = ctx.storage.latest_version(mid, "volunteer")
    ctx.storage.create_campaign(mid, "ehrenamt", "Ehrenamt", other_version)
    store = RecordingStore(ctx.db)
    keys = ctx.storage.questionnaire_bundle(other_version).questionnaire.source_strings()
    ref = store.save(
        municipality_id=mid,
        version_id=other_version,
        language="de",
        text_key="intro",
        audio=wav(1, 9),
        known_keys=keys,
    )
    c = client(app)
    assert c.get(f"/u/ehrenamt/audio/{ref.url_name}").status_code == 200
    assert c.get(f"/u/neu/audio/{ref.url_name}").status_code == 404
    with pytest.raises(RecordingError):  # a version of another municipality: refused
        store.save(
            municipality_id=mid + 1,
            version_id=other_version,
            language="de",
            text_key="intro",
            audio=wav(1),
            known_keys=keys,
        )


def test_paged_sections_make_room_for_play_controls(env, fresh):
    ctx, app = env
    survey = survey_of(app)
    version = ctx.storage.campaign("neu").questionnaire_version_id
    paging = survey.paging(version)
    section = survey.prepared(version).sections["needs"]
    plain = paging.parts(section, "fa", {}, None)
    keys = {f"options.severity.{c}" for c in ("1", "2", "3", "4", "5", "na", "dk")}
    with_audio = paging.parts(section, "fa", {}, None, keys)
    assert len(with_audio) > len(plain)


def test_returned_zip_is_checked_whole_and_stored_with_each_version(env):
    ctx, _ = env
    version = ctx.storage.campaign("neu").questionnaire_version_id
    bundle = ctx.storage.questionnaire_bundle(version)
    keys, langs = bundle.questionnaire.source_strings(), bundle.languages()

    bad = plan_recordings(
        zip_of(
            {
                "fa/intro.wav": wav(1),
                "fa/q.nope.label.wav": wav(1),
                "xx/intro.wav": wav(1),
                "fa/title.mp3": b"not audio at all" * 10,
                "notes.txt": b"hello",
            }
        ),
        keys,
        langs,
    )
    assert len(bad.problems) == 4 and not bad.ok
    store = RecordingStore(ctx.db)
    with pytest.raises(RecordingError):
        store_recordings(
            store, bad, municipality_id=ctx.municipality_id, version_ids=[version], known_keys=keys
        )
    assert store.index(version) == {}
    good = plan_recordings(zip_of({"fa/intro.wav": wav(1), "ar/title.wav": wav(2)}), keys, langs)
    assert good.ok
    store_recordings(
        store, good, municipality_id=ctx.municipality_id, version_ids=[version], known_keys=keys
    )
    assert set(store.index(version)) == {("fa", "intro"), ("ar", "title")}
    assert plan_recordings(b"PK\x03\x04broken", keys, langs).problems


def test_xlsform_export_names_recordings_in_media_audio_columns(env, tmp_path):
    from pyxform.xls2json import parse_file_to_json

    from surveys.xlsform import write_xlsform

    ctx, _ = env
    version = ctx.storage.campaign("neu").questionnaire_version_id
    bundle = ctx.storage.questionnaire_bundle(version)
    audio = {("fa", "q.children.label"): "a1.ogg", ("de", "options.yes_no.yes"): "a2.ogg"}
    path = write_xlsform(bundle, tmp_path / "n.xlsx", audio)
    form = parse_file_to_json(str(path))

    def find(elements, name):
        for e in elements:
            if e.get("name") == name:
                return e
            if found := find(e.get("children", []), name):
                return found
        return None

    children = find(form["children"], "children")
    assert children["media"]["audio"] == {"Persian (fa)": "a1.ogg"}
    yes = next(c for c in form["choices"]["yes_no"] if c["name"] == "yes")
    assert yes["media"]["audio"] == {"German (de)": "a2.ogg"}


def test_translation_workbook_names_the_file_for_each_recording(env, tmp_path):
    from openpyxl import load_workbook

    from surveys.translations.checks import RECORDING_COLUMN
    from surveys.translations.status import load_ui_string_sets
    from surveys.translations.workbook import write_workbook

    ctx, _ = env
    bundle = ctx.bundles()["newcomer"]
    ui_sets = load_ui_string_sets(ctx.settings.data_dir / "ui")
    path = write_workbook(tmp_path / "t.xlsx", bundle, ctx.ui_text.strings["de"], ui_sets, ["fa"])
    rows = list(load_workbook(path)["fa"].iter_rows(values_only=True))
    assert rows[0][-1] == RECORDING_COLUMN
    named = {r[0]: r[-1] for r in rows[1:]}
    assert named["q.children.label"] == "fa/q.children.label.ogg"
    assert not named["ui.next"]  # interface strings are not recorded


def test_recordings_of_unchanged_texts_follow_a_translation_import(env):
    ctx, _ = env
    version = ctx.storage.campaign("neu").questionnaire_version_id
    record(ctx, {("fa", "intro"): wav(1), ("fa", "title"): wav(1, 2)})
    old = ctx.storage.questionnaire_bundle(version)
    changed = old.model_copy(deep=True)
    changed.translations["fa"].strings["title"] = "عنوان تازه"
    new_version = ctx.storage.store_questionnaire_version(ctx.municipality_id, changed)
    assert new_version != version
    store = RecordingStore(ctx.db)
    assert store.carry_over(version, new_version, old, changed) == 1
    assert set(store.index(new_version)) == {("fa", "intro")}  # the new title needs a new one
    assert store.carry_over(version, new_version, old, changed) == 0  # not twice
