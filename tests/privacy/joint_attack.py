"""A statistician's attacker: every published cell solved together (issue 23, part 5).

The suite in :mod:`tests.privacy.attacks` counts only values an attacker can be *certain*
of. An attacker does not need certainty. This one treats the published tables as noisy
linear observations of small unknown counts, solves them all at once by least squares with
the known noise distribution, and reads a posterior for every target (the statistical
offices measure disclosure risk the same way).

Model
-----
* **Cells.** A published cell counts a set of respondents (its *membership*) and shows the
  true count plus the cell-key noise of :mod:`analysis.disclosure`. The noise is a fixed
  function of the record set: the same set published twice is *one* observation (cells
  are deduplicated by record set). Two layers of cells:

  - ``count``: bases of shares and respondent counts, observed as y = |set| + e;
  - ``need_prevalence:<area>``: the in-need numerator of a share, recovered from a
    published share and its base as round(share x base). Its noise is keyed by the
    numerator's and the base's records; the attacker does not know who in the base is in
    need, so the numerator is written over the atoms of its *base* with an unknown in-need
    count per atom and area (one independent system per area).
* **Unknowns (atoms).** Within a layer, the respondents are split by their signature over
  every cell and every target of that layer; each atom's count (and, in a need layer, its
  number in need) is an unknown. The attacker is given which signatures exist at all -
  which combinations of attributes and answered areas occur - which only makes them
  stronger (fewer unknowns). The attacker is *not* given which combinations of need
  answers exist (that would give a single respondent's profile away by construction).
* **Noise.** e ~ N(0, sigma^2), sigma from :data:`analysis.disclosure.NOISE` (the
  discrete Gaussian is approximated by the continuous one), independent across record
  sets.
* **Posterior.** Flat prior: the posterior of a target c'x is normal with mean c'x^ (least
  squares on the deduplicated system: sparse A, normal equations A'A of atoms x atoms
  solved by Cholesky, or by an eigendecomposition where A'A is singular) and variance
  sigma^2 c'(A'A)^+ c. The target is *identifiable* when c lies in the row
  space of A; otherwise the attacker has no call. The target is an integer: the posterior
  of k is that normal density at the integers k >= 0, renormalised (for one route this is
  exactly P(noise = y - k) of the discrete Gaussian). The call is the most probable k, its
  probability P(call). (The mass of [k - 0.5, k + 0.5] instead would understate the
  attacker: for sd 0.5 it gives 0.68 where the integer posterior, and the measured exact
  rate, give 0.79.)

What else the attacker uses (each cheap, each only makes them stronger)
----------------------------------------------------------------------
* Counts are not negative (posterior truncated at 0).
* **Clipping.** A numerator is published clipped to 0 .. published base. A numerator
  shown as 0 or as its base is a censored observation (the latent count + noise is at most
  0, or at least the base): handled by EM for the censored normal (Tobit), and the
  posterior variance uses the censored observations' (smaller) Fisher information.
* **Suppression.** A hidden count cell says "true size below 5, or published size below
  5". For a ``count`` target whose own record set is a hidden cell, the posterior over k is
  multiplied by P(hidden | k) from the noise table (1 for k < 5, P(noise <= 4 - k)
  above). Suppression of other cells (and the order count <= base between a numerator and
  its base) is not used.
* The page's "breakdown not allowed" message (selection below 20) is not used.

Not covered: indicators other than ``need_prevalence`` and respondent counts (severe need,
"weiß nicht", top three, the supply and perception tables) are ignored - every one of them
would add observations, so the figures here are a lower bound of what the published
tables give away.
"""

from __future__ import annotations

import ctypes
import itertools
import time
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import linalg, sparse
from scipy.special import log_ndtr

from analysis import admin, needs, published
from analysis.disclosure import MIN_CELL, MIN_SELECTION, NOISE, apply_suppression
from analysis.results import MISSING_GROUP, TOTAL_GROUP, TOTAL_GROUP_VAR, filter_results
from analysis.subset import select_respondents
from analysis.tidy import SurveyData

ATTRIBUTES: tuple[str, ...] = ("wave", "language", "stadtteil", "german_level", "years_de",
                               "children")  # fmt: skip
"""Filters and breakdowns of the Bedarfe page (dashboard.labels.ATTRIBUTES)."""
INDICATOR = "need_prevalence"
COUNT = "count"
"""Layer of counted record sets (bases of shares, respondent counts)."""
SIGMA = float(np.sqrt(NOISE.variance))
CONFIDENT = 0.95
"""Posterior probability from which a call counts as confident."""
SMALL_SIZES: tuple[int, ...] = tuple(range(1, MIN_CELL))
TableSpec = tuple[Mapping[str, Sequence[object]] | None, pd.DataFrame]
"""(filters, published frame) as the :mod:`analysis.published` functions produce them."""


