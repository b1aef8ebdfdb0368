"""What every slide function shares: :class:`Deck` (inputs, results, labels, wave) and
small helpers that turn result rows into chart series and table cells (no statistics)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from reports import analyse as an
from reports import format as fmt
from reports import wording
from reports.content import BarChart, BarSeries
from reports.inputs import Labels, ReportInput, field_period, wave_label

SURVEY_OF = {
    "newcomer": "der Zugewanderten",
    "volunteer": "der Ehrenamtlichen",
    "administration": "der Verwaltungsbeschäftigten",
}


@dataclass
class Deck:
    """The inputs of every slide function ``(deck) -> Slide``."""

    inp: ReportInput
    res: an.ReportResults
    labels: Labels = field(init=False)
    wave: str = field(init=False)
    n_by: dict[str, float] = field(init=False)
    """Published respondents per audience (NaN: fewer than 5, 0: none)."""

    def __post_init__(self) -> None:
        self.labels = self.inp.labels
        self.wave = wave_label(self.inp.campaigns)
        self.n_by = self.res.audience_n

    def source(self, audiences: Sequence[str], n: str) -> str:
        """The source line under a chart: survey(s), wave, field period, n."""
        surveys = wording.and_list([SURVEY_OF.get(a, a) for a in audiences])
        return wording.source_line(surveys, self.wave, field_period(self.inp.campaigns), n)


def value(row: pd.Series | None, col: str = "estimate") -> float | None:
    """A chart value: None for a missing or suppressed row."""
    if row is None or bool(row["suppressed"]) or fmt.missing(row[col]):
        return None
    return float(row[col])


def bar_series(name: str, rows: Sequence[pd.Series | None], color: str) -> BarSeries:
    return BarSeries(
        name=name,
        values=[value(r) for r in rows],
        color=color,
        ci_low=[value(r, "ci_low") for r in rows],
        ci_high=[value(r, "ci_high") for r in rows],
    )


def bases(rows: Iterable[pd.Series | None]) -> list[float]:
    """Bases (n) of the shown rows, for the source line."""
    return [float(r["n"]) for r in rows if r is not None and value(r) is not None]


def cell(row: pd.Series | None, text: str) -> str:
    """Table cell text, the suppression mark for a suppressed row, "" without a row."""
    if row is None:
        return ""
    return fmt.or_suppressed(text, bool(row["suppressed"]))


def share_cell(row: pd.Series | None) -> str:
    if row is None:
        return ""
    return cell(row, fmt.share_with_ci(row["estimate"], row["ci_low"], row["ci_high"]))


def n_cell(row: pd.Series | None) -> str:
    return "" if row is None else cell(row, fmt.count(row["n"]))


def has_suppressed(rows: Iterable[Iterable[str]]) -> bool:
    return any(c == fmt.SUPPRESSED for row in rows for c in row)


def chart_notes(series: Iterable[BarSeries]) -> list[str]:
    """Footnotes a bar chart needs: the interval, and the empty-bar note if any."""
    series = list(series)
    notes = [wording.CI_NOTE] if any(s.ci_low for s in series) else []
    if any(v is None for s in series for v in s.values):
        notes.append(wording.SUPPRESSED_BAR_NOTE)
    return notes


def table_notes(rows: Iterable[Iterable[str]]) -> list[str]:
    return [wording.SUPPRESSION_NOTE] if has_suppressed(rows) else []


def alt_bars(title: str, categories: Sequence[str], series: Sequence[BarSeries]) -> str:
    """Alternative text of a bar chart: what it shows and its values in words."""
    parts = []
    for s in series:
        vals = [
            f"{c} {fmt.share(v) if v is not None else 'nicht gezeigt'}"
            for c, v in zip(categories, s.values, strict=True)
        ]
        parts.append(f"{s.name}: " + "; ".join(vals))
    return f"Balkendiagramm „{title}“. " + ". ".join(parts) + "."


def share_chart(
    deck: Deck,
    title: str,
    categories: Sequence[str],
    rows: Sequence[pd.Series | None],
    name: str,
    color: str,
    audiences: Sequence[str] = ("newcomer",),
) -> BarChart:
    """A one-series bar chart of shares with its source line and alt text."""
    series = [bar_series(name, rows, color)]
    return BarChart(
        title=title,
        categories=list(categories),
        series=series,
        source=deck.source(list(audiences), fmt.n_range(bases(rows))),
        alt_text=alt_bars(title, list(categories), series),
    )
