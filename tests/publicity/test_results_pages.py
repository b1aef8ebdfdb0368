"""The public results pages through HTTP (the server's real routes, no login): every number
is the release's, nothing outside the release appears, the answers are never read, the
guide's switch and a withdrawal remove a page at once, unknown addresses and languages
are handled, and a language is offered only once an interpreter reviewed it."""

from __future__ import annotations

import csv
import gzip
import io
import re
import sqlite3
from datetime import date

import lxml.html
import pytest
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.testclient import TestClient

from analysis import findings as rule
from bedarfsradar import releases
from bedarfsradar.context import AppContext
from bedarfsradar.server import routes
from bedarfsradar.settings import Settings
from reports.analyse import shown, totals
from surveys.responses.storage import Storage
from tests.publicity.results import (
    ISOLATES,
    demo_town,
    numbers,
    points,
    review,
    tables,
    text_of,
)
from tests.test_survey import Respondent, run_to_review, submit


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    ctx = demo_town(tmp_path_factory.mktemp("results"))
    yield ctx
    ctx.db.dispose()


def client(ctx) -> TestClient:
    """A visitor's browser against a freshly started server (no cookie, no login)."""
    return TestClient(Starlette(routes=routes(ctx)))


def release_of(ctx):
    (info,) = [r for r in ctx.releases.releases(ctx.municipality_id) if r.wave == 1]
    return info, releases.release_results(ctx, info.id)


def area_codes(ctx) -> dict[str, str]:
    """German area, reason and Stadtteil name -> code, from the questionnaire."""
    source = ctx.bundles()["newcomer"].questionnaire.source_strings()
    return {
        text: key.rsplit(".", 1)[1]
        for key, text in source.items()
        if key.startswith(("options.areas.", "q.barriers.option.", "options.stadtteil."))
        and not key.endswith(".hint")
    }


def test_the_demo_publishes_wave_1_at_ergebnisse_without_login(town):
    c = client(town)
    index = c.get("/ergebnisse/")
    assert index.status_code == 200
    assert 'href="/ergebnisse/welle-1/"' in index.text
    assert "Veröffentlichte Ergebnisse" in index.text
    page = c.get("/ergebnisse/welle-1/")
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.text)
    assert doc.get("lang") == "de" and doc.get("dir") == "ltr"
    assert "Ergebnisse der Befragung, Welle 1" in text_of(doc.find(".//h1"))
    body = text_of(doc)
    info, _ = release_of(town)
    when = date.fromisoformat(info.data_as_of)
    assert f"Stand der Daten: {when.day}. " in body and "Veröffentlicht am:" in body
    assert "Kofinanziert von der Europäischen Union" in body  # with the emblem beside it
    assert doc.xpath('//footer//img[contains(@src, "eu-emblem.svg")]')
    assert "mailto:integration@oestrich-winkel.example" in page.text  # the feedback channel
    assert "Mobilität in Hallgarten verbessern" in body  # adopted by the Stadtrat
    assert "Angebote mehrsprachig bekannt machen" not in body  # a mere proposal


