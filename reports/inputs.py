"""Everything a report reads, loaded in one place: the only I/O of :mod:`reports`.

A campaign slug selects a **wave**; the report combines every campaign of the
municipality with the same ``wave`` number (newcomers, volunteers, administration),
because the perception gap compares the audiences of one wave. With ``compare`` (a slug of
another wave) the newcomers' answers of that wave are added for the change since then.
The measures and the contact person come from the database (edited by the guide in the
dashboard, :mod:`bedarfsradar.measures`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis import findings, published
from reports import format as fmt
from reports.measures import Contact, MeasureSpec
from surveys.questionnaire.loader import NeedArea

if TYPE_CHECKING:
    from bedarfsradar.context import AppContext

# Short report labels where the questionnaire wording is first person or too long for a
# chart axis; other codes use the questionnaire's German labels.
SERVICE_SHORT = {
    "interpreting": "Dolmetschen",
    "translated_forms": "Übersetzte Formulare",
    "plain_letters": "Briefe in einfacher Sprache",
    "intercultural_training": "Interkulturelle Schulung",
    "referral_routes": "Weitervermittlung",
    "time_per_case": "Zeit pro Fall",
    "appointments": "Termine",
    "digital_services": "Digitale Leistungen",
}
BARRIER_SHORT = {"not_known": "Angebot nicht bekannt", "other": "Anderes"}


class ReportError(Exception):
    """The report cannot be built (no answers, wrong comparison, bad measures)."""


@dataclass(frozen=True)
class ReportCampaign:
    slug: str
    title: str
    wave: int
    audience: str
    targets: Mapping[str, Any] = field(default_factory=dict)
    status: str = "closed"  # draft | open | closed
    opens_on: str | None = None  # ISO dates
    closes_on: str | None = None
    invited: int | None = None
    """People invited by name who were reached (:mod:`surveys.invitations`); None for a
    campaign with an open link."""
    finished: int | None = None

    @classmethod
    def of(cls, info: Any, opens_on: str | None = None, closes_on: str | None = None) -> Any:
        """From a :class:`surveys.responses.storage.CampaignInfo` (or anything with these
        fields)."""
        return cls(
            info.slug,
            info.title,
            int(info.wave),
            info.audience,
            dict(info.targets),
            str(getattr(info, "status", "closed")),
            opens_on,
            closes_on,
        )


@dataclass(frozen=True)
class Labels:
    """German labels for codes, from the taxonomy, geography and questionnaires."""

    areas: Mapping[str, str]
    stadtteile: Mapping[str, str]
    barriers: Mapping[str, str]
    services: Mapping[str, str]
    volunteer_needs: Mapping[str, str]
    german_level: Mapping[str, str]
    languages: Mapping[str, str] = field(
        default_factory=lambda: {**findings.LANGUAGE_LABELS, "de-x-ls": "Leichte Sprache"}
    )

    @classmethod
    def from_context(cls, ctx: AppContext) -> Labels:
        bundles = ctx.bundles()
        new = bundles["newcomer"].questionnaire
        vol = bundles["volunteer"].questionnaire
        adm = bundles["administration"].questionnaire

        def opts(q: Any, qid: str) -> dict[str, str]:
            return {o.code: o.label for o in q.options_of(q.question(qid))}

        return cls(
            areas={a.code: a.label for a in ctx.taxonomy},
            stadtteile=dict(ctx.geography.stadtteile),
            barriers={**opts(new, "barriers"), **BARRIER_SHORT},
            services={
                **{o.code: o.label for o in adm.option_sets.get("services", [])},
                **SERVICE_SHORT,
            },
            volunteer_needs=opts(vol, "vol_needs"),
            german_level=opts(new, "german_level"),
        )

    def area(self, code: str) -> str:
        return self.areas.get(code, code)

    def stadtteil(self, code: str) -> str:
        return self.stadtteile.get(code, code)


@dataclass
class ReportInput:
    """Everything the report needs, already loaded (see :func:`collect`)."""

    answers: pd.DataFrame  # long answers of the report wave, all audiences
    offers: pd.DataFrame  # offers catalogue (analysis.supply contract)
    campaigns: list[ReportCampaign]  # campaigns of the report wave
    labels: Labels
    town: str
    report_date: date
    measures: list[MeasureSpec] = field(default_factory=list)  # active, in order
    contact: Contact | None = None
    compare_answers: pd.DataFrame | None = None  # long answers of the comparison wave
    compare_campaigns: list[ReportCampaign] = field(default_factory=list)
    offers_are_examples: bool = False
    taxonomy: list[NeedArea] = field(default_factory=list)
    """Need areas with their declared bases (``data/taxonomy.yaml``); empty: defaults."""

    @property
    def wave(self) -> int:
        return self.campaigns[0].wave

    @property
    def compare_wave(self) -> int | None:
        return self.compare_campaigns[0].wave if self.compare_campaigns else None

    @property
    def preliminary(self) -> bool:
        """True while a campaign of the report wave is still open: results are provisional."""
        return any(c.status == "open" for c in self.campaigns)


def wave_label(campaigns: Sequence[ReportCampaign]) -> str:
    """ "Welle 1 – Frühjahr 2026 (Zugewanderte)" -> "Welle 1 – Frühjahr 2026"."""
    if not campaigns:
        return ""
    first = sorted(campaigns, key=lambda c: c.audience != "newcomer")[0]
    label = re.sub(r"\s*\([^)]*\)\s*$", "", first.title).strip()
    return label or f"Welle {first.wave}"


def field_period(campaigns: Sequence[ReportCampaign], audience: str = "newcomer") -> str:
    """ "Feldphase 1. März – 31. Mai 2026" or "Feldphase seit 1. September 2026, läuft noch"."""
    own = [c for c in campaigns if c.audience == audience] or list(campaigns)
    if not own:
        return ""
    c = own[0]
    start = date.fromisoformat(c.opens_on) if c.opens_on else None
    end = date.fromisoformat(c.closes_on) if c.closes_on else None
    if start is None:
        return ""
    if c.status == "open":
        return f"Feldphase seit {fmt.long_date(start)}, läuft noch"
    if end is None:
        return f"Feldphase ab {fmt.long_date(start)}"
    return f"Feldphase {fmt.long_date(start)} bis {fmt.long_date(end)}"


def _campaign_dates(ctx: AppContext) -> dict[str, tuple[str | None, str | None]]:
    from sqlalchemy import select

    from bedarfsradar.db.schema import Campaign

    stmt = select(Campaign.slug, Campaign.opens_on, Campaign.closes_on).where(
        Campaign.municipality_id == ctx.municipality_id
    )
    with ctx.db.read() as s:
        return {slug: (o, c) for slug, o, c in s.execute(stmt).all()}


def collect(
    ctx: AppContext,
    campaign_slug: str,
    compare: str | None = None,
    report_date: date | None = None,
) -> ReportInput:
    """Load the answers, offers, campaigns, labels and measures for one report."""
    from bedarfsradar import measures as measure_store
    from surveys.offers import offers_frame

    mid = ctx.municipality_id
    dates = _campaign_dates(ctx)
    every = {
        c.slug: ReportCampaign.of(c, *dates.get(c.slug, (None, None)))
        for c in ctx.storage.campaigns(mid)
    }
    from dataclasses import replace

    from surveys.invitations.store import InvitationStore

    rates = InvitationStore(ctx.db, ctx.settings.effective_secret_key).rates(mid)
    for slug, invited, finished in rates[["campaign", "invited", "finished"]].itertuples(False):
        if slug in every:
            every[slug] = replace(every[slug], invited=int(invited), finished=int(finished))
    if campaign_slug not in every:
        raise ReportError(f"campaign {campaign_slug!r} not found")
    wave = every[campaign_slug].wave
    campaigns = [c for c in every.values() if c.wave == wave]
    answers = ctx.storage.answers_frame(mid, campaign_slugs=[c.slug for c in campaigns])
    compare_campaigns: list[ReportCampaign] = []
    compare_answers = None
    if compare:
        if compare not in every:
            raise ReportError(f"comparison campaign {compare!r} not found")
        if every[compare].wave == wave:
            raise ReportError(f"{compare!r} is in the same wave ({wave}) as {campaign_slug!r}")
        cw = every[compare].wave
        compare_campaigns = [c for c in every.values() if c.wave == cw]
        compare_answers = ctx.storage.answers_frame(
            mid, campaign_slugs=[c.slug for c in compare_campaigns]
        )
    offers = offers_frame(ctx.db, mid, active_only=False)
    examples = bool(len(offers)) and bool(offers.get("is_example", pd.Series([False])).all())
    return ReportInput(
        answers=answers,
        offers=offers,
        campaigns=sorted(campaigns, key=lambda c: published.AUDIENCES.index(c.audience)),
        labels=Labels.from_context(ctx),
        town=ctx.geography.name,
        report_date=report_date or date.today(),
        measures=[m.spec for m in measure_store.list_measures(ctx.db, mid) if m.spec.active],
        contact=measure_store.contact(ctx.db, mid),
        compare_answers=compare_answers,
        compare_campaigns=compare_campaigns,
        offers_are_examples=examples,
        taxonomy=ctx.taxonomy,
    )
