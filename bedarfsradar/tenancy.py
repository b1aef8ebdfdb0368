"""Towns as tenants: adding a town with its first admin, the Land's own tenant, finding
the town of a request, and the town's questionnaires derived from the shared core.

One installation serves the towns of the KISI network. A town is added with
``bedarfsradar town add SLUG --name … --stadtteile …`` (:func:`add_town`); every user
belongs to exactly one town, or to the Land (role ``land``, :func:`ensure_land`). What a
request or command works on is the current town of :mod:`bedarfsradar.db.rls`, set at the
edges: the survey from its address (:class:`SurveyTowns`), the dashboard from the signed-in
user, the CLI from ``--town``. On PostgreSQL the database enforces it (row-level
security); SQLite holds one town per database file, so a second town is refused there.

The core questionnaire is the Land's (``data/questionnaires``). A town's versions are the
core with its own name and Stadtteile (:func:`town_bundle`); question ids and option codes
stay the core's, so the Land's pooled tables can take the core questions of every town
(:mod:`bedarfsradar.land`). A town may add questions and languages; those are not in the
core and never reach the Land.

Bad input is refused in German before anything is stored (:class:`TownError`).
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from starlette.types import ASGIApp, Receive, Scope, Send

from bedarfsradar.db import rls
from bedarfsradar.db.schema import AppUser, AuditLog, Municipality, QuestionnaireVersion
from bedarfsradar.users import (
    ROLES,
    UserError,
    check_new_user,
    hash_password,
)
from surveys.questionnaire.model import QuestionnaireBundle
from surveys.translations.status import source_hash

if TYPE_CHECKING:
    from bedarfsradar.context import AppContext

LAND_SLUG = "land"
LAND_NAME = "Land Hessen (HMSI)"
LAND_ROLE = "land"
SLUG_PATTERN = re.compile(r"[a-z][a-z0-9-]{1,62}[a-z0-9]")
RESULTS_BASE = "/ergebnisse"
"""Where the public results pages are served (:mod:`bedarfsradar.results_site`): a town's
at ``/ergebnisse/<town>/`` where the installation has several towns."""
RESERVED_SLUGS = frozenset(
    {LAND_SLUG, "_static", "u", "login", "logout", "healthz", "audio", "ergebnisse"}
)
STADTTEIL_SET = "stadtteil"
"""The option set of the core questionnaires that lists the town's Stadtteile."""
TOWN_CACHE_SECONDS = 5.0


class TownError(UserError):
    """A town cannot be added, found or removed; the message is German and says why."""


@dataclass(frozen=True)
class Town:
    id: int
    slug: str
    name: str
    kind: str  # town | land
    stadtteile: tuple[tuple[str, str], ...]  # (code, name); empty: data/geography.yaml


def _town(row: Municipality) -> Town:
    parts = tuple((str(s["code"]), str(s["name"])) for s in row.stadtteile or [])
    return Town(row.id, row.slug, row.name, row.kind, parts)


def towns(ctx: AppContext, *, kind: str | None = "town") -> list[Town]:
    """The tenants of the installation (default: the towns, not the Land), by name."""
    stmt = select(Municipality).order_by(Municipality.name)
    if kind is not None:
        stmt = stmt.where(Municipality.kind == kind)
    with ctx.db.read() as s:
        return [_town(m) for m in s.scalars(stmt)]


def town_by_slug(ctx: AppContext, slug: str) -> Town | None:
    with ctx.db.read() as s:
        row = s.scalar(select(Municipality).where(Municipality.slug == slug))
        return None if row is None else _town(row)


def town_by_id(ctx: AppContext, municipality_id: int) -> Town | None:
    with ctx.db.read() as s:
        row = s.get(Municipality, municipality_id)
        return None if row is None else _town(row)


def require_town(ctx: AppContext, slug: str) -> Town:
    """The tenant named ``slug`` (a town, or ``land``); :class:`TownError` otherwise."""
    found = town_by_slug(ctx, slug)
    if found is None:
        raise TownError(f"Die Kommune „{slug}“ gibt es in dieser Installation nicht.")
    return found


# -- the town's questionnaires from the core ---------------------------------------------------
def _ascii_code(name: str) -> str:
    german = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
    name = "".join(german.get(ch, ch) for ch in name)
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "_", plain.decode().lower()).strip("_")


