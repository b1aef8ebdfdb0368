"""Response rate = finished ÷ invited, per campaign and per department.

Only invitations that went out count as invited (sent by e-mail, printed as a letter, or
sent with an unclear outcome); a bounced address that got no letter was not reached.
A rate per department is shown only where at least :data:`MIN_GROUP` people were invited
*and* at least :data:`MIN_GROUP` finished: a rate over three people tells who answered.
"""

from __future__ import annotations

import pandas as pd

MIN_GROUP = 5
REACHED = ("sent", "printed", "unclear")
RATE_COLUMNS = ["invited", "finished", "rate"]


def reached(status: pd.Series, finished: pd.Series) -> pd.Series:
    """Whether each invitation counts as invited (see module docstring)."""
    return status.isin(REACHED) | finished.astype(bool)


def rate_of(invited: int, finished: int) -> float:
    return finished / invited if invited else float("nan")


def department_rates(people: pd.DataFrame) -> pd.DataFrame:
    """Rates per department of one campaign's invitations (columns status, finished,
    department), only for departments with at least :data:`MIN_GROUP` invited and
    finished; sorted by department. Columns department, invited, finished, rate."""
    columns = ["department", *RATE_COLUMNS]
    if people.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            "department": people["department"].fillna("").astype(str),
            "invited": reached(people["status"], people["finished"]).astype(int),
            "finished": people["finished"].astype(bool).astype(int),
        }
    )
    frame = frame[frame["department"] != ""]
    table = frame.groupby("department", as_index=False)[["invited", "finished"]].sum()
    table = table[(table["invited"] >= MIN_GROUP) & (table["finished"] >= MIN_GROUP)]
    table["rate"] = table["finished"] / table["invited"]
    return table[columns].sort_values("department", ignore_index=True)


def rate_text(invited: int, finished: int) -> str:
    """ "12 von 40 (30 %)" - German, for pages and the deck."""
    if not invited:
        return "–"
    share = f"{round(100 * finished / invited)} %"
    return f"{finished} von {invited} ({share})"
