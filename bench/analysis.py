"""Benchmark of the analysis pipeline at programme scale and at the demo's size.

Builds a deterministic synthetic answers frame (seed 20260401) in the storage layer's long
format: n newcomers (need matrix, top three, offers, barriers, seven attributes), plus 80
volunteers and 30 administration staff. It times the full needs + perception + supply
pipeline (tidy -> needs_results -> perception_gap -> supply_gap) and, in the same run, the
**least-work floor** on the same frame: pivot the respondent attributes, merge them onto
the need answers, count valid and in-need answers per area overall and by each of six
attributes (seven pandas groupbys). Any pipeline must do at least that much. Prints both
times, their ratio and the process's peak memory (RSS). Two sizes: 100,000 newcomers
(the slope) and 420 (the demo's size: the fixed cost per call, which the dashboard pays on
every filter change).

Run: ``.venv/bin/python bench/analysis.py [n ...]`` (default: 100000 420).
Goals (issue 17): ratio <= 1.5 at 100,000; pipeline <= 50 ms at the demo's size; peak
memory < 1 GB.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# Run as a script, this file's folder is sys.path[0] and its name would shadow the
# ``analysis`` package: put the repository root first.
_ROOT = str(Path(__file__).resolve().parents[1])
sys.path[:] = [_ROOT] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

from analysis import needs, perception, supply, tidy  # noqa: E402

SEED = 20260401
AREAS = np.array(tidy.NEED_AREAS, dtype=object)  # object arrays: rows share the strings
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
LANGS = np.array(["de", "ls", "en", "ar", "fa", "uk", "ru", "tr"], dtype=object)
CODES = np.array(["1", "2", "3", "4", "5", "na", "dk"], dtype=object)


class _Columns:
    """Answer rows collected as integer codes into shared category lists; the frame is built
    once at the end (strings materialised by Arrow, not as Python objects)."""

    def __init__(self) -> None:
        self.cats: dict[str, dict[str, int]] = {c: {} for c in _CODED}
        self.parts: dict[str, list[np.ndarray]] = {c: [] for c in _CODED}

    def code(self, column: str, values) -> np.ndarray:  # type: ignore[no-untyped-def]
        table = self.cats[column]
        uniq, inverse = np.unique(np.asarray(values, dtype=object), return_inverse=True)
        mapped = np.array([table.setdefault(str(u), len(table)) for u in uniq], dtype=np.int64)
        return mapped[inverse.reshape(-1)]

    def add(self, ids: np.ndarray, audience: str, lang: np.ndarray, qid: str, item, value):  # type: ignore[no-untyped-def]
        n = len(ids)
        self.parts["response_id"].append(np.asarray(ids, dtype=np.int64))
        self.parts["audience"].append(np.full(n, self.code("audience", [audience])[0]))
        self.parts["language"].append(np.asarray(lang, dtype=np.int64))
        self.parts["question_id"].append(np.full(n, self.code("question_id", [qid])[0]))
        self.parts["item"].append(
            self.code("item", item) if np.ndim(item) else np.full(n, self.code("item", [item])[0])
        )
        self.parts["value"].append(
            self.code("value", value) if np.ndim(value) else
            np.full(n, self.code("value", [value])[0])
        )  # fmt: skip

    def frame(self, id_labels: list[str], lang_labels: list[str]) -> pd.DataFrame:
        cats = {**{c: list(t) for c, t in self.cats.items()}}
        cats["response_id"], cats["language"] = id_labels, lang_labels
        out = {}
        for c in _CODED:
            codes = np.concatenate(self.parts.pop(c))
            out[c] = _strings(codes, cats[c])
        n_rows = len(out["response_id"])
        df = pd.DataFrame(out)
        df["campaign"] = _strings(np.zeros(n_rows, np.int32), ["welle-1"])
        df["wave"] = np.ones(n_rows, dtype=np.int64)
        df["mode"] = _strings(np.zeros(n_rows, np.int32), ["online"])
        df["text"] = np.full(n_rows, None, dtype=object)
        return df[list(tidy.ANSWER_COLUMNS)]


def _strings(codes: np.ndarray, labels: list[str]) -> pd.api.extensions.ExtensionArray:
    """The str column the storage layer returns, built by Arrow from codes and labels."""
    dictionary = pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(labels))
    return pd.array(dictionary.cast(pa.string()), dtype="str")


_CODED = ("response_id", "audience", "language", "question_id", "item", "value")


def synthetic_answers(n_newcomers: int = 100_000, seed: int = SEED) -> pd.DataFrame:
    """Deterministic synthetic long answers frame (see module docstring)."""
    rng = np.random.default_rng(seed)
    cols = _Columns()
    id_labels: list[str] = []
    lang_labels = list(LANGS)
    for audience, n in (("newcomer", n_newcomers), ("volunteer", 80), ("administration", 30)):
        ids = np.arange(len(id_labels), len(id_labels) + n, dtype=np.int64)
        id_labels += [f"{audience[0]}{i:07d}" for i in range(n)]
        lang = rng.integers(0, LANGS.size, n) if audience == "newcomer" else np.zeros(n, int)
        area_p = rng.uniform(0.05, 0.35, AREAS.size)
        # need matrix: ~5 % item non-response
        rid = np.repeat(ids, AREAS.size)
        rl = np.repeat(lang, AREAS.size)
        item = np.tile(np.arange(AREAS.size), n)
        p_hi = np.tile(area_p, n)
        u = rng.random(rid.size)
        sev = np.where(u < p_hi, rng.integers(3, 6, rid.size), rng.integers(1, 3, rid.size))
        val = sev - 1  # index into CODES
        r2 = rng.random(rid.size)
        val = np.where(r2 < 0.06, 5, np.where(r2 < 0.09, 6, val))
        keep = rng.random(rid.size) > 0.05
        cols.add(rid[keep], audience, rl[keep], "need", AREAS[item[keep]], CODES[val[keep]])
        if audience != "newcomer":
            continue
        for attr, levels in ATTRS.items():
            has = rng.random(n) > 0.08
            v = np.array(levels, dtype=object)[rng.integers(0, len(levels), n)]
            cols.add(ids[has], audience, lang[has], attr, "", v[has])
        top = np.argsort(rng.random((n, AREAS.size)) + area_p, axis=1)[:, -3:][:, ::-1]
        for r in range(3):
            has = rng.random(n) > 0.1 * r
            cols.add(ids[has], audience, lang[has], "top3", str(r + 1), AREAS[top[has, r]])
        in_need = (val >= 2) & (val <= 4) & keep
        status = np.array(supply.OFFER_STATUSES, dtype=object)
        st = status[rng.integers(0, status.size, int(in_need.sum()))]
        cols.add(rid[in_need], audience, rl[in_need], "offer", AREAS[item[in_need]], st)
        for b in supply.BARRIERS:
            has = rng.random(n) < 0.2
            cols.add(ids[has], audience, lang[has], "barriers", "", b)
    return cols.frame(id_labels, lang_labels)


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


FLOOR_ATTRIBUTES = ("stadtteil", "german_level", "years_de", "children", "origin_region",
                    "age_band")  # fmt: skip


def least_work_floor(answers: pd.DataFrame) -> list[pd.DataFrame]:
    """The least work any needs pipeline must do (see module docstring)."""
    att = answers[answers["question_id"].isin(FLOOR_ATTRIBUTES)]
    wide = att.pivot(index="response_id", columns="question_id", values="value")
    need = answers[answers["question_id"] == "need"]
    need = need.merge(wide, left_on="response_id", right_index=True, how="left")
    need = need.assign(
        valid=need["value"].isin(["1", "2", "3", "4", "5", "na"]),
        in_need=need["value"].isin(["3", "4", "5"]),
    )
    out = [need.groupby("item")[["valid", "in_need"]].sum()]
    for attr in FLOOR_ATTRIBUTES:
        out.append(need.groupby([attr, "item"])[["valid", "in_need"]].sum())
    return out


def _best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """Peak resident memory of this process since start or the last :func:`reset_peak`."""
    return _status_mb("VmHWM")


def reset_peak() -> None:
    """Reset the peak to the current RSS (Linux ``clear_refs``); no-op where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def run(n: int) -> None:
    t0 = time.perf_counter()
    answers = synthetic_answers(n)
    offers = offers_catalogue()
    print(
        f"\n== {n:,} newcomers: {len(answers):,} answer rows "
        f"(built in {time.perf_counter() - t0:.1f} s; peak RSS while building "
        f"{peak_rss_mb():,.0f} MB)"
    )
    repeat = 3 if n > 10_000 else 20
    reset_peak()
    before = _status_mb("VmRSS")
    t_pipe = _best_of(lambda: pipeline(answers, offers), repeat)
    pipe_peak = peak_rss_mb()
    reset_peak()
    t_floor = _best_of(lambda: least_work_floor(answers), repeat)
    floor_peak = peak_rss_mb()
    res, gap, sup = pipeline(answers, offers)
    print(f"results rows: needs {len(res):,}, perception {len(gap)}, supply {len(sup)}")
    print(f"least-work floor (pivot, merge, 7 groupbys): {t_floor * 1000:,.0f} ms")
    print(f"pipeline (needs + perception + supply):      {t_pipe * 1000:,.0f} ms")
    print(f"ratio pipeline / floor: {t_pipe / t_floor:.2f}x")
    print(
        f"peak RSS with the input frame: pipeline {pipe_peak:,.0f} MB "
        f"(+{pipe_peak - before:,.0f} MB over the {before:,.0f} MB before it), "
        f"floor {floor_peak:,.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 420],
                        help="numbers of newcomers (default: 100000 420)")  # fmt: skip
    sizes = parser.parse_args().sizes
    for n in sizes:
        run(n)


if __name__ == "__main__":
    main()
