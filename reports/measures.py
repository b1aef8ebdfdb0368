"""Measure suggestions: an editable rules table (``data/measures.yaml``) maps gap types to
German measure texts.

The report detects *gaps* from analysis results (:func:`reports.builder.detect_gaps`); each
gap has a type, codes to match on (``area``, ``stadtteil`` ...), German texts for the
placeholders and a magnitude (a share, or the absolute difference for perception gaps).
:func:`propose_measures` applies the first matching rule per gap (top to bottom), drops
duplicate texts and sorts by priority, then magnitude. The file's header documents the
format for the guide; :func:`load_rules` validates it and reports errors by rule number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

GapType = Literal[
    "uncovered_need",
    "severe_need",
    "underestimated_need",
    "overestimated_need",
    "service_gap",
    "barrier",
    "volunteer_need",
    "need_increase",
    "need_decrease",
]
# Placeholders each gap type fills (codes in ``match`` use the same names).
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "uncovered_need": frozenset({"area", "stadtteil", "barriers", "estimate"}),
    "severe_need": frozenset({"area", "estimate"}),
    "underestimated_need": frozenset({"area", "audience", "estimate"}),
    "overestimated_need": frozenset({"area", "audience", "estimate"}),
    "service_gap": frozenset({"service"}),
    "barrier": frozenset({"barrier", "estimate"}),
    "volunteer_need": frozenset({"need", "estimate"}),
    "need_increase": frozenset({"area", "estimate"}),
    "need_decrease": frozenset({"area", "estimate"}),
}


class MeasureRulesError(ValueError):
    """The rules file cannot be read or is invalid (message names the rule)."""


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    gap: GapType
    match: dict[str, str | list[str]] = Field(default_factory=dict)
    min_estimate: float | None = Field(default=None, ge=0, le=1)
    priority: int = Field(default=2, ge=1, le=3)
    measure: str = Field(min_length=1)
    lead: str = ""

    @model_validator(mode="after")
    def _known_fields(self) -> Rule:
        allowed = PLACEHOLDERS[self.gap]
        unknown_match = set(self.match) - (allowed - {"estimate", "barriers"})
        if unknown_match:
            raise ValueError(f"match on unknown field(s) {sorted(unknown_match)} for {self.gap}")
        used = {f for _, f, _, _ in Formatter().parse(self.measure) if f}
        if used - allowed:
            raise ValueError(
                f"unknown placeholder(s) {sorted(used - allowed)} for {self.gap}; "
                f"allowed: {sorted(allowed)}"
            )
        return self

    def matches(self, gap: Gap) -> bool:
        if gap.type != self.gap:
            return False
        if self.min_estimate is not None and gap.magnitude < self.min_estimate:
            return False
        for key, wanted in self.match.items():
            values = [wanted] if isinstance(wanted, str) else wanted
            if gap.codes.get(key) not in values:
                return False
        return True


@dataclass(frozen=True)
class Gap:
    """A finding that may call for a measure (see module docstring)."""

    type: str
    codes: Mapping[str, str]
    texts: Mapping[str, str]
    magnitude: float


@dataclass(frozen=True)
class Measure:
    text: str
    lead: str
    priority: int
    gap_type: str
    magnitude: float = field(compare=False)


def load_rules(path: Path) -> list[Rule]:
    """Read and validate the rules table; raises :class:`MeasureRulesError`."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MeasureRulesError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise MeasureRulesError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise MeasureRulesError(f"{path}: expected a top-level 'rules:' list")
    rules = []
    for i, item in enumerate(raw["rules"], start=1):
        try:
            rules.append(Rule.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "rule"
            raise MeasureRulesError(f"{path}: rule {i}: {where}: {first['msg']}") from exc
    return rules


def propose_measures(gaps: Iterable[Gap], rules: list[Rule]) -> list[Measure]:
    """First matching rule per gap; duplicates removed; by priority, then magnitude."""
    out: dict[str, Measure] = {}
    for gap in gaps:
        rule = next((r for r in rules if r.matches(gap)), None)
        if rule is None:
            continue
        text = " ".join(rule.measure.format_map(dict(gap.texts)).split())
        known = out.get(text)
        if known is None or gap.magnitude > known.magnitude:
            out[text] = Measure(text, rule.lead, rule.priority, gap.type, gap.magnitude)
    return sorted(out.values(), key=lambda m: (m.priority, -m.magnitude))
