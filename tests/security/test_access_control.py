"""Access-control sweep: every dashboard page needs a login and the role ``dashboard/app.py``
gives it; a viewer never gets raw answers or free text; a guide gets no admin action; a
user of one municipality never sees another's data; session cookie flags, CSRF and the
login slow-down (tests/security/test_session_and_limits.py), with numbers."""

from __future__ import annotations

import ast
import inspect
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bedarfsradar.db.schema import AppUser
from bedarfsradar.login import CSRF_COOKIE
from bedarfsradar.server import routes
from bedarfsradar.session import COOKIE, SessionUser
from surveys.campaign_setup import set_guides_may_create
from tests.dashboard.conftest import run_page
from tests.dashboard.downloads import media_store  # noqa: F401 - fixture
from tests.security.conftest import MARK_A, MARK_B, PASSWORD
from tests.security.pages import PAGES, everything_shown, page_roles

ROLES = ("admin", "guide", "viewer")
PAGE_ROLES = page_roles()
REFUSED = [(p, r) for p, roles in PAGE_ROLES.items() for r in ROLES if r not in roles]
VIEWER_PAGES = [p for p, roles in PAGE_ROLES.items() if "viewer" in roles]


# -- every page: login and role ---------------------------------------------------------------
def _require_call(path) -> ast.Call | None:  # type: ignore[no-untyped-def]
    """The ``auth.require(...)`` call if it is the page's first statement that does
    anything (imports, the docstring, constants and definitions before it are fine)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef):
            continue
        if isinstance(node, ast.Expr | ast.Assign) and _is_literal(node.value):
            continue
        call = node.value if isinstance(node, ast.Assign | ast.Expr) else None
        if isinstance(call, ast.Call) and ast.unparse(call.func) == "auth.require":
            return call
        return None
    return None


def _is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


def test_every_page_is_listed_and_checks_login_and_role_before_anything_else():
    files = sorted(p.name for p in PAGES.glob("*.py") if p.name != "login_required.py")
    assert sorted(PAGE_ROLES) == files  # no page outside the role-filtered navigation
    for name, roles in PAGE_ROLES.items():
        call = _require_call(PAGES / name)
        assert call is not None, f"{name}: first statement must be auth.require(...)"
        required = {ast.literal_eval(a) for a in call.args} or set(ROLES)
        assert required == set(roles), (name, required, roles)


@pytest.mark.parametrize("page", sorted(PAGE_ROLES))
def test_every_page_shows_nothing_without_login(login_as, page):
    login_as(None)
    at = run_page(page)
    assert "Bitte melden Sie sich an" in at.warning[0].value
    assert len(at.dataframe) == len(at.get("download_button")) == len(at.button) == 0


@pytest.mark.parametrize(("page", "role"), REFUSED)
def test_pages_refuse_roles_outside_their_list(login_as, media_store, page, role):  # noqa: F811
    login_as(role)
    at = run_page(page)
    assert "Berechtigung" in at.error[0].value
    assert len(at.dataframe) == len(at.get("download_button")) == len(at.button) == 0
    assert MARK_A not in everything_shown(at)


def test_viewer_never_gets_raw_answers_or_free_text(login_as, media_store):  # noqa: F811
    login_as("viewer")
    shown = 0
    for page in VIEWER_PAGES:
        RecordingStorage = media_store
        RecordingStorage.files.clear()
        at = run_page(page)
        text = everything_shown(at)
        assert MARK_A not in text, f"free text visible to a viewer on {page}"
        labels = [b.proto.label for b in at.get("download_button")]
        assert not [x for x in labels if "Einzelantworten" in x or "Freitext" in x], (page, labels)
        shown += len(text)
    assert len(VIEWER_PAGES) >= 2 and shown > 5_000  # the pages did render content


def test_the_same_free_text_is_visible_to_a_guide(login_as, media_store):  # noqa: F811
    """Counter-check of the viewer test: the marker is findable where it should be."""
    login_as("guide")
    at = run_page("export.py")
    at.toggle(key="raw").set_value(True).run()
    assert MARK_A in everything_shown(at)


def test_guide_gets_no_admin_action(login_as, towns):
    """Guides run waves (create, open, close) unless the admin restricts it; the public
    address, that restriction and the purge stay the admin's."""
    ctx = towns.a
    login_as("guide")
    at = run_page("campaigns.py")
    keys = {str(w.key) for w in [*at.button, *at.checkbox, *at.text_input]}
    assert not keys & {"public-address", "save-public-address", "guides-may-create"}, keys
    set_guides_may_create(ctx.db, ctx.municipality_id, False)
    try:
        at = run_page("campaigns.py")
    finally:
        set_guides_may_create(ctx.db, ctx.municipality_id, True)
    assert len(at.get("form")) == 0
    assert not [b for b in at.button if str(b.key).startswith("status-")]
    if "privacy.py" in PAGE_ROLES:
        at = run_page("privacy.py")
        keys = {str(w.key) for w in [*at.button, *at.number_input, *at.checkbox]}
        assert not keys & {"save-retention", "purge", "purge-months", "purge-confirm"}, keys
    login_as("admin")  # counter-check: the admin does get them
    at = run_page("campaigns.py")
    assert len(at.get("form")) == 1 and [b for b in at.button if str(b.key).startswith("status-")]


