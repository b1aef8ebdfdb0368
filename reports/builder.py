"""One report builder for the Stadtrat deck and PDF: analysis results -> :class:`ReportContent`.

Three steps, each testable alone:

1. :func:`collect` (the only I/O): a campaign slug selects a **wave**; the report combines
   every campaign of the municipality with the same ``wave`` number (newcomers, volunteers,
   administration), because the perception gap compares the audiences of one wave. With
   ``compare`` (a slug of another wave) the newcomers' answers of that wave are added for
   "Veränderung seit der Vorwelle".
2. :func:`analyse`: calls :mod:`analysis` (needs, perception, supply, admin, volunteers,
   wave change) and applies its disclosure control. No statistic is computed in
   ``reports/``; the builder only selects, sorts and formats rows of the results tables.
3. :func:`build_content`: slides as data (:mod:`reports.content`), rendered unchanged by
   :mod:`reports.pptx` and :mod:`reports.pdf`.

Honesty rules applied here: every share is shown with its 95 % interval and base n;
suppressed cells (fewer than 5 respondents, or hidden so a small cell cannot be
recovered) are shown as "·" with a footnote and never as a number; chart points of
suppressed cells are left empty; free text is left out because no coded themes exist yet
(only coded themes with at least 5 mentions would be shown). The supply gap uses the
offers catalogue as it is today (the slide says so).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis import admin, disclosure, findings, needs, perception, supply, tidy
from analysis.counts import AUDIENCE_LABELS, response_overview
from analysis.disclosure import MIN_CELL
from analysis.results import TOTAL_GROUP_VAR, concat_results, filter_results
from reports import format as fmt
from reports.content import (
    GREY_POINT,
    OKABE_ITO,
    BarChart,
    BarSeries,
    ReportContent,
    ScatterChart,
    ScatterPoint,
    ScatterSeries,
    Slide,
    Table,
    Text,
    TitlePage,
    place_labels,
)
from reports.measures import Gap, Measure, Rule, load_rules, propose_measures

if TYPE_CHECKING:
    from bedarfsradar.context import AppContext

PROGRAMME = "KISI – Kommunale Integrationsguides Hessen"
FUNDING_NOTICE = (
    "Das AMIF-Projekt „KISI“ wird von der Europäischen Union finanziert und vom Land "
    "Hessen kofinanziert."
)
FUNDING_LINE = "Europäische Union – Asyl-, Migrations- und Integrationsfonds (AMIF) · Land Hessen"
SUPPRESSION_NOTE = (
    "· = ausgeblendet: weniger als 5 Antworten, oder zusätzlich verborgen, damit sich eine "
    "kleine Gruppe nicht aus Summen zurückrechnen lässt."
)
CI_NOTE = "In Klammern: 95 %-Konfidenzintervall. n = Zahl der Antworten (Basis)."
AUDIENCE_COLORS = {
    "newcomer": OKABE_ITO["blue"],
    "volunteer": OKABE_ITO["orange"],
    "administration": OKABE_ITO["bluish_green"],
}
# Breakdowns of the newcomers' needs shown in the appendix (more are in the dashboard).
NEEDS_GROUP_VARS: tuple[str, ...] = ("stadtteil", "german_level")
MAX_FINDINGS = 8
MAX_MEASURES_ON_SLIDE = 7
MAX_UNCOVERED_ON_SLIDE = 8
QUADRANT_STYLE: dict[str, tuple[str, str]] = {  # classification -> (colour, marker)
    admin.CONCENTRATE: (OKABE_ITO["vermillion"], "diamond"),
    admin.KEEP_UP: (OKABE_ITO["bluish_green"], "circle"),
    admin.LOW_PRIORITY: (GREY_POINT, "square"),
    admin.OVERKILL: (OKABE_ITO["orange"], "triangle"),
    admin.UNCERTAIN: (OKABE_ITO["sky_blue"], "x"),
}
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
# Grammatical subject and verbs per comparison audience for lead sentences.
AUDIENCE_SUBJECT = {
    "volunteer": ("Die Ehrenamtlichen", "unterschätzen", "überschätzen"),
    "administration": ("Die Verwaltung", "unterschätzt", "überschätzt"),
}


class ReportError(Exception):
    """The report cannot be built (no answers, wrong comparison, bad rules file)."""


# -- inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportCampaign:
    slug: str
    title: str
    wave: int
    audience: str
    targets: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, info: Any) -> ReportCampaign:
        """From a :class:`surveys.storage.CampaignInfo` (or anything with these fields)."""
        return cls(info.slug, info.title, int(info.wave), info.audience, dict(info.targets))


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
    rules: list[Rule]
    town: str
    report_date: date
    compare_answers: pd.DataFrame | None = None  # long answers of the comparison wave
    compare_campaigns: list[ReportCampaign] = field(default_factory=list)
    offers_are_examples: bool = False

    @property
    def wave(self) -> int:
        return self.campaigns[0].wave

    @property
    def compare_wave(self) -> int | None:
        return self.compare_campaigns[0].wave if self.compare_campaigns else None


def wave_label(campaigns: Sequence[ReportCampaign]) -> str:
    """ "Welle 1 – Frühjahr 2026 (Zugewanderte)" -> "Welle 1 – Frühjahr 2026"."""
    if not campaigns:
        return ""
    first = sorted(campaigns, key=lambda c: c.audience != "newcomer")[0]
    label = re.sub(r"\s*\([^)]*\)\s*$", "", first.title).strip()
    return label or f"Welle {first.wave}"


def collect(
    ctx: AppContext,
    campaign_slug: str,
    compare: str | None = None,
    report_date: date | None = None,
) -> ReportInput:
    """Load the answers, offers, campaigns, labels and rules for one report (see module)."""
    from surveys.offers import offers_frame

    mid = ctx.municipality_id
    every = {c.slug: c for c in ctx.storage.campaigns(mid)}
    if campaign_slug not in every:
        raise ReportError(f"campaign {campaign_slug!r} not found")
    wave = every[campaign_slug].wave
    campaigns = [ReportCampaign.of(c) for c in every.values() if c.wave == wave]
    answers = ctx.storage.answers_frame(mid, campaign_slugs=[c.slug for c in campaigns])
    compare_campaigns: list[ReportCampaign] = []
    compare_answers = None
    if compare:
        if compare not in every:
            raise ReportError(f"comparison campaign {compare!r} not found")
        if every[compare].wave == wave:
            raise ReportError(f"{compare!r} is in the same wave ({wave}) as {campaign_slug!r}")
        cw = every[compare].wave
        compare_campaigns = [ReportCampaign.of(c) for c in every.values() if c.wave == cw]
        compare_answers = ctx.storage.answers_frame(
            mid, campaign_slugs=[c.slug for c in compare_campaigns]
        )
    offers = offers_frame(ctx.db, mid, active_only=False)
    examples = bool(len(offers)) and bool(offers.get("is_example", pd.Series([False])).all())
    return ReportInput(
        answers=answers,
        offers=offers,
        campaigns=sorted(campaigns, key=lambda c: tidy.AUDIENCES.index(c.audience)),
        labels=Labels.from_context(ctx),
        rules=load_rules(measures_path(ctx.settings.data_dir)),
        town=ctx.geography.name,
        report_date=report_date or date.today(),
        compare_answers=compare_answers,
        compare_campaigns=compare_campaigns,
        offers_are_examples=examples,
    )


def measures_path(data_dir: Path) -> Path:
    return data_dir / "measures.yaml"


# -- analysis -----------------------------------------------------------------------------


@dataclass
class ReportResults:
    """Analysis results used by the report (all suppressed and redacted)."""

    respondents: pd.DataFrame  # counts per campaign/audience/language come from here
    needs: pd.DataFrame
    beliefs: pd.DataFrame  # need_belief_<audience>_prevalence, totals
    perception: pd.DataFrame
    supply: pd.DataFrame
    barriers: pd.DataFrame
    ip: admin.IPGrid | None
    volunteers: pd.DataFrame
    change: pd.DataFrame  # need_prevalence_change (empty without comparison)
    wave_prevalence: pd.DataFrame  # need_prevalence by wave (empty without comparison)
    population_sizes: dict[str, int]

    def table(self) -> pd.DataFrame:
        """The long results table behind every slide."""
        frames = [
            self.needs,
            self.beliefs,
            self.perception,
            self.supply,
            self.barriers,
            self.volunteers,
            self.change,
            self.wave_prevalence,
        ]
        if self.ip is not None:
            frames.append(self.ip.results)
        return concat_results([f for f in frames if len(f)])


def population_sizes(campaigns: Iterable[ReportCampaign]) -> dict[str, int]:
    """{audience: N} from campaign targets' ``population`` (for the finite-population
    correction of small known groups, e.g. the administration staff)."""
    out = {}
    for c in campaigns:
        n = c.targets.get("population")
        if isinstance(n, int | float) and n > 0:
            out[c.audience] = int(n)
    return out


def _audience_counts(respondents: pd.DataFrame) -> dict[str, int]:
    return {a: int((respondents["audience"] == a).sum()) for a in tidy.AUDIENCES}


def analyse(inp: ReportInput) -> ReportResults:
    """Run the analysis for the report (see module docstring)."""
    if inp.answers.empty:
        raise ReportError(f"no complete responses in wave {inp.wave}")
    data = tidy.prepare(inp.answers)
    n_by = _audience_counts(data.respondents)
    if n_by["newcomer"] == 0:
        raise ReportError(f"no newcomer responses in wave {inp.wave}")
    # a known population smaller than the responses is a data error: no correction then
    pops = {a: n for a, n in population_sizes(inp.campaigns).items() if n >= n_by[a]}
    empty = concat_results([])
    needs_res = needs.needs_results(data, group_vars=NEEDS_GROUP_VARS)
    beliefs = []
    for aud in ("volunteer", "administration"):
        if n_by[aud]:
            prev = needs.prevalence(data, audience=aud, population_size=pops.get(aud))
            beliefs.append(disclosure.apply_suppression(prev))
    beliefs_res = concat_results(beliefs) if beliefs else empty
    comparisons = [a for a in ("volunteer", "administration") if n_by[a]]
    perc = (
        perception.perception_gap(data, comparisons=comparisons, population_sizes=pops)
        if comparisons
        else empty
    )
    sup = supply.supply_gap(data, inp.offers)
    bar = disclosure.apply_suppression(supply.barrier_shares(data))
    ip = (
        admin.importance_performance(data, population_size=pops.get("administration"))
        if n_by["administration"]
        else None
    )
    vol = admin.volunteer_results(data) if n_by["volunteer"] else empty
    change, by_wave = empty, empty
    if inp.compare_answers is not None and inp.compare_wave is not None:
        both = pd.concat(
            [
                inp.answers[inp.answers["audience"] == "newcomer"],
                inp.compare_answers[inp.compare_answers["audience"] == "newcomer"],
            ],
            ignore_index=True,
        )
        both_data = tidy.prepare(both)
        change = disclosure.apply_suppression(
            needs.need_change(both_data, wave_from=inp.compare_wave, wave_to=inp.wave),
            secondary=False,  # differences of waves do not add up to a published total
        )
        by_wave = disclosure.apply_suppression(
            filter_results(
                needs.prevalence(both_data, group_vars=("wave",)),
                indicator="need_prevalence",
            )
        )
    return ReportResults(
        respondents=data.respondents,
        needs=needs_res,
        beliefs=beliefs_res,
        perception=perc,
        supply=sup,
        barriers=bar,
        ip=ip,
        volunteers=vol,
        change=change,
        wave_prevalence=by_wave,
        population_sizes=pops,
    )


# -- gaps and measures ----------------------------------------------------------------------


def _shown(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty:
        return df
    return df[~df["suppressed"].astype(bool) & df["estimate"].notna()]


def _totals(df: pd.DataFrame, indicator: str) -> pd.DataFrame:
    if df.empty:
        return df
    return filter_results(df, indicator=indicator, group_var=TOTAL_GROUP_VAR)


def _barrier_text(codes: object, labels: Labels) -> str:
    if not isinstance(codes, str) or not codes:
        return "keine Angabe"
    return ", ".join(labels.barriers.get(c.strip(), c.strip()) for c in codes.split(";"))


def detect_gaps(res: ReportResults, labels: Labels) -> list[Gap]:
    """Gaps for the measures table (types documented in ``data/measures.yaml``)."""
    gaps: list[Gap] = []
    for _, r in supply.uncovered_needs(res.supply).iterrows():
        gaps.append(
            Gap(
                "uncovered_need",
                {"area": r["level"], "stadtteil": r["stadtteil"]},
                {
                    "area": labels.area(r["level"]),
                    "stadtteil": labels.stadtteil(r["stadtteil"]),
                    "barriers": _barrier_text(r["top_barriers"], labels),
                    "estimate": fmt.share(r["estimate"]),
                },
                float(r["estimate"]),
            )
        )
    for _, r in _shown(_totals(res.needs, "need_severe")).iterrows():
        gaps.append(
            Gap(
                "severe_need",
                {"area": r["level"]},
                {"area": labels.area(r["level"]), "estimate": fmt.share(r["estimate"])},
                float(r["estimate"]),
            )
        )
    for _, r in _shown(res.perception).iterrows():
        kind = {
            perception.UNDERESTIMATED: "underestimated_need",
            perception.OVERESTIMATED: "overestimated_need",
        }.get(r.get("flag", ""))
        if kind:
            gaps.append(
                Gap(
                    kind,
                    {"area": r["level"], "audience": r["group"]},
                    {
                        "area": labels.area(r["level"]),
                        "audience": AUDIENCE_LABELS.get(r["group"], r["group"]),
                        "estimate": fmt.points(r["estimate"]),
                    },
                    abs(float(r["estimate"])),
                )
            )
    if res.ip is not None:
        for _, r in res.ip.grid.iterrows():
            if r["classification"] == admin.CONCENTRATE:
                gaps.append(
                    Gap(
                        "service_gap",
                        {"service": r["service"]},
                        {"service": labels.services.get(r["service"], r["service"])},
                        float(r["importance"] - r["performance"]),
                    )
                )
    for _, r in _shown(_totals(res.barriers, "barrier_share")).iterrows():
        gaps.append(
            Gap(
                "barrier",
                {"barrier": r["level"]},
                {
                    "barrier": labels.barriers.get(r["level"], r["level"]),
                    "estimate": fmt.share(r["estimate"]),
                },
                float(r["estimate"]),
            )
        )
    for _, r in _shown(_totals(res.volunteers, "vol_need_share")).iterrows():
        gaps.append(
            Gap(
                "volunteer_need",
                {"need": r["level"]},
                {
                    "need": labels.volunteer_needs.get(r["level"], r["level"]),
                    "estimate": fmt.share(r["estimate"]),
                },
                float(r["estimate"]),
            )
        )
    for _, r in _shown(res.change).iterrows():
        if r["ci_low"] > 0 or r["ci_high"] < 0:
            gaps.append(
                Gap(
                    "need_increase" if r["ci_low"] > 0 else "need_decrease",
                    {"area": r["level"]},
                    {"area": labels.area(r["level"]), "estimate": fmt.points(r["estimate"])},
                    abs(float(r["estimate"])),
                )
            )
    return gaps


# -- content --------------------------------------------------------------------------------


def _val(row: pd.Series | None, col: str = "estimate") -> float | None:
    if row is None or bool(row["suppressed"]) or fmt.missing(row[col]):
        return None
    return float(row[col])


def _cell(row: pd.Series | None, text: str) -> str:
    """Table cell text, "·" for a suppressed row, "" when there is no row."""
    if row is None:
        return ""
    return fmt.or_suppressed(text, bool(row["suppressed"]))


def _share_cell(row: pd.Series | None) -> str:
    if row is None:
        return ""
    return _cell(row, fmt.share_with_ci(row["estimate"], row["ci_low"], row["ci_high"]))


def _n_cell(row: pd.Series | None) -> str:
    if row is None:
        return ""
    return _cell(row, fmt.count(row["n"]))


def _by_level(df: pd.DataFrame) -> dict[str, pd.Series]:
    return {str(r["level"]): r for _, r in df.iterrows()}


def _has_suppressed(rows: Iterable[Iterable[str]]) -> bool:
    return any(cell == fmt.SUPPRESSED for row in rows for cell in row)


class _Builder:
    def __init__(self, inp: ReportInput, res: ReportResults):
        self.inp, self.res, self.labels = inp, res, inp.labels
        self.wave = wave_label(inp.campaigns)
        self.n_by = _audience_counts(res.respondents)

    # ---- helpers
    def _bar_series(self, name: str, rows: Sequence[pd.Series | None], color: str) -> BarSeries:
        return BarSeries(
            name=name,
            values=[_val(r) for r in rows],
            color=color,
            ci_low=[_val(r, "ci_low") for r in rows],
            ci_high=[_val(r, "ci_high") for r in rows],
        )

    def _area_order(self) -> list[str]:
        """Areas by newcomers' prevalence, highest first (suppressed last)."""
        prev = _totals(self.res.needs, "need_prevalence")
        order = prev.assign(_e=prev["estimate"].fillna(-1)).sort_values("_e", ascending=False)
        return [str(a) for a in order["level"]]

    # ---- slides
    def title_page(self) -> TitlePage:
        return TitlePage(
            title=f"Bedarfsanalyse Integration {self.inp.town}",
            subtitle="Ergebnisse der Befragung – Bericht für den Stadtrat",
            town=self.inp.town,
            programme=PROGRAMME,
            wave=self.wave,
            date=fmt.long_date(self.inp.report_date),
            funding_notice=FUNDING_NOTICE,
            funding_line=FUNDING_LINE,
        )

    def summary(self) -> Slide:
        labels = dict(self.labels.areas)
        parts = []
        severe = _shown(_totals(self.res.needs, "need_severe")).sort_values(
            "estimate", ascending=False
        )
        parts.append(findings.findings(severe.head(3), labels))
        if not self.res.perception.empty:
            flagged = _shown(self.res.perception)
            flagged = flagged[flagged["flag"].isin([perception.UNDERESTIMATED])]
            flagged = flagged.reindex(flagged["estimate"].abs().sort_values(ascending=False).index)
            parts.append(findings.findings(flagged.head(2), labels))
        parts.append(findings.findings(supply.uncovered_needs(self.res.supply).head(2), labels))
        parts.append(findings.findings(_totals(self.res.volunteers, "vol_continue_12m"), labels))
        sentences = [s for p in parts for s in p["sentence"]] + self._extra_findings()
        sentences = sentences[:MAX_FINDINGS]
        top_vol = _shown(_totals(self.res.volunteers, "vol_need_share")).sort_values(
            "estimate", ascending=False
        )
        if len(top_vol) >= 2 and len(sentences) < MAX_FINDINGS:
            a, b = top_vol.iloc[0], top_vol.iloc[1]
            sentences.append(
                "Ehrenamtliche wünschen sich am häufigsten "
                f"„{self.labels.volunteer_needs.get(a['level'], a['level'])}“ "
                f"({fmt.share(a['estimate'])}, KI {fmt.share_ci(a['ci_low'], a['ci_high'])}) "
                f"und „{self.labels.volunteer_needs.get(b['level'], b['level'])}“ "
                f"({fmt.share(b['estimate'])}, KI {fmt.share_ci(b['ci_low'], b['ci_high'])}; "
                f"n = {fmt.count(a['n'])})."
            )
        if not sentences:
            sentences = ["Für belastbare Kernaussagen (n ≥ 30) liegen zu wenige Antworten vor."]
        return Slide(
            title="Das Wichtigste in Kürze",
            blocks=[Text(sentences, font_size=15)],
            footnotes=[
                "Automatisch aus den Ergebnissen erzeugt (mindestens 30 Antworten, "
                "95 %-Konfidenzintervall höchstens ±15 Prozentpunkte); „kleine Gruppe“: "
                "weniger als 30 Antworten, daher unsicherer."
            ],
            notes="Kernaussagen werden automatisch aus der Ergebnistabelle erzeugt "
            "(analysis.findings). Zahlen in Klammern: 95 %-Konfidenzintervall.",
        )

    def method(self) -> Slide:
        rows = []
        for c in self.inp.campaigns:
            n = self.n_by.get(c.audience, 0)
            small = 0 < n < MIN_CELL
            target = c.targets.get("total")
            rate = ""
            if isinstance(target, int | float) and target > 0:
                rate = fmt.or_suppressed(fmt.share(n / target), small)
            rows.append(
                [
                    AUDIENCE_LABELS.get(c.audience, c.audience),
                    fmt.or_suppressed(fmt.count(n), small),
                    fmt.count(target) if isinstance(target, int | float) else "–",
                    rate or "–",
                ]
            )
        table = Table(
            ["Zielgruppe", "Antworten", "Zielgröße", "Rücklauf"],
            rows,
            widths=[2.2, 1.2, 1.2, 1.2],
            align="lrrr",
            font_size=12,
        )
        pops = self.res.population_sizes
        fpc = (
            "; für "
            + ", ".join(f"{AUDIENCE_LABELS[a]} (N = {fmt.count(n)})" for a, n in pops.items())
            + " mit Endlichkeitskorrektur"
            if pops
            else ""
        )
        weighted = (self.res.respondents["weight"] != 1.0).any()
        bullets = [
            "Bedarf = Anteil, der ein Problem als mittel, groß oder sehr groß einstuft "
            "(3–5 auf der Skala 1–5); „betrifft mich nicht“ zählt als kein Bedarf, "
            "„weiß nicht“ zählt nicht mit.",
            "95 %-Konfidenzintervalle: Wilson für Anteile, Newcombe für Differenzen, "
            f"Bootstrap für Mittelwerte{fpc}.",
            (
                "Gewichtet (Raking auf bekannte Randverteilungen)."
                if weighted
                else "Ungewichtet: Es liegen keine Randverteilungen der Zugewanderten vor. "
                "Die Ergebnisse beschreiben die Befragten, nicht alle Zugewanderten."
            ),
            "Datenschutz: Gruppen mit weniger als 5 Antworten werden nicht gezeigt („·“).",
            "Freitexte sind noch nicht codiert und deshalb nicht Teil des Berichts "
            "(gezeigt würden nur codierte Themen mit mindestens 5 Nennungen).",
            "Überlappen sich Konfidenzintervalle, ist eine Rangfolge nicht sicher; "
            "Ränge werden dann als Bereich angegeben (z. B. „1–2“).",
        ]
        return Slide(
            title="Beteiligung und Methode",
            lead=self._participation_lead(),
            blocks=[table, Text(bullets, font_size=12)],
            layout="even",
            footnotes=[SUPPRESSION_NOTE] if _has_suppressed(rows) else [],
            notes="Rücklauf = abgeschlossene Antworten geteilt durch die Zielgröße der "
            "Kampagne. Teilantworten werden nicht ausgewertet.",
        )

    def _participation_lead(self) -> str:
        resp = self.res.respondents
        groups = sum(1 for n in self.n_by.values() if n)
        langs = resp.loc[resp["audience"] == "newcomer", "language"].dropna().nunique()
        return (
            f"{self.wave}: {fmt.count(len(resp))} vollständige Antworten aus {groups} "
            f"Zielgruppen; Zugewanderte antworteten in {langs} Sprachen."
        )

    def _extra_findings(self) -> list[str]:
        """Key gaps from small groups (n < 30), which get no findings sentence: stated
        with their interval and base so the reader sees the uncertainty."""
        out = []
        if not self.res.perception.empty:
            p = _shown(self.res.perception)
            p = p[p["flag"] == perception.UNDERESTIMATED]
            p = p.reindex(p["estimate"].abs().sort_values(ascending=False).index)
            for _, r in p.head(2).iterrows():
                if findings.eligible(r):
                    continue  # already a findings sentence
                who, verb, _ = AUDIENCE_SUBJECT.get(r["group"], (r["group"], "unterschätzen", ""))
                out.append(
                    f"{who} {verb} den Bedarf bei {self.labels.area(r['level'])}: "
                    f"Einschätzung {fmt.share(r['estimate_belief'])}, Selbstauskunft der "
                    f"Zugewanderten {fmt.share(r['estimate_newcomer'])} (Differenz "
                    f"{fmt.points(r['estimate'])}, KI {fmt.points_ci(r['ci_low'], r['ci_high'])}; "
                    f"kleine Gruppe, n = {fmt.count(r['n'])})."
                )
        for _, r in supply.uncovered_needs(self.res.supply).head(2).iterrows():
            if findings.eligible(r):
                continue
            out.append(
                f"In {self.labels.stadtteil(r['stadtteil'])} nennen "
                f"{fmt.share_with_ci(r['estimate'], r['ci_low'], r['ci_high'])} der befragten "
                f"Zugewanderten {self.labels.area(r['level'])} als Problem, aber kein "
                f"erreichbares Angebot deckt diesen Bedarf ab (kleine Gruppe, "
                f"n = {fmt.count(r['n'])})."
            )
        return out

    def needs_slide(self) -> Slide:
        order = self._area_order()
        prev = _by_level(_totals(self.res.needs, "need_prevalence"))
        sev = _by_level(_totals(self.res.needs, "need_severe"))
        cats = [self.labels.area(a) for a in order]
        chart = BarChart(
            title="Anteil der Zugewanderten mit Bedarf",
            categories=cats,
            series=[
                self._bar_series(
                    "mittleres bis sehr großes Problem",
                    [prev.get(a) for a in order],
                    OKABE_ITO["blue"],
                ),
                self._bar_series(
                    "großes oder sehr großes Problem",
                    [sev.get(a) for a in order],
                    OKABE_ITO["vermillion"],
                ),
            ],
        )
        rows = [
            [
                self.labels.area(a),
                _share_cell(prev.get(a)),
                _share_cell(sev.get(a)),
                _n_cell(prev.get(a)),
                _cell(prev.get(a), str(prev[a]["rank_label"]) if a in prev else ""),
            ]
            for a in order
        ]
        table = Table(
            ["Bereich", "Bedarf (KI)", "groß (KI)", "n", "Rang"],
            rows,
            widths=[2.6, 1.6, 1.6, 0.6, 0.7],
            align="lrrrr",
            font_size=9,
        )
        top = [self.labels.area(a) for a in order[:2]]
        tied = bool(prev[order[0]]["rank_tied"]) if order and order[0] in prev else False
        lead = f"Am häufigsten genannt: {top[0]} und {top[1]}." if len(top) == 2 else ""
        if tied and lead:
            lead += " Die Reihenfolge der ersten Plätze ist statistisch nicht sicher."
        return Slide(
            title="Bedarfe der Zugewanderten nach Bereichen",
            lead=lead,
            blocks=[chart, table],
            layout="split",
            footnotes=[CI_NOTE] + ([SUPPRESSION_NOTE] if _has_suppressed(rows) else []),
            notes="Balken: Anteil mit Bedarf, Fehlerbalken: 95 %-Konfidenzintervall (Wilson). "
            "Rang als Bereich, wenn sich Intervalle überlappen.",
        )

    def perception_slide(self) -> Slide:
        if self.res.perception.empty:
            return Slide(
                title="Wahrnehmung: Sehen Ehrenamt und Verwaltung dieselben Bedarfe?",
                blocks=[
                    Text(
                        [
                            "In dieser Welle gibt es keine Antworten von Ehrenamt oder "
                            "Verwaltung; ein Vergleich ist nicht möglich."
                        ],
                        bullets=False,
                    )
                ],
            )
        order = self._area_order()
        own = _by_level(_totals(self.res.needs, "need_prevalence"))
        series = [
            self._bar_series(
                "Zugewanderte (Selbstauskunft)",
                [own.get(a) for a in order],
                AUDIENCE_COLORS["newcomer"],
            )
        ]
        for aud in ("volunteer", "administration"):
            if not self.n_by[aud]:
                continue
            b = _by_level(_totals(self.res.beliefs, f"need_belief_{aud}_prevalence"))
            series.append(
                self._bar_series(
                    f"{AUDIENCE_LABELS[aud]} (Einschätzung)",
                    [b.get(a) for a in order],
                    AUDIENCE_COLORS[aud],
                )
            )
        chart = BarChart(
            title="Anteil mit Bedarf: Selbstauskunft und Einschätzung",
            categories=[self.labels.area(a) for a in order],
            series=series,
        )
        gaps = _shown(self.res.perception)
        gaps = gaps[gaps["flag"].isin([perception.UNDERESTIMATED, perception.OVERESTIMATED])]
        gaps = gaps.reindex(gaps["estimate"].abs().sort_values(ascending=False).index)
        rows = [
            [
                self.labels.area(r["level"]),
                AUDIENCE_LABELS.get(r["group"], r["group"]),
                fmt.share(r["estimate_belief"]),
                fmt.share(r["estimate_newcomer"]),
                fmt.points_with_ci(r["estimate"], r["ci_low"], r["ci_high"]),
            ]
            for _, r in gaps.head(10).iterrows()
        ]
        block: Table | Text
        if rows:
            block = Table(
                ["Bereich", "Gruppe", "Einschätzung", "Selbst", "Differenz (KI)"],
                rows,
                widths=[2.0, 1.3, 1.35, 0.8, 2.4],
                align="llrrr",
                font_size=9,
            )
        else:
            block = Text(
                [
                    "Keine Differenz ist statistisch gesichert (alle Konfidenzintervalle "
                    "schließen 0 ein)."
                ],
                bullets=False,
            )
        under = gaps[gaps["flag"] == perception.UNDERESTIMATED]
        lead = ""
        if len(under):
            r = under.iloc[0]
            who, verb, _ = AUDIENCE_SUBJECT.get(r["group"], (r["group"], "unterschätzen", ""))
            lead = f"{who} {verb} vor allem „{self.labels.area(r['level'])}“."
        return Slide(
            title="Wahrnehmung: Sehen Ehrenamt und Verwaltung dieselben Bedarfe?",
            lead=lead,
            blocks=[chart, block],
            layout="split",
            footnotes=[
                "Tabelle: nur Differenzen, deren 95 %-Konfidenzintervall (Newcombe) 0 nicht "
                "einschließt. Pp = Prozentpunkte. Ehrenamt und Verwaltung schätzen „für die "
                "Zugewanderten, die Sie kennen“."
            ],
            notes="Differenz = Einschätzung minus Selbstauskunft. Verwaltung mit "
            "Endlichkeitskorrektur, wenn die Zahl der Beschäftigten bekannt ist.",
        )

    def supply_slide(self) -> Slide:
        unc = supply.uncovered_needs(self.res.supply).head(MAX_UNCOVERED_ON_SLIDE)
        n_offers = int(self.inp.offers["active"].astype(bool).sum()) if len(self.inp.offers) else 0
        foot = [
            f"Angebote: aktueller Katalog ({fmt.count(n_offers)} aktive Angebote); "
            "erreichbar = im Stadtteil, für die ganze Stadt oder online."
        ]
        if self.inp.offers_are_examples:
            foot.append("Hinweis: Der Angebotskatalog enthält noch Beispieldaten.")
        if unc.empty:
            return Slide(
                title="Versorgungslücken nach Stadtteil",
                lead="Für jeden gezeigten Bedarf gibt es mindestens ein erreichbares Angebot.",
                blocks=[self._supply_matrix()],
                footnotes=[*foot, SUPPRESSION_NOTE],
            )
        cats = [
            f"{self.labels.area(r['level'])} – {self.labels.stadtteil(r['stadtteil'])}"
            for _, r in unc.iterrows()
        ]
        rows_s = [r for _, r in unc.iterrows()]
        chart = BarChart(
            title="Bedarf ohne erreichbares Angebot",
            categories=cats,
            series=[self._bar_series("Anteil mit Bedarf", rows_s, OKABE_ITO["vermillion"])],
        )
        rows = [
            [
                self.labels.stadtteil(r["stadtteil"]),
                self.labels.area(r["level"]),
                _share_cell(r),
                _n_cell(r),
                _barrier_text(r["top_barriers"], self.labels),
            ]
            for r in rows_s
        ]
        table = Table(
            ["Stadtteil", "Bereich", "Bedarf (KI)", "n", "häufigste Hürden"],
            rows,
            widths=[1.3, 1.7, 1.6, 0.5, 2.6],
            align="llrrl",
            font_size=9,
        )
        r0 = rows_s[0]
        return Slide(
            title="Versorgungslücken nach Stadtteil",
            lead=f"{self.labels.area(r0['level'])} in {self.labels.stadtteil(r0['stadtteil'])}: "
            f"{fmt.share(r0['estimate'])} mit Bedarf – und kein erreichbares Angebot.",
            blocks=[chart, table],
            layout="split",
            footnotes=[*foot, CI_NOTE],
            notes="Versorgungslücke: Bedarf (Anteil ≥ 3) in einem Stadtteil, für den kein "
            "aktives Angebot im Stadtteil, stadtweit oder online den Bereich abdeckt. "
            "Hürden: von den Befragten mit Bedarf in dieser Zelle am häufigsten genannt.",
        )

    def _supply_matrix(self) -> Table:
        sup = self.res.supply
        st_codes = [s for s in self.labels.stadtteile if s in set(sup["stadtteil"])]
        rows = []
        for area in self._area_order():
            row = [self.labels.area(area)]
            for s in st_codes:
                hit = sup[(sup["level"] == area) & (sup["stadtteil"] == s)]
                if hit.empty:
                    row.append("")
                    continue
                r = hit.iloc[0]
                offers = f" [{int(r['n_offers_accessible'])}]"
                row.append(_cell(r, fmt.share(r["estimate"]) + offers))
            rows.append(row)
        return Table(
            ["Bereich"] + [self.labels.stadtteil(s) for s in st_codes],
            rows,
            widths=[2.4] + [1.3] * len(st_codes),
            align="l" + "r" * len(st_codes),
            font_size=9,
        )

    def barriers_slide(self) -> Slide:
        bar = _totals(self.res.barriers, "barrier_share")
        bar = bar.assign(_e=bar["estimate"].fillna(-1)).sort_values("_e", ascending=False)
        rows_s = [r for _, r in bar.iterrows()]
        chart = BarChart(
            title="Was hindert an der Nutzung von Angeboten?",
            categories=[self.labels.barriers.get(r["level"], r["level"]) for r in rows_s],
            series=[self._bar_series("Anteil der Zugewanderten", rows_s, OKABE_ITO["blue"])],
            axis_max=0.6 if bar["ci_high"].max(skipna=True) <= 0.6 else 1.0,
            major_unit=0.1 if bar["ci_high"].max(skipna=True) <= 0.6 else 0.2,
        )
        rows = [
            [self.labels.barriers.get(r["level"], r["level"]), _share_cell(r), _n_cell(r)]
            for r in rows_s
        ]
        table = Table(
            ["Hürde", "Anteil (KI)", "n"], rows, widths=[2.8, 1.8, 0.7], align="lrr", font_size=10
        )
        lead = ""
        if rows_s and _val(rows_s[0]) is not None:
            lead = (
                f"Häufigste Hürde: „{self.labels.barriers.get(rows_s[0]['level'])}“ "
                f"({fmt.share(rows_s[0]['estimate'])} der Befragten)."
            )
        return Slide(
            title="Hürden beim Zugang zu Angeboten",
            lead=lead,
            blocks=[chart, table],
            layout="split",
            footnotes=[
                "Mehrfachnennungen möglich; Basis: alle befragten Zugewanderten. " + CI_NOTE
            ],
        )

    def admin_slide(self) -> Slide:
        title = "Verwaltung: Wichtigkeit und Umsetzung der Leistungen"
        ip = self.res.ip
        grid = ip.grid.dropna(subset=["importance", "performance"]) if ip is not None else None
        if ip is None or grid is None or grid.empty:
            return Slide(
                title=title,
                blocks=[
                    Text(
                        [
                            "Zu wenige Antworten der Verwaltung für diese Auswertung "
                            f"(mindestens {MIN_CELL} je Leistung)."
                        ],
                        bullets=False,
                    )
                ],
            )
        series = []
        for cls, (color, marker) in QUADRANT_STYLE.items():
            part = grid[grid["classification"] == cls]
            if part.empty:
                continue
            pts = [
                ScatterPoint(
                    label=self.labels.services.get(r["service"], r["service"]),
                    x=float(r["performance"]),
                    y=float(r["importance"]),
                    x_low=float(r["performance_low"]),
                    x_high=float(r["performance_high"]),
                    y_low=float(r["importance_low"]),
                    y_high=float(r["importance_high"]),
                )
                for _, r in part.iterrows()
            ]
            series.append(ScatterSeries(cls, pts, color, marker))  # type: ignore[arg-type]
        # place labels over all points at once, then split back into the series
        flat = place_labels([p for s in series for p in s.points], (1.0, 5.0), (1.0, 5.0))
        placed, k = [], 0
        for s in series:
            placed.append(replace(s, points=flat[k : k + len(s.points)]))
            k += len(s.points)
        chart = ScatterChart(
            title="Wichtigkeit und Umsetzung (1–5)",
            series=placed,
            x_title="Umsetzung heute (1 = sehr schlecht … 5 = sehr gut)",
            y_title="Wichtigkeit (1–5)",
            crosshair_x=float(ip.crosshair_performance),
            crosshair_y=float(ip.crosshair_importance),
        )
        grid = grid.assign(_gap=grid["importance"] - grid["performance"]).sort_values(
            "_gap", ascending=False
        )
        rows = [
            [
                self.labels.services.get(r["service"], r["service"]),
                fmt.scale_with_ci(r["importance"], r["importance_low"], r["importance_high"]),
                fmt.scale_with_ci(r["performance"], r["performance_low"], r["performance_high"]),
                fmt.count(min(r["n_importance"], r["n_performance"])),
                str(r["classification"]),
            ]
            for _, r in grid.iterrows()
        ]
        table = Table(
            ["Leistung", "Wichtigkeit", "Umsetzung", "n", "Einordnung"],
            rows,
            widths=[2.2, 1.3, 1.3, 0.5, 1.9],
            align="lrrrl",
            font_size=9,
        )
        conc = grid[grid["classification"] == admin.CONCENTRATE]
        lead = (
            "Wichtig, aber schwach umgesetzt: "
            + ", ".join(self.labels.services.get(s, s) for s in conc["service"])
            + "."
            if len(conc)
            else "Keine Leistung liegt sicher im Feld „Konzentration hier“."
        )
        return Slide(
            title=title,
            lead=lead,
            blocks=[chart, table],
            layout="split",
            footnotes=[
                "Importance-Performance-Analyse (Martilla & James): Linien = Mittelwerte aller "
                "Leistungen. „unsicher“: das 95 %-Intervall (Bootstrap) schneidet eine Linie."
            ],
            notes="Mittelwerte der Bewertungen der Verwaltungsbeschäftigten; „weiß nicht“ "
            "ausgeschlossen. Fehlerbalken: 95 %-Bootstrap-Intervalle.",
        )

    def volunteers_slide(self) -> Slide:
        title = "Ehrenamt: Was brauchen die Helfenden?"
        vol = self.res.volunteers
        if vol.empty:
            return Slide(
                title=title,
                blocks=[
                    Text(
                        ["In dieser Welle liegen keine Antworten von Ehrenamtlichen vor."],
                        bullets=False,
                    )
                ],
            )
        needs_t = _totals(vol, "vol_need_share")
        needs_t = needs_t.assign(_e=needs_t["estimate"].fillna(-1)).sort_values(
            "_e", ascending=False
        )
        rows_s = [r for _, r in needs_t.iterrows()]
        chart = BarChart(
            title="Gewünschte Unterstützung (Mehrfachnennung)",
            categories=[self.labels.volunteer_needs.get(r["level"], r["level"]) for r in rows_s],
            series=[self._bar_series("Anteil der Ehrenamtlichen", rows_s, OKABE_ITO["orange"])],
        )
        rows = [
            [self.labels.volunteer_needs.get(r["level"], r["level"]), _share_cell(r), _n_cell(r)]
            for r in rows_s
        ]
        cont = _totals(vol, "vol_continue_12m")
        hours = _totals(vol, "vol_hours_month")
        extra = []
        if len(cont):
            r = cont.iloc[0]
            extra.append(["Engagement auch in 12 Monaten", _share_cell(r), _n_cell(r)])
        if len(hours):
            r = hours.iloc[0]
            extra.append(
                [
                    "Stunden pro Monat (Median)",
                    _cell(
                        r,
                        fmt.scale_with_ci(r["estimate"], r["ci_low"], r["ci_high"], 0),
                    ),
                    _n_cell(r),
                ]
            )
        table = Table(
            ["Unterstützung", "Anteil (KI)", "n"],
            rows + extra,
            widths=[3.2, 1.8, 0.6],
            align="lrr",
            font_size=9,
        )
        lead = ""
        if len(rows_s) >= 2 and _val(rows_s[0]) is not None:
            lead = (
                "Am häufigsten gewünscht: "
                f"„{self.labels.volunteer_needs.get(rows_s[0]['level'])}“ und "
                f"„{self.labels.volunteer_needs.get(rows_s[1]['level'])}“."
            )
        return Slide(
            title=title,
            lead=lead,
            blocks=[chart, table],
            layout="split",
            footnotes=[CI_NOTE] + ([SUPPRESSION_NOTE] if _has_suppressed(rows + extra) else []),
        )

    def change_slide(self) -> Slide | None:
        if self.inp.compare_wave is None:
            return None
        w_from, w_to = self.inp.compare_wave, self.inp.wave
        label_from = wave_label(self.inp.compare_campaigns)
        by_wave = self.res.wave_prevalence
        order = self._area_order()
        series = []
        for w, color, name in (
            (w_from, OKABE_ITO["sky_blue"], label_from),
            (w_to, OKABE_ITO["blue"], self.wave),
        ):
            rows = _by_level(
                by_wave[(by_wave["group_var"] == "wave") & (by_wave["group"] == str(w))]
            )
            series.append(self._bar_series(name, [rows.get(a) for a in order], color))
        chart = BarChart(
            title="Anteil der Zugewanderten mit Bedarf je Welle",
            categories=[self.labels.area(a) for a in order],
            series=series,
        )
        ch = _by_level(self.res.change)
        rows = []
        for a in order:
            r = ch.get(a)
            if r is None:
                continue
            verdict = ""
            if not r["suppressed"]:
                verdict = (
                    "gestiegen" if r["ci_low"] > 0 else "gesunken" if r["ci_high"] < 0 else "–"
                )
            rows.append(
                [
                    self.labels.area(a),
                    _cell(
                        r,
                        fmt.points_with_ci(r["estimate"], r["ci_low"], r["ci_high"]),
                    ),
                    _cell(r, verdict),
                ]
            )
        table = Table(
            ["Bereich", "Veränderung (KI)", "gesichert?"],
            rows,
            widths=[2.4, 2.3, 1.2],
            align="lrl",
            font_size=9,
        )
        moved = [r for r in rows if r[2] in ("gestiegen", "gesunken")]
        lead = (
            "Gesicherte Veränderungen: " + ", ".join(f"{r[0]} ({r[2]})" for r in moved) + "."
            if moved
            else "Keine Veränderung ist statistisch gesichert."
        )
        return Slide(
            title=f"Veränderung seit der Vorwelle (Welle {w_from} → Welle {w_to})",
            lead=lead,
            blocks=[chart, table],
            layout="split",
            footnotes=[
                "Veränderung in Prozentpunkten mit 95 %-Konfidenzintervall (Newcombe); die "
                "Wellen gelten als unabhängige Stichproben (anonyme Befragung)."
            ]
            + ([SUPPRESSION_NOTE] if _has_suppressed(rows) else []),
        )

    def measures_slides(self, measures: list[Measure]) -> list[Slide]:
        def table(ms: list[Measure], start: int) -> Table:
            return Table(
                ["Nr.", "Vorschlag", "Anstoß durch", "Priorität"],
                [
                    [
                        str(start + i),
                        m.text,
                        m.lead,
                        {1: "hoch", 2: "mittel", 3: "niedrig"}[m.priority],
                    ]
                    for i, m in enumerate(ms)
                ],
                widths=[0.5, 7.5, 2.6, 1.0],
                align="rlll",
                font_size=11,
            )

        foot = [
            "Vorschläge aus der Regeltabelle data/measures.yaml (von der Integrationsguide "
            "bearbeitbar) – Diskussionsgrundlage, keine Beschlussvorlage."
        ]
        if not measures:
            return [
                Slide(
                    title="Vorgeschlagene Maßnahmen",
                    blocks=[
                        Text(
                            ["Keine Regel der Maßnahmentabelle trifft auf die Ergebnisse zu."],
                            bullets=False,
                        )
                    ],
                    footnotes=foot,
                )
            ]
        head, rest = measures[:MAX_MEASURES_ON_SLIDE], measures[MAX_MEASURES_ON_SLIDE:]
        slides = [
            Slide(
                title="Vorgeschlagene Maßnahmen",
                lead="Aus den Lücken abgeleitet, nach Priorität geordnet.",
                blocks=[table(head, 1)],
                footnotes=foot,
            )
        ]
        for i in range(0, len(rest), 10):
            slides.append(
                Slide(
                    title="Weitere Maßnahmenvorschläge",
                    section="Anhang",
                    blocks=[table(rest[i : i + 10], MAX_MEASURES_ON_SLIDE + 1 + i)],
                    footnotes=foot,
                )
            )
        return slides

    def appendix(self) -> list[Slide]:
        slides = []
        # A: needs by Stadtteil and by German level (matrices of shares)
        for gv, labels, title in (
            ("stadtteil", self.labels.stadtteile, "Bedarf nach Stadtteil"),
            ("german_level", self.labels.german_level, "Bedarf nach Deutschkenntnissen"),
        ):
            prev = filter_results(self.res.needs, indicator="need_prevalence", group_var=gv)
            groups = [g for g in labels if g in set(prev["group"])]
            if "keine Angabe" in set(prev["group"]):
                groups.append("keine Angabe")
            cell = {(r["level"], r["group"]): r for _, r in prev.iterrows()}
            rows = []
            for a in self._area_order():
                rows.append(
                    [self.labels.area(a)]
                    + [
                        _cell(cell.get((a, g)), fmt.share(cell[(a, g)]["estimate"]))
                        if (a, g) in cell
                        else ""
                        for g in groups
                    ]
                )
            n_row = ["n (Befragte mit Angabe)"]
            for g in groups:
                sub = prev[prev["group"] == g]
                n_row.append(
                    fmt.SUPPRESSED
                    if sub["suppressed"].all()
                    else fmt.count(sub.loc[~sub["suppressed"], "n"].max())
                )
            rows.append(n_row)
            head = [labels.get(g, g) for g in groups]
            slides.append(
                Slide(
                    title=f"Anhang: {title}",
                    section="Anhang",
                    lead="Anteil der Zugewanderten mit Bedarf (mittleres bis sehr großes Problem).",
                    blocks=[
                        Table(
                            ["Bereich", *head],
                            rows,
                            widths=[2.6] + [1.2] * len(groups),
                            align="l" + "r" * len(groups),
                            font_size=9,
                        )
                    ],
                    footnotes=[
                        "Konfidenzintervalle für jede Zelle im Dashboard. n: größte Basis "
                        "der gezeigten Bereiche."
                    ]
                    + ([SUPPRESSION_NOTE] if _has_suppressed(rows) else []),
                )
            )
        # B: supply matrix (share with need, [accessible offers])
        slides.append(
            Slide(
                title="Anhang: Bedarf und erreichbare Angebote je Stadtteil",
                section="Anhang",
                lead="Anteil mit Bedarf, in eckigen Klammern die Zahl erreichbarer Angebote.",
                blocks=[self._supply_matrix()],
                footnotes=[SUPPRESSION_NOTE, "[0] = kein erreichbares Angebot."],
            )
        )
        # C: all perception gaps
        if not self.res.perception.empty:
            p = self.res.perception
            auds = [a for a in ("volunteer", "administration") if a in set(p["group"])]
            cell = {(r["level"], r["group"]): r for _, r in p.iterrows()}
            rows = []
            for a in self._area_order():
                row = [self.labels.area(a)]
                for g in auds:
                    r = cell.get((a, g))
                    row.append(
                        _cell(
                            r,
                            fmt.points_with_ci(r["estimate"], r["ci_low"], r["ci_high"]),
                        )
                        if r is not None
                        else ""
                    )
                rows.append(row)
            slides.append(
                Slide(
                    title="Anhang: Wahrnehmungslücken aller Bereiche",
                    section="Anhang",
                    lead="Einschätzung minus Selbstauskunft der Zugewanderten, in Prozentpunkten.",
                    blocks=[
                        Table(
                            ["Bereich"] + [AUDIENCE_LABELS[g] for g in auds],
                            rows,
                            widths=[2.6] + [2.4] * len(auds),
                            align="l" + "r" * len(auds),
                            font_size=9,
                        )
                    ],
                    footnotes=["In Klammern: 95 %-Konfidenzintervall (Newcombe)."]
                    + ([SUPPRESSION_NOTE] if _has_suppressed(rows) else []),
                )
            )
        # D: responses by questionnaire language and mode (analysis.counts hides < 5)
        resp = self.res.respondents
        rows = []
        mode_labels = {"online": "online", "assisted": "mit Unterstützung", "paper": "Papier"}
        for by, prefix, label_of in (
            ("language", "Sprache", self.labels.languages),
            ("mode", "Weg", mode_labels),
        ):
            counts = resp.groupby([by, "audience"], observed=True).size().rename("n")
            table = response_overview(counts.reset_index(), by)
            cols = [AUDIENCE_LABELS[a] for a in tidy.AUDIENCES] + ["Gesamt"]
            for _, r in table.iterrows():
                code = str(r[by])
                rows.append(
                    [f"{prefix}: {label_of.get(code, code)}"]
                    + [r[c] if isinstance(r.get(c), str) else fmt.count(r.get(c, 0)) for c in cols]
                )
        slides.append(
            Slide(
                title="Anhang: Antworten nach Sprache und Weg",
                section="Anhang",
                blocks=[
                    Table(
                        ["", *[AUDIENCE_LABELS[a] for a in tidy.AUDIENCES], "Gesamt"],
                        rows,
                        widths=[3.0, 1.5, 1.5, 1.5, 1.2],
                        align="lrrrr",
                        font_size=10,
                    )
                ],
                footnotes=[SUPPRESSION_NOTE] if _has_suppressed(rows) else [],
            )
        )
        return slides


def build_content(inp: ReportInput, res: ReportResults | None = None) -> ReportContent:
    """The report as slides (see module docstring); ``res`` defaults to :func:`analyse`."""
    res = res if res is not None else analyse(inp)
    b = _Builder(inp, res)
    measures = propose_measures(detect_gaps(res, inp.labels), inp.rules)
    main = [
        b.summary(),
        b.method(),
        b.needs_slide(),
        b.perception_slide(),
        b.supply_slide(),
        b.barriers_slide(),
        b.admin_slide(),
        b.volunteers_slide(),
    ]
    change = b.change_slide()
    if change is not None:
        main.append(change)
    slides = main + b.measures_slides(measures) + b.appendix()
    return ReportContent(
        title_page=b.title_page(),
        slides=slides,
        footer=f"Bedarfsradar {inp.town} · {b.wave}",
    )
