"""The survey's forms as a browser gets them (issue 24).

* A bot that fills every text field of the rendered form, the hidden anti-bot field
  included, is flagged "honeypot" on every kind of page; a person, who never sees that
  field, is not. (On the template before issue 24 the field was named
  ``<Macro 'honeypot'>`` and no bot was ever flagged.)
* A walk through every page of the three questionnaires in every offered language,
  through the rendered forms, submits only names the handlers read.
* No template binds a name (macro, loop variable, ``set``) that hides a variable the
  page is rendered with — the kind of bug behind the anti-bot field.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from jinja2 import Environment, meta, nodes
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.requests import Request

from bedarfsradar.server import routes
from surveys.web import context as survey_context
from surveys.web.pages import SurveyApp
from surveys.web.views import form_answers, page_keys
from tests.survey_client import Browser, Form, Value
from tests.test_survey import survey_of

WEB = Path(survey_context.__file__).parent
CAMPAIGNS = {"neu": "newcomer", "ehrenamt": "volunteer", "verwaltung": "administration"}
FIXED_NAMES = {"csrf", "shown", "nav", "consent", "code", "client_uuid", survey_context.HONEYPOT}
"""Form names the pages read besides the questions' own (:func:`form_answers`)."""
PREFERRED: dict[str, Value] = {
    "children": "yes",  # the follow-up and the children block appear
    "children_ages": ["under3", "age6_10"],  # both questions of the children block
    "need": "5",  # every area rated: every row of the offers matrix appears
    "barriers": ["distance", "other"],  # "other" asks what it is
    "consent": "yes",  # the sensitive section appears
}
"""Answers (by name, or by the question id before a matrix row's dot) that bring every
conditional question and section onto the pages."""


@pytest.fixture
def surveys(sqlite_ctx):
    """The three questionnaires as open campaigns (no minimum fill time)."""
    ctx = sqlite_ctx
    mid = ctx.municipality_id
    for slug, kind in CAMPAIGNS.items():
        ctx.storage.create_campaign(mid, slug, kind, ctx.storage.latest_version(mid, kind))
    app = Starlette(routes=routes(ctx))
    survey_of(app).config.seconds_per_question = 0
    return ctx, app


def page_kind(path: str) -> str:
    """intro, section, consent, review, resume, delete, thanks (or languages)."""
    parts = path.split("/", 4)  # "", "u", slug, lang, rest
    if len(parts) < 5:
        return "languages"
    rest = parts[4]
    if rest.startswith("s/"):
        return "section"
    return {"": "intro", "einwilligung": "consent", "pruefen": "review", "weiter": "resume",
            "loeschen": "delete", "danke": "thanks"}.get(rest, rest)  # fmt: skip


def answers_for(form: Form) -> dict[str, Value]:
    """What a person answers on a page: the :data:`PREFERRED` answer where the page
    offers it, else the first option, a number or a short text; ranks get distinct
    areas. Only visible fields: a person never sees the anti-bot field."""
    out: dict[str, Value] = {}
    for name, control in form.controls.items():
        if not control.visible:
            continue
        values = [o.value for o in control.options if o.value]
        preferred = PREFERRED.get(name, PREFERRED.get(name.split(".")[0]))
        wanted = [preferred] if isinstance(preferred, str) else list(preferred or [])
        if control.kind in ("radio", "checkbox"):
            if not wanted or not set(wanted) <= set(values):
                wanted = values[:1]
            out[name] = wanted if control.kind == "checkbox" else wanted[0]
        elif control.kind == "select":
            place = name.rsplit(".", 1)[-1]
            out[name] = values[(int(place) - 1 if place.isdigit() else 0) % len(values)]
        elif control.kind in ("text", "textarea"):
            out[name] = "3" if control.inputmode in ("numeric", "decimal") else "Ein Bus am Abend"
    return out


def walk(
    b: Browser,
    start: str,
    bot_on: str | None = None,
    on_page: Callable[[Browser], None] | None = None,
) -> str:
    """Go through the survey from ``start`` to the thank-you page, answering every page
    as :func:`answers_for` says; on the first page of kind ``bot_on`` as a bot. Returns
    the client UUID (from the review page's form)."""
    b.get(start)
    client_uuid = ""
    for _ in range(100):
        assert b.page is not None
        kind = page_kind(b.path)
        if kind == "thanks":
            return client_uuid
        assert b.page.status_code == 200, (b.path, b.page.status_code)
        if on_page is not None:
            on_page(b)
        form = b.form()
        if kind == "review":
            client_uuid = form.controls["client_uuid"].value
        bot = kind == bot_on
        if bot:
            bot_on = None
        b.submit(answers_for(form), bot=bot, button="next" if "nav" in form.names() else None)
    raise AssertionError(f"no end of the survey after 100 pages (at {b.path})")


