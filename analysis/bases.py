"""Bases of the need indicators: to whom a need area applies, and how "betrifft mich nicht"
and "weiß nicht" enter the base.

A need area declares its base in the taxonomy (``data/taxonomy.yaml``, read by
:mod:`surveys.questionnaire.need_bases`, which also evaluates ``applies_to`` for every newcomer):

``not_applicable``
    ``"no_need"``: "betrifft mich nicht" counts as not in need (areas that concern everyone:
    the answer then means "no problem for me"). ``"exclude"``: it is left out of the base
    (areas that concern only some, such as childcare or school).
``restricted``
    Only newcomers for whom the area applies (respondent column ``applies_<area>`` is True)
    are in the base; everyone else is left out, whatever they answered. Volunteers and
    administration rate "the newcomers you know": no per-person rule applies to them, only
    ``not_applicable``, so both sides of a perception gap speak about the same population.
``population``
    The base in words (German), for the method note and the dashboard.

"weiß nicht" is never in the base of a prevalence (it has its own share). Every view -
prevalence, perception gap, wave change, supply gap - reads the base from
:func:`analysis.needs.need_status`, so the same area has the same base everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NaPolicy = Literal["no_need", "exclude"]
NA_POLICIES: tuple[str, ...] = ("no_need", "exclude")
APPLIES_PREFIX = "applies_"
EVERYONE = "alle Befragten („betrifft mich nicht“ zählt als kein Bedarf)"


@dataclass(frozen=True)
class AreaBase:
    """The declared base of one need area (see the module docstring)."""

    area: str
    not_applicable: NaPolicy = "no_need"
    restricted: bool = False
    population: str = EVERYONE

    def __post_init__(self) -> None:
        if self.not_applicable not in NA_POLICIES:
            raise ValueError(f"not_applicable must be one of {NA_POLICIES}")


def applies_column(area: str) -> str:
    """Respondent column holding whether ``area`` applies to a newcomer (bool)."""
    return f"{APPLIES_PREFIX}{area}"


def default_base(area: str) -> AreaBase:
    return AreaBase(area)