def need_layer(area: str) -> str:
    return f"{INDICATOR}:{area}"


def single_route_exact_rate() -> float:
    """Exact rate of one published route: P(noise = 0) of the noise table (0.399 for
    sigma = 1; the normal approximation P(|e| < 0.5) gives 0.383). The reference point of
    the goals: "exact recoveries no better than a single noisy route gives"."""
    d, p = NOISE.probabilities()
    return float(p[d == 0].sum())


# --------------------------------------------------------------------------- records


RECORDS = "_records"
"""Filter key of :meth:`Records.selection` for an explicit set of respondents."""


class Records:
    """Membership masks over the respondents of one :class:`SurveyData` (the attacker's
    coordinates; the truth of every target comes from here too)."""

    def __init__(self, data: SurveyData) -> None:
        self.data = data
        self.respondents = data.respondents
        self.n = len(self.respondents)
        self._labels: dict[str, np.ndarray] = {}
        st = needs.need_status(data, "newcomer")
        rpos = st["rpos"].to_numpy()
        area = st["area"].astype(str).to_numpy()
        in_need = st["in_need"].to_numpy(dtype=float)
        self.areas: list[str] = [str(a) for a in st["area"].cat.categories]
        self.in_base: dict[str, np.ndarray] = {}
        self.in_need: dict[str, np.ndarray] = {}
        for a in self.areas:
            sel = area == a
            base = np.zeros(self.n, dtype=bool)
            need = np.zeros(self.n, dtype=bool)
            ok = sel & ~np.isnan(in_need)
            base[rpos[ok]] = True
            need[rpos[ok & (in_need == 1)]] = True
            self.in_base[a], self.in_need[a] = base, need

    def labels(self, attr: str) -> np.ndarray:
        """The attribute as the tables label it: str of the value, "keine Angabe" where
        missing."""
        if attr not in self._labels:
            col = self.respondents[attr]
            values = col.astype(object).to_numpy()
            missing = col.isna().to_numpy()
            self._labels[attr] = np.array(
                [MISSING_GROUP if m else str(v) for v, m in zip(values, missing, strict=True)],
                dtype=object,
            )
        return self._labels[attr]

    def selection(
        self, filters: Mapping[str, Sequence[object] | None] | None, audience: str | None = None
    ) -> np.ndarray:
        """Mask of :func:`analysis.subset.select_respondents` (same semantics). The key
        :data:`RECORDS` takes a boolean mask of respondents (tables of an earlier release
        counted only those who had answered by then)."""
        mask = np.ones(self.n, dtype=bool)
        if audience is not None:
            mask &= self.labels("audience") == audience
        for attr, values in (filters or {}).items():
            if attr == RECORDS:
                mask &= np.asarray(values, dtype=bool)
                continue
            if not values:
                continue
            col = self.respondents[attr]
            wanted = {str(v) for v in values}
            mask &= col.notna().to_numpy() & np.isin(self.labels(attr), list(wanted))
        return mask

    def group(self, group_var: str, group: object) -> np.ndarray:
        if group_var == TOTAL_GROUP_VAR:
            return np.ones(self.n, dtype=bool)
        return self.labels(group_var) == str(group)


# ----------------------------------------------------------------------- cells, targets


@dataclass(frozen=True, eq=False)
class Cell:
    """One published number. ``mask``: the records it counts (for a numerator: in the base
    and in need); ``value``: published count, NaN where hidden; ``base``: for a numerator,
    its base's records (the attacker's coordinates of it); ``cap``: for a numerator, the
    published base it is clipped to; ``route``: None = the noise of the record set
    (deduplicated); any other value makes an independent observation (simulations)."""

    mask: np.ndarray
    value: float
    layer: str = COUNT
    base: np.ndarray | None = None
    cap: float = np.nan
    route: Hashable = None

    @property
    def support(self) -> np.ndarray:
        return self.mask if self.base is None else self.base


@dataclass(frozen=True, eq=False)
class Target:
    """What the attacker wants: the number of records in ``mask`` (truth), expressed over
    the layer's atoms by ``support`` (for an in-need count: the group's base)."""

    name: tuple
    kind: str
    mask: np.ndarray
    layer: str = COUNT
    base: np.ndarray | None = None

    @property
    def support(self) -> np.ndarray:
        return self.mask if self.base is None else self.base

    @property
    def truth(self) -> int:
        return int(self.mask.sum())


