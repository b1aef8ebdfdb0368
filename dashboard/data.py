"""Loading at the dashboard's data boundary, cached per process.

Every cache key includes :func:`data_version` (number and highest id of complete
responses), so results are recomputed as soon as a response arrives or is deleted. The
prepared survey data is cached as a resource (one shared, read-only object); results
tables are cached as data per (campaigns, filters, breakdown). Every number comes from
``analysis/``; this module only chooses which analysis function to call, one function
per view. :func:`warm_up` fills the caches for every page's first view; the server calls
it when it starts (:mod:`dashboard.warmup`), so the guide's first login finds them warm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import streamlit as st
from sqlalchemy import func, select

from analysis.admin import importance_performance, volunteer_results
from analysis.compare import group_differences
from analysis.disclosure import apply_suppression
from analysis.needs import indicator_prefix, needs_results, prevalence
from analysis.perception import perception_gap
from analysis.results import concat_results, empty_results
from analysis.subset import select_respondents
from analysis.supply import barrier_shares, supply_gap
from analysis.tidy import SurveyData
from bedarfsradar.context import AppContext
from bedarfsradar.db.schema import Response
from surveys.offers import offers_frame
from surveys.storage import CampaignInfo

Filters = tuple[tuple[str, tuple[str, ...]], ...]
"""Hashable filters: ((attribute, (value, ...)), ...); an empty value tuple = no filter."""


@st.cache_resource
def context() -> AppContext:
    return AppContext()


@st.cache_data(ttl=2, show_spinner=False)
def data_version() -> tuple[int, int]:
    """(number, highest id) of complete responses: changes with every new or deleted one.
    Read at most every 2 seconds (a page asks several times per run; with 100,000
    responses each count is a table scan); :func:`data_version.clear` after a deletion."""
    ctx = context()
    stmt = select(func.count(Response.id), func.max(Response.id)).where(
        Response.municipality_id == ctx.municipality_id, Response.status == "complete"
    )
    with ctx.db.read() as s:
        count, highest = s.execute(stmt).one()
    return int(count or 0), int(highest or 0)


@dataclass(frozen=True)
class Stand:
    """How current the shown data is: when this data version was loaded, how many complete
    answers it holds, and the waves whose campaigns are still open (results provisional)."""

    loaded_at: datetime
    answers: int
    provisional_waves: tuple[int, ...]


@st.cache_resource(max_entries=4)
def _loaded_at(version: tuple[int, int]) -> datetime:
    return datetime.now().astimezone()


@st.cache_data(ttl=15, show_spinner=False)
def campaign_list() -> list[CampaignInfo]:
    """The town's campaigns (re-read at most every 15 s; :func:`campaign_list.clear` after
    a change)."""
    ctx = context()
    return ctx.storage.campaigns(ctx.municipality_id)


def stand() -> Stand:
    version = data_version()
    waves = sorted({c.wave for c in campaign_list() if c.status == "open"})
    return Stand(_loaded_at(version), version[0], tuple(waves))


@st.cache_data(ttl=30, show_spinner=False)
def response_counts() -> pd.DataFrame:
    ctx = context()
    return ctx.storage.response_counts(ctx.municipality_id)


@st.cache_resource(max_entries=4, show_spinner=False)
def _survey_data(version: tuple[int, int]) -> SurveyData:
    ctx = context()
    _loaded_at(version)
    return ctx.survey_data(ctx.storage.answers_frame(ctx.municipality_id))


def survey_data() -> SurveyData:
    return _survey_data(data_version())


def _population_sizes() -> dict[str, int]:
    """Known audience sizes from the campaigns' ``targets.population`` (largest wins)."""
    sizes: dict[str, int] = {}
    for c in campaign_list():
        if "population" in c.targets:
            sizes[c.audience] = max(sizes.get(c.audience, 0), int(c.targets["population"]))
    return sizes


