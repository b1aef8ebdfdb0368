"""Releasing a wave: the composition root wires the catalogue's rules
(:mod:`analysis.catalogue`), the report's analysis (:mod:`reports.release`) and the
store (:mod:`surveys.releases`).

:func:`preview` computes what a release would publish, without storing anything;
:func:`release_wave` stores it (rules checked again inside the transaction, audit-logged);
:func:`release_report` renders the Stadtrat deck or PDF from a stored release, without
reading a single answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from analysis.catalogue import Kind, ReleaseRefused, check_release
from bedarfsradar import audit
from bedarfsradar.context import AppContext
from reports import MEDIA_TYPES, Format
from reports.analyse import ReportResults
from reports.inputs import ReportError, ReportInput, collect
from reports.release import content_hash, release_input, release_payload, results_of
from surveys.releases.store import ReleaseInfo


@dataclass(frozen=True)
class WaveState:
    wave: int
    slug: str  # a campaign of the wave (the newcomers' where there is one)
    compare: str | None  # a campaign of the previous wave, for the change since then
    newcomers: int  # complete newcomer responses (true count; never shown to viewers)
    open: bool


def waves(ctx: AppContext) -> dict[int, WaveState]:
    """Every wave of the town with what the release rules need."""
    campaigns = ctx.storage.campaigns(ctx.municipality_id)
    by_wave: dict[int, list[Any]] = {}
    for c in campaigns:
        by_wave.setdefault(int(c.wave), []).append(c)
    counts = ctx.storage.complete_counts(ctx.municipality_id)
    out = {}
    ordered = sorted(by_wave)
    for i, wave in enumerate(ordered):
        cs = sorted(by_wave[wave], key=lambda c: c.audience != "newcomer")
        previous = by_wave[ordered[i - 1]] if i > 0 else None
        out[wave] = WaveState(
            wave=wave,
            slug=cs[0].slug,
            compare=sorted(previous, key=lambda c: c.audience != "newcomer")[0].slug
            if previous
            else None,
            newcomers=sum(counts.get(c.slug, 0) for c in cs if c.audience == "newcomer"),
            open=any(c.status == "open" for c in cs),
        )
    return out


def _check(ctx: AppContext, state: WaveState, kind: Kind) -> None:
    earlier = [
        (r.kind, r.responses)
        for r in ctx.releases.releases(ctx.municipality_id, include_withdrawn=True)
        if r.wave == state.wave
    ]
    check_release(kind, state.newcomers, earlier, state.open)


def preview(ctx: AppContext, wave: int, kind: Kind) -> dict[str, Any]:
    """The payload a release of ``wave`` would store now. Raises
    :class:`ReleaseRefused` (German) when the rules do not allow it."""
    state = waves(ctx).get(wave)
    if state is None:
        raise ReleaseRefused(f"Welle {wave} gibt es nicht.")
    _check(ctx, state, kind)
    try:
        return release_payload(collect(ctx, state.slug, compare=state.compare), kind)
    except ReportError as exc:
        raise ReleaseRefused(f"Die Welle lässt sich nicht auswerten: {exc}") from exc


def release_wave(ctx: AppContext, wave: int, kind: Kind, actor: str) -> ReleaseInfo:
    """Compute and store a release of ``wave`` (one transaction); audit-logged."""
    payload = preview(ctx, wave, kind)
    state = waves(ctx)[wave]
    info = ctx.releases.create(
        ctx.municipality_id,
        wave=wave,
        kind=kind,
        payload=payload,
        content_hash=content_hash(payload),
        newcomers=state.newcomers,
        wave_open=state.open,
        created_by=actor,
    )
    audit.record(ctx.db, ctx.municipality_id, actor, "release.create", release=info.id,
                 wave=wave, kind=kind, content_hash=info.content_hash)  # fmt: skip
    return info


def set_public(ctx: AppContext, release_id: int, public: bool, actor: str) -> bool:
    """Turn the public results page of a release on (from now) or off (at once);
    audit-logged. False when the release is unknown, another town's or withdrawn."""
    done = ctx.releases.set_public(ctx.municipality_id, release_id, public)
    if done:
        audit.record(ctx.db, ctx.municipality_id, actor, "release.public",
                     release=release_id, public=public)  # fmt: skip
    return done


def release_results(ctx: AppContext, release_id: int) -> ReportResults | None:
    """The report's results of a stored release (None when unknown or of another town)."""
    payload = ctx.releases.payload(ctx.municipality_id, release_id)
    return None if payload is None else results_of(payload)


def town_input(ctx: AppContext, payload: dict[str, Any], report_date: date) -> ReportInput:
    """The report's input for a release: the town's current labels, measures and
    contact, the release's campaigns and offers, no answers."""
    from bedarfsradar import measures as measure_store
    from reports.inputs import Labels

    mid = ctx.municipality_id
    current = ReportInput(
        answers=pd.DataFrame(),
        offers=pd.DataFrame(),
        campaigns=[],
        labels=Labels.from_context(ctx),
        town=ctx.geography.name,
        report_date=report_date,
        measures=[m.spec for m in measure_store.list_measures(ctx.db, mid) if m.spec.active],
        contact=measure_store.contact(ctx.db, mid),
        taxonomy=ctx.taxonomy,
    )
    return release_input(payload, current, report_date)


def release_report(
    ctx: AppContext, release_id: int, fmt: Format = "pptx", report_date: date | None = None
) -> bytes:
    """The Stadtrat deck (``pptx``) or PDF of a stored release. Raises
    :class:`ReportError` for an unknown release."""
    from reports.slides import build_content

    if fmt not in MEDIA_TYPES:
        raise ReportError(f"unknown format {fmt!r} (pptx or pdf)")
    info = ctx.releases.info(ctx.municipality_id, release_id)
    payload = ctx.releases.payload(ctx.municipality_id, release_id)
    if info is None or payload is None:
        raise ReportError(f"release {release_id} not found")
    when = report_date or date.fromisoformat(info.data_as_of)
    content = build_content(town_input(ctx, payload, when), results_of(payload))
    if fmt == "pptx":
        from reports.render.pptx import render_pptx

        return render_pptx(content)
    from reports.render.pdf import render_pdf

    return render_pdf(content)
