"""The declared bases of the need areas, evaluated for every newcomer.

The taxonomy (``data/taxonomy.yaml``) says for each need area to whom it applies
(``applies_to``, a skip-logic expression over the newcomer's own answers, e.g. children
under 11 for childcare) and whether "betrifft mich nicht" counts as "no need" or is left
out of the base (:mod:`analysis.bases`). This module turns that declaration into what the
analysis needs: :class:`analysis.bases.AreaBase` per area and, per newcomer, whether each
restricted area applies. :func:`survey_data` is the one way the composition root (dashboard,
report, benchmarks) prepares answers for the analysis, so every view uses the same bases.

Evaluation is per distinct answer pattern of the questions an expression refers to (a
handful of patterns), not per respondent, so 100,000 respondents cost milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.bases import EVERYONE, AreaBase
from analysis.tidy import SurveyData, prepare
from surveys.questionnaire import relevance
from surveys.questionnaire.loader import NeedArea


def area_bases(taxonomy: Iterable[NeedArea]) -> dict[str, AreaBase]:
    """The declared base of every need area."""
    return {
        a.code: AreaBase(
            a.code,
            not_applicable=a.base.not_applicable,  # type: ignore[arg-type]
            restricted=a.base.applies_to is not None,
            population=a.base.population or EVERYONE,
        )
        for a in taxonomy
    }


def applicability(taxonomy: Iterable[NeedArea], answers: pd.DataFrame) -> pd.DataFrame:
    """Bool frame (index response_id of the newcomers, one column per area with
    ``applies_to``): whether the area applies to the newcomer. An unanswered question
    makes the expression false (the area is then left out of that newcomer's base)."""
    rules = {a.code: relevance.parse(a.base.applies_to) for a in taxonomy if a.base.applies_to}
    newcomers = answers.loc[answers["audience"] == "newcomer", "response_id"].astype(str)
    ids = pd.Index(newcomers.unique(), name="response_id")
    if not rules:
        return pd.DataFrame(index=ids)
    refs = sorted({r.split(".")[0] for node in rules.values() for r in relevance.references(node)})
    rows = answers[answers["question_id"].isin(refs) & answers["response_id"].isin(ids)]
    patterns = _answer_patterns(rows, ids)
    out = pd.DataFrame(index=ids)
    codes, uniques = pd.factorize(patterns)
    answers_of = [{k: list(v) if isinstance(v, tuple) else v for k, v in p} for p in uniques]
    for area, node in rules.items():
        verdict = np.array([relevance.evaluate(node, a) for a in answers_of], dtype=bool)
        out[area] = verdict[codes] if len(uniques) else np.zeros(len(ids), dtype=bool)
    return out


def _answer_patterns(rows: pd.DataFrame, ids: pd.Index) -> pd.Series:
    """Per respondent, a hashable tuple of (key, value) pairs of the referenced answers as
    :func:`surveys.questionnaire.relevance.evaluate` reads them: one selected option as a plain
    value, several as a list (the expression language treats a value as a list of one)."""
    per: dict[str, dict[str, set[str]]] = {}
    item = rows["item"].fillna("").astype(str)
    for rid, qid, it, value in zip(
        rows["response_id"].astype(str), rows["question_id"], item, rows["value"], strict=True
    ):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        key = f"{qid}.{it}" if it else str(qid)
        per.setdefault(rid, {}).setdefault(key, set()).add(str(value))

    def pattern(rid: str) -> tuple:
        found = per.get(rid, {})
        return tuple(
            (k, next(iter(v)) if len(v) == 1 else tuple(sorted(v)))
            for k, v in sorted(found.items())
        )

    return pd.Series([pattern(r) for r in ids], index=ids, dtype=object)


def survey_data(
    answers: pd.DataFrame, taxonomy: Iterable[NeedArea], weights: pd.Series | None = None
) -> SurveyData:
    """Answers prepared for the analysis with the declared bases (see module docstring)."""
    areas = list(taxonomy)
    return prepare(
        answers, weights=weights, bases=area_bases(areas), applies=applicability(areas, answers)
    )


def base_notes(bases: Mapping[str, AreaBase], labels: Mapping[str, str]) -> list[str]:
    """German sentences for the method note: one per area whose base is not everyone."""
    notes = []
    for area, base in bases.items():
        if base.restricted or base.not_applicable == "exclude":
            notes.append(f"{labels.get(area, area)}: Basis sind {base.population}.")
    return notes