def test_every_number_in_the_tables_is_the_releases_number(town):
    info, res = release_of(town)
    html = client(town).get("/ergebnisse/welle-1/").text
    codes = area_codes(town)
    found = tables(html)
    for caption, frame in [
        ("Die Zahlen zum Diagramm: Probleme nach Bereich", totals(res.needs, "need_prevalence")),
        ("Die Zahlen zum Diagramm: Was Menschen von Angeboten abhält",
         totals(res.barriers, "barrier_share")),
    ]:  # fmt: skip
        rows = found[caption]
        label_column = "Bereich" if "Bereich" in caption else "Grund"
        assert rows[0] == [label_column, "Anteil in % (Spanne)", "Antworten"]
        by_code = {str(r["level"]): r for _, r in frame.iterrows()}
        assert sorted(codes[r[0]] for r in rows[1:]) == sorted(by_code)  # every row, no other
        for label, share, n in rows[1:]:
            row = by_code[codes[label]]
            if bool(row["suppressed"]):
                assert share == "·"
                continue
            expected = [points(row["estimate"]), points(row["ci_low"]), points(row["ci_high"])]
            assert share == "{} ({}–{})".format(*expected)
            assert int(n.replace(".", "")) == int(row["n"])
    counts = found["Wer mitgemacht hat"]
    published = {"Zugewanderte": "newcomer", "Ehrenamtliche": "volunteer",
                 "Mitarbeitende der Verwaltung": "administration"}  # fmt: skip
    for group, n in counts[1:]:
        assert int(n) == int(res.audience_n[published[group]])
    languages = res.response_tables["language"].set_index("language")["Zugewanderte"]
    for name, n in found["In diesen Sprachen haben Zugewanderte geantwortet"][1:]:
        if name == "Zusammen":
            assert int(n) == int(res.response_tables["language"].iloc[-1]["Gesamt"])
            continue
        code = {"Deutsch": "de", "Leichte Sprache": "de-x-ls", "English": "en", "Türkçe": "tr",
                "العربية": "ar", "فارسی / دری": "fa", "Українська": "uk",
                "Русский": "ru"}[name]  # fmt: skip
        assert n == str(languages[code])  # "·" where the release hides the number


def test_the_findings_are_the_decks_findings_with_the_releases_numbers(town):
    _, res = release_of(town)
    decks = rule.key_findings(needs=res.needs, perception=res.perception, supply=res.supply,
                              change=res.change, volunteers=res.volunteers,
                              with_parts=True)  # fmt: skip
    doc = lxml.html.fromstring(client(town).get("/ergebnisse/welle-1/").text)
    items = doc.xpath('//ul[@class="findings"]/li')
    expected = [(f["kind"], p) for _, f in decks.iterrows() for p in f[rule.PARTS]]
    assert [li.get("data-kind") for li in items] == [kind for kind, _ in expected]
    assert {kind for kind, _ in expected} >= {"need", "supply", "volunteer"}
    for li, (_, part) in zip(items, expected, strict=True):
        assert numbers(text_of(li)) == [points(part["estimate"]), points(part["ci_low"]),
                                        points(part["ci_high"]), int(part["n"])]  # fmt: skip


def _published_numbers(res) -> set[int]:
    """Every number the release publishes, as the page may show it."""
    out: set[int] = set()
    frames = [res.needs, res.beliefs, res.perception, res.supply, res.barriers, res.volunteers]
    for frame in frames:
        rows = shown(frame)
        for column in ("estimate", "ci_low", "ci_high"):
            out |= {points(x) for x in rows[column].dropna()}
        out |= {int(n) for n in rows["n"].dropna()}
    out |= {int(n) for n in res.audience_n.values() if n == n}
    for table in res.response_tables.values():
        out |= {int(v) for v in table.drop(columns=table.columns[0]).stack()
                if str(v).isdigit()}  # fmt: skip
    return out


def test_nothing_on_the_page_lies_outside_the_release(town):
    info, res = release_of(town)
    allowed = _published_numbers(res) | {info.wave}
    doc = lxml.html.fromstring(client(town).get("/ergebnisse/welle-1/").text)
    for section in doc.xpath("//main/section"):
        heading = text_of(section.find("h2"))
        if heading in ("Wie gemessen wurde", "Was die Stadt tut"):
            continue  # the method's constants (95 %, 5 people), the town's own texts
        for p in section.xpath('.//p[@class="muted"]'):
            p.drop_tree()  # notes: "von 100 Personen", "weniger als 5 Antworten"
        for svg_text in section.xpath(".//*[local-name()='text']"):
            assert set(numbers(text_of(svg_text))) <= allowed
        found = {n for piece in section.itertext() for n in numbers(piece.translate(ISOLATES))}
        assert found <= allowed, (heading, sorted(found - allowed))
    # and the charts show exactly the release's totals, no breakdown of any kind
    svgs = doc.xpath("//*[local-name()='svg']")
    assert len(svgs) == 2
    needs = totals(res.needs, "need_prevalence")
    assert len(svgs[0].xpath("./*[local-name()='rect']")) == int((~needs["suppressed"]).sum())


