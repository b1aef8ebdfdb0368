"""A browser without JavaScript for tests: it submits the forms the page rendered.

:class:`FormPage` parses a page's forms (inputs, radio groups, checkboxes, selects,
textareas, named buttons) and :meth:`Browser.submit` fills the rendered fields - a value
given for a field must be one the page offers - and posts to the form's action, as a
browser does. Nothing is hand-built: a field the page did not render cannot be sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

from starlette.testclient import TestClient


@dataclass
class Field:
    kind: str  # hidden | text | radio | checkbox | select | textarea
    name: str
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class FormPage(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[dict[str, str]] = []
        self._select: Field | None = None
        self._textarea: Field | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a":
            self.links.append(a)
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input" and "name" in a:
            kind = a.get("type", "text")
            form.fields.append(Field(kind, a["name"], a.get("value", ""), "checked" in a))
        elif tag == "button" and "name" in a:
            form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = Field("select", a["name"])
            form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")
        elif tag == "textarea":
            self._textarea = Field("textarea", a["name"])
            form.fields.append(self._textarea)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


Answers = dict[str, str | list[str]]


def fill(form: Form, answers: Answers, first_choice: bool) -> list[tuple[str, str]]:
    """The body a browser sends: rendered fields only; ``answers`` must name offered
    values. ``first_choice``: radio groups not in ``answers`` get their first option that
    is not "weiß nicht"/"betrifft mich nicht" (a respondent who answers everything)."""
    radios: dict[str, list[Field]] = {}
    body: list[tuple[str, str]] = []
    for f in form.fields:
        if f.kind == "radio":
            radios.setdefault(f.name, []).append(f)
        elif f.kind == "checkbox":
            chosen = answers.get(f.name, [])
            chosen = [chosen] if isinstance(chosen, str) else chosen
            if f.value in chosen or (f.checked and f.name not in answers):
                body.append((f.name, f.value))
        elif f.kind == "select":
            value = answers.get(f.name, f.value)
            assert isinstance(value, str) and value in f.options, (f.name, value, f.options)
            body.append((f.name, value))
        elif f.kind in ("hidden", "text", "textarea"):
            value = answers.get(f.name, f.value)
            assert isinstance(value, str)
            body.append((f.name, value))
    for name, group in radios.items():
        offered = [g.value for g in group]
        if name in answers:
            assert answers[name] in offered, (name, answers[name], offered)
            body.append((name, str(answers[name])))
        elif any(g.checked for g in group):
            body.append((name, next(g.value for g in group if g.checked)))
        elif first_choice:
            real = [v for v in offered if v not in ("dk", "na")]
            body.append((name, (real or offered)[0]))
    for key in answers:
        known = {f.name for f in form.fields}
        assert key in known, f"{key} is not a field of this page"
    return body


class Browser:
    """Follows redirects, keeps cookies, submits rendered forms."""

    def __init__(self, app):  # type: ignore[no-untyped-def]
        self.client = TestClient(app, follow_redirects=True)
        self.page = None

    def open(self, url: str):  # type: ignore[no-untyped-def]
        self.page = self.client.get(url)
        return self.page

    @property
    def path(self) -> str:
        return self.page.url.path

    @property
    def html(self) -> str:
        return self.page.text

    def forms(self) -> list[Form]:
        return [f for f in FormPage(self.html).forms if f.method == "post"]

    def click(self, hreflang: str):  # type: ignore[no-untyped-def]
        link = next(a for a in FormPage(self.html).links if a.get("hreflang") == hreflang)
        return self.open(link["href"])

    def submit(
        self, answers: Answers | None = None, button: str | None = "next", first_choice=True
    ):  # type: ignore[no-untyped-def]
        form = self.forms()[0]
        body = fill(form, answers or {}, first_choice)
        if button and form.buttons:
            chosen = [b for b in form.buttons if b[1] == button]
            assert chosen, (button, form.buttons)
            body.append(chosen[0])
        self.page = self.client.post(
            form.action,
            content=urlencode(body).encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        return self.page

    def answer_everything(self, max_pages: int = 60):  # type: ignore[no-untyped-def]
        """From the introduction to the thank-you page, answering every rendered question
        (consent to sensitive questions: no)."""
        for _ in range(max_pages):
            if self.path.endswith("/danke") or not self.forms():
                return self.page
            if self.path.endswith("/einwilligung"):
                self.submit({"consent": "no"}, button=None)
            elif self.path.endswith("/pruefen") or re.search(r"/[a-z-]+/$", self.path):
                self.submit(button=None)  # review (submit) or introduction (accept)
            else:
                self.submit()
        raise AssertionError(f"no end after {max_pages} pages: {self.path}")
