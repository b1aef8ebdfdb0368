"""A town's own data as a file: the per-town backup, and what a town takes along when it
leaves the network.

:func:`export_town` copies every row of one town - its tenant row, questionnaires,
campaigns, responses and answers, codes, recordings, offers, users, settings, audit log,
measures and releases - into a new SQLite database with the same schema, read in the
town's own scope (row-level security shows the export nothing of another town). The file
is a complete single-town database at the current schema: any SQLite tool reads it, and
the application opens it (``BEDARFSRADAR_DATABASE_URL=sqlite:///<file>``,
``BEDARFSRADAR_MUNICIPALITY=<slug>``) with the town's users, campaigns and releases.

:func:`remove_town` is a town leaving: export, check that the file holds exactly the
town's rows, then delete them from the network's database in one transaction as the owner
(in the town's scope, so nothing else can be touched), and note it in the Land's audit log.
The Land's pooled releases stay: they are published, protected tables of several towns
(the town's people are not in them as individuals).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Table, delete, func, insert, select

from bedarfsradar import audit, tenancy
from bedarfsradar.context import AppContext
from bedarfsradar.db import Database, migrate, rls
from bedarfsradar.db.schema import Base, Municipality

CHUNK = 20_000


class TownDataError(tenancy.TownError):
    """The export does not hold the town's rows; nothing was deleted."""


@dataclass(frozen=True)
class TownExport:
    path: Path
    rows: dict[str, int]  # table -> rows exported


def _tenant_tables() -> list[Table]:
    names = set(rls.tenant_tables(Base.metadata))
    return [t for t in Base.metadata.sorted_tables if t.name in names]  # parents first


def town_rows(ctx: AppContext, municipality_id: int) -> dict[str, int]:
    """Rows per tenant table of one town, in the town's scope."""
    out = {}
    with rls.town_scope(municipality_id), ctx.db.read() as s:
        for table in _tenant_tables():
            stmt = select(func.count()).select_from(table)
            out[table.name] = int(s.scalar(stmt.where(table.c.municipality_id == municipality_id)))
    return out


def export_town(ctx: AppContext, town: tenancy.Town, path: Path) -> TownExport:
    """The town's rows in a new SQLite file at ``path`` (migrated to the current schema;
    an existing file is refused)."""
    if path.exists():
        raise TownDataError(f"Die Datei {path} gibt es schon; bitte einen neuen Namen wählen.")
    path.parent.mkdir(parents=True, exist_ok=True)
    target = Database.from_url(f"sqlite:///{path}")
    try:
        migrate.upgrade(target)
        rows: dict[str, int] = {}
        with ctx.db.read() as s, target.write() as t:
            own = s.execute(select(Municipality.__table__).where(Municipality.id == town.id))
            t.execute(insert(Municipality.__table__), [dict(r._mapping) for r in own])
        with rls.town_scope(town.id), ctx.db.read() as s, target.write() as t:
            for table in _tenant_tables():
                result = s.execute(select(table).where(table.c.municipality_id == town.id))
                rows[table.name] = 0
                while chunk := result.fetchmany(CHUNK):
                    t.execute(insert(table), [dict(r._mapping) for r in chunk])
                    rows[table.name] += len(chunk)
    finally:
        target.dispose()
    return TownExport(path, rows)


def remove_town(ctx: AppContext, slug: str, export_dir: Path, actor: str = "cli") -> TownExport:
    """A town leaves the network: its data exported to ``export_dir/<slug>.sqlite``,
    checked, then deleted from this database (as the owner, in the town's scope)."""
    town = tenancy.require_town(ctx, slug)
    if town.kind != "town":
        raise tenancy.TownError("Das Land ist keine Kommune und kann das Netzwerk nicht verlassen.")
    if town.id == ctx.home_municipality_id:
        raise tenancy.TownError(
            f"„{slug}“ ist die eigene Kommune dieser Installation (BEDARFSRADAR_MUNICIPALITY); "
            "sie kann nicht entfernt werden."
        )
    before = town_rows(ctx, town.id)
    done = export_town(ctx, town, export_dir / f"{town.slug}.sqlite")
    if done.rows != before:
        raise TownDataError(
            f"Der Export von {town.name} ist unvollständig ({done.rows} statt {before}); "
            "nichts wurde gelöscht."
        )
    with rls.town_scope(town.id), ctx.owner_db.write() as s:
        for table in reversed(_tenant_tables()):  # children first
            s.execute(delete(table).where(table.c.municipality_id == town.id))
        s.execute(delete(Municipality).where(Municipality.id == town.id))
    tenancy.forget_towns()
    land = tenancy.town_by_slug(ctx, tenancy.LAND_SLUG)
    if land is not None:
        with rls.town_scope(land.id):
            audit.record(ctx.db, land.id, actor, "town.remove", kommune=town.slug, name=town.name,
                         rows=sum(before.values()), export=done.path.name)  # fmt: skip
    return done