def cells_from_results(
    records: Records,
    filters: Mapping[str, Sequence[object] | None] | None,
    results: pd.DataFrame,
) -> list[Cell]:
    """Cells of the ``need_prevalence`` rows of a published results frame computed on the
    newcomers selected by ``filters``: per row the base (published n, layer ``count``) and
    the numerator round(estimate x n) (layer ``need_prevalence:<area>``). Hidden rows give
    hidden cells (value NaN). Other indicators are ignored."""
    rows = results[results["indicator"] == INDICATOR]
    if rows.empty:
        return []
    sel = records.selection(filters, audience="newcomer")
    out: list[Cell] = []
    groups: dict[tuple[str, str], np.ndarray] = {}
    n_pub = pd.to_numeric(rows["n"], errors="coerce").to_numpy(dtype=float)
    est = rows["estimate"].to_numpy(dtype=float)
    hidden = rows["suppressed"].to_numpy(dtype=bool) | np.isnan(n_pub) | np.isnan(est)
    for gv, g, area, n, p, h in zip(rows["group_var"], rows["group"], rows["level"], n_pub,
                                    est, hidden, strict=True):  # fmt: skip
        key = (str(gv), str(g))
        if key not in groups:
            groups[key] = sel & records.group(*key)
        base = groups[key] & records.in_base[str(area)]
        need = base & records.in_need[str(area)]
        value = np.nan if h else float(n)
        count = np.nan if h else float(np.round(p * n))
        out.append(Cell(base, value))
        out.append(Cell(need, count, need_layer(str(area)), base=base, cap=value))
    return out


def cells_from_counts(
    records: Records, filters: Mapping[str, Sequence[object] | None] | None, table: pd.DataFrame
) -> list[Cell]:
    """Cells of a respondent-count table (:func:`analysis.published.respondent_counts` of
    the respondents selected by ``filters``, all audiences unless ``filters`` has an
    "audience" entry): one ``count`` cell per row, the total row ("Gesamt") included."""
    by = [c for c in table.columns if c not in ("n", "suppressed")]
    sel = records.selection(filters)
    out = []
    for _, row in table.iterrows():
        mask = sel.copy()
        if not all(str(row[b]) == TOTAL_GROUP for b in by):
            for b in by:
                mask &= records.group(b, row[b])
        n = float(row["n"]) if not pd.isna(row["n"]) and not row["suppressed"] else np.nan
        out.append(Cell(mask, n))
    return out


def cells_from_table(
    records: Records, filters: Mapping[str, Sequence[object] | None] | None, frame: pd.DataFrame
) -> list[Cell]:
    """:func:`cells_from_results` for results frames, :func:`cells_from_counts` for
    respondent-count tables (frames without an ``indicator`` column)."""
    if frame.empty:
        return []
    if "indicator" in frame.columns:
        return cells_from_results(records, filters, frame)
    return cells_from_counts(records, filters, frame)


def small_group_targets(
    records: Records,
    attrs: Sequence[str] = ATTRIBUTES,
    sizes: Iterable[int] = SMALL_SIZES,
    kinds: Sequence[str] = ("n", "count"),
    depths: Sequence[int] = (2,),
) -> list[Target]:
    """Every group of ``sizes`` newcomers (1-4) of every cross of ``depths`` attributes of
    ``attrs`` (default: two-attribute crosses; 1: the groups of one attribute; "keine
    Angabe" is a level, as in the breakdowns), and per need area where someone of the group
    is in the base: the group's base (kind "n") and its number in need (kind "count"). A
    record set reached by several crosses is one target (first name kept)."""
    wanted = set(sizes)
    newcomer = records.selection(None, audience="newcomer")
    out: list[Target] = []
    seen: set[tuple[str, bytes]] = set()
    crosses = [c for d in depths for c in itertools.combinations(attrs, d)]
    for cross in crosses:
        labels = [records.labels(a) for a in cross]
        combos = pd.DataFrame({a: lab[newcomer] for a, lab in zip(cross, labels, strict=True)})
        for values, size in combos.value_counts().items():
            if size not in wanted:
                continue
            values = values if isinstance(values, tuple) else (values,)
            group = newcomer.copy()
            for lab, v in zip(labels, values, strict=True):
                group &= lab == v
            for area in records.areas:
                base = group & records.in_base[area]
                if not base.any():
                    continue
                pairs_ = zip(cross, map(str, values), strict=True)
                name = (*(x for pair in pairs_ for x in pair), area)
                if "n" in kinds and (COUNT, base.tobytes()) not in seen:
                    seen.add((COUNT, base.tobytes()))
                    out.append(Target(("n", *name), "n", base))
                layer = need_layer(area)
                if "count" in kinds and (layer, base.tobytes()) not in seen:
                    seen.add((layer, base.tobytes()))
                    need = base & records.in_need[area]
                    out.append(Target(("count", *name), "count", need, layer, base))
    return out