def needs_view(
    filters: Filters, breakdown: str | None, audience: str, version: tuple[int, int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(suppressed results, group differences) of the need items for one selection;
    attributes without chosen values do not filter (and do not make another cache key)."""
    chosen = tuple((attr, tuple(values)) for attr, values in filters if values)
    return _needs_view(chosen, breakdown, audience, version)


@st.cache_data(max_entries=64, show_spinner=False)
def _needs_view(
    filters: Filters, breakdown: str | None, audience: str, version: tuple[int, int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    sub = select_respondents(_survey_data(version), dict(filters), audience=audience)
    group_vars = (breakdown,) if breakdown else ()
    if audience == "newcomer":
        shown = needs_results(sub, group_vars=group_vars)
    else:
        shown = apply_suppression(prevalence(sub, audience, group_vars))
    differences = pd.DataFrame()
    if breakdown and len(sub.respondents):
        raw = prevalence(sub, audience, group_vars)
        prefix = indicator_prefix(audience)
        differences = pd.concat(
            [
                group_differences(raw, f"{prefix}_{name}", breakdown).assign(
                    indicator=f"{prefix}_{name}"
                )
                for name in ("prevalence", "severe")
            ],
            ignore_index=True,
        )
    return shown, differences


@st.cache_data(max_entries=16, show_spinner=False)
def perception_view(waves: tuple[str, ...], severe: bool, version: tuple[int, int]):  # type: ignore[no-untyped-def]
    sub = select_respondents(_survey_data(version), {"wave": waves})
    return perception_gap(sub, population_sizes=_population_sizes(), severe=severe)


def offers() -> pd.DataFrame:
    ctx = context()
    return offers_frame(ctx.db, ctx.municipality_id)


def offers_key(catalogue: pd.DataFrame) -> str:
    """Changes whenever an offer the supply gap depends on changes (a cache key)."""
    columns = ["offer_id", "active", "areas", "stadtteil", "languages", "times", "cost"]
    present = [c for c in [*columns, "childcare"] if c in catalogue]
    return str(catalogue[present].to_dict("records"))


@st.cache_data(max_entries=32, show_spinner=False)
def supply_view(
    waves: tuple[str, ...],
    languages: tuple[str, ...],
    times: tuple[str, ...],
    max_cost: str | None,
    childcare: bool,
    offers_key: str,
    version: tuple[int, int],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(supply gap rows, suppressed barrier shares); ``offers_key`` changes with the catalogue."""
    sub = select_respondents(_survey_data(version), {"wave": waves})
    gap = supply_gap(
        sub,
        offers(),
        languages=languages or None,
        times=times or None,
        max_cost=max_cost,
        childcare=childcare,
    )
    barriers = apply_suppression(barrier_shares(sub))
    return gap, barriers


@st.cache_data(max_entries=8, show_spinner=False)
def admin_view(waves: tuple[str, ...], version: tuple[int, int]):  # type: ignore[no-untyped-def]
    sub = select_respondents(_survey_data(version), {"wave": waves})
    if not (sub.respondents["audience"] == "administration").any():
        return empty_results(), pd.DataFrame()
    grid = importance_performance(sub, population_size=_population_sizes().get("administration"))
    return grid.results, grid.grid.assign(
        crosshair_importance=grid.crosshair_importance,
        crosshair_performance=grid.crosshair_performance,
    )


@st.cache_data(max_entries=8, show_spinner=False)
def volunteer_view(waves: tuple[str, ...], version: tuple[int, int]) -> pd.DataFrame:
    sub = select_respondents(_survey_data(version), {"wave": waves})
    if not (sub.respondents["audience"] == "volunteer").any():
        return empty_results()
    return concat_results([volunteer_results(sub)])


@st.cache_data(max_entries=2, show_spinner=False)
def aggregate_sheets(version: tuple[int, int]) -> dict[str, pd.DataFrame]:
    """Every published results table, suppressed and redacted (safe for every role)."""
    ctx = context()
    sub = _survey_data(version)
    sheets = {
        "Bedarfe": needs_results(sub),
        "Perspektiven": perception_gap(sub, population_sizes=_population_sizes()),
        "Angebotslücken": supply_gap(sub, offers_frame(ctx.db, ctx.municipality_id)),
        "Hürden": apply_suppression(barrier_shares(sub)),
    }
    admin_results, _ = admin_view((), version)
    sheets["Verwaltung"] = admin_results
    sheets["Ehrenamt"] = volunteer_view((), version)
    return sheets


def raw_answers() -> pd.DataFrame:
    """Every answer of every complete response, free text included (guide/admin only)."""
    ctx = context()
    return ctx.storage.answers_frame(ctx.municipality_id)


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)
def report_bytes(slug: str, compare: str | None, fmt: str, version: tuple[int, int]) -> bytes:
    """The Stadtrat report (``fmt`` pptx or pdf) of the wave of ``slug``; ``version`` renews
    it with every response. Raises :class:`reports.ReportError`."""
    from reports import build_report

    return build_report(context(), slug, fmt, compare=compare)  # type: ignore[arg-type]


# -- Überblick -------------------------------------------------------------------------------
def campaigns_frame() -> pd.DataFrame:
    """Campaigns with their targets: columns campaign, title, audience, wave, target,
    population (see :func:`analysis.overview.campaign_progress`)."""
    rows = [
        {
            "campaign": c.slug,
            "title": c.title,
            "audience": c.audience,
            "wave": c.wave,
            "target": c.targets.get("total"),
            "population": c.targets.get("population"),
        }
        for c in campaign_list()
    ]
    columns = ["campaign", "title", "audience", "wave", "target", "population"]
    return pd.DataFrame(rows, columns=columns)


@st.cache_data(max_entries=4, show_spinner=False)
def overview_view(version: tuple[int, int]) -> tuple[pd.DataFrame, int | None, pd.DataFrame]:
    """(responses per Stadtteil × audience, suppressed; newest wave; its headline findings)."""
    from analysis.counts import response_overview
    from analysis.overview import headline_findings, newest_wave, stadtteil_counts

    data = _survey_data(version)
    respondents = data.respondents
    per_stadtteil = response_overview(stadtteil_counts(respondents), "stadtteil")
    wave = newest_wave(respondents)
    if wave is None:
        return per_stadtteil, None, pd.DataFrame(columns=["sentence"])
    sub = select_respondents(data, {"wave": (wave,)})
    found = headline_findings(
        needs_results(sub, group_vars=()),
        perception_gap(sub, population_sizes=_population_sizes()),
        supply_gap(sub, offers()),
        area_labels={a.code: a.label for a in context().taxonomy},
    )
    return per_stadtteil, wave, found


@st.cache_data(max_entries=4, show_spinner=False)
def overview_gaps(version: tuple[int, int], limit: int = 3) -> pd.DataFrame:
    """The largest needs of the newest wave that no accessible offer covers
    (:func:`analysis.supply.uncovered_needs`, at most ``limit`` rows; suppressed rows never)."""
    from analysis.overview import newest_wave
    from analysis.supply import uncovered_needs

    data = _survey_data(version)
    wave = newest_wave(data.respondents)
    if wave is None:
        return uncovered_needs(supply_gap(data, offers())).head(0)
    sub = select_respondents(data, {"wave": (wave,)})
    return uncovered_needs(supply_gap(sub, offers()), min_prevalence=0.3).head(limit)


# -- Datenschutz -----------------------------------------------------------------------------
def processing_facts():  # type: ignore[no-untyped-def]
    """Facts for the record of processing activities (:mod:`surveys.processing_record`)."""
    from bedarfsradar.users import list_users
    from surveys.processing_record import ProcessingFacts
    from surveys.retention import retention_months

    ctx = context()
    bundles = ctx.bundles()
    sensitive = [
        question.label
        for bundle in bundles.values()
        for section, question in bundle.questionnaire.questions()
        if question.sensitive or section.sensitive
    ]
    languages = sorted({lang for b in bundles.values() for lang in b.languages()})
    users = list_users(ctx.db, ctx.municipality_id)
    active = users[users["active"].astype(bool)].groupby("role").size()
    return ProcessingFacts(
        municipality=ctx.geography.name,
        audiences={a: sum(1 for _ in b.questionnaire.questions()) for a, b in bundles.items()},
        languages=tuple(languages),
        sensitive_questions=tuple(dict.fromkeys(sensitive)),
        retention_months=retention_months(ctx.db, ctx.municipality_id),
        active_users={str(k): int(v) for k, v in active.items()},
    )


# -- Freitext (guide/admin only) -------------------------------------------------------------
@st.cache_data(max_entries=2, show_spinner=False)
def free_texts(version: tuple[int, int]) -> pd.DataFrame:
    """Free texts of complete responses with their suggested need areas (column
    ``suggested``: codes, best first; :func:`surveys.free_text.suggest_areas`). The raw
    text is cached like the survey data; only guide/admin pages call this."""
    from surveys.coding import free_text_answers
    from surveys.free_text import suggest_areas

    ctx = context()
    texts = free_text_answers(ctx.db, ctx.municipality_id)
    texts["suggested"] = [
        suggest_areas(t, lang) for t, lang in zip(texts["text"], texts["language"], strict=True)
    ]
    return texts


def codes() -> pd.DataFrame:
    """All stored free-text codes (not cached: they change with every save)."""
    from surveys.coding import codes as stored_codes

    ctx = context()
    return stored_codes(ctx.db, ctx.municipality_id)


# -- warm-up ---------------------------------------------------------------------------------
def warm_up() -> tuple[int, int]:
    """Compute every page's first view (the default widget values) for the current data
    version; a no-op apart from cache look-ups when nothing changed. Returns the version."""
    version = data_version()
    _survey_data(version)
    response_counts()
    campaigns_frame()
    overview_view(version)
    overview_gaps(version)
    for audience in ("newcomer", "volunteer", "administration"):
        needs_view((), None, audience, version)
    perception_view((), False, version)
    supply_view((), (), (), None, False, offers_key(offers()), version)
    admin_view((), version)
    volunteer_view((), version)
    aggregate_sheets(version)
    free_texts(version)
    return version
