"""The order of a respondent's pages: which sections are visible after skip logic and
consent, how they are cut into parts (:mod:`surveys.web.paging`), the step counter, and
where "next", "back" and a returning respondent go.

Pure functions of a :class:`~surveys.web.context.RequestContext` and the answers so far.
"""

from __future__ import annotations

from typing import Any

from surveys.questionnaire import relevance
from surveys.questionnaire.model import Section
from surveys.responses.answers import compiled, section_visible
from surveys.web.context import RequestContext, Step
from surveys.web.paging import PageKeys


def visible_sections(ctx: RequestContext, answers: dict[str, Any]) -> list[Section]:
    consent = ctx.state.consent if ctx.state else None
    out = []
    for section in ctx.q.sections:
        if section.sensitive and consent is None:
            out.append(section)  # asked for consent first; shown if given
        elif section_visible(ctx.q, section, answers, consent):
            out.append(section)
    return out


def parts(ctx: RequestContext, section: Section, answers: dict[str, Any]) -> list[PageKeys]:
    consent = ctx.state.consent if ctx.state else None
    paging = ctx.app.paging(ctx.campaign.questionnaire_version_id)
    return paging.parts(section, ctx.lang, answers, consent, ctx.audio())


def steps(
    ctx: RequestContext, answers: dict[str, Any], sections: list[Section] | None = None
) -> list[tuple[Step, PageKeys]]:
    """The pages in order (each with its form keys): visible sections, or
    ``sections``."""
    out: list[tuple[Step, PageKeys]] = []
    for section in visible_sections(ctx, answers) if sections is None else sections:
        section_parts = parts(ctx, section, answers)
        out += [((section.id, i), keys) for i, keys in enumerate(section_parts, start=1)]
    return out


def counted_sections(ctx: RequestContext, answers: dict[str, Any]) -> list[Section]:
    """What the step counter counts: the visible sections and those that may still
    appear (their condition refers to a question not answered yet), so that an
    answer that brings a section in does not change the total."""
    visible = {s.id for s in visible_sections(ctx, answers)}
    answered = {key.split(".", 1)[0] for key in answers}
    nodes = compiled(ctx.q).section
    out = []
    for section in ctx.q.sections:
        node = nodes[section.id]
        undecided = node is not None and bool(relevance.references(node) - answered)
        if section.id in visible or (undecided and not section.sensitive):
            out.append(section)
    return out


def order(ctx: RequestContext, step: Step) -> tuple[int, int]:
    ids = [s.id for s in ctx.q.sections]
    return (ids.index(step[0]) if step[0] in ids else len(ids), step[1])


def next_url(ctx: RequestContext, answers: dict[str, Any], after: Step | None) -> str:
    """The page after ``after`` (None: the first), asking consent on the way."""
    here = order(ctx, after) if after is not None else (-1, 0)
    for step, _ in steps(ctx, answers):
        if order(ctx, step) <= here:
            continue
        section = ctx.bundle.sections[step[0]]
        if section.sensitive and ctx.state and ctx.state.consent is None:
            return ctx.url("einwilligung") + f"?weiter={section.id}"
        return ctx.step_url(step)
    return ctx.url("pruefen")


def previous_url(ctx: RequestContext, answers: dict[str, Any], before: Step) -> str:
    here = order(ctx, before)
    earlier = [step for step, _ in steps(ctx, answers) if order(ctx, step) < here]
    return ctx.step_url(earlier[-1]) if earlier else ctx.url()


def continue_url(ctx: RequestContext, answers: dict[str, Any]) -> str:
    """Where a returning respondent goes on: the first page without any stored
    answer (questions are optional, so "answered" means "has an answer")."""
    answered = set(answers) | {key.split(".", 1)[0] for key in answers}
    previous: Step | None = None
    for step, keys in steps(ctx, answers):
        if not answered.intersection(keys):
            return next_url(ctx, answers, previous)
        previous = step
    return ctx.url("pruefen")
