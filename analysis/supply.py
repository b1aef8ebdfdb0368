"""Supply gap: need prevalence per Stadtteil x area against the offers that can be reached.

Offers catalogue contract (one row per offer): offer_id, name, areas (list[str]), stadtteil
(one of the four Stadtteile, or "all"/"alle"/"online" = serves everyone), languages
(list[str] codes), times (list of "morning", "afternoon", "evening", "weekend"), cost
("free" < "low" < "fee"), childcare (bool), active (bool), since ("YYYY-MM" or None).

An offer is *accessible* for a Stadtteil and area when it is active, serves the area, is
located in that Stadtteil or serves everyone, and meets every filter given: at least one of
the requested ``languages``, at least one of the requested ``times``, cost at most
``max_cost``, childcare if ``childcare=True``. With ``group_var="language"`` the language
filter of each group is the group's own questionnaire language plus ``languages``.

Rows (indicator ``supply_gap``): one per Stadtteil (x group) x area with the newcomers'
need prevalence (rating >= 3, base as in :mod:`analysis.needs`), its Wilson CI, and extra
columns ``stadtteil``, ``subgroup``, ``n_offers_accessible``, ``covered`` (at least one
accessible offer), ``top_barriers`` (up to three barrier codes most often named by the
respondents in need in that cell, "; "-separated, most frequent first). Respondents without
a Stadtteil are used for suppression arithmetic only and not shown. Suppression: primary +
secondary over the Stadtteile (and groups) of each area; suppressed rows have no barriers.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.disclosure import MIN_CELL, apply_suppression
from analysis.estimate import (
    as_categorical,
    attach,
    choice_shares,
    combine_labels,
    group_labels,
    grouped_proportions,
    take_respondent_columns,
)
from analysis.needs import need_status
from analysis.results import MISSING_GROUP, TOTAL_GROUP_VAR, concat_results
from analysis.tidy import RECORD_KEY, SurveyData, choice_cells, matrix_long, prepare

SERVES_EVERYONE = frozenset({"all", "alle", "online"})
COST_LEVELS: tuple[str, ...] = ("free", "low", "fee")
BARRIERS: tuple[str, ...] = (
    "not_known",
    "language",
    "time",
    "cost",
    "distance",
    "childcare",
    "papers",
    "fear",
    "other",
)
OFFER_STATUSES: tuple[str, ...] = ("unknown", "known", "used_helped", "used_not_helped")
OFFER_COLUMNS: tuple[str, ...] = (
    "offer_id",
    "name",
    "areas",
    "stadtteil",
    "languages",
    "times",
    "cost",
    "childcare",
    "active",
)


class _StrSet(frozenset[str]):
    """A set of codes already parsed by :func:`_as_set`."""


def _as_set(v: object) -> frozenset[str]:
    if isinstance(v, _StrSet):
        return v
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return frozenset()
    if isinstance(v, str):
        return frozenset(s.strip() for s in v.replace(";", ",").split(",") if s.strip())
    return frozenset(str(s) for s in v)  # type: ignore[union-attr]


def accessible_offers(
    offers: pd.DataFrame,
    stadtteil: str | None = None,
    area: str | None = None,
    languages: Iterable[str] | None = None,
    times: Iterable[str] | None = None,
    max_cost: str | None = None,
    childcare: bool = False,
    active_only: bool = True,
) -> pd.DataFrame:
    """Offers meeting all given criteria (see module docstring); None = no filter."""
    missing = [c for c in OFFER_COLUMNS if c not in offers.columns]
    if missing:
        raise ValueError(f"offers frame lacks columns: {missing}")
    mask = np.ones(len(offers), dtype=bool)
    for i, row in enumerate(offers.itertuples(index=False)):
        mask[i] = _accessible(
            row._asdict(),
            stadtteil,
            area,
            None if languages is None else frozenset(languages),
            None if times is None else frozenset(times),
            max_cost,
            childcare,
            active_only,
        )
    return offers.loc[mask]


def _accessible(
    offer: dict,
    stadtteil: str | None,
    area: str | None,
    languages: frozenset[str] | None,
    times: frozenset[str] | None,
    max_cost: str | None,
    childcare: bool,
    active_only: bool,
) -> bool:
    if active_only and not bool(offer.get("active", True)):
        return False
    if area is not None and area not in _as_set(offer["areas"]):
        return False
    where = str(offer["stadtteil"]).strip().lower()
    if stadtteil is not None and where not in SERVES_EVERYONE and where != stadtteil:
        return False
    if languages is not None and not (_as_set(offer["languages"]) & languages):
        return False
    if times is not None and not (_as_set(offer["times"]) & times):
        return False
    if max_cost is not None:
        if max_cost not in COST_LEVELS:
            raise ValueError(f"max_cost must be one of {COST_LEVELS}")
        cost = str(offer["cost"])
        if cost not in COST_LEVELS or COST_LEVELS.index(cost) > COST_LEVELS.index(max_cost):
            return False
    return not (childcare and not bool(offer["childcare"]))


def supply_gap(
    data: SurveyData | pd.DataFrame,
    offers: pd.DataFrame,
    group_var: str | None = None,
    languages: Iterable[str] | None = None,
    times: Iterable[str] | None = None,
    max_cost: str | None = None,
    childcare: bool = False,
    areas: Iterable[str] | None = None,
    confidence: float = 0.95,
    min_cell: int = MIN_CELL,
    n_top_barriers: int = 3,
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Need prevalence per Stadtteil (x ``group_var``) x area vs accessible offers.

    See the module docstring for the row contract. Returns suppressed, redacted rows.
    """
    data = prepare(data, weights)
    status = need_status(data, "newcomer", areas)
    rpos = status["rpos"].to_numpy()
    taken = take_respondent_columns(
        data.respondents,
        rpos,
        ["stadtteil", *([group_var] if group_var else []), "weight", RECORD_KEY],
    )
    if group_var is not None and group_var not in taken and group_var not in status.columns:
        raise KeyError(f"unknown respondent attribute {group_var!r}")
    cell = as_categorical(taken["stadtteil"])  # type: ignore[arg-type]
    if group_var is not None:
        by = taken[group_var] if group_var in taken else status[group_var]
        cell = combine_labels(cell, group_labels(by))  # type: ignore[arg-type]
    gv_name = "stadtteil" if group_var is None else f"stadtteil|{group_var}"
    unit = pd.DataFrame(
        {"area": status["area"].array, "in_need": status["in_need"].to_numpy(), "_cell": cell}
        | {c: taken[c] for c in ("weight", RECORD_KEY) if c in taken}
    )
    res = grouped_proportions(
        unit, "in_need", "supply_gap", level="area", group_vars=["_cell"], confidence=confidence
    )
    res["group_var"] = np.where(res["group_var"] == TOTAL_GROUP_VAR, TOTAL_GROUP_VAR, gv_name)
    res = apply_suppression(res, min_cell=min_cell)
    groups = res["group"].to_numpy(dtype=object)
    res = res[(res["group_var"].to_numpy(dtype=object) == gv_name) & (groups != MISSING_GROUP)]
    groups = res["group"].to_numpy(dtype=object)
    levels = res["level"].to_numpy(dtype=object)
    parts = [str(g).split("|", 1) for g in groups]
    stadtteile = np.array([p[0] for p in parts], dtype=object)
    subgroups = np.array([p[1] if len(p) > 1 else None for p in parts], dtype=object)

    offer_rows = [_parsed(r._asdict()) for r in offers.itertuples(index=False)]
    base_lang = None if languages is None else frozenset(languages)
    time_set = None if times is None else frozenset(times)
    counts = []
    for st_, g, a in zip(stadtteile, subgroups, levels, strict=True):
        langs = base_lang
        if group_var == "language":
            langs = frozenset({g}) | (base_lang or frozenset())
        counts.append(
            sum(
                _accessible(o, st_, a, langs, time_set, max_cost, childcare, True)
                for o in offer_rows
            )
        )
    n_offers = np.asarray(counts, dtype=int)
    suppressed = res["suppressed"].to_numpy(dtype=bool)
    top = _top_barriers(data, status, rpos, cell, groups, levels, ~suppressed, n_top_barriers)
    res = res.assign(
        stadtteil=pd.Series(stadtteile, index=res.index, dtype=object),
        subgroup=(
            pd.Series(subgroups, index=res.index, dtype=object) if group_var is not None else ""
        ),
        n_offers_accessible=n_offers,
        covered=n_offers > 0,
        top_barriers=top,
    )
    return res.reset_index(drop=True)


