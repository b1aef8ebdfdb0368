"""Benchmark of the Stadtrat report on 100,000 synthetic newcomer responses.

Reuses the deterministic generator of ``bench/analysis.py`` (100,000 newcomers, 80
volunteers, 30 administration staff, seed 20260401) and adds the volunteers' and
administration's own items (volunteer needs, continuation, hours; importance and
performance of services). Times, best of two runs each:

* baseline: :func:`reports.analyse.analyse` alone (the analysis the report needs),
* deck: analysis + content + PowerPoint rendering (:func:`reports.render.pptx.render_pptx`),
* PDF: analysis + content + PDF rendering (:func:`reports.render.pdf.render_pdf`),

and prints seconds and the ratio deck/baseline and PDF/baseline. Goal: each under 10 s.
Run: ``.venv/bin/python bench/report.py [n]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

# Run as a script, this folder is sys.path[0] and bench/analysis.py would shadow the
# ``analysis`` package: put the repository root first.
_ROOT = str(Path(__file__).resolve().parents[1])
sys.path[:] = [_ROOT] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import admin, tidy  # noqa: E402
from bedarfsradar import PROJECT_ROOT  # noqa: E402
from bedarfsradar.context import AppContext  # noqa: E402
from bedarfsradar.settings import Settings  # noqa: E402
from bench.analysis import SEED, offers_catalogue, synthetic_answers  # noqa: E402
from reports.analyse import analyse  # noqa: E402
from reports.inputs import Labels, ReportCampaign, ReportInput  # noqa: E402
from reports.measures import load_seed  # noqa: E402
from reports.render.pdf import render_pdf  # noqa: E402
from reports.render.pptx import render_pptx  # noqa: E402
from reports.slides import build_content  # noqa: E402


def _block(ids, audience, lang, qid, item, value) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    n = len(ids)
    return pd.DataFrame(
        {
            "response_id": ids,
            "audience": audience,
            "language": lang,
            "question_id": qid,
            "item": item,
            "value": np.broadcast_to(np.asarray(value, dtype=object), (n,)),
        }
    )


def own_items(answers: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """Volunteers' and administration's own items for the respondents in ``answers``."""
    rng = np.random.default_rng(seed + 1)
    blocks = []
    vol = answers.loc[answers["audience"] == "volunteer", "response_id"].unique()
    adm = answers.loc[answers["audience"] == "administration", "response_id"].unique()
    de = np.full(len(vol), "de", dtype=object)
    for need in admin.VOLUNTEER_NEEDS:
        has = rng.random(len(vol)) < 0.3
        blocks.append(_block(vol[has], "volunteer", de[has], "vol_needs", "", need))
    blocks.append(
        _block(vol, "volunteer", de, "continue_12m", "", rng.integers(1, 6, len(vol)).astype(str))
    )
    blocks.append(
        _block(vol, "volunteer", de, "hours_month", "", rng.integers(1, 40, len(vol)).astype(str))
    )
    de = np.full(len(adm), "de", dtype=object)
    for service in admin.SERVICES:
        for qid in ("ip_importance", "ip_performance"):
            blocks.append(
                _block(
                    adm,
                    "administration",
                    de,
                    qid,
                    service,
                    rng.integers(1, 6, len(adm)).astype(str),
                )
            )
    df = pd.concat(blocks, ignore_index=True)
    df["campaign"], df["wave"], df["mode"], df["text"] = "welle-1", 1, "online", None
    return df[list(tidy.ANSWER_COLUMNS)]  # fmt: skip


def report_input(n: int) -> ReportInput:
    answers = synthetic_answers(n)
    answers = pd.concat([answers, own_items(answers)], ignore_index=True)
    ctx = AppContext(  # labels come from the data files; no database is opened
        Settings(database_url="sqlite://", data_dir=PROJECT_ROOT / "data", secret_key="bench")
    )
    return ReportInput(
        answers=answers,
        offers=offers_catalogue(),
        campaigns=[
            ReportCampaign(
                "welle-1",
                f"Welle 1 – Benchmark ({a})",
                1,
                a,
                {"total": 2 * n}
                if a == "newcomer"
                else {"population": 40}
                if a == "administration"
                else {},
            )
            for a in tidy.AUDIENCES
        ],
        labels=Labels.from_context(ctx),
        measures=load_seed(PROJECT_ROOT / "data" / "measures.yaml").measures,
        town="Benchmarkstadt",
        report_date=date(2026, 4, 1),
    )


def _best_of(fn, repeat: int = 2) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000,
                        help="synthetic newcomers (default: 100000)")  # fmt: skip
    n = parser.parse_args().n
    t0 = time.perf_counter()
    inp = report_input(n)
    print(
        f"synthetic frame: {len(inp.answers):,} answer rows, {n:,} newcomers "
        f"(built in {time.perf_counter() - t0:.1f} s)"
    )
    t_base, _ = _best_of(lambda: analyse(inp))
    t_deck, deck = _best_of(lambda: render_pptx(build_content(inp, analyse(inp))))
    t_pdf, pdf = _best_of(lambda: render_pdf(build_content(inp, analyse(inp))))
    print(f"baseline (analysis for the report):  {t_base:6.2f} s")
    print(
        f"deck (analysis + content + pptx):    {t_deck:6.2f} s  "
        f"ratio {t_deck / t_base:.2f}x  {len(deck) // 1024} KB"
    )  # type: ignore[arg-type]
    print(
        f"PDF  (analysis + content + pdf):     {t_pdf:6.2f} s  "
        f"ratio {t_pdf / t_base:.2f}x  {len(pdf) // 1024} KB"
    )  # type: ignore[arg-type]
    print("goal: deck and PDF each < 10 s -> " + ("met" if max(t_deck, t_pdf) < 10 else "MISSED"))


if __name__ == "__main__":
    main()