def parse_stadtteile(spec: str) -> list[dict[str, str]]:
    """``"Nord, Süd"`` or ``"nord=Nord,sued=Süd"`` -> [{"code", "name"}, …] (codes made
    from the names where not given). At least one; codes and names unique."""
    out: list[dict[str, str]] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        code, _, name = part.partition("=") if "=" in part else ("", "", part)
        name = name.strip()
        code = code.strip() or _ascii_code(name)
        if not name or not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", code):
            raise TownError(
                f"Stadtteil „{part}“ ist ungültig: bitte „Name“ oder „code=Name“ (Code aus "
                "Kleinbuchstaben, Ziffern und _, mit einem Buchstaben am Anfang)."
            )
        out.append({"code": code, "name": name})
    if not out:
        raise TownError("Bitte mindestens einen Stadtteil angeben (--stadtteile).")
    codes = [s["code"] for s in out]
    if len(set(codes)) != len(codes) or len({s["name"] for s in out}) != len(out):
        raise TownError("Jeder Stadtteil darf nur einmal vorkommen.")
    return out


def town_bundle(
    core: QuestionnaireBundle,
    core_town: str,
    name: str,
    stadtteile: list[dict[str, str]],
    core_stadtteile: Collection[str] = (),
) -> QuestionnaireBundle:
    """The core questionnaire for one town: every text naming the core's town names this
    one (German and translations alike; a translation's recorded source hash follows its
    German text, so it stays current), and the Stadtteil option set lists its Stadtteile
    (names as they are in every language) in place of the core town's
    (``core_stadtteile``; other options such as "outside the town" stay). Ids and codes
    stay the core's."""
    data = json.loads(json.dumps(core.model_dump(mode="json")).replace(core_town, name))
    sets = data["questionnaire"].get("option_sets", {})
    if STADTTEIL_SET in sets:
        kept = [o for o in sets[STADTTEIL_SET] if o["code"] not in core_stadtteile]
        sets[STADTTEIL_SET] = [{"code": s["code"], "label": s["name"]} for s in stadtteile] + kept
    bundle = QuestionnaireBundle.model_validate(data)
    source = bundle.questionnaire.source_strings()
    gone = {f"options.{STADTTEIL_SET}.{code}" for code in core_stadtteile}
    translations = {}
    for lang, tr in bundle.translations.items():
        strings = {k: v for k, v in tr.strings.items() if k not in gone}
        strings |= {f"options.{STADTTEIL_SET}.{s['code']}": s["name"] for s in stadtteile}
        hashes = {k: source_hash(source[k]) if k in source and core_town in v else v
                  for k, v in tr.source_hashes.items()}  # fmt: skip
        translations[lang] = tr.model_copy(update={"strings": strings, "source_hashes": hashes})
    return bundle.model_copy(update={"translations": translations})


def town_bundles(
    ctx: AppContext, name: str, stadtteile: list[dict[str, str]]
) -> dict[str, QuestionnaireBundle]:
    """The core questionnaires of every audience for one town."""
    home = ctx.home_geography
    return {
        audience: town_bundle(bundle, home.name, name, stadtteile, tuple(home.stadtteile))
        for audience, bundle in ctx.bundles().items()
    }


def core_of(ctx: AppContext, town: Town) -> dict[str, QuestionnaireBundle]:
    """The core questionnaires as ``town`` asks them (the installation's own town: the
    core itself)."""
    if not town.stadtteile:
        return ctx.bundles()
    return town_bundles(ctx, town.name, [{"code": c, "name": n} for c, n in town.stadtteile])


def core_question_ids(bundles: dict[str, QuestionnaireBundle]) -> dict[str, set[str]]:
    """Per audience, the question ids of the shared core: what the Land's pooled tables
    may use. A town's own questions are not among them."""
    return {a: {q.id for _, q in b.questionnaire.questions()} for a, b in bundles.items()}


# -- adding tenants --------------------------------------------------------------------------
def _check_slug(slug: str) -> None:
    if not SLUG_PATTERN.fullmatch(slug) or "--" in slug:
        raise TownError(
            f"„{slug}“ ist als Kürzel nicht möglich: 3–64 Kleinbuchstaben, Ziffern und "
            "Bindestriche, am Anfang ein Buchstabe (z. B. „idstein“)."
        )
    if slug in RESERVED_SLUGS:
        raise TownError(f"Das Kürzel „{slug}“ ist reserviert; bitte ein anderes wählen.")


def check_admin(username: str, password: str, *town: str) -> None:
    """The first admin's name and password (for the town named ``town``: slug, name),
    checked before anything is stored."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,63}", username):
        raise TownError(
            f"Benutzername „{username}“: 2–64 Kleinbuchstaben, Ziffern, „.“, „_“ oder „-“."
        )
    try:
        check_new_user(username, password, "admin", *town)  # the users module's rules
    except UserError as exc:
        raise TownError(f"Der erste Admin lässt sich so nicht anlegen: {exc}") from exc


def _role_problem(ctx: AppContext) -> str | None:
    """Why the application's database role cannot keep towns apart (None: it can)."""
    if ctx.db.is_sqlite:
        return (
            "Auf SQLite hat eine Installation genau eine Kommune. Für mehrere Kommunen "
            "PostgreSQL verwenden (siehe README, „Betrieb für das Land“)."
        )
    with ctx.db.engine.connect() as conn:
        superuser, bypass = conn.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).one()
    if superuser or bypass:
        return (
            "Die Anwendung meldet sich an der Datenbank mit einer Rolle an, die den "
            "Zeilenschutz umgeht (Superuser oder BYPASSRLS). Für mehrere Kommunen eine "
            "eigene Rolle ohne diese Rechte verwenden (BEDARFSRADAR_DATABASE_URL)."
        )
    return None


