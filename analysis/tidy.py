"""Turn the raw long answers frame into a respondent frame and per-question frames.

Input contract (``answers``, one row per answer; see the project brief):
``response_id`` (str), ``campaign`` (str), ``wave`` (int), ``audience`` ("newcomer" |
"volunteer" | "administration"), ``language`` (str), ``mode`` ("online" | "assisted" |
"paper"), ``question_id`` (str), ``item`` (str, "" when none), ``value`` (str or None),
``text`` (str or None). Multiple choice: one row per selected option. Ranking: item
"1".."3", value = area code. Matrix: item = row code, value = option code.

:func:`prepare` splits the frame once by question (fast for large frames) and returns a
:class:`SurveyData` that every analysis function accepts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.bases import AreaBase, applies_column, default_base

ANSWER_COLUMNS: tuple[str, ...] = (
    "response_id",
    "campaign",
    "wave",
    "audience",
    "language",
    "mode",
    "question_id",
    "item",
    "value",
    "text",
)
RESPONSE_COLUMNS: tuple[str, ...] = ("campaign", "wave", "audience", "language", "mode")
OPTIONAL_RESPONSE_COLUMNS: tuple[str, ...] = ("month",)
"""Response-level columns the storage layer adds (the coarse month of the answer); kept as
respondent columns when present."""
ATTRIBUTE_QUESTIONS: tuple[str, ...] = (
    "stadtteil",
    "german_level",
    "years_de",
    "children",
    "origin_region",
    "age_band",
    "gender",
)
NEED_AREAS: tuple[str, ...] = (
    "language",
    "work",
    "education",
    "childcare",
    "housing",
    "health",
    "authorities",
    "money",
    "mobility",
    "leisure",
    "belonging",
    "information",
    "family",
)
ADMIN_ONLY_AREAS: tuple[str, ...] = ("opening",)
AUDIENCES: tuple[str, ...] = ("newcomer", "volunteer", "administration")


def validate_answers(answers: pd.DataFrame) -> None:
    """Raise ValueError when ``answers`` lacks a contract column."""
    missing = [c for c in ANSWER_COLUMNS if c not in answers.columns]
    if missing:
        raise ValueError(f"answers frame lacks columns: {missing}")


RECORD_KEY = "record_key"
"""Optional answers/respondent column: the response's random key for the cell-key method
(:mod:`analysis.protection`). Responses without one get a random key in :func:`prepare`."""
RECORD_KEY_RANGE = 2**31


@dataclass
class SurveyData:
    """Respondent frame plus answers split by question.

    ``respondents``: index ``response_id``; columns campaign, wave, audience, language,
    mode, one column per attribute question (categoricals of str codes, NaN = not
    answered), ``weight`` (float, 1.0 unless given), ``record_key`` (int64).
    ``questions``: question_id -> frame with columns ``response_id`` (categorical whose
    categories are the respondents' ids), ``item`` and ``value`` (categoricals of str),
    ``text`` (object) and ``rpos`` (int64 position of the respondent in ``respondents``).
    Positions make joins with respondent columns plain array indexing.
    """

    respondents: pd.DataFrame
    questions: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    bases: Mapping[str, AreaBase] = field(default_factory=dict)
    """Declared base per need area (:mod:`analysis.bases`); absent areas: the default."""
    cache: dict[object, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)
    """Derived frames (e.g. need status per audience); treat cached frames as read-only."""

    def base(self, area: str) -> AreaBase:
        """The declared base of ``area`` (the default where none is declared)."""
        return self.bases.get(area) or default_base(area)

    def question(self, question_id: str) -> pd.DataFrame:
        """Rows of one question (empty frame with the right columns when absent)."""
        q = self.questions.get(question_id)
        if q is None:
            return _empty_question(self.respondents.index)
        return q

    def audience_mask(self, audience: str | None) -> np.ndarray:
        """Boolean array over respondents: True for ``audience`` (all when None)."""
        key = ("audience_mask", audience)
        if key not in self.cache:
            resp = self.respondents
            if audience is None:
                mask = np.ones(len(resp), dtype=bool)
            elif isinstance(resp["audience"].dtype, pd.CategoricalDtype):
                cat = resp["audience"].array
                found = cat.categories.get_indexer([audience])[0]
                mask = (cat.codes == found) & (found >= 0)
            else:
                mask = (resp["audience"].astype(object) == audience).to_numpy(dtype=bool)
            self.cache[key] = mask  # type: ignore[assignment]
        return self.cache[key]  # type: ignore[return-value]

    def with_weights(self, weights: pd.Series) -> SurveyData:
        """Copy with ``respondents["weight"]`` replaced (aligned on response_id; missing -> 1)."""
        resp = self.respondents.copy()
        resp["weight"] = weights.reindex(resp.index).fillna(1.0).astype(float)
        return SurveyData(resp, self.questions, self.bases)


_QCOLS = ("response_id", "item", "value", "text")


def _empty_question(ids: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "response_id": pd.Categorical([], categories=ids),
            "item": pd.Categorical([], categories=[]),
            "value": pd.Categorical([], categories=[]),
            "text": pd.Series([], dtype=object),
            "rpos": np.zeros(0, dtype=np.int64),
        }
    )


def _str_categories(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes (-1 = missing) and unique values as strings, in order of appearance."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if isinstance(uniques.dtype, pd.StringDtype):  # already str: no per-value conversion
        cats = pd.Index(uniques.to_numpy(dtype=object), dtype=object)
    else:
        cats = pd.Index([str(u) for u in uniques], dtype=object)
    if cats.has_duplicates:  # e.g. 1 and "1" in one column: merge them
        canon, cats_u = pd.factorize(cats)
        codes = np.where(codes >= 0, canon[np.maximum(codes, 0)], -1)
        cats = pd.Index(cats_u, dtype=object)
    return codes.astype(np.int64), cats


def prepare(
    answers: pd.DataFrame | SurveyData,
    weights: pd.Series | None = None,
    attributes: Iterable[str] = ATTRIBUTE_QUESTIONS,
    bases: Mapping[str, AreaBase] | None = None,
    applies: pd.DataFrame | None = None,
) -> SurveyData:
    """Build :class:`SurveyData` from the long answers frame (idempotent on SurveyData).

    ``weights``: optional Series indexed by response_id (default weight 1.0).
    Attribute questions (single choice) become respondent columns; a respondent who
    answered an attribute twice keeps the last row. The frame is factorised once (ids,
    questions, items, values as integer codes), so later steps work on arrays.
    ``bases``: declared base per need area; ``applies``: bool frame (index response_id, one
    column per restricted area) saying to whom a restricted area applies - stored as
    respondent columns ``applies_<area>`` (missing respondents: False). Build both with
    :func:`surveys.questionnaire.need_bases.survey_data`.
    """
    if isinstance(answers, SurveyData):
        if bases is not None or applies is not None:
            raise ValueError("bases belong to prepare() of an answers frame")
        return answers if weights is None else answers.with_weights(weights)
    validate_answers(answers)
    n_rows = len(answers)
    rcodes, rids = _str_categories(answers["response_id"])
    n_resp = len(rids)
    first = np.empty(n_resp, dtype=np.int64)
    first[rcodes[::-1]] = np.arange(n_rows - 1, -1, -1, dtype=np.int64)
    index = pd.Index(rids, name="response_id", dtype=object)
    columns: dict[str, object] = {}
    for c in (*RESPONSE_COLUMNS, *OPTIONAL_RESPONSE_COLUMNS):
        if c not in answers.columns:
            continue
        col = answers[c]
        if c != "wave" and isinstance(col.dtype, pd.StringDtype):
            columns[c] = pd.Categorical(col.array.take(first))  # what the storage returns
        else:
            values = pd.Series(col.take(first).to_numpy(), index=index)
            columns[c] = values if c == "wave" else pd.Categorical(values)
    qcodes, qids = _str_categories(answers["question_id"])
    icodes, items = _str_categories(answers["item"].fillna(""))
    vcodes, values = _str_categories(answers["value"])
    order = np.argsort(qcodes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(qcodes, minlength=len(qids)))])
    rows_of = {str(qid): order[bounds[k] : bounds[k + 1]] for k, qid in enumerate(qids)}
    for attr in attributes:
        idx = rows_of.get(attr)
        codes = np.full(n_resp, -1, dtype=np.int64)
        if idx is None:
            columns[attr] = pd.Categorical.from_codes(codes, categories=[])
            continue
        codes[rcodes[idx]] = vcodes[idx]  # last answer wins
        columns[attr] = _sorted_categorical(codes, values)
    columns["weight"] = np.ones(n_resp)
    columns[RECORD_KEY] = _record_keys(answers, first, n_resp)
    declared = dict(bases or {})
    for area, base in declared.items():
        if base.restricted:
            col = applies[area] if applies is not None and area in applies.columns else None
            columns[applies_column(area)] = (
                np.zeros(n_resp, dtype=bool)
                if col is None
                else col.reindex(index).fillna(False).to_numpy(dtype=bool)
            )
    resp = pd.DataFrame(columns, index=index)
    text = answers["text"].to_numpy(dtype=object)
    parts = {
        qid: (rcodes[idx], _compact(icodes[idx], len(items)), _compact(vcodes[idx], len(values)),
              text[idx])
        for qid, idx in rows_of.items()
    }  # fmt: skip
    questions = _Questions(parts, pd.CategoricalDtype(index), items, values)
    data = SurveyData(resp, questions, declared)
    return data if weights is None else data.with_weights(weights)


_Codes = tuple[np.ndarray, np.ndarray]
"""Codes into the used categories and the used categories' positions (:func:`_compact`)."""


class _Questions(Mapping[str, pd.DataFrame]):
    """question_id -> rows of that question (see :class:`SurveyData`), each frame built on
    first access from the arrays :func:`prepare` split off: an analysis reads a few of the
    questions, and a frame costs a fraction of a millisecond to build. Read-only; copies
    and pickles are plain dicts."""

    def __init__(
        self,
        parts: dict[str, tuple[np.ndarray, _Codes, _Codes, np.ndarray]],
        id_dtype: pd.CategoricalDtype,
        items: pd.Index,
        values: pd.Index,
    ) -> None:
        self._keys = list(parts)
        self._parts = parts
        self._frames: dict[str, pd.DataFrame] = {}
        self._lock = threading.Lock()
        self._id_dtype, self._items, self._values = id_dtype, items, values

    def __getitem__(self, question_id: str) -> pd.DataFrame:
        frame = self._frames.get(question_id)
        if frame is None:
            with self._lock:
                frame = self._frames.get(question_id)
                if frame is None:
                    r, i, v, t = self._parts.pop(question_id)  # KeyError when absent
                    frame = pd.DataFrame(
                        {
                            "response_id": pd.Categorical.from_codes(r, dtype=self._id_dtype),
                            "item": pd.Categorical.from_codes(i[0], self._items[i[1]]),
                            "value": pd.Categorical.from_codes(v[0], self._values[v[1]]),
                            "text": t,
                            "rpos": r,
                        }
                    )
                    self._frames[question_id] = frame
        return frame

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._frames or question_id in self._parts

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __reduce__(self) -> tuple[type, tuple[dict[str, pd.DataFrame]]]:
        return (dict, (dict(self.items()),))


def _sorted_categorical(codes: np.ndarray, categories: pd.Index) -> pd.Categorical:
    """Categorical of the used categories only, sorted (codes remapped with numpy: pandas'
    reorder/remove_unused cost milliseconds per call on small data)."""
    used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(categories)))
    labels = np.asarray(categories, dtype=object)[used]
    order = np.argsort(labels.astype(str), kind="stable")
    remap = np.full(len(categories) + 1, -1, dtype=np.int64)
    remap[used[order]] = np.arange(used.size)
    return pd.Categorical.from_codes(
        remap[codes], dtype=pd.CategoricalDtype(pd.Index(labels[order], dtype=object))
    )