# -- municipality isolation -------------------------------------------------------------------
def test_dashboard_data_functions_return_only_the_logged_in_towns_data(towns, login_as):
    import dashboard.data as data

    login_as("admin")
    version = data.data_version()
    outputs = {}
    for name in dir(data):
        fn = getattr(data, name)
        target = getattr(fn, "__wrapped__", fn)  # st.cache_data / cache_resource
        if not inspect.isfunction(target) or target.__module__ != data.__name__:
            continue
        if name.startswith("_") or name == "context":
            continue
        params = inspect.signature(target).parameters
        if set(params) - {"version"} - {p for p, v in params.items() if v.default is not v.empty}:
            continue
        outputs[name] = fn(version) if "version" in params else fn()
    outputs["needs_view"] = data.needs_view((), "stadtteil", "newcomer", version)
    outputs["supply_view"] = data.supply_view((), (), (), None, False, "k", version)
    assert {"raw_answers", "offers", "aggregate_sheets", "survey_data"} <= set(outputs)
    for name, value in outputs.items():
        assert MARK_B not in _text(value), f"dashboard.data.{name} shows another town's data"
    assert MARK_A in _text(outputs["raw_answers"])  # counter-check: own data is there
    raw = outputs["raw_answers"]
    # every complete response of this town but those never shown one by one (staff, volunteers)
    every = data.context().storage.answers_frame(data.context().municipality_id)
    unprotected = every[~every["audience"].isin(data.protected_audiences())]
    assert raw["response_id"].nunique() == unprotected["response_id"].nunique() <= version.answers


def _text(value) -> str:  # type: ignore[no-untyped-def]
    if hasattr(value, "to_csv"):
        return value.to_csv()
    if isinstance(value, dict):
        return "\n".join(_text(v) for v in value.values())
    if isinstance(value, tuple | list):
        return "\n".join(_text(v) for v in value)
    if hasattr(value, "__dict__"):
        return "\n".join(_text(v) for v in vars(value).values())
    return str(value)


@pytest.mark.parametrize("page", sorted(PAGE_ROLES))
def test_no_page_shows_another_towns_data(login_as, media_store, page):  # noqa: F811
    login_as("admin")
    at = run_page(page)
    assert MARK_B not in everything_shown(at), page


def test_another_towns_user_cannot_log_into_this_town_nor_claim_it_in_a_session(towns, monkeypatch):
    import dashboard.auth
    import dashboard.data

    a, b = towns.a, towns.b
    client = TestClient(Starlette(routes=routes(a)), follow_redirects=False)
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"csrf": csrf, "username": "b-admin", "password": PASSWORD,
                                    "kommune": "oestrich-winkel"})  # fmt: skip
    assert r.status_code == 401 and COOKIE not in r.cookies  # right password, other town

    with b.db.read() as s:
        b_admin = s.scalar(select(AppUser.id).where(AppUser.username == "b-admin"))
    with a.db.read() as s:
        a_admin = s.scalar(select(AppUser.id).where(AppUser.username == "a-admin"))
    monkeypatch.setattr(dashboard.data, "context", lambda: a)

    def session_of(cookie: str) -> SessionUser | None:
        fake_st = SimpleNamespace(context=SimpleNamespace(cookies={COOKIE: cookie}))
        monkeypatch.setattr(dashboard.auth, "st", fake_st)
        return dashboard.auth.current_user()

    # one installation: a live session of B's admin is B's admin in B's town, never in A
    theirs = session_of(b.sessions.start(b_admin, b.municipality_id))
    assert theirs is not None and (theirs.username, theirs.municipality_id) == (
        "b-admin", b.municipality_id)  # fmt: skip
    # a session row claiming A for B's user (as if written by a bug): still nothing
    assert session_of(a.sessions.start(b_admin, a.municipality_id)) is None
    own = session_of(a.sessions.start(a_admin, a.municipality_id))  # counter-check
    assert own is not None and (own.username, own.role) == ("a-admin", "admin")


# -- cookies, CSRF, brute force ----------------------------------------------------------------
@pytest.fixture
def secure_client(towns):
    towns.a.settings.secure_cookies = True
    try:
        with TestClient(Starlette(routes=routes(towns.a)), base_url="https://testserver",
                        follow_redirects=False) as c:  # fmt: skip
            yield c
    finally:
        towns.a.settings.secure_cookies = None


def _flags(response, name: str) -> set[str]:  # type: ignore[no-untyped-def]
    header = next(h for h in response.headers.get_list("set-cookie") if h.startswith(name + "="))
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_cookie_flags_and_csrf_behind_https(secure_client):
    c = secure_client
    page = c.get("/login")
    assert {"httponly", "samesite=strict", "secure", "path=/login"} <= _flags(page, CSRF_COOKIE)
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    form = {"username": "a-guide", "password": PASSWORD, "kommune": "oestrich-winkel"}
    # a token that is not the one in this browser's cookie (login CSRF) is refused
    other = TestClient(c.app, base_url="https://testserver").get("/login")
    other_token = re.search(r'name="csrf" value="([^"]+)"', other.text).group(1)
    assert c.post("/login", data={**form, "csrf": other_token}).status_code == 403
    page = c.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = c.post("/login", data={**form, "csrf": token})
    assert r.status_code == 303
    assert {"httponly", "samesite=strict", "secure", "path=/", "max-age=28800"} <= _flags(r, COOKIE)
    # logout: a GET changes nothing, a POST without the session-bound token is refused
    assert c.get("/logout").status_code == 200
    assert c.post("/logout", data={"csrf": "x" * 32}).status_code == 403
    assert c.post("/logout", data={}).status_code == 403
    assert COOKIE in c.cookies
