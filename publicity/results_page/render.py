"""The public results pages as HTML and CSV, in one language each.

:class:`Words` words codes and numbers in a language: the result texts
(:mod:`surveys.translations.result_texts`), the names of need areas, Stadtteile and
reasons from the questionnaire's reviewed translation, Babel's number and date formats of
the language (Latin digits; percentages rounded half-to-even to whole points, as
:func:`points` and every table and CSV show them). :class:`ResultsRenderer` holds the
compiled templates and renders the pages (:meth:`~ResultsRenderer.release`,
:meth:`~ResultsRenderer.index`, :meth:`~ResultsRenderer.method`,
:meth:`~ResultsRenderer.statement`, :meth:`~ResultsRenderer.not_found`) and the CSV of a
chart (:func:`chart_csv`): exactly the rows and numbers of the chart's table.

The pages need no JavaScript, load one small stylesheet and one image (the EU emblem, both
cached for a year under a content-hashed address), and read the same without the
stylesheet: charts are inline SVG with presentation attributes, each followed by its table.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from publicity import emblem
from publicity.results_page.charts import Bar, bar_chart
from publicity.results_page.model import (
    Chart,
    Count,
    Interval,
    Name,
    Percent,
    ReleasePage,
    Sentence,
    Share,
    Site,
    Town,
)
from surveys.questionnaire.languages import SOURCE_LANGUAGE, language
from surveys.translations.checks import neutralise
from surveys.translations.result_texts import ResultTexts

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
EASY = "de-x-ls"
EASY_SLUG = "leichte-sprache"
"""The Leichte-Sprache entry page: ``/ergebnisse/leichte-sprache/``."""
STATEMENT_SLUG = "barrierefreiheit"
METHOD_SLUG = "methode"
STATEMENT_DATE = date(2026, 12, 7)
"""When the accessibility statement was last checked against the pages (change it with
the statement's texts)."""
HIDDEN = "·"
FSI, PDI = "\u2068", "\u2069"
"""Unicode first-strong isolate: a value inside right-to-left text keeps its own order
("83 %", "Hallgarten", "66–78")."""
NAME_KEYS = {
    "area": "options.areas.{}",
    "stadtteil": "options.stadtteil.{}",
    "barrier": "q.barriers.option.{}",
}


def points(share: float) -> int:
    """A share as whole percentage points, rounded half to even from its decimal text
    (as Babel rounds the percentages in the sentences): 0.725 -> 72, 0.675 -> 68."""
    return int(Decimal(str(share)).scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


@dataclass(frozen=True)
class Texts:
    """The texts of every offered language: result texts, the borrowed questionnaire texts
    (language -> key -> text) and the offered languages, German first."""

    results: ResultTexts
    borrowed: Mapping[str, Mapping[str, str]]
    languages: tuple[str, ...]


class Words:
    """Words and numbers in one language (see the module docstring)."""

    def __init__(self, texts: Texts, lang: str):
        self.texts = texts
        self.lang = lang
        self.meta = language(lang)
        self.locale = self.meta.babel_locale
        self._names = {**texts.borrowed.get(SOURCE_LANGUAGE, {}), **texts.borrowed.get(lang, {})}

    @property
    def rtl(self) -> bool:
        return self.meta.direction == "rtl"

    def t(self, key: str, **params: Any) -> str:
        """The text ``key``; on a right-to-left page every value put in is isolated
        (a Latin town name or "83 %" keeps its order inside Farsi text)."""
        values = {k: self.isolated(str(v)) for k, v in params.items()}
        return self.texts.results.get(key, self.lang, **values)

    def html(self, key: str, **links: Markup) -> Markup:
        """A text whose placeholders are HTML (a link): the text is escaped, the links
        are put in where the translation placed them."""
        strings = self.texts.results.text.strings
        raw = strings.get(self.lang, {}).get(key) or strings[SOURCE_LANGUAGE][key]
        try:
            return escape(raw).format(**links)
        except (KeyError, IndexError, ValueError):
            return escape(strings[SOURCE_LANGUAGE][key]).format(**links)

    def name(self, kind: str, code: str) -> str:
        if kind == "volunteer_need":
            return self.t(f"volunteer_need_{code}")
        key = NAME_KEYS[kind].format(code)
        return self._names.get(key, code)

    def percent(self, share: float) -> str:
        return format_percent(share, locale=self.locale)

    def number(self, n: int) -> str:
        return format_decimal(n, locale=self.locale)

    def date(self, d: date) -> str:
        return format_date(d, "long", locale=self.locale)

    def interval(self, low: float, high: float) -> str:
        return self.t("interval", low=self.percent(low), high=self.percent(high))

    def value(self, v: object) -> str:
        if isinstance(v, Name):
            return self.name(v.kind, v.code)
        if isinstance(v, Percent):
            return self.percent(v.value)
        if isinstance(v, Interval):
            return self.interval(v.low, v.high)
        if isinstance(v, Count):
            return self.number(v.value)
        raise TypeError(f"no wording for {v!r}")

    def isolated(self, text: str) -> str:
        """``text`` isolated from the surrounding direction on a right-to-left page."""
        return f"{FSI}{text}{PDI}" if self.rtl else text

    def sentence(self, s: Sentence) -> str:
        return self.t(s.key, **{k: self.value(v) for k, v in s.values.items()})

    def cell(self, share: Share, part: str) -> str:
        """A table cell: whole percentage points (``estimate``, ``low``, ``high``) or the
        base ``n``; :data:`HIDDEN` for a hidden number."""
        if share.hidden:
            return HIDDEN
        if part == "n":
            return "" if share.n is None else self.number(share.n)
        if part == "range":
            if share.low is None or share.high is None:
                return ""
            return f"{points(share.low)}–{points(share.high)}"
        x = getattr(share, "estimate" if part == "share" else part)
        return "" if x is None else str(points(x))

    def count(self, n: int | None) -> str:
        return HIDDEN if n is None else self.number(n)


def chart_csv(chart: Chart, words: Words) -> bytes:
    """The chart's numbers as CSV (UTF-8 with BOM for spreadsheet programs, comma
    separated): the table's header row and rows, whole percentage points."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    cols = [chart.label_column, "col_share", "col_low", "col_high", "col_n"]
    writer.writerow([neutralise(words.t(c)) for c in cols])
    for row in chart.rows:
        label = words.name(chart.names, row.code)
        cells = [words.cell(row.share, p) for p in ("share", "low", "high", "n")]
        writer.writerow([neutralise(label), *cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


class ResultsRenderer:
    """Compiled templates and the static files of the results pages under ``base``."""

    def __init__(self, base: str = "/ergebnisse"):
        self.base = base.rstrip("/")
        self.css = (STATIC / "results.css").read_bytes()
        self.emblem = (emblem.svg(40) + "\n").encode()
        self.stylesheet = f"{self.base}/_static/results.css?v={_digest(self.css)}"
        self.emblem_url = f"{self.base}/_static/eu-emblem.svg?v={_digest(self.emblem)}"
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        for template in TEMPLATES.glob("*.html"):
            self.env.get_template(template.name)

    # -- addresses ----------------------------------------------------------------------
    def index_url(self, lang: str = SOURCE_LANGUAGE) -> str:
        if lang == SOURCE_LANGUAGE:
            return f"{self.base}/"
        return f"{self.base}/{EASY_SLUG if lang == EASY else lang}/"

    def page_url(self, slug: str, lang: str = SOURCE_LANGUAGE) -> str:
        return f"{self.base}/{slug}/" + ("" if lang == SOURCE_LANGUAGE else f"{lang}/")

    def csv_url(self, slug: str, lang: str, chart_id: str) -> str:
        return f"{self.base}/{slug}/{lang}/{chart_id}.csv"

    def statement_url(self, lang: str = SOURCE_LANGUAGE) -> str:
        tail = "" if lang == SOURCE_LANGUAGE else f"{lang}/"
        return f"{self.base}/{STATEMENT_SLUG}/{tail}"

    def method_url(self, slug: str) -> str:
        return f"{self.base}/{slug}/{METHOD_SLUG}/"

    # -- pages --------------------------------------------------------------------------
    def _render(self, template: str, words: Words, **values: Any) -> str:
        return self.env.get_template(template).render(
            w=words,
            lang=words.meta.html_lang,
            dir=words.meta.direction,
            r=self,
            easy=EASY,
            language=language,
            **values,
        )

    def release(
        self,
        page: ReleasePage,
        slug: str,
        town: Town,
        texts: Texts,
        lang: str,
        *,
        published_on: date | None,
        fallback: bool = False,
    ) -> str:
        """The page of a release in ``lang`` (German with a notice when ``fallback``)."""
        words = Words(texts, lang)
        charts = [(c, self._chart(c, words)) for c in page.charts]
        return self._render(
            "release.html",
            words,
            page=page,
            slug=slug,
            town=town,
            texts=texts,
            charts=charts,
            published_on=published_on,
            fallback=fallback,
            here=lambda code: self.page_url(slug, code),
        )

    def _chart(self, chart: Chart, words: Words) -> Markup:
        title = words.t(chart.title)
        bars = [Bar(words.name(chart.names, r.code), r.share) for r in chart.rows]
        return bar_chart(
            bars,
            title=words.t("chart_label", title=title),
            title_id=f"chart-{chart.id}",
            rtl=words.rtl,
            value=words.percent,
            hidden=HIDDEN,
        )

    def index(self, site: Site, town: Town, texts: Texts, lang: str, fallback: bool = False) -> str:
        words = Words(texts, lang)
        return self._render(
            "index.html",
            words,
            site=site,
            town=town,
            texts=texts,
            fallback=fallback,
            here=self.index_url,
        )

    def method(self, page: ReleasePage, slug: str, town: Town, texts: Texts) -> str:
        """The full method note (German only)."""
        words = Words(texts, SOURCE_LANGUAGE)
        return self._render(
            "method.html",
            words,
            page=page,
            slug=slug,
            town=town,
            texts=texts,
            fallback=False,
            here=lambda code: self.page_url(slug, code),
        )

    def statement(self, town: Town, texts: Texts, lang: str, address: str) -> str:
        words = Words(texts, lang)
        return self._render(
            "statement.html",
            words,
            town=town,
            texts=texts,
            address=address,
            statement_date=STATEMENT_DATE,
            fallback=False,
            here=self.statement_url,
        )

    def not_found(self, town: Town, texts: Texts, languages: Sequence[str]) -> str:
        """German first, then the same message in each of ``languages``."""
        words = Words(texts, SOURCE_LANGUAGE)
        others = [Words(texts, c) for c in languages if c != SOURCE_LANGUAGE]
        return self._render(
            "not_found.html",
            words,
            town=town,
            texts=texts,
            others=others,
            fallback=False,
            here=self.index_url,
        )


def link_card(url: str, page: ReleasePage, town: Town, texts: Texts) -> str:
    """An HTML link card for the town's website (to copy into its CMS): the page's title,
    the date of the data and the languages, with inline styles (a CMS keeps no stylesheet
    of ours). A link, not an ``<iframe>``: the results pages refuse to be framed
    (``frame-ancestors 'none'``), so nobody can dress them up as someone else's page."""
    words = Words(texts, SOURCE_LANGUAGE)
    names = ", ".join(language(c).native_name for c in texts.languages)
    title = escape(words.t("page_title", wave=page.wave))
    as_of = words.t("data_as_of", date=words.date(page.data_as_of))
    line = escape(f"{words.t('site_title', town=town.name)}. {as_of}")
    return (
        f'<a href="{escape(url)}" style="display:block;max-width:26rem;padding:1rem;'
        "border:2px solid #0b4f8a;border-radius:.5rem;color:#0b4f8a;text-decoration:none;"
        'font-family:system-ui,sans-serif;line-height:1.4">'
        f'<strong style="font-size:1.15rem">{title}</strong><br>'
        f'<span style="color:#1b1b1b">{line}<br>{escape(names)}</span></a>'
    )
