"""Composition root: builds the database, storage and data catalogue from the settings.

CLI commands, the server and the dashboard all obtain their collaborators here, so there
is one way to reach the database and one place where data files are loaded. One context
serves every town of the installation: :attr:`AppContext.municipality_id` and
:attr:`AppContext.geography` are those of the current town (:mod:`bedarfsradar.db.rls`,
set by the survey's address, the signed-in user or ``--town``), else the installation's
own town.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml

from analysis.tidy import SurveyData
from bedarfsradar.db import Database, migrate, rls
from bedarfsradar.session import SessionPolicy, SessionStore
from bedarfsradar.settings import Settings, get_settings
from bedarfsradar.throttle import LoginThrottle
from surveys import demo
from surveys.offers import add_offers, load_offers
from surveys.questionnaire import need_bases
from surveys.questionnaire.loader import NeedArea, load_bundle, load_taxonomy
from surveys.questionnaire.model import QuestionnaireBundle
from surveys.releases.store import ReleaseStore
from surveys.responses.storage import Storage
from surveys.translations.result_texts import ResultTexts, load_result_texts
from surveys.translations.ui_text import UiText, load_ui_text

AUDIENCES = ("newcomer", "volunteer", "administration")


@dataclass(frozen=True)
class Geography:
    slug: str
    name: str
    stadtteile: dict[str, str]  # code -> name
    inhabitants: dict[str, int]


NO_TOWN_GEOGRAPHY = Geography("", "Bedarfsradar", {}, {})
"""The "town" of work scoped to :data:`bedarfsradar.db.rls.NO_TOWN`."""


def load_geography(path: Path) -> Geography:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    m = raw["municipality"]
    return Geography(
        slug=m["slug"],
        name=m["name"],
        stadtteile={s["code"]: s["name"] for s in raw["stadtteile"]},
        inhabitants={s["code"]: int(s.get("inhabitants", 0)) for s in raw["stadtteile"]},
    )


class AppContext:
    """Everything a command or page needs, created lazily from one settings object."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self._geographies: dict[int, Geography] = {}

    @cached_property
    def db(self) -> Database:
        return Database.from_url(self.settings.effective_database_url)

    @cached_property
    def sessions(self) -> SessionStore:
        """Dashboard sessions (:mod:`bedarfsradar.session`)."""
        return SessionStore(
            self.db, self.settings.effective_secret_key, SessionPolicy.from_settings(self.settings)
        )

    @cached_property
    def login_throttle(self) -> LoginThrottle:
        """Failed logins of this process (:mod:`bedarfsradar.throttle`)."""
        return LoginThrottle()

    @cached_property
    def owner_db(self) -> Database:
        """The owner of the tables: migrations, adding and removing towns."""
        if self.settings.effective_migration_url == self.settings.effective_database_url:
            return self.db
        return Database.from_url(self.settings.effective_migration_url)

    @cached_property
    def storage(self) -> Storage:
        return Storage(self.db, self.settings.effective_secret_key)

    @cached_property
    def releases(self) -> ReleaseStore:
        return ReleaseStore(self.db)

    @cached_property
    def taxonomy(self) -> list[NeedArea]:
        return load_taxonomy(self.settings.data_dir / "taxonomy.yaml")

    @cached_property
    def home_geography(self) -> Geography:
        """The installation's own town (``data/geography.yaml``)."""
        return load_geography(self.settings.data_dir / "geography.yaml")

    @property
    def geography(self) -> Geography:
        """The current town's name and Stadtteile."""
        town = rls.current_town()
        if town is None:
            return self.home_geography
        if town == rls.NO_TOWN:  # an address that names no town: no town's name either
            return NO_TOWN_GEOGRAPHY
        if town not in self._geographies:
            from bedarfsradar.db.schema import Municipality

            with self.db.read() as s:
                row = s.get(Municipality, town)
            if row is None or row.stadtteile is None:
                self._geographies[town] = self.home_geography
            else:
                names = {str(p["code"]): str(p["name"]) for p in row.stadtteile}
                self._geographies[town] = Geography(
                    row.slug, row.name, names, {c: 0 for c in names}
                )
        return self._geographies[town]

    def survey_data(self, answers: pd.DataFrame) -> SurveyData:
        """Answers (the storage layer's frame) prepared for the analysis with the declared
        bases of the need areas: the one way the dashboard, the report and the exports do
        it, so every view uses the same bases (:mod:`surveys.questionnaire.need_bases`)."""
        return need_bases.survey_data(answers, self.taxonomy)

    def bundles(self) -> dict[str, QuestionnaireBundle]:
        qdir = self.settings.questionnaire_dir
        return {
            a: load_bundle(qdir / f"{a}.yaml", qdir / "translations", self.taxonomy)
            for a in AUDIENCES
        }

    @cached_property
    def ui_text(self) -> UiText:
        return load_ui_text(self.settings.data_dir / "ui")

    def reload_ui_text(self) -> None:
        """Read ``data/ui`` (and ``data/results``) again on next use (after a translation
        import)."""
        self.__dict__.pop("ui_text", None)
        self.__dict__.pop("result_texts", None)

    @cached_property
    def result_texts(self) -> ResultTexts:
        """The public results pages' texts (``data/results``)."""
        return load_result_texts(self.settings.data_dir / "results")

    @property
    def municipality_id(self) -> int:
        """The current town (:func:`bedarfsradar.db.rls.current_town`), else the
        installation's own."""
        town = rls.current_town()
        return town if town is not None else self.home_municipality_id

    @cached_property
    def home_municipality_id(self) -> int:
        found = self.storage.municipality_id(self.settings.municipality)
        if found is None:
            raise LookupError(
                f"municipality {self.settings.municipality!r} not in the database: "
                "run 'bedarfsradar init-db'"
            )
        return found