def _parsed(offer: dict) -> dict:
    """An offer row with its list fields parsed once (see :func:`_as_set`)."""
    return offer | {k: _StrSet(_as_set(offer[k])) for k in ("areas", "languages", "times")}


def _top_barriers(
    data: SurveyData,
    status: pd.DataFrame,
    rpos: np.ndarray,
    cell: pd.Categorical,
    groups: np.ndarray,
    levels: np.ndarray,
    shown: np.ndarray,
    n_top: int,
) -> list[str]:
    """Per row (cell label in ``groups``, area in ``levels``): up to ``n_top`` barrier codes
    most often named by the newcomers in need in that cell ("; "-separated, most frequent
    first; "" where not ``shown`` or nobody in need named one)."""
    cell_codes = np.asarray(cell.codes, dtype=np.int64)
    need = np.flatnonzero((status["in_need"].to_numpy() == 1) & (cell_codes >= 0))
    out = [""] * len(groups)
    if not need.size:
        return out
    sel_rpos, sel_col, _, _ = choice_cells(data, "barriers", BARRIERS, "newcomer")
    chosen = np.zeros((len(data.respondents), len(BARRIERS)))
    chosen[sel_rpos, sel_col] = 1.0
    b = chosen[rpos[need]]
    area = status["area"].array
    n_areas = len(area.categories)
    key = cell_codes[need] * n_areas + np.asarray(area.codes, dtype=np.int64)[need]
    size = len(cell.categories) * n_areas
    cnt = np.bincount(key, minlength=size)
    sums = np.stack([np.bincount(key, b[:, j], size) for j in range(b.shape[1])], axis=1)
    row_cell = pd.Index(cell.categories).get_indexer(groups)
    row_area = pd.Index(area.categories).get_indexer(levels)
    for i in np.flatnonzero(shown & (row_cell >= 0) & (row_area >= 0)):
        k = row_cell[i] * n_areas + row_area[i]
        if cnt[k]:
            share = sums[k] / cnt[k]
            order = [j for j in np.argsort(-share, kind="stable") if share[j] > 0]
            out[i] = "; ".join(BARRIERS[j] for j in order[:n_top])
    return out


