"""The demo of the KISI network: ``bedarfsradar demo --towns N`` (PostgreSQL).

The installation's own town gets the usual demo; ``N - 1`` further small Hessian towns are
added with ``town add`` (their own Stadtteile, first admin ``<slug>-admin``) and get a demo
of their own (own random draws; Stadtteile mapped onto theirs), every town with
``newcomers`` newcomers (default 500) and the demo's volunteers and staff in proportion;
each town's closed wave 1 is released, the Land gets its user and the pooled tables of wave
1. The towns are filled by worker processes (generating answers is Python work: threads
would take turns on one core), one town at a time each, in that town's scope
(:mod:`bedarfsradar.db.rls`).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from bedarfsradar import land, tenancy
from bedarfsradar.context import AppContext, load_demo, load_town_demo
from bedarfsradar.db import rls
from bedarfsradar.settings import Settings
from bedarfsradar.users import user_exists
from surveys.demo import SEED, SIZES

TOWN_PASSWORD = "demo-kommune-2026"  # noqa: S105 - a published demo password, like the others
LAND_LOGIN = ("hmsi", "demo-land-2026")
WORKERS = max(2, os.cpu_count() or 2)
STADTTEILE = "Kernstadt, Nord, Süd, Ost"
TOWNS = (
    ("idstein", "Idstein"), ("eltville", "Eltville am Rhein"), ("geisenheim", "Geisenheim"),
    ("ruedesheim", "Rüdesheim am Rhein"), ("taunusstein", "Taunusstein"),
    ("bad-schwalbach", "Bad Schwalbach"), ("huenstetten", "Hünstetten"),
    ("niedernhausen", "Niedernhausen"), ("hochheim", "Hochheim am Main"),
    ("floersheim", "Flörsheim am Main"), ("hattersheim", "Hattersheim am Main"),
    ("kelkheim", "Kelkheim (Taunus)"), ("eppstein", "Eppstein"), ("usingen", "Usingen"),
    ("neu-anspach", "Neu-Anspach"), ("weilrod", "Weilrod"), ("koenigstein", "Königstein im Taunus"),
    ("kronberg", "Kronberg im Taunus"), ("steinbach", "Steinbach (Taunus)"),
    ("bad-camberg", "Bad Camberg"), ("hadamar", "Hadamar"), ("weilburg", "Weilburg"),
    ("runkel", "Runkel"), ("villmar", "Villmar"), ("braunfels", "Braunfels"),
    ("herborn", "Herborn"), ("dillenburg", "Dillenburg"), ("haiger", "Haiger"),
    ("biedenkopf", "Biedenkopf"), ("gladenbach", "Gladenbach"), ("kirchhain", "Kirchhain"),
    ("stadtallendorf", "Stadtallendorf"), ("homberg-efze", "Homberg (Efze)"),
    ("melsungen", "Melsungen"), ("eschwege", "Eschwege"), ("witzenhausen", "Witzenhausen"),
    ("huenfeld", "Hünfeld"), ("lauterbach", "Lauterbach (Hessen)"), ("alsfeld", "Alsfeld"),
    ("schotten", "Schotten"), ("buedingen", "Büdingen"), ("gelnhausen", "Gelnhausen"),
    ("schluechtern", "Schlüchtern"), ("michelstadt", "Michelstadt"),
)  # fmt: skip
"""Small Hessian towns (all under 50,000 inhabitants) for the demo network."""


def _fill(settings: Settings, municipality_id: int, seed: int, scale: float) -> int:
    """One town's demo, in a worker process with its own connections."""
    ctx = AppContext(settings)
    try:
        return sum(load_town_demo(ctx, municipality_id, seed, scale).values())
    finally:
        ctx.db.dispose()


@dataclass
class NetworkDemo:
    towns: list[tenancy.Town] = field(default_factory=list)
    responses: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def load_network_demo(ctx: AppContext, towns: int, newcomers: int = 500) -> NetworkDemo:
    """The network of ``towns`` towns (see module docstring); towns that exist keep their
    data. Raises :class:`tenancy.TownError` on SQLite (one town per file)."""
    if towns - 1 > len(TOWNS):
        raise tenancy.TownError(f"Die Demo kennt höchstens {len(TOWNS) + 1} Kommunen.")
    scale = newcomers / sum(SIZES["newcomer"])
    out = NetworkDemo()
    started = time.perf_counter()
    home = load_demo(ctx, scale=scale)
    out.responses += sum((home or {}).values())
    out.seconds["home"] = time.perf_counter() - started
    new = []
    for slug, name in TOWNS[: towns - 1]:
        if tenancy.town_by_slug(ctx, slug) is None:
            new.append(tenancy.add_town(ctx, slug, name, STADTTEILE, f"{slug}-admin",
                                        TOWN_PASSWORD))  # fmt: skip
    out.seconds["add"] = time.perf_counter() - started - out.seconds["home"]
    ctx.db.dispose()  # no pooled connection crosses into the worker processes
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=fork) as pool:
        jobs = [pool.submit(_fill, ctx.settings, t.id, SEED + 1 + i, scale)
                for i, t in enumerate(new)]  # fmt: skip
        out.responses += sum(job.result() for job in jobs)
    out.seconds["fill"] = time.perf_counter() - started - sum(out.seconds.values())
    land_tenant = tenancy.town_by_id(ctx, tenancy.ensure_land(ctx))
    assert land_tenant is not None
    with rls.town_scope(land_tenant.id):
        known = user_exists(ctx.db, land_tenant.id, LAND_LOGIN[0])
    if not known:
        tenancy.add_user(ctx, land_tenant, *LAND_LOGIN, tenancy.LAND_ROLE)
    waves = land.pooled_waves(ctx)
    if 1 in waves and waves[1].released is None and not waves[1].running:
        land.release_pooled(ctx, 1, "demo")
    out.seconds["land"] = time.perf_counter() - started - sum(out.seconds.values())
    out.seconds["total"] = time.perf_counter() - started
    out.towns = tenancy.towns(ctx)
    return out