@dataclass(frozen=True)
class InitResult:
    revision: str | None
    versions: dict[str, int]
    offers_added: int


def init_db(ctx: AppContext) -> InitResult:
    """Migrate to head (as the owner), grant the application role its rights, create the
    installation's own town, store its questionnaires (a new immutable version only when
    their content changed) and load its offers catalogue once; the other towns get the
    core questionnaires anew where the core changed (:mod:`bedarfsradar.tenancy`)."""
    from bedarfsradar import tenancy

    migrate.upgrade(ctx.owner_db)
    tenancy.grant_app_role(ctx)
    geo = ctx.home_geography
    mid = tenancy.ensure_home_town(ctx)
    bundles = ctx.bundles()
    with rls.town_scope(mid):
        versions = {a: ctx.storage.store_questionnaire_version(mid, b) for a, b in bundles.items()}
        offers_path = ctx.settings.data_dir / "offers.yaml"
        added = 0
        if offers_path.exists():
            offers, is_example = load_offers(
                offers_path, {a.code for a in ctx.taxonomy}, set(geo.stadtteile)
            )
            added = add_offers(ctx.db, mid, offers, is_example)
    for town in tenancy.towns(ctx):
        if town.id != mid and town.stadtteile:
            parts = [{"code": c, "name": n} for c, n in town.stadtteile]
            with rls.town_scope(town.id):
                for own in tenancy.town_bundles(ctx, town.name, parts).values():
                    ctx.storage.store_questionnaire_version(town.id, own)
    return InitResult(migrate.current_revision(ctx.db), versions, added)


def load_demo(ctx: AppContext, force: bool = False, scale: float = 1.0) -> dict[str, int] | None:
    """Fill an empty database with the demo campaigns; None if it has responses already.
    ``scale`` multiplies the number of responses (the network demo: 500 newcomers)."""
    result = init_db(ctx)
    mid = ctx.home_municipality_id
    with rls.town_scope(mid):
        return _load_demo(ctx, mid, result, force, scale)


def _load_demo(
    ctx: AppContext, mid: int, result: InitResult, force: bool, scale: float = 1.0
) -> dict[str, int] | None:
    if not force and (ctx.storage.campaigns(mid) or ctx.storage.count_responses(mid)):
        return None
    from bedarfsradar import measures

    measures.seed(ctx.db, mid, ctx.settings.data_dir / "measures.yaml")  # demo measures
    stored = demo.generate(ctx.storage, mid, ctx.bundles(), result.versions, scale=scale)
    _invite_demo_staff(ctx, scale)
    _release_closed_waves(ctx)
    return stored


def _invite_demo_staff(ctx: AppContext, scale: float) -> None:
    """The staff survey of wave 2 was answered through personal links
    (:mod:`surveys.invitations`): as many finished as the demo has staff answers."""
    finished = round(demo.SIZES["administration"][1] * scale)
    secret, domain = ctx.settings.effective_secret_key, f"{ctx.geography.slug}.example"
    demo.invite_staff(ctx.storage, secret, "verwaltung-w2", finished, domain=domain)


def _release_closed_waves(ctx: AppContext) -> None:
    from bedarfsradar import releases

    for wave, state in releases.waves(ctx).items():
        if not state.open:  # the closed wave is released, so the viewer sees it at once
            info = releases.release_wave(ctx, wave, "final", "demo")
            # and its public results page is on: `make run` shows it at /ergebnisse/
            releases.set_public(ctx, info.id, True, "demo")


def load_town_demo(
    ctx: AppContext, municipality_id: int, seed: int, scale: float = 1.0
) -> dict[str, int]:
    """The demo campaigns for a town added with ``town add`` (its own questionnaire
    versions and Stadtteile, its own random draws), the staff invited by name and the
    closed wave released."""
    with rls.town_scope(municipality_id):
        versions = {a: ctx.storage.latest_version(municipality_id, a) for a in AUDIENCES}
        if any(v is None for v in versions.values()):
            raise LookupError(f"town {municipality_id} has no questionnaires")
        ids = {a: int(v) for a, v in versions.items() if v is not None}
        bundles = {a: ctx.storage.questionnaire_bundle(v) for a, v in ids.items()}
        codes = [o.code for o in bundles["newcomer"].questionnaire.option_sets["stadtteil"]]
        stored = demo.generate(ctx.storage, municipality_id, bundles, ids, seed=seed,
                               scale=scale, stadtteile=codes)  # fmt: skip
        _invite_demo_staff(ctx, scale)
        _release_closed_waves(ctx)
    return stored
