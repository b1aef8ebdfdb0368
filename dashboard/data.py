"""Loading at the dashboard's data boundary, cached per process.

Every cache key includes :func:`data_version` (the town, number and highest id of complete
responses), so results are recomputed as soon as a response arrives or is deleted, and a
town's cached views are never another town's: the town is the signed-in user's
(:func:`town`); caches without a data version are keyed by the town (:func:`per_town`). The
prepared survey data is cached as a resource (one shared, read-only object); results
tables are cached as data per (campaigns, filters, breakdown). Every number comes from
:mod:`analysis.published` - protected by the one disclosure layer - and this module only
chooses which view to call, one function per view; pages never see raw counts.
:func:`warm_up` fills the caches for every page's first view; the server calls it when
it starts (:mod:`dashboard.warmup`), so the guide's first login finds them warm.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import func, select

from analysis import published
from analysis.published import NeedsView
from analysis.results import concat_results, empty_results
from analysis.tidy import SurveyData
from bedarfsradar.context import AppContext
from bedarfsradar.db.schema import Response
from surveys.offers import offers_frame
from surveys.responses.storage import CampaignInfo

Filters = tuple[tuple[str, tuple[str, ...]], ...]
"""Hashable filters: ((attribute, (value, ...)), ...); an empty value tuple = no filter."""
R = TypeVar("R")


class DataVersion(NamedTuple):
    """The town and its complete responses: a key of every cached view."""

    town: int
    answers: int
    highest: int


@st.cache_resource
def context() -> AppContext:
    return AppContext()


def town() -> int:
    """The current town: the signed-in user's (:func:`dashboard.auth.current_user`)."""
    return context().municipality_id


def per_town(cached: Callable[..., R]) -> Callable[..., R]:
    """``cached(town, *args)`` called as ``f(*args)`` for the current town; ``f.clear()``
    clears it (for every town)."""

    @functools.wraps(cached)
    def call(*args: Any, **kwargs: Any) -> R:
        return cached(town(), *args, **kwargs)

    call.clear = cached.clear  # type: ignore[attr-defined]
    return call


@per_town
@st.cache_data(ttl=2, show_spinner=False)
def data_version(town: int) -> DataVersion:
    """The town's (number, highest id) of complete responses: changes with every new or
    deleted one. Read at most every 2 seconds (a page asks several times per run; with
    100,000 responses each count is a table scan); :func:`data_version.clear` after a
    deletion."""
    ctx = context()
    stmt = select(func.count(Response.id), func.max(Response.id)).where(
        Response.municipality_id == town, Response.status == "complete"
    )
    with ctx.db.read() as s:
        count, highest = s.execute(stmt).one()
    return DataVersion(town, int(count or 0), int(highest or 0))


@dataclass(frozen=True)
class Stand:
    """How current the shown data is: when this data version was loaded, how many complete
    answers it holds, and the waves whose campaigns are still open (results provisional)."""

    loaded_at: datetime
    answers: int
    provisional_waves: tuple[int, ...]


TOWN_SLOTS = 64
"""Towns whose views the caches hold at once (a network of 42 towns; one town: the same)."""


@st.cache_resource(max_entries=TOWN_SLOTS)
def _loaded_at(version: DataVersion) -> datetime:
    return datetime.now().astimezone()


@per_town
@st.cache_data(ttl=15, show_spinner=False)
def campaign_list(town: int) -> list[CampaignInfo]:
    """The town's campaigns (re-read at most every 15 s; :func:`campaign_list.clear` after
    a change)."""
    return context().storage.campaigns(town)


def stand() -> Stand:
    version = data_version()
    waves = sorted({c.wave for c in campaign_list() if c.status == "open"})
    return Stand(_loaded_at(version), version.answers, tuple(waves))


@dataclass
class _Newest:
    """A town's prepared answers of its newest data version (replaced, not added to)."""

    version: DataVersion | None = None
    data: SurveyData | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


@st.cache_resource(max_entries=TOWN_SLOTS, show_spinner=False)
def _town_answers(town: int) -> _Newest:
    return _Newest()


def prepare_survey_data(version: DataVersion) -> SurveyData:
    """The town's answers loaded and prepared (uncached)."""
    ctx = context()
    return ctx.survey_data(ctx.storage.answers_frame(version.town))


def _survey_data(version: DataVersion) -> SurveyData:
    """The prepared answers of ``version``: one object per town, the newest version only,
    shared by every session (a large town's answers are hundreds of megabytes, so older
    versions are dropped at once; many small towns each keep theirs)."""
    held = _town_answers(version.town)
    with held.lock:  # one session prepares, the others wait for it
        if held.version != version or held.data is None:
            _loaded_at(version)
            held.data, held.version = prepare_survey_data(version), version
        return held.data


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
    filters: Filters, breakdown: str | None, audience: str, version: DataVersion
) -> NeedsView:
    """The Bedarfe view of one selection (published results, group differences, whether
    the breakdown was allowed: selections below the minimum show totals only); attributes
    without chosen values do not filter (and do not make another cache key)."""
    chosen = tuple((attr, tuple(values)) for attr, values in filters if values)
    return _needs_view(chosen, breakdown, audience, version)


