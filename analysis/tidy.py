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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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


@dataclass
class SurveyData:
    """Respondent frame plus answers split by question.

    ``respondents``: index ``response_id``; columns campaign, wave, audience, language,
    mode, one column per attribute question (categoricals of str codes, NaN = not
    answered), ``weight`` (float, 1.0 unless given). ``questions``: question_id -> frame
    with columns response_id, item, value, text.
    """

    respondents: pd.DataFrame
    questions: dict[str, pd.DataFrame] = field(default_factory=dict)
    cache: dict[object, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)
    """Derived frames (e.g. need status per audience); treat cached frames as read-only."""

    def question(self, question_id: str) -> pd.DataFrame:
        """Rows of one question (empty frame with the right columns when absent)."""
        q = self.questions.get(question_id)
        if q is None:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in _QCOLS})
        return q

    def with_weights(self, weights: pd.Series) -> SurveyData:
        """Copy with ``respondents["weight"]`` replaced (aligned on response_id; missing -> 1)."""
        resp = self.respondents.copy()
        resp["weight"] = weights.reindex(resp.index).fillna(1.0).astype(float)
        return SurveyData(resp, self.questions)


_QCOLS = ("response_id", "item", "value", "text")


def prepare(
    answers: pd.DataFrame | SurveyData,
    weights: pd.Series | None = None,
    attributes: Iterable[str] = ATTRIBUTE_QUESTIONS,
) -> SurveyData:
    """Build :class:`SurveyData` from the long answers frame (idempotent on SurveyData).

    ``weights``: optional Series indexed by response_id (default weight 1.0).
    Attribute questions (single choice) become respondent columns; a respondent who
    answered an attribute twice keeps the last row.
    """
    if isinstance(answers, SurveyData):
        return answers if weights is None else answers.with_weights(weights)
    validate_answers(answers)
    first = ~answers["response_id"].duplicated()
    resp = answers.loc[first, ["response_id", *RESPONSE_COLUMNS]].set_index("response_id")
    resp.index = resp.index.astype(str)
    questions: dict[str, pd.DataFrame] = {}
    for qid, part in answers.groupby("question_id", sort=False, observed=True):
        q = part[list(_QCOLS)].reset_index(drop=True)
        q["response_id"] = q["response_id"].astype(str)
        q["item"] = q["item"].fillna("").astype(str)
        questions[str(qid)] = q
    for attr in attributes:
        q = questions.get(attr)
        if q is None:
            resp[attr] = pd.Categorical([None] * len(resp), categories=[])
            continue
        vals = q.drop_duplicates("response_id", keep="last").set_index("response_id")["value"]
        resp[attr] = pd.Categorical(vals.reindex(resp.index))
    for col in ("campaign", "audience", "language", "mode"):
        resp[col] = pd.Categorical(resp[col])
    resp["weight"] = 1.0
    data = SurveyData(resp, questions)
    return data if weights is None else data.with_weights(weights)


def matrix_long(data: SurveyData, question_id: str, audience: str | None = None) -> pd.DataFrame:
    """Matrix answers, one row per (response_id, item): columns response_id, item, value.

    Rows without a value are dropped; duplicates keep the last answer. Optionally restricted
    to one ``audience``.
    """
    q = data.question(question_id)
    q = q[q["value"].notna()]
    if audience is not None:
        ids = data.respondents.index[data.respondents["audience"] == audience]
        q = q[q["response_id"].isin(ids)]
    q = q.drop_duplicates(["response_id", "item"], keep="last")
    return q[["response_id", "item", "value"]].reset_index(drop=True)


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
    resp = data.respondents
    if audience is not None:
        resp = resp[resp["audience"] == audience]
    q = data.question(question_id)
    q = q[q["value"].notna() & q["response_id"].isin(resp.index)]
    opts = list(options) if options is not None else sorted(q["value"].astype(str).unique())
    if base not in ("respondents", "answered"):
        raise ValueError("base must be 'respondents' or 'answered'")
    idx = resp.index if base == "respondents" else pd.Index(q["response_id"].unique())
    arr = np.zeros((len(idx), len(opts)), dtype=np.int8)
    q = q[q["value"].isin(opts)]
    if len(q):
        rows = idx.get_indexer(q["response_id"])
        cols = pd.Index(opts).get_indexer(q["value"])
        ok = rows >= 0
        arr[rows[ok], cols[ok]] = 1
    out = pd.DataFrame(arr, index=idx, columns=opts)
    out.index.name = "response_id"
    return out


def ranking(data: SurveyData, question_id: str) -> pd.DataFrame:
    """Ranking answers: columns response_id, rank (int, 1 = most urgent), value."""
    q = data.question(question_id)
    q = q[q["value"].notna()]
    r = pd.to_numeric(q["item"], errors="coerce")
    out = pd.DataFrame(
        {"response_id": q["response_id"].to_numpy(), "rank": r.to_numpy(), "value": q["value"]}
    )
    out = out[out["rank"].notna()].astype({"rank": int})
    return out.drop_duplicates(["response_id", "value"]).reset_index(drop=True)


def numeric(data: SurveyData, question_id: str, audience: str | None = None) -> pd.Series:
    """Numeric answers as float Series indexed by response_id (non-numbers -> NaN)."""
    q = data.question(question_id).drop_duplicates("response_id", keep="last")
    if audience is not None:
        ids = data.respondents.index[data.respondents["audience"] == audience]
        q = q[q["response_id"].isin(ids)]
    vals = pd.to_numeric(q["value"].astype(str).str.replace(",", ".", regex=False), errors="coerce")
    return pd.Series(
        vals.to_numpy(dtype=float),
        index=pd.Index(q["response_id"], name="response_id"),
        name=question_id,
    )


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
