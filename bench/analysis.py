"""Benchmark of the analysis pipeline on 100,000 synthetic newcomer responses.

Builds a deterministic synthetic answers frame (seed 20260401) in the storage layer's long
format: 100,000 newcomers (need matrix, top three, offers, barriers, seven attributes),
plus 80 volunteers and 30 administration staff. It times the full needs + perception +
supply pipeline (tidy -> needs_results -> perception_gap -> supply_gap) and, in the same
run, a baseline: a plain pandas groupby-mean of the numeric answers over the same frame.
Prints both times and their ratio. Run: ``.venv/bin/python bench/analysis.py [n]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

# Run as a script, this file's folder is sys.path[0] and its name would shadow the
# ``analysis`` package: put the repository root first.
_ROOT = str(Path(__file__).resolve().parents[1])
sys.path[:] = [_ROOT] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import needs, perception, supply, tidy  # noqa: E402

SEED = 20260401
AREAS = np.array(tidy.NEED_AREAS)
ATTRS = {
    "stadtteil": ["oestrich", "mittelheim", "winkel", "hallgarten"],
    "german_level": ["none", "a1_a2", "b1_b2", "c1p"],
    "years_de": ["lt1", "1_3", "3_6", "gt6"],
    "children": ["yes", "no"],
    "origin_region": [
        "middle_east",
        "afghanistan_iran",
        "ukraine_eastern_europe",
        "turkey",
        "africa",
        "asia_other",
        "other",
    ],
    "age_band": ["18_29", "30_44", "45_64", "65p"],
    "gender": ["female", "male", "diverse"],
}
LANGS = np.array(["de", "ls", "en", "ar", "fa", "uk", "ru", "tr"])
CODES = np.array(["1", "2", "3", "4", "5", "na", "dk"])


def _block(ids, audience, lang, qid, item, value) -> dict[str, np.ndarray]:
    n = len(ids)
    return {
        "response_id": ids,
        "audience": np.full(n, audience, dtype=object),
        "language": lang,
        "question_id": np.full(n, qid, dtype=object),
        "item": np.asarray(item, dtype=object) if np.ndim(item) else np.full(n, item, object),
        "value": np.asarray(value, dtype=object),
    }


def synthetic_answers(n_newcomers: int = 100_000, seed: int = SEED) -> pd.DataFrame:
    """Deterministic synthetic long answers frame (see module docstring)."""
    rng = np.random.default_rng(seed)
    blocks = []
    for audience, n in (("newcomer", n_newcomers), ("volunteer", 80), ("administration", 30)):
        ids = np.array([f"{audience[0]}{i:07d}" for i in range(n)], dtype=object)
        lang = (
            LANGS[rng.integers(0, LANGS.size, n)] if audience == "newcomer" else (np.full(n, "de"))
        )
        area_p = rng.uniform(0.05, 0.35, AREAS.size)
        # need matrix: ~5 % item non-response
        rid = np.repeat(ids, AREAS.size)
        rl = np.repeat(lang, AREAS.size)
        item = np.tile(AREAS, n)
        p_hi = np.tile(area_p, n)
        u = rng.random(rid.size)
        sev = np.where(u < p_hi, rng.integers(3, 6, rid.size), rng.integers(1, 3, rid.size))
        val = CODES[sev - 1]
        r2 = rng.random(rid.size)
        val = np.where(r2 < 0.06, "na", np.where(r2 < 0.09, "dk", val))
        keep = rng.random(rid.size) > 0.05
        blocks.append(_block(rid[keep], audience, rl[keep], "need", item[keep], val[keep]))
        if audience != "newcomer":
            continue
        for attr, levels in ATTRS.items():
            has = rng.random(n) > 0.08
            v = np.array(levels, dtype=object)[rng.integers(0, len(levels), n)]
            blocks.append(_block(ids[has], audience, lang[has], attr, "", v[has]))
        top = np.argsort(rng.random((n, AREAS.size)) + area_p, axis=1)[:, -3:][:, ::-1]
        for r in range(3):
            has = rng.random(n) > 0.1 * r
            blocks.append(
                _block(ids[has], audience, lang[has], "top3", str(r + 1), AREAS[top[has, r]])
            )
        in_need = np.isin(val, ["3", "4", "5"]) & keep
        status = np.array(supply.OFFER_STATUSES, dtype=object)
        st = status[rng.integers(0, status.size, int(in_need.sum()))]
        blocks.append(_block(rid[in_need], audience, rl[in_need], "offer", item[in_need], st))
        for b in supply.BARRIERS:
            has = rng.random(n) < 0.2
            blocks.append(_block(ids[has], audience, lang[has], "barriers", "", b))
    df = pd.concat([pd.DataFrame(b) for b in blocks], ignore_index=True)
    df["campaign"] = "welle-1"
    df["wave"] = 1
    df["mode"] = "online"
    df["text"] = None
    return df[list(tidy.ANSWER_COLUMNS)]


def offers_catalogue() -> pd.DataFrame:
    rows = [
        (
            "o1",
            "Sprachcafé",
            ["language", "belonging"],
            "winkel",
            ["de", "ar"],
            ["evening"],
            "free",
            False,
            True,
        ),
        ("o2", "Wohnungslotsen", ["housing"], "oestrich", ["de"], ["morning"], "free", False, True),
        (
            "o3",
            "Online-Beratung",
            ["work", "authorities"],
            "online",
            ["de", "uk", "ru"],
            ["afternoon"],
            "low",
            False,
            True,
        ),
        ("o4", "Integrationskurs", ["language"], "all", ["de"], ["morning"], "fee", True, True),
        (
            "o5",
            "Migrationsberatung",
            ["authorities", "money", "family"],
            "mittelheim",
            ["de", "ar", "fa"],
            ["morning", "afternoon"],
            "free",
            False,
            True,
        ),
    ]
    return pd.DataFrame(rows, columns=list(supply.OFFER_COLUMNS))


def pipeline(answers: pd.DataFrame, offers: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    data = tidy.prepare(answers)
    res = needs.needs_results(data)
    gap = perception.perception_gap(data, population_sizes={"administration": 40})
    sup = supply.supply_gap(data, offers)
    return res, gap, sup


def baseline(answers: pd.DataFrame) -> pd.Series:
    v = pd.to_numeric(answers["value"], errors="coerce")
    return v.groupby([answers["question_id"], answers["item"]]).mean()


def _best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t0 = time.perf_counter()
    answers = synthetic_answers(n)
    offers = offers_catalogue()
    print(
        f"synthetic frame: {len(answers):,} answer rows, {n:,} newcomers "
        f"(built in {time.perf_counter() - t0:.1f} s)"
    )
    t_base = _best_of(lambda: baseline(answers))
    t_pipe = _best_of(lambda: pipeline(answers, offers), repeat=2)
    res, gap, sup = pipeline(answers, offers)
    print(f"results rows: needs {len(res):,}, perception {len(gap)}, supply {len(sup)}")
    print(f"baseline (pandas groupby-mean): {t_base:.3f} s")
    print(f"pipeline (needs + perception + supply): {t_pipe:.3f} s")
    print(f"ratio pipeline / baseline: {t_pipe / t_base:.1f}x")


if __name__ == "__main__":
    main()