@st.cache_data(max_entries=4 * TOWN_SLOTS, show_spinner=False)
def _needs_view(
    filters: Filters, breakdown: str | None, audience: str, version: DataVersion
) -> NeedsView:
    return published.needs_view(
        _survey_data(version), dict(filters), breakdown, audience, _population_sizes()
    )


@st.cache_data(max_entries=TOWN_SLOTS, show_spinner=False)
def perception_view(waves: tuple[str, ...], severe: bool, version: DataVersion):  # type: ignore[no-untyped-def]
    return published.perception_view(
        _survey_data(version), waves, severe=severe, population_sizes=_population_sizes()
    )


def offers() -> pd.DataFrame:
    ctx = context()
    return offers_frame(ctx.db, ctx.municipality_id)


def offers_key(catalogue: pd.DataFrame) -> str:
    """Changes whenever an offer the supply gap depends on changes (a cache key)."""
    columns = ["offer_id", "active", "areas", "stadtteil", "languages", "times", "cost"]
    present = [c for c in [*columns, "childcare"] if c in catalogue]
    return str(catalogue[present].to_dict("records"))


@st.cache_data(max_entries=TOWN_SLOTS, show_spinner=False)
def supply_view(
    waves: tuple[str, ...],
    languages: tuple[str, ...],
    times: tuple[str, ...],
    max_cost: str | None,
    childcare: bool,
    offers_key: str,
    version: DataVersion,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(supply gap rows, barrier shares), published; ``offers_key`` changes with the
    catalogue."""
    return published.supply_view(
        _survey_data(version),
        offers(),
        waves,
        languages=languages or None,
        times=times or None,
        max_cost=max_cost,
        childcare=childcare,
    )


@st.cache_data(max_entries=TOWN_SLOTS, show_spinner=False)
def admin_view(waves: tuple[str, ...], version: DataVersion):  # type: ignore[no-untyped-def]
    grid = published.admin_view(
        _survey_data(version), waves, _population_sizes().get("administration")
    )
    if grid is None:
        return empty_results(), pd.DataFrame()
    return grid.results, grid.grid.assign(
        crosshair_importance=grid.crosshair_importance,
        crosshair_performance=grid.crosshair_performance,
    )


@st.cache_data(max_entries=TOWN_SLOTS, show_spinner=False)
def volunteer_view(waves: tuple[str, ...], version: DataVersion) -> pd.DataFrame:
    return concat_results([published.volunteer_view(_survey_data(version), waves)])


@st.cache_data(max_entries=2, show_spinner=False)
def aggregate_sheets(version: DataVersion) -> dict[str, pd.DataFrame]:
    """Every published results table of the export (only the breakdowns the pages offer),
    protected exactly as on the pages: safe for every role."""
    return published.export_sheets(_survey_data(version), offers(), _population_sizes())


def protected_audiences() -> tuple[str, ...]:
    """Audiences whose answers are never shown one by one (:mod:`surveys.privacy.protected`)."""
    from surveys.privacy.protected import protected_audiences as protected

    ctx = context()
    return protected(ctx.db, ctx.municipality_id)


def raw_answers() -> pd.DataFrame:
    """Every answer of every complete response, free text included (guide/admin only),
    with the reason a response is marked for review (``review_flag``, German; empty for
    the unmarked) - except the answers of protected audiences (staff; volunteers unless
    switched off), which no role gets one by one."""
    from dashboard.labels import REVIEW_FLAGS
    from surveys.privacy.protected import without_protected

    ctx = context()
    frame = without_protected(ctx.storage.answers_frame(ctx.municipality_id), protected_audiences())
    flagged = ctx.storage.flagged_responses(ctx.municipality_id)
    reasons = {uuid: REVIEW_FLAGS.get(flag, flag) for uuid, flag in flagged.items()}
    frame["review_flag"] = frame["response_id"].map(reasons).fillna("") if reasons else ""
    return frame


# -- Überblick -------------------------------------------------------------------------------
def campaigns_frame() -> pd.DataFrame:
    """Campaigns with their targets: columns campaign, title, audience, wave, target,
    population, and for campaigns of invited people invited and finished (see
    :func:`analysis.overview.campaign_progress`)."""
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
    frame = pd.DataFrame(rows, columns=columns)
    rates = invitation_rates().set_index("campaign")
    frame["invited"] = frame["campaign"].map(rates["invited"]) if len(rates) else None
    frame["finished"] = frame["campaign"].map(rates["finished"]) if len(rates) else None
    return frame


@dataclass(frozen=True)
class OverviewView:
    """The Überblick's numbers, all published: key findings of the newest wave (with the
    change since the wave before), the largest uncovered gaps, respondents per audience,
    per campaign, Stadtteil, language and month."""

    wave: int | None
    findings: pd.DataFrame
    gaps: pd.DataFrame
    audience_n: dict[str, float]
    per_campaign: pd.DataFrame
    per_stadtteil: pd.DataFrame
    per_language: pd.DataFrame
    per_month: pd.DataFrame


@st.cache_data(max_entries=TOWN_SLOTS, show_spinner=False)
def overview_view(version: DataVersion) -> OverviewView:
    data = _survey_data(version)
    resp = data.respondents
    waves = sorted(int(w) for w in pd.unique(resp["wave"])) if len(resp) else []
    wave = waves[-1] if waves else None
    tables = {
        by: published.response_table(resp, by)
        for by in ("stadtteil", "language", "month")
        if by in resp.columns
    }
    empty = pd.DataFrame(columns=["sentence"])
    findings, gaps = empty, pd.DataFrame()
    if wave is not None:
        findings = overview_findings(version)
        current = published.select_wave(data, wave)
        gap, _ = published.supply_view(current, offers())
        gaps = published.uncovered_needs(gap, min_prevalence=0.3).head(3)
    return OverviewView(
        wave=wave,
        findings=findings,
        gaps=gaps,
        audience_n=published.audience_counts(data),
        per_campaign=published.respondent_counts(data, ["campaign"]),
        per_stadtteil=tables.get("stadtteil", pd.DataFrame()),
        per_language=tables.get("language", pd.DataFrame()),
        per_month=tables.get("month", pd.DataFrame()),
    )


def overview_findings(version: DataVersion) -> pd.DataFrame:
    """The key findings of the newest wave and the change since the wave before - the list
    the Stadtrat deck of that wave (with the previous wave as comparison) shows."""
    data = _survey_data(version)
    waves = sorted(int(w) for w in pd.unique(data.respondents["wave"]))
    if not waves:
        return pd.DataFrame(columns=["sentence"])
    compare = waves[-2] if len(waves) > 1 else None
    selected = published.select_waves(data, [w for w in (compare, waves[-1]) if w is not None])
    return published.key_findings(
        selected,
        offers(),
        _population_sizes(),
        compare_wave=compare,
        area_labels={a.code: a.label for a in context().taxonomy},
    )


# -- Datenschutz -----------------------------------------------------------------------------
def processing_facts():  # type: ignore[no-untyped-def]
    """Facts for the record of processing activities (:mod:`surveys.privacy.processing_record`)."""
    from bedarfsradar.users import list_users
    from surveys.privacy.processing_record import ProcessingFacts
    from surveys.privacy.retention import retention_months

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
def free_texts(version: DataVersion) -> pd.DataFrame:
    """Free texts of complete responses with their suggested need areas (column
    ``suggested``: codes, best first; :func:`surveys.free_text.keywords.suggest_areas`). The raw
    text is cached like the survey data; only guide/admin pages call this."""
    from surveys.free_text.codes import free_text_answers
    from surveys.free_text.keywords import suggest_areas

    ctx = context()
    texts = free_text_answers(ctx.db, ctx.municipality_id)
    texts["suggested"] = [
        suggest_areas(t, lang) for t, lang in zip(texts["text"], texts["language"], strict=True)
    ]
    return texts


def protected_themes(version: tuple[int, int]) -> pd.DataFrame:
    """Need areas in the free texts of protected audiences, found by the keyword list
    alone and published like every code (fewer than 5 mentions hidden)."""
    from surveys.privacy.protected import protected_free_text_codes

    texts = free_texts(version)
    protected = protected_audiences()
    codes = protected_free_text_codes(texts, protected)
    if codes.empty:
        return pd.DataFrame()
    return published.themes_view(codes, texts[texts["audience"].isin(protected)], "audience")


# -- invitations ------------------------------------------------------------------------------
def invitation_rates() -> pd.DataFrame:
    """Per campaign with invited people: campaign, invited, finished, rate (not cached:
    one small query)."""
    from surveys.invitations.store import InvitationStore

    ctx = context()
    return InvitationStore(ctx.db, ctx.settings.effective_secret_key).rates(ctx.municipality_id)


def codes() -> pd.DataFrame:
    """All stored free-text codes (not cached: they change with every save)."""
    from surveys.free_text.codes import codes as stored_codes

    ctx = context()
    return stored_codes(ctx.db, ctx.municipality_id)


# -- warm-up ---------------------------------------------------------------------------------
def warm_up() -> DataVersion:
    """Compute every page's first view (the default widget values) for the current data
    version; a no-op apart from cache look-ups when nothing changed. Returns the version."""
    version = data_version()
    _survey_data(version)
    campaigns_frame()
    overview_view(version)
    for audience in ("newcomer", "volunteer", "administration"):
        needs_view((), None, audience, version)
    perception_view((), False, version)
    supply_view((), (), (), None, False, offers_key(offers()), version)
    admin_view((), version)
    volunteer_view((), version)
    aggregate_sheets(version)
    free_texts(version)
    return version
