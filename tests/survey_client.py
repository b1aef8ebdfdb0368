"""A browser without JavaScript for the survey tests: it submits the form the page renders.

A test that builds its own request body tests the handler, not the survey (issue 24: the
anti-bot field was rendered as ``name="<Macro 'honeypot'>"`` and no test saw it, because
they all posted ``{"website": ...}`` themselves). :class:`Browser` GETs a page, reads its
HTML (lxml, a dependency of the project), finds the form and its fields by their rendered
names with their rendered defaults (hidden inputs, checked radio buttons and checkboxes,
selected options, text and textareas), lets the test change only fields and options the
page rendered, and POSTs exactly what a browser would, following redirects.

Two kinds of visitor:

* a person (default) sees only what is visible: a field inside an element with the
  ``hidden`` attribute, or an ``<input type="hidden">``, cannot be set (it is sent
  with its rendered value, as a browser does);
* a bot (``bot=True``) fills *every* text field with :data:`BOT_TEXT`, including the
  ones a person never sees; fields the test names get the test's values.

``tamper`` changes the body after the form is filled, for the few tests of what a
crafted request does (a forged CSRF token, an option the form never offered).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.html
from httpx2 import Response  # what Starlette's TestClient returns
from starlette.testclient import TestClient
from starlette.types import ASGIApp

BOT_TEXT = "https://spam.example/"
TEXT_TYPES = {"text", "search", "email", "url", "tel", "number", "password"}
"""``<input type>``s a person types into (no type at all is ``text`` too)."""
Value = str | Sequence[str]
"""A text, an option (by value or label), or several options of a checkbox group."""
Pairs = list[tuple[str, str]]


class FormError(AssertionError):
    """The test asked for something the page did not render."""


@dataclass
class Option:
    value: str
    label: str
    selected: bool


@dataclass
class Control:
    """A field as rendered: a text input, a textarea, a hidden input, a select, or the
    radio buttons or checkboxes that share a name."""

    name: str
    kind: str  # text, textarea, hidden, select, radio, checkbox
    label: str = ""
    value: str = ""
    options: list[Option] = field(default_factory=list)
    visible: bool = True
    """False inside an element with the ``hidden`` attribute (and for ``type=hidden``)."""
    inputmode: str = ""
    """A text field's keyboard (``numeric``, ``decimal``): a number is asked for."""

    @property
    def text_like(self) -> bool:
        return self.kind in ("text", "textarea")

    def default(self) -> list[str]:
        """What a browser sends when nobody touches the field."""
        if self.kind in ("radio", "checkbox"):
            return [o.value for o in self.options if o.selected]
        if self.kind == "select":
            chosen = [o.value for o in self.options if o.selected]
            return chosen[:1] or [o.value for o in self.options[:1]]
        return [self.value]

    def option(self, wanted: str) -> Option:
        """A rendered option by its value or its label."""
        for o in self.options:
            if wanted in (o.value, o.label):
                return o
        rendered = [o.value for o in self.options]
        raise FormError(f"{self.name!r} has no option {wanted!r}; the page rendered {rendered}")

    def chosen(self, value: Value) -> list[str]:
        """The values sent for ``value``; only what the page offers."""
        if self.kind in ("text", "textarea"):
            if not isinstance(value, str):
                raise FormError(f"{self.name!r} is a text field: one string, not {value!r}")
            return [value]
        wanted = [value] if isinstance(value, str) else list(value)
        if self.kind != "checkbox" and len(wanted) != 1:
            raise FormError(f"{self.name!r} ({self.kind}) takes one option, not {value!r}")
        return [self.option(w).value for w in wanted]


@dataclass
class Button:
    name: str
    value: str
    label: str


@dataclass
class Form:
    action: str
    """Absolute URL the form posts to (resolved against the page's URL)."""
    method: str
    controls: dict[str, Control]
    buttons: list[Button]

    def names(self) -> set[str]:
        """Every name this form can submit: its fields and its named buttons."""
        return set(self.controls) | {b.name for b in self.buttons if b.name}

    def control(self, key: str) -> Control:
        """A field by its rendered name, else by its label (or legend)."""
        if key in self.controls:
            return self.controls[key]
        by_label = [c for c in self.controls.values() if c.label and c.label == key]
        if len(by_label) == 1:
            return by_label[0]
        raise FormError(
            f"the page rendered no field {key!r}"
            + (" (several have that label)" if by_label else "")
            + f"; it has {sorted(self.controls)}"
        )

    def button(self, wanted: str | None) -> Button | None:
        """The submit button pressed: the first one, or the one with this value or label."""
        if wanted is None:
            return self.buttons[0] if self.buttons else None
        for b in self.buttons:
            if wanted in (b.value, b.label):
                return b
        rendered = [(b.value, b.label) for b in self.buttons]
        raise FormError(f"no button {wanted!r}; the page rendered {rendered}")

    def fill(
        self,
        values: Mapping[str, Value] | None = None,
        *,
        bot: bool = False,
        button: str | None = None,
        tamper: Mapping[str, str | None] | None = None,
    ) -> Pairs:
        """The body a browser sends: every field in document order with its rendered
        default, changed where ``values`` says (person) or, for a bot, with every text
        field filled; then the pressed button. ``tamper``: set (or with None, drop) names
        in the body regardless of what the page rendered."""
        chosen: dict[str, list[str]] = {}
        for key, value in (values or {}).items():
            control = self.control(key)
            if control.kind == "hidden":
                raise FormError(f"{control.name!r} is a hidden input: nobody types into it")
            if not control.visible and not bot:
                raise FormError(f"{control.name!r} is hidden: a person never sees it")
            chosen[control.name] = control.chosen(value)
        pairs: Pairs = []
        for name, control in self.controls.items():
            if name in chosen:
                sent = chosen[name]
            elif bot and control.text_like:
                sent = [BOT_TEXT]
            else:
                sent = control.default()
            pairs += [(name, v) for v in sent]
        pressed = self.button(button)
        if pressed is not None and pressed.name:
            pairs.append((pressed.name, pressed.value))
        for name, forged in (tamper or {}).items():
            pairs = [(n, v) for n, v in pairs if n != name]
            if forged is not None:
                pairs.append((name, forged))
        return pairs