def resume_code(b: Browser) -> str | None:
    assert b.page is not None
    box = lxml.html.fromstring(b.page.text).find_class("resume")
    found = re.search(r"[A-Z2-9]{5}-[A-Z2-9]{5}", box[0].text_content()) if box else None
    return found.group(0) if found else None


# -- the anti-bot field ---------------------------------------------------------------


@pytest.mark.parametrize("bot", [True, False], ids=["bot", "person"])
@pytest.mark.parametrize("kind", ["intro", "section", "consent", "review", "resume", "delete"])
def test_a_bot_filling_every_field_is_flagged_on_every_kind_of_page(surveys, kind, bot):
    """The same visit, once with a bot on one kind of page, once with a person: the bot's
    response is stored with the flag "honeypot", the person's without any."""
    ctx, app = surveys
    b = Browser(app)
    start = "/u/neu/de/"
    if kind == "delete":  # the delete page is open before the survey, in the same browser
        b.get("/u/neu/de/loeschen")
        page = b.submit(bot=bot) if bot else b.submit({"code": "ABCDE-FGHJK"})
        assert page.status_code == 400  # no such code: nothing is deleted
    if kind == "resume":  # the first page on one phone, the rest with its code on another
        first = Browser(app)
        first.get(start)
        first.submit()
        first.submit(answers_for(first.form()), button="next")
        code = resume_code(first)
        assert code is not None
        b.get("/u/neu/de/weiter")
        b.submit({"code": code}, bot=bot)
        start = b.path
    client_uuid = walk(b, start, bot_on=kind if bot else None)
    expected = "honeypot" if bot else None
    assert ctx.storage.review_flag(client_uuid) == expected
    assert ctx.storage.flagged_responses(ctx.municipality_id) == (
        {client_uuid: "honeypot"} if bot else {}
    )


def test_every_form_has_the_anti_bot_field_the_handler_reads_and_a_person_never_sees(surveys):
    _, app = surveys
    seen: set[str] = set()

    def check(b: Browser) -> None:
        form = b.form()
        field = form.controls.get(survey_context.HONEYPOT)
        assert field is not None, (b.path, sorted(form.controls))
        assert field.kind == "text" and not field.visible and field.value == ""
        seen.add(page_kind(b.path))

    b = Browser(app)
    for page in ("weiter", "loeschen"):
        b.get(f"/u/neu/de/{page}")
        check(b)
    walk(b, "/u/neu/de/", on_page=check)
    assert seen == {"resume", "delete", "intro", "section", "consent", "review"}


# -- every rendered name is one the handler reads -------------------------------------