def _insert_tenant(
    session: Any, slug: str, name: str, kind: str, stadtteile: list[dict[str, str]] | None
) -> int:
    row = Municipality(slug=slug, name=name, kind=kind, stadtteile=stadtteile)
    session.add(row)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":  # the rest writes the new tenant's rows
        session.execute(
            text("SELECT set_config(:name, :town, true)"),
            {"name": rls.SETTING, "town": str(row.id)},
        )
    return int(row.id)


def _add_first_user(session: Any, mid: int, username: str, password: str, role: str) -> None:
    session.add(AppUser(municipality_id=mid, username=username,
                        password_hash=hash_password(password), role=role))  # fmt: skip
    session.add(AuditLog(municipality_id=mid, actor="cli", action="user.add",
                         detail={"username": username, "role": role}))  # fmt: skip


def add_town(
    ctx: AppContext,
    slug: str,
    name: str,
    stadtteile: str,
    admin: str,
    password: str,
) -> Town:
    """Add a town with its questionnaires (the core, made the town's) and its first admin,
    in one transaction as the owner of the tables. Refuses (German, nothing stored): a
    slug in use or reserved, bad Stadtteile, a bad admin name or password, SQLite with a
    town already, an application role that bypasses row-level security."""
    slug = slug.strip().lower()
    name = " ".join(name.split())
    _check_slug(slug)
    if not name or len(name) > 200:
        raise TownError("Bitte den Namen der Kommune angeben (--name, höchstens 200 Zeichen).")
    parts = parse_stadtteile(stadtteile)
    check_admin(admin, password, slug, name)
    if town_by_slug(ctx, slug) is not None:
        raise TownError(f"Die Kommune „{slug}“ gibt es bereits; nichts wurde gespeichert.")
    if towns(ctx, kind=None) and (problem := _role_problem(ctx)):
        raise TownError(problem)
    bundles = town_bundles(ctx, name, parts)
    with ctx.owner_db.write() as s:
        mid = _insert_tenant(s, slug, name, "town", parts)
        for bundle in bundles.values():
            q = bundle.questionnaire
            s.add(QuestionnaireVersion(municipality_id=mid, questionnaire_id=q.id,
                                       audience=q.audience, version_label=q.version,
                                       content_hash=bundle.content_hash(),
                                       content=bundle.model_dump(mode="json")))  # fmt: skip
        _add_first_user(s, mid, admin, password, "admin")
        s.add(AuditLog(municipality_id=mid, actor="cli", action="town.add",
                       detail={"slug": slug, "name": name}))  # fmt: skip
    forget_towns()
    return Town(mid, slug, name, "town", tuple((p["code"], p["name"]) for p in parts))


def ensure_home_town(ctx: AppContext) -> int:
    """The installation's own town (``BEDARFSRADAR_MUNICIPALITY``, Stadtteile from
    ``data/geography.yaml``), created on first use by the owner."""
    slug = ctx.settings.municipality
    found = town_by_slug(ctx, slug)
    if found is not None:
        return found.id
    with ctx.owner_db.write() as s:
        existing = s.scalar(select(Municipality.id).where(Municipality.slug == slug))
        if existing is not None:
            return int(existing)
        mid = _insert_tenant(s, slug, ctx.home_geography.name, "town", None)
    forget_towns()
    return mid


def ensure_land(ctx: AppContext) -> int:
    """The Land's tenant (created on first use): its users have the role ``land``."""
    found = town_by_slug(ctx, LAND_SLUG)
    if found is not None:
        return found.id
    if problem := _role_problem(ctx):
        raise TownError(problem.replace("genau eine Kommune", "kein Konto für das Land"))
    with ctx.owner_db.write() as s:
        mid = _insert_tenant(s, LAND_SLUG, LAND_NAME, "land", None)
    forget_towns()
    return mid


def add_user(ctx: AppContext, tenant: Town, username: str, password: str, role: str) -> None:
    """A user of ``tenant``: role ``land`` in the Land's tenant only, a town's roles in
    a town only."""
    from bedarfsradar.users import add_user as add

    if (tenant.kind == "land") != (role == LAND_ROLE):
        if tenant.kind == "land":
            raise TownError(f"Benutzer des Landes haben die Rolle „{LAND_ROLE}“.")
        raise TownError(
            f"Die Rolle „{role}“ gibt es in einer Kommune nicht (möglich: {', '.join(ROLES)})."
        )
    with rls.town_scope(tenant.id):
        add(ctx.db, tenant.id, username, password, role)