# ------------------------------------------------------------------------------- solve


@dataclass
class AttackReport:
    """Per target (``per_target``: name, kind, layer, truth, estimate, sd, call, p_call,
    identifiable, exact, confident, certain) and the aggregate figures."""

    per_target: pd.DataFrame
    observations: int
    atoms: int
    seconds: float
    single_route: float = field(default_factory=single_route_exact_rate)

    @property
    def targets(self) -> int:
        return len(self.per_target)

    @property
    def exact_rate(self) -> float:
        return float(self.per_target["exact"].mean()) if self.targets else float("nan")

    @property
    def confident_rate(self) -> float:
        return float(self.per_target["confident"].mean()) if self.targets else float("nan")

    @property
    def precision(self) -> float:
        """Share of confident calls that are right (NaN without confident calls)."""
        conf = self.per_target[self.per_target["confident"]]
        return float(conf["exact"].mean()) if len(conf) else float("nan")

    @property
    def identifiable_rate(self) -> float:
        return float(self.per_target["identifiable"].mean()) if self.targets else float("nan")

    @property
    def certain(self) -> int:
        """Targets pinned (posterior sd 0) by the published numbers."""
        return int(self.per_target["certain"].sum())

    def subset(self, mask: np.ndarray | pd.Series) -> AttackReport:
        rows = self.per_target[np.asarray(mask, dtype=bool)].reset_index(drop=True)
        return AttackReport(rows, self.observations, self.atoms, self.seconds, self.single_route)

    def of_targets(self, targets: Sequence[Target]) -> AttackReport:
        """The rows of ``targets`` (matched by layer and record set: a target that
        :func:`small_group_targets` merged into another name is found too)."""
        index = {(lay, rs): i for i, (lay, rs) in
                 enumerate(zip(self.per_target["layer"], self.per_target["record_set"],
                               strict=True))}  # fmt: skip
        rows = [index[(t.layer, np.packbits(t.support).tobytes())] for t in targets]
        picked = self.per_target.iloc[rows].reset_index(drop=True)
        picked["name"] = [t.name for t in targets]
        return AttackReport(picked, self.observations, self.atoms, self.seconds, self.single_route)

    def kind(self, kind: str) -> AttackReport:
        return self.subset(self.per_target["kind"] == kind)

    def summary(self, label: str = "") -> str:
        return (
            f"{label}: {self.targets} targets, {self.observations} observations, "
            f"{self.atoms} atoms, identifiable {self.identifiable_rate:.1%}, "
            f"exact {self.exact_rate:.1%} (one route: {self.single_route:.1%}), "
            f"confident {self.confident_rate:.1%}, precision {self.precision:.2%}, "
            f"certain {self.certain}, {self.seconds:.1f} s"
        )


def solve(cells: Sequence[Cell], targets: Sequence[Target], sigma: float = SIGMA) -> AttackReport:
    """The joint attack: all published ``cells`` at once, the posterior of each target
    (see the module doc)."""
    start = time.perf_counter()
    layers = sorted({c.layer for c in cells} | {t.layer for t in targets})
    frames, observations, atoms = [], 0, 0
    with _one_blas_thread():
        for layer in layers:
            lc = [c for c in cells if c.layer == layer]
            lt = [t for t in targets if t.layer == layer]
            if not lt:
                continue
            frame, m, k = _solve_layer(lc, lt, sigma, layer == COUNT)
            frames.append(frame)
            observations += m
            atoms += k
    order = {id(t): i for i, t in enumerate(targets)}
    per_target = pd.concat(frames, ignore_index=True) if frames else _empty_frame()
    per_target = per_target.sort_values("order", key=lambda s: s.map(order)).drop(columns="order")
    seconds = time.perf_counter() - start
    return AttackReport(per_target.reset_index(drop=True), observations, atoms, seconds)


