"""The Land's view of the KISI network (role ``land``): pooled released tables, the towns'
own releases, participation per town and the indicator sheet for the programme report.

The ministry never reads an individual answer and has no flexible explorer. What it sees:

- **Pooled tables** of a wave: computed once from the *pooled microdata* of the shared core
  questionnaire of every town whose wave is closed, then protected by the same release
  machinery as a town's release (:func:`reports.release.release_payload`, the catalogue of
  :mod:`analysis.catalogue`, the cell-key layer): never sums of protected town values and
  never "all towns but one". Stored as a release of the Land's tenant
  (:func:`release_pooled`), once per wave: a second pooled release of a wave that differs
  by one town's late answers would give those away. Only the core's questions enter (a
  town's own questions, its Stadtteile and its offers stay in the town: no Stadtteil
  breakdown, no supply gaps); at least :data:`MIN_POOLED_TOWNS` towns, so that the pool
  minus one town's release is still several towns; and not while the wave still runs in
  any town. The cell-key noise of a record set is a function of its records: where a
  pooled cell counts the same people as a town's cell (a language only one town has),
  both show the same number, so taking them together tells nothing new. The attack suite
  checks the pooled tables with one town's release (``tests/privacy/test_pooled_attack.py``).
- **The towns' own releases** where a town released a wave (the database lets the Land
  read releases that are not withdrawn, nothing else of a town).
- **Participation per town**: complete and begun responses by audience and language, and
  the waves open and closed, every count through the cell-key layer (groups below 5
  hidden, the staff's too); invitations once the towns use them.
- **The indicator sheet** (XLSX, German) for the programme report: respondents by audience
  and language, needs by area with their intervals, measures proposed and adopted per
  town.

Reading the towns for the pooled tables and the participation is the one place where work
crosses towns: town by town, each in its own transaction with that town set (row-level
security shows the job one town at a time), and only protected figures leave it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select

from analysis import published
from analysis.catalogue import ReleaseRefused
from analysis.export import to_xlsx_bytes
from analysis.results import filter_results
from analysis.tidy import SurveyData
from bedarfsradar import audit, tenancy
from bedarfsradar.context import AUDIENCES, AppContext
from bedarfsradar.db import rls
from bedarfsradar.db.schema import Campaign, QuestionnaireVersion, Response
from reports.inputs import Labels, ReportCampaign, ReportError, ReportInput
from reports.release import content_hash, release_payload, results_of
from surveys.offers import OFFER_COLUMNS
from surveys.releases.store import ReleaseInfo

MIN_POOLED_TOWNS = 3
"""Towns a pooled release needs: with two, the pool minus one town's release would be the
other town."""
POOLED_BREAKDOWNS: tuple[str, ...] = ("language", "german_level", "years_de", "children")
"""The catalogue's breakdowns of the newcomers' needs without the Stadtteil (each town's
own codes)."""
TOWN_ONLY_QUESTIONS = frozenset({"stadtteil"})
"""Core questions whose answers mean something in their town only."""
NETWORK = "KISI-Netzwerk"
AUDIENCE_LABELS = {"newcomer": "Zugewanderte", "volunteer": "Ehrenamtliche",
                   "administration": "Verwaltung"}  # fmt: skip


@dataclass(frozen=True)
class PooledWave:
    """A wave across the network: the towns whose wave is closed, those where it runs."""

    wave: int
    closed: tuple[tenancy.Town, ...]
    running: tuple[tenancy.Town, ...]
    newcomers: int = 0  # complete newcomer responses of the closed towns (never shown)
    released: ReleaseInfo | None = None


def land_id(ctx: AppContext) -> int:
    return tenancy.ensure_land(ctx)


def pooled_waves(ctx: AppContext) -> dict[int, PooledWave]:
    """Every wave of the network with the towns where it is closed or still running, and
    the Land's pooled release of it if there is one."""
    from bedarfsradar import releases

    closed: dict[int, list[tenancy.Town]] = {}
    running: dict[int, list[tenancy.Town]] = {}
    newcomers: dict[int, int] = {}
    for town in tenancy.towns(ctx):
        with rls.town_scope(town.id):
            states = releases.waves(ctx)
        for wave, state in states.items():
            (running if state.open else closed).setdefault(wave, []).append(town)
            if not state.open:
                newcomers[wave] = newcomers.get(wave, 0) + state.newcomers
    land = land_id(ctx)
    with rls.town_scope(land):
        finals = {r.wave: r for r in ctx.releases.releases(land) if r.kind == "final"}
    return {
        w: PooledWave(
            w,
            tuple(closed.get(w, [])),
            tuple(running.get(w, [])),
            newcomers.get(w, 0),
            finals.get(w),
        )
        for w in sorted({*closed, *running})
    }


