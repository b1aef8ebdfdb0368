"""Releases in the report: what a release holds, and the deck and PDF read from one.

:func:`release_payload` computes the published tables of a wave once, by the catalogue of
:mod:`analysis.catalogue` (the same :func:`reports.analyse.analyse` the deck used to run
at view time, with the catalogue's breakdowns), and freezes them together with the
wave's campaigns and the offers they were measured against. :func:`results_of` reads the
tables back; :func:`release_input` makes the report's input from a release, so the deck
and the PDF of a release never touch an answer: the same release gives the same numbers
every time, and reading it costs no analysis.

The payload is plain JSON (each table in pandas' ``orient="table"`` form, which keeps
the nullable dtypes); its SHA-256 over a canonical serialisation is the release's
content hash.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, replace
from datetime import date
from typing import Any

import pandas as pd

from analysis import published
from analysis.catalogue import (
    CATALOGUE_VERSION,
    Kind,
    breakdowns,
    coarsen_counts,
    coarsen_results,
    publishes_comparisons,
    rounded,
)
from reports.analyse import ReportResults, analyse
from reports.inputs import Labels, ReportCampaign, ReportInput

FRAMES = ("needs", "beliefs", "perception", "supply", "barriers", "volunteers", "change",
          "wave_prevalence")  # fmt: skip


def _frame(df: pd.DataFrame) -> dict[str, Any]:
    return json.loads(df.to_json(orient="table", index=False, double_precision=15))


def _unframe(data: dict[str, Any]) -> pd.DataFrame:
    df = pd.read_json(io.StringIO(json.dumps(data)), orient="table")
    return df.reset_index(drop=True)


def _number(x: float) -> float | None:
    return None if pd.isna(x) else float(x)


def _float(x: float | None) -> float:
    return float("nan") if x is None else float(x)


def release_payload(
    inp: ReportInput,
    kind: Kind,
    *,
    group_vars: tuple[str, ...] | None = None,
    supply: bool = True,
) -> dict[str, Any]:
    """The published tables of the wave of ``inp`` for a release of ``kind`` (raises
    :class:`reports.inputs.ReportError` without newcomer answers). ``group_vars``: the
    breakdowns of the newcomers' needs (default: the catalogue's for ``kind``);
    ``supply``: False leaves out the supply gaps (the Land's pooled tables: offers and
    Stadtteile are each town's own)."""
    comparisons = publishes_comparisons(kind)
    if not comparisons:
        inp = replace(inp, compare_answers=None, compare_campaigns=[])
    chosen = breakdowns(kind) if group_vars is None else group_vars
    res = analyse(inp, needs_group_vars=chosen, comparisons=comparisons, release=True)
    if not supply:
        res = replace(res, supply=res.supply.iloc[0:0])
    if kind == "interim":  # the coarser catalogue of a running wave (analysis.catalogue)
        res = replace(
            res,
            needs=coarsen_results(res.needs),
            supply=res.supply.iloc[0:0],
            barriers=res.barriers.iloc[0:0],
            response_tables={by: coarsen_counts(t) for by, t in res.response_tables.items()},
            audience_n={a: rounded(n) for a, n in res.audience_n.items()},
        )
    ip = None
    if res.ip is not None:
        ip = {
            "results": _frame(res.ip.results),
            "grid": _frame(res.ip.grid),
            # NaN (too few ratings) is no JSON: PostgreSQL refuses it
            "crosshair_importance": _number(res.ip.crosshair_importance),
            "crosshair_performance": _number(res.ip.crosshair_performance),
        }
    return {
        "catalogue": CATALOGUE_VERSION,
        "kind": kind,
        "wave": inp.wave,
        "campaigns": [asdict(c) for c in inp.campaigns],
        "compare_campaigns": [asdict(c) for c in inp.compare_campaigns],
        "offers": _frame(inp.offers),
        "offers_are_examples": inp.offers_are_examples,
        "audience_n": {a: (None if pd.isna(n) else float(n)) for a, n in res.audience_n.items()},
        "response_tables": {by: _frame(df) for by, df in res.response_tables.items()},
        "weighted": res.weighted,
        "population_sizes": res.population_sizes,
        "ip": ip,
        **{name: _frame(getattr(res, name)) for name in FRAMES},
    }


def content_hash(payload: dict[str, Any]) -> str:
    """SHA-256 of the payload's canonical JSON."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def results_of(payload: dict[str, Any]) -> ReportResults:
    """The report's results as the release froze them."""
    ip = payload.get("ip")
    grid = None
    if ip is not None:
        grid = published.IPGrid(
            _unframe(ip["results"]),
            _unframe(ip["grid"]),
            _float(ip["crosshair_importance"]),
            _float(ip["crosshair_performance"]),
        )
    return ReportResults(
        audience_n={a: float("nan") if n is None else n for a, n in payload["audience_n"].items()},
        response_tables={by: _unframe(df) for by, df in payload["response_tables"].items()},
        weighted=bool(payload["weighted"]),
        ip=grid,
        population_sizes={a: int(n) for a, n in payload["population_sizes"].items()},
        **{name: _unframe(payload[name]) for name in FRAMES},
    )


def release_input(payload: dict[str, Any], current: ReportInput, report_date: date) -> ReportInput:
    """The report's input for a release: campaigns and offers as released; labels,
    measures and contact as they are now (they are the town's texts and decisions, not
    answers); no answers at all."""
    return ReportInput(
        answers=pd.DataFrame(),
        offers=_unframe(payload["offers"]),
        campaigns=[ReportCampaign(**c) for c in payload["campaigns"]],
        labels=current.labels,
        town=current.town,
        report_date=report_date,
        measures=current.measures,
        contact=current.contact,
        compare_campaigns=[ReportCampaign(**c) for c in payload["compare_campaigns"]],
        offers_are_examples=bool(payload["offers_are_examples"]),
        taxonomy=current.taxonomy,
    )


__all__ = ["Labels", "content_hash", "release_input", "release_payload", "results_of"]