_BLAS_THREADS = (
    ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
    ("scipy_openblas_get_num_threads", "scipy_openblas_set_num_threads"),
    ("openblas_get_num_threads", "openblas_set_num_threads"),
)


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """OpenBLAS (numpy's and scipy's) on one thread while solving: the systems are small
    (hundreds of atoms), and on a shared machine OpenBLAS's threads wait for each other -
    measured under load: a Cholesky of 350 atoms 0.35 s instead of 3 ms. The thread
    counts are restored afterwards; a no-op where no OpenBLAS is found (not Linux)."""
    restore = []
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({ln.split()[-1] for ln in maps if "openblas" in ln.lower()})
    except OSError:
        paths = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for getter, setter in _BLAS_THREADS:
            if hasattr(lib, getter) and hasattr(lib, setter):
                set_threads = getattr(lib, setter)
                set_threads.argtypes = [ctypes.c_int]
                restore.append((set_threads, int(getattr(lib, getter)())))
                set_threads(1)
                break
    try:
        yield
    finally:
        for set_threads, n in restore:
            set_threads(n)


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame(columns=["order", "name", "record_set", "kind", "layer", "truth",
                                 "estimate", "sd", "call", "p_call", "identifiable", "exact",
                                 "confident", "certain"])  # fmt: skip


def _distinct(cells: Sequence[Cell]) -> tuple[list[Cell], list[Cell]]:
    """(published, hidden) cells, one per noise (record set, or explicit route)."""
    shown: dict[tuple, Cell] = {}
    hidden: dict[tuple, Cell] = {}
    for c in cells:
        key = (np.packbits(c.support).tobytes(), c.route)
        if np.isnan(c.value):
            hidden.setdefault(key, c)
        else:
            shown.setdefault(key, c)
    return list(shown.values()), [c for k, c in hidden.items() if k not in shown]


def _solve_layer(
    cells: Sequence[Cell], targets: Sequence[Target], sigma: float, counts: bool
) -> tuple[pd.DataFrame, int, int]:
    shown, hidden = _distinct(cells)
    m, t = len(shown), len(targets)
    n_rec = targets[0].support.size
    obs = np.array([c.support for c in shown], dtype=bool).reshape(m, n_rec)
    tsup = np.array([x.support for x in targets], dtype=bool).reshape(t, n_rec)
    y = np.array([c.value for c in shown], dtype=float)
    cap = np.array([c.cap for c in shown], dtype=float)
    # atoms: respondents with the same signature over every cell and target of the layer
    cols = np.flatnonzero(obs.any(axis=0) | tsup.any(axis=0))
    weights = np.random.default_rng(0).integers(1, 2**63, size=m + t, dtype=np.uint64)
    stacked = np.concatenate([obs[:, cols], tsup[:, cols]]).astype(np.uint64)
    sig = weights @ stacked if cols.size else np.zeros(0, dtype=np.uint64)
    _, rep = np.unique(sig, return_index=True)
    k = rep.size
    a = sparse.csr_matrix(obs[:, cols[rep]].astype(float))
    c = tsup[:, cols[rep]].astype(float)
    lower = (y <= 0) if not counts else np.zeros(m, dtype=bool)
    upper = (~np.isnan(cap)) & (y >= cap) & ~lower
    mean, var, ident = _posterior(a, y, lower, upper, cap, c, sigma)
    truth = np.array([x.truth for x in targets])
    hidden_sets = {np.packbits(h.support).tobytes() for h in hidden} if counts else set()
    suppressed = np.array([np.packbits(x.support).tobytes() in hidden_sets for x in targets])
    structural = ~c.any(axis=1)
    call, p_call = _integer_posterior(mean, np.sqrt(np.maximum(var, 0.0)), suppressed)
    sd = np.sqrt(np.maximum(var, 0.0))
    call = np.where(ident, call, np.nan)
    p_call = np.where(ident, p_call, 0.0)
    frame = pd.DataFrame(
        {
            "order": [id(x) for x in targets],
            "name": [x.name for x in targets],
            "record_set": [np.packbits(x.support).tobytes() for x in targets],
            "kind": [x.kind for x in targets],
            "layer": [x.layer for x in targets],
            "truth": truth,
            "estimate": np.where(ident, mean, np.nan),
            "sd": np.where(ident, sd, np.inf),
            "call": call,
            "p_call": p_call,
            "identifiable": ident,
            "exact": call == truth,
            "confident": p_call >= CONFIDENT,
            "certain": ident & (sd < 1e-9) & ~structural,
            "suppressed_cell": suppressed,
            "structural": structural,
        }
    )
    return frame, m, k