# -- the pooled microdata of the core ------------------------------------------------------------
def core_questions(ctx: AppContext) -> dict[str, set[str]]:
    """Per audience, the core's question ids that may be pooled."""
    return {a: ids - TOWN_ONLY_QUESTIONS
            for a, ids in tenancy.core_question_ids(ctx.bundles()).items()}  # fmt: skip


def pooled_answers(ctx: AppContext, state: PooledWave) -> pd.DataFrame:
    """The answers to the core's questions of every town where ``state``'s wave is closed
    (read town by town in the town's scope), response ids made unique across towns
    (``<town>:<id>``), campaigns named by audience. A town's own questions are never read."""
    core = core_questions(ctx)
    allowed = pd.MultiIndex.from_tuples([(a, q) for a, ids in core.items() for q in ids])
    frames = []
    for town in state.closed:
        with rls.town_scope(town.id):
            slugs = [c.slug for c in ctx.storage.campaigns(town.id) if c.wave == state.wave]
            frame = ctx.storage.answers_frame(
                town.id, campaign_slugs=slugs, question_ids=sorted(set().union(*core.values()))
            )
        if frame.empty:
            continue
        pairs = pd.MultiIndex.from_arrays(
            [frame["audience"].astype(str), frame["question_id"].astype(str)]
        )
        frame = frame[pairs.isin(allowed)].copy()  # each audience's core questions only
        frame["response_id"] = town.slug + ":" + frame["response_id"].astype(str)
        frame["campaign"] = "kisi-" + frame["audience"].astype(str) + f"-w{state.wave}"
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def _population(ctx: AppContext, state: PooledWave) -> dict[str, int]:
    """Known audience sizes summed over the towns where every town knows it."""
    sizes: dict[str, list[int]] = {}
    for town in state.closed:
        with rls.town_scope(town.id):
            for c in ctx.storage.campaigns(town.id):
                if c.wave == state.wave and "population" in c.targets:
                    sizes.setdefault(c.audience, []).append(int(c.targets["population"]))
    return {a: sum(n) for a, n in sizes.items() if len(n) == len(state.closed)}


def pooled_input(ctx: AppContext, state: PooledWave) -> ReportInput:
    """The report's input of the pooled wave (no offers: they are each town's own)."""
    answers = pooled_answers(ctx, state)
    pops = _population(ctx, state)
    present = sorted(set(answers["audience"].astype(str))) if len(answers) else []
    campaigns = [
        ReportCampaign(
            slug=f"kisi-{a}-w{state.wave}",
            title=f"Welle {state.wave} – {NETWORK} ({AUDIENCE_LABELS.get(a, a)})",
            wave=state.wave,
            audience=a,
            targets={"population": pops[a]} if a in pops else {},
        )
        for a in AUDIENCES
        if a in present
    ]
    return ReportInput(
        answers=answers,
        offers=pd.DataFrame(columns=OFFER_COLUMNS),
        campaigns=campaigns,
        labels=Labels.from_context(ctx),
        town=f"{NETWORK} ({len(state.closed)} Kommunen)",
        report_date=date.today(),
        taxonomy=ctx.taxonomy,
    )