def grant_app_role(ctx: AppContext) -> None:
    """After a migration on PostgreSQL: what the application role may do, when it is not
    the owner (:func:`bedarfsradar.db.rls.grant_app_role`)."""
    if ctx.owner_db.is_sqlite or ctx.owner_db is ctx.db:
        return
    app_user = make_url(ctx.settings.effective_database_url).username
    owner = make_url(ctx.settings.effective_migration_url).username
    if not app_user or app_user == owner:
        return
    with ctx.owner_db.engine.begin() as conn:
        rls.grant_app_role(conn, app_user)


# -- the town of a survey address --------------------------------------------------------------
_SLUGS: dict[str, Any] = {}


def forget_towns() -> None:
    _SLUGS.clear()


def remembered_tenants(ctx: AppContext) -> list[Town] | None:
    """The tenants if read less than :data:`TOWN_CACHE_SECONDS` ago, else None: no query,
    so the event loop may ask (and only goes to a worker thread when it must read)."""
    hit = _SLUGS.get("tenants")
    if hit is not None and time.monotonic() - hit[0] < TOWN_CACHE_SECONDS and hit[2] is ctx:
        return list(hit[1])
    return None


async def tenants_of_request(ctx: AppContext) -> list[Town]:
    """:func:`cached_tenants` for an ASGI wrapper: a worker thread only when the list must
    be read again (a database that is away: no tenant)."""
    from anyio import to_thread
    from sqlalchemy.exc import SQLAlchemyError

    found = remembered_tenants(ctx)
    if found is not None:
        return found
    try:
        return await to_thread.run_sync(cached_tenants, ctx)
    except SQLAlchemyError:
        return []


def cached_tenants(ctx: AppContext) -> list[Town]:
    """Every tenant (towns and the Land), re-read at most every few seconds: the survey
    and the login form ask on every request."""
    hit = remembered_tenants(ctx)
    if hit is not None:
        return hit
    now = time.monotonic()
    found = towns(ctx, kind=None)
    _SLUGS["tenants"] = (now, found, ctx)
    return list(found)


def survey_slug(ctx: AppContext, campaign_slug: str) -> str:
    """The campaign's part of its survey address: ``<town>/<campaign>`` where the
    installation has several towns (the current town's), else ``<campaign>`` as before."""
    towns = [t for t in cached_tenants(ctx) if t.kind == "town"]
    if len(towns) <= 1:
        return campaign_slug
    town = next((t for t in towns if t.id == ctx.municipality_id), None)
    return campaign_slug if town is None else f"{town.slug}/{campaign_slug}"


def login_tenant(ctx: AppContext, slug: str | None) -> int | None:
    """The tenant a login form names (its ``kommune`` field); the only one where the
    installation has one. None: unknown."""
    tenants = cached_tenants(ctx)
    if len(tenants) == 1:
        return tenants[0].id
    return next((t.id for t in tenants if t.slug == slug), None)


class SurveyTowns:
    """ASGI wrapper of the public survey (mounted at ``/u``): ``/u/<town>/<campaign>/…``
    runs the survey for that town (the town is the current town of the request, and the
    survey's addresses keep the town: ``root_path`` becomes ``/u/<town>``);
    ``/u/<campaign>/…`` still works where the installation has exactly one town. Any
    other address reaches the survey without a town and finds no campaign (its German
    "not found" page): a link to another town's campaign never shows it."""

    def __init__(self, app: ASGIApp, ctx: AppContext):
        self.app = app
        self.ctx = ctx
        self.state = getattr(app, "state", None)  # the survey's (tests reach it here)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        root = str(scope.get("root_path", ""))
        path = str(scope["path"])
        rest = path[len(root) :] if path.startswith(root) else path
        first = rest.lstrip("/").split("/", 1)[0]
        if first.startswith("_"):  # the survey's static files: no town
            await self.app(scope, receive, send)
            return
        # the database away: no tenant, and the survey shows its retry page
        tenants = await tenants_of_request(self.ctx)
        towns = {t.slug: t for t in tenants if t.kind == "town"}
        town = towns.get(first)
        if town is not None:
            scope = {**scope, "root_path": f"{root}/{first}", "town_name": town.name,
                     "results_path": f"{RESULTS_BASE}/{first}/"}  # fmt: skip
        elif len(towns) == 1:
            town = next(iter(towns.values()))
            scope = {**scope, "town_name": town.name}
        with rls.town_scope(town.id if town is not None else rls.NO_TOWN):
            await self.app(scope, receive, send)