def _own_text(element: lxml.html.HtmlElement) -> str:
    """A label's text without its hint, "optional" marker or badge (child elements)."""
    parts = [element.text or ""] + [child.tail or "" for child in element]
    return " ".join("".join(parts).split())


def _hidden(element: lxml.html.HtmlElement) -> bool:
    return any("hidden" in e.attrib for e in element.iterancestors()) or "hidden" in element.attrib


def parse_form(html: str, page_url: str, action: str | None = None) -> Form:
    """The page's form (the one posting to ``action``, else the only one)."""
    doc = lxml.html.fromstring(html)
    forms = doc.forms
    if action is not None:
        path = urlsplit(urljoin(page_url, action)).path
        forms = [f for f in forms if urlsplit(urljoin(page_url, f.get("action", ""))).path == path]
    if len(forms) != 1:
        raise FormError(f"{len(forms)} forms (action {action!r}) on {page_url}")
    element = forms[0]
    labels = {label.get("for"): _own_text(label) for label in doc.iter("label") if label.get("for")}
    controls: dict[str, Control] = {}
    buttons: list[Button] = []
    for el in element.iter("input", "textarea", "select", "button"):
        name = el.get("name", "")
        if "disabled" in el.attrib:
            continue
        kind = el.tag if el.tag != "input" else (el.get("type") or "text").lower()
        if kind in ("submit", "button") or el.tag == "button":
            if el.get("type", "submit").lower() == "submit":
                buttons.append(Button(name, el.get("value", ""), _own_text(el)))
            continue
        if not name:
            continue
        visible = kind != "hidden" and not _hidden(el)
        if kind in ("radio", "checkbox"):
            group = controls.get(name)
            if group is None:
                fieldset = next(el.iterancestors("fieldset"), None)
                legend = fieldset.find("legend") if fieldset is not None else None
                label = _own_text(legend) if legend is not None else ""
                group = controls[name] = Control(name, kind, label, visible=visible)
            elif group.kind != kind:
                raise FormError(f"{name!r} is rendered both as {group.kind} and {kind}")
            group.options.append(
                Option(el.get("value", "on"), labels.get(el.get("id"), ""), "checked" in el.attrib)
            )
            continue
        if name in controls:
            raise FormError(f"{name!r} is rendered twice")
        label = labels.get(el.get("id"), "")
        if kind == "select":
            options = [
                Option(o.get("value", o.text_content()), " ".join(o.text_content().split()),
                       "selected" in o.attrib)
                for o in el.iter("option")
            ]  # fmt: skip
            controls[name] = Control(name, "select", label, options=options, visible=visible)
        elif kind == "textarea":
            value = el.text or ""
            value = value[1:] if value.startswith("\n") else value  # as the HTML parser does
            controls[name] = Control(name, "textarea", label, value, visible=visible)
        elif kind == "hidden":
            controls[name] = Control(name, "hidden", "", el.get("value", ""), visible=False)
        elif kind in TEXT_TYPES:
            value, mode = el.get("value", ""), el.get("inputmode", "")
            if kind == "number" and not mode:
                mode = "decimal"
            controls[name] = Control(name, "text", label, value, visible=visible, inputmode=mode)
        else:
            raise FormError(f"{name!r}: <input type={kind!r}> is not known to the test browser")
    method = (element.get("method") or "get").lower()
    return Form(urljoin(page_url, element.get("action", "")), method, controls, buttons)


class Browser:
    """A browser without JavaScript around Starlette's TestClient: follows redirects,
    keeps cookies, and submits the forms of the pages it got."""

    def __init__(self, app: ASGIApp, *, follow_redirects: bool = True):
        self.client = TestClient(app, follow_redirects=follow_redirects)
        self.page: Response | None = None
        self.sent: list[tuple[str, Pairs]] = []
        """Each submission: the URL posted to and the body (name, value) pairs."""

    def get(self, url: str) -> Response:
        self.page = page = self.client.get(url)
        return page

    @property
    def path(self) -> str:
        assert self.page is not None
        return self.page.url.path

    def form(self, action: str | None = None) -> Form:
        assert self.page is not None, "no page yet"
        return parse_form(self.page.text, str(self.page.url), action)

    def submit(
        self,
        values: Mapping[str, Value] | None = None,
        *,
        bot: bool = False,
        button: str | None = None,
        action: str | None = None,
        tamper: Mapping[str, str | None] | None = None,
    ) -> Response:
        """Fill the page's form (:meth:`Form.fill`) and send it as the browser would."""
        form = self.form(action)
        pairs = form.fill(values, bot=bot, button=button, tamper=tamper)
        self.sent.append((form.action, pairs))
        if form.method == "post":
            body = urlencode(pairs).encode()
            headers = {"content-type": "application/x-www-form-urlencoded"}
            page = self.client.post(form.action, content=body, headers=headers)
        else:
            page = self.client.get(form.action.split("?")[0] + "?" + urlencode(pairs))
        self.page = page
        return page