def check_pooled(state: PooledWave | None, wave: int) -> PooledWave:
    """Raise :class:`ReleaseRefused` (German) unless the wave may be pooled now."""
    if state is None or not (state.closed or state.running):
        raise ReleaseRefused(f"Welle {wave} gibt es in keiner Kommune.")
    if state.released is not None:
        raise ReleaseRefused(
            f"Die gemeinsamen Tabellen der Welle {wave} sind bereits freigegeben. Sie werden "
            "nicht neu berechnet: zwei Fassungen, die sich um die Antworten einer Kommune "
            "unterscheiden, würden diese Antworten erkennbar machen."
        )
    if state.running:
        names = ", ".join(t.name for t in state.running)
        raise ReleaseRefused(
            f"Die Welle {wave} läuft noch in {len(state.running)} Kommune(n) ({names}). "
            "Gemeinsame Tabellen gibt es erst, wenn sie überall abgeschlossen ist."
        )
    if len(state.closed) < MIN_POOLED_TOWNS:
        raise ReleaseRefused(
            f"Die Welle {wave} ist in {len(state.closed)} Kommune(n) abgeschlossen; gemeinsame "
            f"Tabellen gibt es ab {MIN_POOLED_TOWNS} Kommunen (sonst wären sie, ohne die "
            "Freigabe einer Kommune, die Zahlen der anderen)."
        )
    return state


def pooled_tables(inp: ReportInput) -> dict[str, Any]:
    """The pooled tables of pooled answers: the release machinery of a town's final
    release, with the pooled catalogue (no Stadtteil, no supply gaps)."""
    return release_payload(inp, "final", group_vars=POOLED_BREAKDOWNS, supply=False)


def pooled_payload(ctx: AppContext, wave: int) -> dict[str, Any]:
    """What a pooled release of ``wave`` would store (rules checked; nothing stored)."""
    state = check_pooled(pooled_waves(ctx).get(wave), wave)
    try:
        payload = pooled_tables(pooled_input(ctx, state))
    except ReportError as exc:
        raise ReleaseRefused(f"Die Welle lässt sich nicht gemeinsam auswerten: {exc}") from exc
    payload["towns"] = [t.slug for t in state.closed]
    return payload


def release_pooled(ctx: AppContext, wave: int, actor: str) -> ReleaseInfo:
    """Compute and store the pooled release of ``wave`` in the Land's tenant (rules of
    the catalogue checked again in the storing transaction); audit-logged."""
    payload = pooled_payload(ctx, wave)
    state = pooled_waves(ctx)[wave]
    land = land_id(ctx)
    with rls.town_scope(land):
        info = ctx.releases.create(land, wave=wave, kind="final", payload=payload,
                                   content_hash=content_hash(payload),
                                   newcomers=state.newcomers, wave_open=False,
                                   created_by=actor)  # fmt: skip
        audit.record(ctx.db, land, actor, "release.pooled", release=info.id, wave=wave,
                     towns=len(state.closed), content_hash=info.content_hash)  # fmt: skip
    return info


def pooled_releases(ctx: AppContext) -> list[ReleaseInfo]:
    land = land_id(ctx)
    with rls.town_scope(land):
        return ctx.releases.releases(land)


def pooled_results(ctx: AppContext, release_id: int):  # type: ignore[no-untyped-def]
    """The tables of a pooled release (None: unknown)."""
    land = land_id(ctx)
    with rls.town_scope(land):
        payload = ctx.releases.payload(land, release_id)
    return None if payload is None else results_of(payload)


def pooled_towns(ctx: AppContext, release_id: int) -> list[str]:
    land = land_id(ctx)
    with rls.town_scope(land):
        payload = ctx.releases.payload(land, release_id)
    return list((payload or {}).get("towns", []))


# -- the towns' own releases ---------------------------------------------------------------------
@dataclass(frozen=True)
class TownRelease:
    town: tenancy.Town
    release: ReleaseInfo


def town_releases(ctx: AppContext) -> list[TownRelease]:
    """Every release in force of every town, as the Land may read them."""
    land = land_id(ctx)
    out = []
    with rls.town_scope(land):
        for town in tenancy.towns(ctx):
            out += [TownRelease(town, r) for r in ctx.releases.releases(town.id)]
    return out


def town_release_results(ctx: AppContext, town_id: int, release_id: int):  # type: ignore[no-untyped-def]
    with rls.town_scope(land_id(ctx)):
        payload = ctx.releases.payload(town_id, release_id)
    return None if payload is None else results_of(payload)