class ReadNames(FormData):
    """A POSTed form that remembers which names the page asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read: set[str] = set()

    def get(self, key: Any, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def getlist(self, key: Any) -> list[Any]:
        self.read.add(key)
        return super().getlist(key)

    def __getitem__(self, key: Any) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: Any) -> bool:
        self.read.add(key)
        return super().__contains__(key)


def handler_names(survey: SurveyApp, version_id: int) -> tuple[set[str], set[str]]:
    """The names the handlers read for this questionnaire: the fixed ones and those
    :func:`form_answers` reads for every key of every section; and the latter alone
    (the questions' names, notes excluded: they have no field)."""
    prepared = survey.prepared(version_id)
    q = prepared.questionnaire
    questions: set[str] = set()
    for section in q.sections:
        form = ReadNames([])
        form_answers(section, prepared, form, page_keys(section, q))
        notes = {question.id for question in section.questions if question.type == "note"}
        questions |= form.read - notes
    return FIXED_NAMES | questions, questions


def test_walk_every_page_of_every_questionnaire_in_every_language(surveys, monkeypatch):
    """Every page of the three questionnaires in every language the respondent is
    offered, through the rendered forms, answering so that every conditional question
    appears: each name submitted is one the handlers know, the page's handler read it,
    and every question was on some page."""
    ctx, app = surveys
    survey = survey_of(app)
    posted: list[ReadNames | None] = []
    read_form = survey.read_form

    async def recording(request: Request) -> FormData | None:
        form = await read_form(request)
        posted.append(None if form is None else ReadNames(form.multi_items()))
        return posted[-1]

    monkeypatch.setattr(survey, "read_form", recording)
    problems, walks = [], 0
    for slug in CAMPAIGNS:
        version = ctx.storage.campaign(slug).questionnaire_version_id
        known, questions = handler_names(survey, version)
        languages = lxml.html.fromstring(Browser(app).get(f"/u/{slug}/").text)
        for link in languages.find_class("lang"):
            lang = link.get("href").split("/")[3]
            b, rendered = Browser(app), set()
            for page in ("weiter", "loeschen"):  # the code forms, with a wrong code
                b.get(f"/u/{slug}/{lang}/{page}")
                assert b.submit({"code": "ABCDE-FGHJK"}).status_code == 400
            walk(b, f"/u/{slug}/{lang}/")
            walks += 1
            assert len(posted) == len(b.sent)
            for (action, pairs), form in zip(b.sent, posted, strict=True):
                assert form is not None
                names = {name for name, _ in pairs}
                rendered |= names
                where = f"{slug}/{lang} {action}"
                if unknown := names - known:
                    problems.append(f"{where}: no handler knows {sorted(unknown)}")
                # nav is the pressed button: where it is the only one, nobody asks which
                if unread := names - form.read - ({"nav"} if "/s/" not in action else set()):
                    problems.append(f"{where}: the page's handler did not read {sorted(unread)}")
            if missing := questions - rendered:
                problems.append(f"{slug}/{lang}: never on a page: {sorted(missing)}")
            posted.clear()
    assert not problems, "\n".join(problems)
    assert walks >= 10  # newcomer in 8 languages, volunteer and administration in German


# -- no template hides a variable of its context ---------------------------------------


def render_arguments() -> tuple[set[str], dict[str, set[str]]]:
    """What the survey's code renders templates with: the names every page gets
    (``SurveyCore.render``) and, by template, the names its pages pass."""
    common: set[str] = set()
    by_template: dict[str, set[str]] = {}
    for path in WEB.glob("*.py"):
        for call in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
                continue
            if call.func.attr != "render":
                continue
            names = {k.arg for k in call.keywords if k.arg} - {"status"}  # status: not passed
            target = call.func.value
            if isinstance(target, ast.Call) and getattr(target.func, "attr", "") == "get_template":
                common |= names
            for arg in call.args:
                if isinstance(arg, ast.Constant) and str(arg.value).endswith(".html"):
                    by_template.setdefault(str(arg.value), set()).update(names)
    return common, by_template


def names_in(target: nodes.Node) -> set[str]:
    """The names a loop or ``set`` binds: one name, or a tuple of them."""
    if isinstance(target, nodes.Name):
        return {target.name}
    return {n.name for n in target.find_all(nodes.Name)}


def bindings(node: nodes.Node, bound: frozenset[str]) -> Iterator[tuple[str, int, str]]:
    """(name, line, what) for every name the template binds, with those already bound
    around it (a loop inside a loop, a macro's parameters)."""
    for child in node.iter_child_nodes():
        new: set[str] = set()
        if isinstance(child, nodes.Macro):
            yield child.name, child.lineno, "macro"
            new = {a.name for a in child.args}
            what = f"parameter of macro {child.name}"
        elif isinstance(child, nodes.For):
            new = names_in(child.target)
            what = "loop variable"
        elif isinstance(child, nodes.Assign | nodes.AssignBlock):
            new = names_in(child.target)
            what = "set"
        elif isinstance(child, nodes.Import):
            new = {child.target}
            what = "import"
        for name in sorted(new):
            yield name, child.lineno, what + (" (shadows an outer one)" if name in bound else "")
        yield from bindings(child, bound | new)


def test_no_macro_loop_or_set_hides_a_variable_of_the_pages_context():
    """Inside a template a bound name wins over the context's variable of that name:
    a macro named like a context variable turned the anti-bot field's name into the
    macro's repr. Every name a template binds differs from each variable its pages
    render it with (a shared template: with those of every template using it), and
    no loop variable or parameter reuses a name bound around it."""
    common, by_template = render_arguments()
    assert {"t", "ctx", "csrf"} <= common | by_template["intro.html"]  # found the calls
    env = Environment(autoescape=True)
    templates = {p.name: env.parse(p.read_text()) for p in (WEB / "templates").glob("*.html")}
    users: dict[str, set[str]] = {name: {name} for name in templates}
    changed = True
    while changed:  # a template is used by those that extend, import or include it
        changed = False
        for name, tree in templates.items():
            for used in meta.find_referenced_templates(tree):
                if used and not users[name] <= users[used]:
                    users[used] |= users[name]
                    changed = True
    problems = []
    for name, tree in templates.items():
        context = common.union(*(by_template.get(user, set()) for user in users[name]))
        for bound, line, what in bindings(tree, frozenset()):
            if bound in context or "shadows" in what:
                problems.append(f"{name}:{line}: {what} {bound!r} hides a variable")
    assert not problems, "\n".join(problems)


def test_the_template_check_finds_the_old_anti_bot_macro_and_a_reused_loop_variable():
    tree = Environment().parse(
        '{% macro honeypot() %}<input name="{{ honeypot }}">{% endmacro %}'
        "{% for f in fields %}{% for f in f.rows %}{{ f }}{% endfor %}{% endfor %}"
    )
    found = list(bindings(tree, frozenset()))
    assert ("honeypot", 1, "macro") in found
    assert ("f", 1, "loop variable (shadows an outer one)") in found