class _Gram:
    """(A'WA)^+ of one layer: a Cholesky factor where A has full column rank (the usual
    case, fast), else an eigendecomposition (row space, pseudo-inverse)."""

    def __init__(self, gram: np.ndarray) -> None:
        self.chol: tuple[np.ndarray, bool] | None = None
        # numerical rank: a zero eigenvalue (or Cholesky pivot) comes out of rounding at
        # about k * eps * |G|; anything above that is information, however little
        tol = max(float(np.max(np.diag(gram))), 1e-12) * gram.shape[0] * 100 * np.finfo(float).eps
        try:
            chol = linalg.cho_factor(gram, lower=True, check_finite=False)
            if float(np.min(np.diag(chol[0])) ** 2) > tol:
                self.chol = chol
        except linalg.LinAlgError:
            pass
        if self.chol is None:
            lam, vec = np.linalg.eigh(gram)
            keep = lam > tol
            self.vr, self.lr = vec[:, keep], lam[keep]

    def solve(self, v: np.ndarray) -> np.ndarray:
        """G^+ v (columns of ``v``)."""
        if self.chol is not None:
            return linalg.cho_solve(self.chol, v, check_finite=False)
        w = self.vr.T @ v
        return self.vr @ (w / (self.lr if w.ndim == 1 else self.lr[:, None]))

    def in_row_space(self, c: np.ndarray) -> np.ndarray:
        if self.chol is not None:
            return np.ones(c.shape[0], dtype=bool)
        resid = np.linalg.norm(c - (c @ self.vr) @ self.vr.T, axis=1)
        return resid <= 1e-6 * np.maximum(1.0, np.linalg.norm(c, axis=1))

    def quadratic(self, c: np.ndarray) -> np.ndarray:
        """c' G^+ c for each row c of ``c``."""
        if self.chol is not None:
            return np.sum(c * self.solve(c.T).T, axis=1)
        proj = c @ self.vr
        return np.sum(proj * proj / self.lr, axis=1)