# -- participation --------------------------------------------------------------------------------
@dataclass
class Participation:
    """Per town: responses by audience, language and status (published counts), and the
    waves with their state."""

    responses: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Kommune, Zielgruppe, Sprache, Abgeschlossen, Begonnen (NaN: hidden, below 5)."""
    waves: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Kommune, Welle, Stand (läuft | abgeschlossen), Freigabe."""
    invitations: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Kommune, Welle, Zielgruppe, Eingeladen, Teilgenommen, Rücklauf – per campaign that
    invites by name; Teilgenommen and Rücklauf empty below 5 finished (as per department
    in the town, :data:`surveys.invitations.rates.MIN_GROUP`)."""


def _respondents(ctx: AppContext, town_id: int) -> pd.DataFrame:
    stmt = (
        select(
            QuestionnaireVersion.audience, Response.language, Response.status, Response.record_key
        )
        .join(Campaign, Campaign.id == Response.campaign_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Campaign.questionnaire_version_id)
        .where(Response.municipality_id == town_id)
    )
    with ctx.db.read() as s:
        rows = s.execute(stmt).all()
    return pd.DataFrame(rows, columns=["audience", "language", "status", "record_key"])


def participation(ctx: AppContext) -> Participation:
    """Participation per town, every count through the cell-key layer."""
    from bedarfsradar import releases

    names = Labels.from_context(ctx).languages
    rows, waves, invited = [], [], []
    for town in tenancy.towns(ctx):
        with rls.town_scope(town.id):
            resp = _respondents(ctx, town.id)
            states = releases.waves(ctx)
            released = {r.wave for r in ctx.releases.releases(town.id)}
            invited += _invitations(ctx, town)
        tables = {
            status: published.respondent_counts(
                SurveyData(resp[resp["status"] == status].reset_index(drop=True)),
                ["audience", "language"],
            ).set_index(["audience", "language"])["n"]
            for status in ("complete", "partial")
        }
        keys = sorted(set(tables["complete"].index) | set(tables["partial"].index))
        for audience, lang in keys:
            if audience == "Gesamt":
                continue
            rows.append({
                "Kommune": town.name,
                "Zielgruppe": AUDIENCE_LABELS.get(str(audience), str(audience)),
                "Sprache": names.get(str(lang), str(lang)),
                "Abgeschlossen": tables["complete"].get((audience, lang), float("nan")),
                "Begonnen": tables["partial"].get((audience, lang), float("nan")),
            })  # fmt: skip
        for wave, state in sorted(states.items()):
            waves.append({"Kommune": town.name, "Welle": wave,
                          "Stand": "läuft" if state.open else "abgeschlossen",
                          "Freigegeben": "ja" if wave in released else "nein"})  # fmt: skip
    columns = ["Kommune", "Welle", "Zielgruppe", "Eingeladen", "Teilgenommen", "Rücklauf"]
    return Participation(
        pd.DataFrame(rows), pd.DataFrame(waves), pd.DataFrame(invited, columns=columns)
    )


def _invitations(ctx: AppContext, town: tenancy.Town) -> list[dict[str, Any]]:
    """The town's campaigns that invite by name (in the town's scope): how many were
    invited and, from :data:`~surveys.invitations.rates.MIN_GROUP` finished on, how many
    finished - a count of two tells who of a small staff answered."""
    from surveys.invitations import rates
    from surveys.invitations.store import InvitationStore

    found = InvitationStore(ctx.db, ctx.settings.effective_secret_key).rates(town.id)
    campaigns = {c.slug: c for c in ctx.storage.campaigns(town.id)}
    out = []
    for row in found.itertuples():
        campaign = campaigns.get(str(row.campaign))
        shown = int(row.finished) >= rates.MIN_GROUP
        out.append({
            "Kommune": town.name,
            "Welle": campaign.wave if campaign else None,
            "Zielgruppe": AUDIENCE_LABELS.get(campaign.audience, campaign.audience)
            if campaign else "",
            "Eingeladen": int(row.invited),
            "Teilgenommen": int(row.finished) if shown else float("nan"),
            "Rücklauf": float(row.rate) if shown else float("nan"),
        })  # fmt: skip
    return out


def measures_per_town(ctx: AppContext) -> pd.DataFrame:
    """Kommune, vorgeschlagen (measures in the report), beschlossen (adopted, running or done)."""
    from bedarfsradar import measures

    rows = []
    for town in tenancy.towns(ctx):
        with rls.town_scope(town.id):
            stored = [m.spec for m in measures.list_measures(ctx.db, town.id) if m.spec.active]
        rows.append({"Kommune": town.name, "Vorgeschlagen": len(stored),
                     "Beschlossen": sum(1 for m in stored if m.status != "proposed")})  # fmt: skip
    return pd.DataFrame(rows, columns=["Kommune", "Vorgeschlagen", "Beschlossen"])


# -- the indicator sheet -------------------------------------------------------------------------
def _needs_sheet(res: Any, labels: Labels) -> pd.DataFrame:
    rows = filter_results(res.needs, indicator="need_prevalence", group_var="all")
    out = pd.DataFrame({
        "Bedarfsfeld": [labels.area(str(a)) for a in rows["level"]],
        "Anteil mit Bedarf": rows["estimate"].to_numpy(dtype=float),
        "95-%-KI von": rows["ci_low"].to_numpy(dtype=float),
        "95-%-KI bis": rows["ci_high"].to_numpy(dtype=float),
        "n": pd.to_numeric(rows["n"], errors="coerce").to_numpy(dtype=float),
    })  # fmt: skip
    return out.sort_values("Anteil mit Bedarf", ascending=False, na_position="last")


def indicator_workbook(ctx: AppContext, release_id: int | None = None) -> bytes:
    """The programme report's indicator sheet (German): respondents by audience and
    language (pooled release and per town), needs by area with intervals (pooled
    release), measures proposed and adopted per town."""
    released = pooled_releases(ctx)
    chosen = next((r for r in released if release_id in (None, r.id)), None)
    labels = Labels.from_context(ctx)
    sheets: dict[str, pd.DataFrame] = {}
    towns = len(tenancy.towns(ctx))
    guide = [
        ("Inhalt", f"Kennzahlen des {NETWORK} für den Programmbericht ({towns} Kommunen)."),
        ("Stand", date.today().strftime("%d.%m.%Y")),
        (
            "Gemeinsame Tabellen",
            chosen.label if chosen else "noch keine Welle gemeinsam freigegeben",
        ),
        (
            "Schutz",
            "Alle Zahlen sind geschützt veröffentlichte Werte: jede Anzahl trägt ein "
            "kleines festes Rauschen, Gruppen unter 5 Personen sind verborgen (leer). Die "
            "gemeinsamen Tabellen sind aus den Antworten aller beteiligten Kommunen zusammen "
            "berechnet, nicht aus den Werten der Kommunen summiert.",
        ),
        (
            "Einladungen",
            "Eingeladene Personen erscheinen, sobald die Kommunen Einladungen verwenden.",
        ),
    ]
    sheets["Lesehilfe"] = pd.DataFrame(guide, columns=["Thema", "Erläuterung"])
    if chosen is not None:
        res = pooled_results(ctx, chosen.id)
        counts = pd.DataFrame(
            [(AUDIENCE_LABELS.get(a, a), n) for a, n in res.audience_n.items()],
            columns=["Zielgruppe", "Befragte"],
        )
        sheets["Befragte (gemeinsam)"] = counts
        lang = res.response_tables.get("language", pd.DataFrame())
        if len(lang):
            lang = lang.rename(columns={"language": "Sprache"})
            lang["Sprache"] = [labels.languages.get(str(c), str(c)) for c in lang["Sprache"]]
            sheets["Sprachen (gemeinsam)"] = lang
        sheets["Bedarfe (gemeinsam)"] = _needs_sheet(res, labels)
    part = participation(ctx)
    sheets["Beteiligung je Kommune"] = part.responses
    sheets["Wellen je Kommune"] = part.waves
    sheets["Einladungen je Kommune"] = part.invitations
    sheets["Maßnahmen je Kommune"] = measures_per_town(ctx)
    formats = {"Anteil mit Bedarf": "0 %", "95-%-KI von": "0 %", "95-%-KI bis": "0 %",
               "Rücklauf": "0 %"}  # fmt: skip
    return to_xlsx_bytes(sheets, number_formats=formats, readable=True)