def test_the_page_is_made_from_the_release_and_never_reads_an_answer(town, tmp_path, monkeypatch):
    before = client(town).get("/ergebnisse/welle-1/").text
    source = sqlite3.connect(town.settings.effective_database_url.removeprefix("sqlite:///"))
    with sqlite3.connect(tmp_path / "c.db") as target:
        source.backup(target)
    source.close()
    url = f"sqlite:///{tmp_path / 'c.db'}"
    copy = AppContext(Settings(database_url=url, data_dir=town.settings.data_dir, secret_key="x"))
    with copy.db.write() as s:  # every answer gone (as after a purge)
        s.execute(text("DELETE FROM answer"))
        s.execute(text("DELETE FROM response"))

    def no_answers(*args, **kwargs):
        raise AssertionError("the results pages read answers")

    for name in ("answers_frame", "response_counts", "complete_counts", "count_responses",
                 "partial_rows"):  # fmt: skip
        monkeypatch.setattr(Storage, name, no_answers)
    after = client(copy).get("/ergebnisse/welle-1/").text
    copy.db.dispose()
    assert after == before


def test_switched_off_withdrawn_and_unknown_releases_are_a_german_404(town, tmp_path):
    c = client(town)
    info, _ = release_of(town)
    missing = ["welle-7/", "welle-1-freigabe-9/", "nix/", "welle-1/methode/x/",
               "welle-3/de/bedarfe.csv"]  # fmt: skip
    for path in (f"/ergebnisse/{m}" for m in missing):
        page = c.get(path, follow_redirects=True)
        assert page.status_code == 404, path
        assert "Diese Seite gibt es nicht" in page.text and 'lang="de"' in page.text
    assert c.get("/ergebnisse/welle-1-freigabe-1/").status_code == 200
    assert releases.set_public(town, info.id, False, "test")
    assert c.get("/ergebnisse/welle-1/").status_code == 404  # at once, same server
    assert c.get("/ergebnisse/welle-1/de/bedarfe.csv").status_code == 404
    assert "welle-1" not in c.get("/ergebnisse/").text
    assert releases.set_public(town, info.id, True, "test")
    assert c.get("/ergebnisse/welle-1/").status_code == 200


def test_a_withdrawn_release_loses_its_page(tmp_path):
    ctx = demo_town(tmp_path)
    info, _ = release_of(ctx)
    c = client(ctx)
    assert c.get("/ergebnisse/welle-1/").status_code == 200
    ctx.releases.withdraw(ctx.municipality_id, info.id)
    page = c.get("/ergebnisse/welle-1/")
    assert page.status_code == 404 and "nicht mehr" in page.text
    assert not releases.set_public(ctx, info.id, True, "test")  # cannot come back
    ctx.db.dispose()


def test_an_unknown_or_unreviewed_language_shows_german_with_a_notice(town):
    c = client(town)
    for code in ("xx", "ru"):  # no such language; not reviewed (draft)
        page = c.get(f"/ergebnisse/welle-1/{code}/")
        assert page.status_code == 200
        doc = lxml.html.fromstring(page.text)
        assert doc.get("lang") == "de"
        assert "Diese Seite gibt es in der gewählten Sprache nicht" in text_of(doc)
    assert c.get("/ergebnisse/welle-1/de/", follow_redirects=False).headers["location"] == (
        "/ergebnisse/welle-1/"
    )


