"""Select respondents by attribute values (the dashboard's filters), keeping SurveyData.

``select_respondents(data, {"stadtteil": ["hallgarten"], "wave": [2]})`` keeps respondents
whose value of every filtered column is one of the given values (values compared as
strings, so ``wave`` 2 matches "2"); an empty or missing selection does not filter. A
respondent who did not answer a filtered attribute is dropped by that filter. Unused
categories of categorical columns are removed, so breakdowns show only groups present in
the selection. The per-question frames are restricted to the kept respondents.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from analysis.tidy import SurveyData


def select_respondents(
    data: SurveyData,
    filters: Mapping[str, Collection[object] | None],
    audience: str | None = None,
) -> SurveyData:
    """A new :class:`SurveyData` with the respondents matching ``filters`` (see module doc).

    Raises KeyError for a filter on a column the respondent frame does not have."""
    resp = data.respondents
    mask = np.ones(len(resp), dtype=bool)
    if audience is not None:
        mask &= (resp["audience"].astype(object) == audience).to_numpy()
    for column, values in filters.items():
        if not values:
            continue
        if column not in resp.columns:
            raise KeyError(f"no respondent attribute {column!r}")
        wanted = {str(v) for v in values}
        col = resp[column]
        mask &= (col.notna() & col.astype(str).isin(wanted)).to_numpy()
    if mask.all():
        return data
    kept = resp.loc[mask].copy()
    for column in kept.columns:
        if isinstance(kept[column].dtype, pd.CategoricalDtype):
            kept[column] = kept[column].cat.remove_unused_categories()
    questions = {q: restrict_question(f, mask, kept.index) for q, f in data.questions.items()}
    return SurveyData(kept, questions, data.bases)


def restrict_question(frame: pd.DataFrame, mask: np.ndarray, ids: pd.Index) -> pd.DataFrame:
    """Rows of a per-question frame whose respondent is kept by ``mask`` (over the old
    respondents), with ``rpos`` and the ``response_id`` categories renumbered for ``ids``
    (the kept respondents, in their old order)."""
    new_pos = np.cumsum(mask) - 1
    rpos = frame["rpos"].to_numpy()
    rows = np.flatnonzero(mask[rpos])
    out = frame.iloc[rows].copy()
    pos = new_pos[rpos[rows]]
    out["rpos"] = pos
    out["response_id"] = pd.Categorical.from_codes(pos, dtype=pd.CategoricalDtype(ids))
    return out.reset_index(drop=True)