def _posterior(
    a: sparse.csr_matrix,
    y: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    cap: np.ndarray,
    c: np.ndarray,
    sigma: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posterior mean and variance of c'x and whether c is in the row space of ``a``.
    Censored rows (``lower``: latent <= 0, ``upper``: latent >= cap) by EM; their Fisher
    information enters the variance."""
    k = a.shape[1]
    if a.shape[0] == 0 or k == 0:
        t = c.shape[0]
        empty = ~c.any(axis=1) if k else np.ones(t, dtype=bool)
        return np.zeros(t), np.where(empty, 0.0, np.inf), empty
    gram = _Gram((a.T @ a).toarray())
    ident = gram.in_row_space(c)
    at = a.T.tocsr()
    x = gram.solve(at @ y)
    censored = lower | upper
    if censored.any():
        ac = a[censored]
        lo_c = lower[censored]
        bound = np.where(lo_c, 0.5, cap[censored] - 0.5)
        for _ in range(200):
            mu = ac @ x
            # z: standardised distance from the mean to the edge of the censored region
            z = np.where(lo_c, (bound - mu) / sigma, (mu - bound) / sigma)
            ratio = np.exp(-0.5 * z * z - 0.5 * np.log(2 * np.pi) - log_ndtr(z))
            y_star = y.copy()
            y_star[censored] = np.where(lo_c, mu - sigma * ratio, mu + sigma * ratio)
            x_new = gram.solve(at @ y_star)
            done = np.max(np.abs(x_new - x)) < 1e-7
            x = x_new
            if done:
                break
        info = np.ones(y.size)
        info[censored] = ratio * (ratio + z)  # Fisher information of a censored normal
        gram = _Gram((at @ sparse.diags(info) @ a).toarray())
    return c @ x, sigma**2 * gram.quadratic(c), ident


def _suppression_likelihood(k: np.ndarray) -> np.ndarray:
    """P(a count cell of true size k is hidden): 1 below MIN_CELL, else P(k + d < 5)."""
    d, p = NOISE.probabilities()
    cdf = np.cumsum(p)
    idx = np.searchsorted(d, MIN_CELL - 1 - k, side="right") - 1  # P(d <= 4 - k)
    return np.where(k < MIN_CELL, 1.0, np.where(idx >= 0, cdf[np.maximum(idx, 0)], 0.0))


def _integer_posterior(
    mean: np.ndarray, sd: np.ndarray, suppressed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(most probable integer >= 0, its posterior probability): the density of
    N(mean, sd^2) at the integers >= 0, times the suppression likelihood where the target
    is a hidden cell, renormalised."""
    calls = np.zeros(mean.size)
    probs = np.zeros(mean.size)
    for i, (mu, s, sup) in enumerate(zip(mean, sd, suppressed, strict=True)):
        if not np.isfinite(mu) or not np.isfinite(s):
            calls[i], probs[i] = np.nan, 0.0
            continue
        if s < 1e-9:
            calls[i], probs[i] = max(0.0, float(np.round(mu))), 1.0
            continue
        lo = max(0, int(np.floor(mu - 9 * s)))
        hi = max(lo, int(np.ceil(mu + 9 * s)))
        if hi - lo > 2000:  # no information worth the name
            calls[i], probs[i] = max(0.0, float(np.round(mu))), 0.0
            continue
        ks = np.arange(lo, hi + 1)
        mass = np.exp(-0.5 * ((ks - mu) / s) ** 2)
        if sup:
            mass = mass * _suppression_likelihood(ks)
        total = mass.sum()
        if total <= 0:
            calls[i], probs[i] = float(max(0, round(mu))), 0.0
            continue
        j = int(np.argmax(mass))
        calls[i], probs[i] = float(ks[j]), float(mass[j] / total)
    return calls, probs


# ------------------------------------------------------------------ published tables


def attack_tables(
    data: SurveyData, tables: Sequence[TableSpec], targets: Sequence[Target] | None = None
) -> AttackReport:
    """The joint attack on published tables: ``tables`` are (filters, frame) pairs as
    :mod:`analysis.published` produces them - results frames (their ``need_prevalence``
    rows, computed on the newcomers selected by ``filters``; other indicators are ignored)
    or respondent-count tables (:func:`analysis.published.respondent_counts` of the
    respondents selected by ``filters``). ``targets``: default every small group of
    :func:`small_group_targets` (groups of 1-4 newcomers of every two-attribute cross)."""
    records = Records(data)
    cells = [c for filters, frame in tables for c in cells_from_table(records, filters, frame)]
    return solve(cells, small_group_targets(records) if targets is None else targets)


# ---------------------------------------------------------------- the flexible explorer


def filter_options(data: SurveyData, attrs: Sequence[str] = ATTRIBUTES) -> dict[str, list[str]]:
    """The options of the Bedarfe page's multiselects: the newcomers' values, sorted."""
    resp = data.respondents
    mine = resp[resp["audience"].astype(str) == "newcomer"]
    return {a: sorted(str(v) for v in mine[a].dropna().unique()) for a in attrs}


def explorer_views(
    data: SurveyData, n_views: int, rng: np.random.Generator, attrs: Sequence[str] = ATTRIBUTES
) -> list[tuple[dict[str, list[str]], str | None]]:
    """``n_views`` distinct views of the Bedarfe page as a viewer clicks them: a selection
    (multiselect filters on up to two attributes, each option chosen with probability 1/2,
    at least one), then every entry of the breakdown menu for it (none, each attribute)."""
    options = filter_options(data, attrs)
    views: dict[tuple, tuple[dict[str, list[str]], str | None]] = {}
    for _ in range(50 * n_views):
        if len(views) >= n_views:
            break
        k = int(rng.integers(0, 3))
        chosen = sorted(rng.choice(len(attrs), size=k, replace=False).tolist())
        filters: dict[str, list[str]] = {}
        for i in chosen:
            opts = options[attrs[i]]
            pick = [o for o in opts if rng.random() < 0.5] or [opts[int(rng.integers(len(opts)))]]
            filters[attrs[i]] = pick
        for breakdown in (None, *attrs):
            key = (tuple((a, tuple(v)) for a, v in filters.items()), breakdown)
            if len(views) < n_views:
                views.setdefault(key, (filters, breakdown))
    return list(views.values())


def page_rows(
    data: SurveyData, filters: Mapping[str, Sequence[object]], breakdown: str | None
) -> pd.DataFrame:
    """The rows the Bedarfe page shows (and lets download) for need prevalence: exactly
    ``published.needs_view(...)`` filtered as ``dashboard/pages/needs.py`` filters it
    (the breakdown's rows where the breakdown is allowed, else the totals)."""
    view = published.needs_view(data, dict(filters), breakdown)
    shown = breakdown if breakdown and view.breakdown_allowed else TOTAL_GROUP_VAR
    return filter_results(view.results, indicator=INDICATOR, group_var=shown)


def page_rows_fast(
    data: SurveyData, filters: Mapping[str, Sequence[object]], breakdowns: Sequence[str | None]
) -> list[pd.DataFrame]:
    """:func:`page_rows` of one selection for several breakdowns at once, without what
    the page computes besides (top three, ranks, the tests between groups): the same
    published numbers - every cell's value is a function of its records only - in a
    fraction of the time (``test_joint_attack`` checks that both agree)."""
    sub = select_respondents(data, dict(filters), audience="newcomer")
    allowed = published.selection_size(sub) >= MIN_SELECTION
    gv = [b for b in dict.fromkeys(breakdowns) if b is not None] if allowed else []
    res = apply_suppression(needs.prevalence(sub, "newcomer", gv, kinds=("prevalence",)))
    res = res[res["indicator"] == INDICATOR]
    out = []
    for b in breakdowns:
        shown = b if b is not None and allowed else TOTAL_GROUP_VAR
        out.append(res[res["group_var"] == shown].reset_index(drop=True))
    return out


def explorer_tables(
    data: SurveyData, n_views: int, rng: np.random.Generator, fast: bool = True
) -> list[TableSpec]:
    """(filters, page rows) of :func:`explorer_views`; ``fast``: :func:`page_rows_fast`
    (each selection computed once for all its breakdowns), else :func:`page_rows`."""
    views = explorer_views(data, n_views, rng)
    if not fast:
        return [(f, page_rows(data, f, b)) for f, b in views]
    by_selection: dict[tuple, list[tuple[dict[str, list[str]], str | None]]] = {}
    for f, b in views:
        by_selection.setdefault(tuple((a, tuple(v)) for a, v in f.items()), []).append((f, b))
    tables: list[TableSpec] = []
    for group in by_selection.values():
        frames = page_rows_fast(data, group[0][0], [b for _, b in group])
        tables += [(f, frame) for (f, _), frame in zip(group, frames, strict=True)]
    return tables


def explorer_cells(
    data: SurveyData, n_views: int, rng: np.random.Generator, fast: bool = True
) -> list[Cell]:
    """The published cells of ``n_views`` views of today's Bedarfe page."""
    records = Records(data)
    return [c for f, frame in explorer_tables(data, n_views, rng, fast)
            for c in cells_from_table(records, f, frame)]  # fmt: skip


def explorer_attack(
    data: SurveyData,
    n_views: int,
    rng: np.random.Generator,
    targets: Sequence[Target] | None = None,
    fast: bool = True,
) -> AttackReport:
    """The joint attack on ``n_views`` views of the Bedarfe page (see
    :func:`attack_tables`)."""
    return attack_tables(data, explorer_tables(data, n_views, rng, fast), targets)


# ------------------------------------------------------------ administration ratings


@dataclass(frozen=True)
class RatingRecovery:
    """Ratings recovered from two published administration views: one row per
    (indicator, service) whose true n grew by exactly one, with the recovered
    ``rating`` = n_after x mean_after - n_before x mean_before; ``exact``: the arithmetic
    gives an integer 1-5 (no noise: the attacker knows it is the new rating)."""

    ratings: pd.DataFrame

    @property
    def recovered(self) -> int:
        return int(self.ratings["exact"].sum()) if len(self.ratings) else 0


def before_after_rating_attack(
    view_before: admin.IPGrid | pd.DataFrame, view_after: admin.IPGrid | pd.DataFrame
) -> RatingRecovery:
    """The before/after attack on two published administration views (an
    :class:`analysis.admin.IPGrid` or its results frame): where a service's published n
    grew by one, n x mean (after) - (n - 1) x mean (before) is the new response's rating.
    Works on any pair of outputs that show a mean with its n (hidden rows are skipped)."""
    before = view_before.results if isinstance(view_before, admin.IPGrid) else view_before
    after = view_after.results if isinstance(view_after, admin.IPGrid) else view_after
    keys = ["indicator", "group_var", "group", "level"]
    both = before.merge(after, on=keys, suffixes=("_before", "_after"))
    n_b = pd.to_numeric(both["n_before"], errors="coerce").to_numpy(dtype=float)
    n_a = pd.to_numeric(both["n_after"], errors="coerce").to_numpy(dtype=float)
    m_b = both["estimate_before"].to_numpy(dtype=float)
    m_a = both["estimate_after"].to_numpy(dtype=float)
    one_more = (n_a - n_b == 1) & np.isfinite(m_a) & np.isfinite(m_b)
    rating = n_a * m_a - n_b * m_b
    exact = one_more & (np.abs(rating - np.round(rating)) < 1e-6) & (np.round(rating) >= 1)
    exact &= np.round(rating) <= 5
    out = both.loc[one_more, keys].reset_index(drop=True)
    out["rating"] = np.round(rating[one_more], 6)
    out["exact"] = exact[one_more]
    return RatingRecovery(out)