def uncovered_needs(gap: pd.DataFrame, min_prevalence: float = 0.0) -> pd.DataFrame:
    """ "Needs that no accessible offer covers": shown rows of :func:`supply_gap` with no
    accessible offer and prevalence >= ``min_prevalence`` (and > 0), largest first."""
    m = (~gap["suppressed"]) & (~gap["covered"]) & (gap["estimate"] >= min_prevalence)
    m &= gap["estimate"] > 0
    return gap[m].sort_values("estimate", ascending=False, kind="stable").reset_index(drop=True)


def barrier_shares(
    data: SurveyData | pd.DataFrame,
    group_vars: Iterable[str] = (),
    confidence: float = 0.95,
    base: str = "respondents",
) -> pd.DataFrame:
    """Share of newcomers naming each barrier (multiple choice), indicator ``barrier_share``.

    Base ``"respondents"``: all newcomers (a multiple-choice question without a selection
    cannot be told apart from a skipped one); ``"answered"``: newcomers naming >= 1 barrier.
    Unsuppressed rows.
    """
    data = prepare(data)
    return choice_shares(
        data,
        "barriers",
        BARRIERS,
        "newcomer",
        "barrier_share",
        "barrier",
        group_vars,
        confidence,
        base,
    )


def offer_awareness(
    data: SurveyData | pd.DataFrame,
    group_vars: Iterable[str] = (),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Shares of the ``offer`` answers per area: indicators ``offer_<status>_share``.

    Base: newcomers who answered the offer item for the area (it is only shown for areas
    rated >= 3). Unsuppressed rows.
    """
    data = prepare(data)
    m = matrix_long(data, "offer", audience="newcomer")
    m = m.rename(columns={"item": "area"})
    m = attach(m, data.respondents, [*group_vars, "weight", RECORD_KEY])
    parts = []
    for status in OFFER_STATUSES:
        m["y"] = (m["value"] == status).astype(float)
        parts.append(
            grouped_proportions(
                m,
                "y",
                f"offer_{status}_share",
                level="area",
                group_vars=list(group_vars),
                confidence=confidence,
            )
        )
    return concat_results(parts)