def _compact(codes: np.ndarray, n_categories: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes into the used categories only (in order of appearance), as the smallest
    integer type (what a Categorical stores), and the positions of the used categories."""
    used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=n_categories))
    dtype = np.int8 if used.size < 127 else np.int16 if used.size < 32767 else np.int32
    remap = np.full(n_categories + 1, -1, dtype=dtype)
    remap[used] = np.arange(used.size)
    return remap[codes], used


def _record_keys(answers: pd.DataFrame, first: np.ndarray, n_resp: int) -> np.ndarray:
    if RECORD_KEY in answers.columns:
        keys = pd.to_numeric(answers[RECORD_KEY].take(first), errors="coerce").to_numpy(float)
        if not np.isnan(keys).any():
            return keys.astype(np.int64) % RECORD_KEY_RANGE
    # Frames without keys (tests, benchmarks, imports): random keys, never from the ids.
    return np.random.default_rng().integers(0, RECORD_KEY_RANGE, n_resp, dtype=np.int64)


def _last_per_key(key: np.ndarray) -> np.ndarray:
    """Positions of the last row for each distinct non-negative integer ``key``, in row
    order (all positions when the keys are unique, the usual case: checked with one
    ``bincount`` instead of a sort)."""
    if key.size == 0:
        return np.zeros(0, dtype=np.int64)
    size = int(key.max()) + 1
    if size <= 8 * key.size + 1024:
        if np.bincount(key, minlength=size).max() <= 1:
            return np.arange(key.size)
        last = np.full(size, -1, dtype=np.int64)
        np.maximum.at(last, key, np.arange(key.size))
        return np.sort(last[last >= 0])
    rev = key[::-1]
    _, first_rev = np.unique(rev, return_index=True)
    return np.sort(key.size - 1 - first_rev)


def matrix_long(data: SurveyData, question_id: str, audience: str | None = None) -> pd.DataFrame:
    """Matrix answers, one row per (response_id, item): columns response_id, item, value,
    rpos.

    Rows without a value are dropped; duplicates keep the last answer. Optionally restricted
    to one ``audience``.
    """
    q, rows = matrix_rows(data, question_id, audience)
    out = q.iloc[rows][["response_id", "item", "value", "rpos"]]
    return out.reset_index(drop=True)


def matrix_rows(
    data: SurveyData, question_id: str, audience: str | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """The question's rows (:meth:`SurveyData.question`) and the positions of those that
    :func:`matrix_long` keeps, in order (for callers that work on the arrays)."""
    q = data.question(question_id)
    rpos = q["rpos"].to_numpy()
    keep = (q["value"].array.codes >= 0) & data.audience_mask(audience)[rpos]
    item_codes = q["item"].array.codes.astype(np.int64)
    n_items = max(len(q["item"].array.categories), 1)
    rows = np.flatnonzero(keep)
    return q, rows[_last_per_key(rpos[rows] * n_items + item_codes[rows])]


def multiple_choice(
    data: SurveyData,
    question_id: str,
    options: Iterable[str] | None = None,
    audience: str | None = None,
    base: str = "respondents",
) -> pd.DataFrame:
    """0/1 matrix (index response_id, one column per option) of a multiple-choice question.

    ``base="respondents"``: every respondent of the audience is a row (no selection = all 0);
    ``base="answered"``: only respondents who selected at least one option. ``options`` fixes
    the columns (default: the options seen).
    """
    if base not in ("respondents", "answered"):
        raise ValueError("base must be 'respondents' or 'answered'")
    resp = data.respondents
    sel_rpos, sel_col, opts, answered = choice_cells(data, question_id, options, audience)
    if base == "respondents":
        members = np.flatnonzero(data.audience_mask(audience))
    else:
        members = np.unique(answered)
    row_of = np.full(len(resp), -1, dtype=np.int64)
    row_of[members] = np.arange(members.size)
    arr = np.zeros((members.size, len(opts)), dtype=np.int8)
    arr[row_of[sel_rpos], sel_col] = 1
    out = pd.DataFrame(arr, index=resp.index[members], columns=opts)
    out.index.name = "response_id"
    return out


def choice_cells(
    data: SurveyData,
    question_id: str,
    options: Iterable[str] | None = None,
    audience: str | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """A multiple-choice question's selections by ``audience`` as arrays: respondent
    position and option column of each selection of one of ``options`` (default: the
    options seen, sorted), the options, and the positions of the rows with any value."""
    in_aud = data.audience_mask(audience)
    q = data.question(question_id)
    rpos = q["rpos"].to_numpy()
    vcodes = q["value"].array.codes
    cats = [str(c) for c in q["value"].array.categories]
    ok = (vcodes >= 0) & in_aud[rpos]
    answered = rpos[ok]
    opts = sorted({cats[c] for c in np.unique(vcodes[ok])}) if options is None else list(options)
    col_of_cat = pd.Index(opts).get_indexer(cats) if cats else np.zeros(0, dtype=np.int64)
    col = np.where(vcodes >= 0, col_of_cat[np.maximum(vcodes, 0)] if cats else -1, -1)
    ok &= col >= 0
    return rpos[ok], col[ok], opts, answered


def ranking(data: SurveyData, question_id: str) -> pd.DataFrame:
    """Ranking answers: columns response_id, rank (int, 1 = most urgent), value, rpos."""
    q, rows, rank = ranking_rows(data, question_id)
    out = pd.DataFrame(
        {
            "response_id": q["response_id"].to_numpy()[rows],
            "rank": rank,
            "value": q["value"].to_numpy()[rows],
            "rpos": q["rpos"].to_numpy()[rows],
        }
    )
    return out


def ranking_rows(data: SurveyData, question_id: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The question's rows, the positions of those :func:`ranking` keeps (a value and a
    numeric rank; the first row of each respondent and value) and their ranks (int64)."""
    q = data.question(question_id)
    items = q["item"].array
    item_rank = pd.to_numeric(pd.Series(items.categories, dtype=object), errors="coerce")
    rank = item_rank.to_numpy(dtype=float)[items.codes] if len(q) else np.zeros(0)
    values = q["value"].array.codes.astype(np.int64)
    rows = np.flatnonzero((values >= 0) & ~np.isnan(rank))
    key = q["rpos"].to_numpy()[rows] * (len(q["value"].array.categories) + 1) + values[rows]
    rows = rows[np.sort(np.unique(key, return_index=True)[1])]
    return q, rows, rank[rows].astype(int)


def numeric(data: SurveyData, question_id: str, audience: str | None = None) -> pd.Series:
    """Numeric answers as float Series indexed by response_id (non-numbers -> NaN)."""
    q = data.question(question_id)
    rpos = q["rpos"].to_numpy()
    rows = _last_per_key(rpos)
    rows = rows[data.audience_mask(audience)[rpos[rows]]]
    q = q.iloc[rows]
    cats = pd.Series(q["value"].cat.categories, dtype=object).astype(str)
    as_num = pd.to_numeric(cats.str.replace(",", ".", regex=False), errors="coerce").to_numpy()
    codes = q["value"].cat.codes.to_numpy()
    vals = np.where(codes >= 0, as_num[np.maximum(codes, 0)] if len(cats) else np.nan, np.nan)
    return pd.Series(
        vals.astype(float),
        index=pd.Index(data.respondents.index[q["rpos"].to_numpy()], name="response_id"),
        name=question_id,
    )


def audiences_present(respondents: pd.DataFrame) -> set[str]:
    """The audiences with at least one respondent (without iterating over respondents)."""
    return {str(a) for a in pd.unique(respondents["audience"].dropna())}


def respondents_of(
    data: SurveyData, audience: str | None = None, filters: Mapping[str, object] | None = None
) -> pd.DataFrame:
    """Respondent rows of one audience, optionally filtered by attribute equality."""
    resp = data.respondents
    if audience is not None:
        resp = resp[resp["audience"] == audience]
    for col, val in (filters or {}).items():
        resp = resp[resp[col] == val]
    return resp
