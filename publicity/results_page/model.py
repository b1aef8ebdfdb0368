"""What a public results page shows, without a word of any language: codes and numbers.

:class:`ReleasePage` is built once per release from its frozen tables (by
:func:`reports.public_page.release_page`) and never changes; :class:`Town` holds what the
town decides and may change (the measures the Stadtrat adopted, the feedback contact).
The renderer (:mod:`publicity.results_page.render`) words both in a language.

Numbers are shares in [0, 1] and counts exactly as the release published them; ``None``
stands for a number the release hides (a group below the protection threshold). Nothing
here is computed from answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Share:
    """A published share with its 95 % interval and base (``None``: hidden)."""

    estimate: float | None
    low: float | None = None
    high: float | None = None
    n: int | None = None

    @property
    def hidden(self) -> bool:
        return self.estimate is None


@dataclass(frozen=True)
class ChartRow:
    code: str
    share: Share


@dataclass(frozen=True)
class Chart:
    """One bar chart with its table and CSV (the same rows, the same numbers).

    ``id`` names the CSV (``<id>.csv``); ``names`` which labels the codes take
    (``area`` or ``barrier``); the rest are keys of the result texts."""

    id: str
    title: str
    intro: str
    label_column: str
    names: str
    rows: tuple[ChartRow, ...]


@dataclass(frozen=True)
class Name:
    """A code to be named in the reader's language: ``kind`` is ``area``, ``stadtteil``,
    ``barrier`` or ``volunteer_need``."""

    kind: str
    code: str


@dataclass(frozen=True)
class Percent:
    value: float


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Count:
    value: int


Value = Name | Percent | Interval | Count


@dataclass(frozen=True)
class Sentence:
    """One sentence: a result text (``key``) with its placeholders' values."""

    key: str
    values: Mapping[str, Value]


@dataclass(frozen=True)
class Finding:
    """A key finding by the deck's rule (``kind`` as :func:`analysis.findings.key_findings`),
    worded as one or more sentences (one per area it names)."""

    kind: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Gap:
    """A need no reachable offer in the Stadtteil covers."""

    stadtteil: str
    area: str
    share: Share


@dataclass(frozen=True)
class Participation:
    """Published respondents: per audience, and the newcomers per questionnaire language
    (``None``: hidden)."""

    audiences: tuple[tuple[str, int | None], ...]
    languages: tuple[tuple[str, int | None], ...]
    total: int | None = None


@dataclass(frozen=True)
class ReleasePage:
    """Everything one release publishes on its public page."""

    release_id: int
    wave: int
    number: int
    kind: str  # "final" | "interim"
    data_as_of: date
    findings: tuple[Finding, ...]
    charts: tuple[Chart, ...]
    gaps: tuple[Gap, ...]
    participation: Participation
    method: tuple[str, ...] = ()
    """The full method note (German paragraphs, :mod:`analysis.method_note`)."""

    @property
    def wave_slug(self) -> str:
        """``welle-1``: the address of the wave's newest public release."""
        return f"welle-{self.wave}"

    @property
    def release_slug(self) -> str:
        """``welle-1-freigabe-2``: the address of exactly this release."""
        return f"welle-{self.wave}-freigabe-{self.number}"


@dataclass(frozen=True)
class PublicMeasure:
    """A measure the Stadtrat adopted; its texts are the town's, in German."""

    title: str
    status: str  # adopted | running | done
    lead: str
    timeline: str


@dataclass(frozen=True)
class Contact:
    """Where feedback goes (the accessibility feedback channel)."""

    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Town:
    name: str
    measures: tuple[PublicMeasure, ...] = ()
    contact: Contact | None = None


@dataclass(frozen=True)
class Listed:
    """A public release in the index: its addresses and dates."""

    slug: str
    wave: int
    number: int
    kind: str
    data_as_of: date
    published_on: date
    newest_of_wave: bool = True


@dataclass(frozen=True)
class Site:
    """The public releases and languages the pages offer now."""

    releases: tuple[Listed, ...] = ()
    languages: tuple[str, ...] = ("de",)