def test_the_csv_holds_the_numbers_of_its_chart(town):
    c = client(town)
    html = c.get("/ergebnisse/welle-1/").text
    rows = tables(html)["Die Zahlen zum Diagramm: Probleme nach Bereich"]
    doc = lxml.html.fromstring(html)
    (link,) = doc.xpath('//a[contains(@href, "bedarfe.csv")]')
    response = c.get(link.get("href"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["Bereich", "Anteil in %", "Spanne von", "Spanne bis", "Antworten"]
    for (label, share, n), csv_row in zip(rows[1:], lines[1:], strict=True):
        assert csv_row[0] == label and csv_row[4] == n
        assert "{} ({}–{})".format(*csv_row[1:4]) == share


def test_a_first_visit_is_small_and_a_repeat_visit_is_a_304(town):
    c = client(town)
    page = c.get("/ergebnisse/welle-1/", headers={"accept-encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert page.headers["cache-control"] == "no-cache" and page.headers["etag"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    doc = lxml.html.fromstring(page.text)
    assets = [doc.xpath("//link[@rel='stylesheet']/@href")[0], *doc.xpath("//img/@src")]
    assert all("?v=" in a for a in assets)
    transferred = len(gzip.compress(page.content, 9))  # what the wire carried
    for url in assets:
        asset = c.get(url, headers={"accept-encoding": "gzip"})
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        transferred += asset.num_bytes_downloaded
    assert transferred <= 60_000, transferred
    again = c.get("/ergebnisse/welle-1/", headers={"if-none-match": page.headers["etag"]})
    assert again.status_code == 304 and again.content == b""  # the assets stay cached


def test_a_language_appears_once_an_interpreter_reviewed_it(town, tmp_path):
    c = client(town)
    index = c.get("/ergebnisse/").text
    assert 'hreflang="fa"' not in index  # draft translations are not offered
    review(town, ["fa", "de-x-ls"], tmp_path)
    c = client(town)  # the server re-reads changed translation files
    page = c.get("/ergebnisse/welle-1/fa/")
    doc = lxml.html.fromstring(page.text)
    assert doc.get("lang") == "fa" and doc.get("dir") == "rtl"
    assert "مهم‌ترین نکته‌ها" in text_of(doc)
    assert 'href="/ergebnisse/welle-1/de-x-ls/"' in page.text  # the languages that exist
    assert "Diese Seite gibt es in der gewählten Sprache nicht" not in page.text
    easy = c.get("/ergebnisse/leichte-sprache/")
    assert easy.status_code == 200 and "Das steht auf dieser Seite" in easy.text
    missing = c.get("/ergebnisse/welle-9/")
    assert missing.status_code == 404
    assert "این صفحه وجود ندارد" in missing.text  # German first, then every offered language
    assert missing.text.index("Diese Seite gibt es nicht") < missing.text.index("این صفحه")
    csv = c.get("/ergebnisse/welle-1/fa/bedarfe.csv").content.decode("utf-8-sig")
    assert csv.startswith("زمینه,سهم به درصد")
    # every number of the Farsi page is the German page's number
    de = tables(c.get("/ergebnisse/welle-1/").text)
    fa = tables(page.text)
    assert [[r[1:] for r in t[1:]] for t in fa.values()] == [
        [r[1:] for r in t[1:]] for t in de.values()
    ]


def test_the_thank_you_page_names_the_results_address(sqlite_ctx):
    ctx = sqlite_ctx
    mid = ctx.municipality_id
    ctx.storage.create_campaign(mid, "neu", "Test", ctx.storage.latest_version(mid, "newcomer"))
    app = Starlette(routes=routes(ctx))
    app.routes[1].app.state.survey.config.min_fill_seconds = 0
    r = Respondent(app)
    run_to_review(r)
    submit(r)
    assert r.path.endswith("/danke")
    doc = lxml.html.fromstring(r.page.text)
    (link,) = doc.xpath('//a[@href="/ergebnisse/"]')
    assert text_of(link) == "http://testserver/ergebnisse/"
    assert re.search(r"Die Ergebnisse der Befragung veröffentlichen wir hier:", text_of(doc))


def test_an_interim_release_of_the_running_wave_gets_its_page_too(town):
    info = releases.release_wave(town, 2, "interim", "test")  # wave 2 still runs
    c = client(town)
    assert c.get("/ergebnisse/welle-2/").status_code == 404  # released, not yet public
    releases.set_public(town, info.id, True, "test")
    page = c.get("/ergebnisse/welle-2/")
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.text)
    body = text_of(doc)
    assert "Zwischenstand. Die Befragung läuft noch" in body
    assert "Lücken, die die Stadt gefunden hat" not in body  # not in an interim release
    assert len(doc.xpath("//div[@class='chart']")) == 1  # the needs, in total only
    index = c.get("/ergebnisse/").text
    assert index.index('href="/ergebnisse/welle-2/"') < index.index('href="/ergebnisse/welle-1/"')
