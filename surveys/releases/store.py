"""Storage of releases (see :mod:`surveys.releases`).

A release is created in one transaction: the wave's earlier releases are read and the
catalogue's rules (:func:`analysis.catalogue.check_release`) checked inside it, so two
guides pressing the button at once cannot both release; a failure stores nothing. Reading
is cheap: a release is immutable, so its decoded payload is cached per id.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import defer

from analysis.catalogue import CATALOGUE_VERSION, Kind, check_release
from bedarfsradar.db.engine import Database
from bedarfsradar.db.schema import Release


@dataclass(frozen=True)
class ReleaseInfo:
    """A release without its tables."""

    id: int
    wave: int
    number: int
    kind: str
    catalogue: str
    created_at: datetime
    created_by: str
    data_as_of: str
    responses: int
    content_hash: str
    withdrawn: bool
    public_since: datetime | None = None

    @property
    def label(self) -> str:
        """German name, e.g. "Welle 1 · Freigabe 2 (endgültig) vom 07.12.2026"."""
        kind = "endgültig" if self.kind == "final" else "vorläufig"
        when = date.fromisoformat(self.data_as_of).strftime("%d.%m.%Y")
        return f"Welle {self.wave} · Freigabe {self.number} ({kind}) vom {when}"


def _info(row: Release) -> ReleaseInfo:
    return ReleaseInfo(
        id=row.id,
        wave=row.wave,
        number=row.number,
        kind=row.kind,
        catalogue=row.catalogue,
        created_at=row.created_at,
        created_by=row.created_by,
        data_as_of=row.data_as_of,
        responses=row.responses,
        content_hash=row.content_hash,
        withdrawn=row.withdrawn_at is not None,
        public_since=row.public_since,
    )


class ReleaseStore:
    def __init__(self, db: Database):
        self.db = db
        self._payloads: dict[int, tuple[int, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def create(
        self,
        municipality_id: int,
        *,
        wave: int,
        kind: Kind,
        payload: dict[str, Any],
        content_hash: str,
        newcomers: int,
        wave_open: bool,
        created_by: str,
        data_as_of: date | None = None,
    ) -> ReleaseInfo:
        """Store a release after checking the catalogue's rules against the wave's earlier
        releases (withdrawn ones count too: what was out may have been copied). Raises
        :class:`analysis.catalogue.ReleaseRefused`; nothing is stored then."""
        with self.db.write() as s:
            earlier = s.execute(
                select(Release.kind, Release.responses).where(
                    Release.municipality_id == municipality_id, Release.wave == wave
                )
            ).all()
            check_release(kind, newcomers, [(k, n) for k, n in earlier], wave_open)
            number = (
                s.scalar(
                    select(func.max(Release.number)).where(
                        Release.municipality_id == municipality_id, Release.wave == wave
                    )
                )
                or 0
            ) + 1
            row = Release(
                municipality_id=municipality_id,
                wave=wave,
                number=number,
                kind=kind,
                catalogue=CATALOGUE_VERSION,
                created_at=datetime.now(UTC),
                created_by=created_by,
                data_as_of=(data_as_of or date.today()).isoformat(),
                responses=newcomers,
                content_hash=content_hash,
                payload=payload,
            )
            s.add(row)
            s.flush()
            return _info(row)

    def releases(
        self, municipality_id: int, *, include_withdrawn: bool = False
    ) -> list[ReleaseInfo]:
        """Newest first. The payloads are not read (:meth:`payload` reads one)."""
        stmt = (
            select(Release)
            .options(defer(Release.payload))
            .where(Release.municipality_id == municipality_id)
        )
        if not include_withdrawn:
            stmt = stmt.where(Release.withdrawn_at.is_(None))
        stmt = stmt.order_by(Release.wave.desc(), Release.number.desc())
        with self.db.read() as s:
            return [_info(r) for r in s.scalars(stmt)]

    def info(self, municipality_id: int, release_id: int) -> ReleaseInfo | None:
        with self.db.read() as s:
            row = s.get(Release, release_id, options=[defer(Release.payload)])
            if row is None or row.municipality_id != municipality_id:
                return None
            return _info(row)

    def payload(self, municipality_id: int, release_id: int) -> dict[str, Any] | None:
        """The release's tables (None when unknown or of another town). Cached: a
        release never changes."""
        with self._lock:
            hit = self._payloads.get(release_id)
        if hit is not None:
            return hit[1] if hit[0] == municipality_id else None
        with self.db.read() as s:
            row = s.get(Release, release_id)
            if row is None:
                return None
            owner, payload = row.municipality_id, row.payload
        with self._lock:
            self._payloads[release_id] = (owner, payload)
        return payload if owner == municipality_id else None

    def set_public(self, municipality_id: int, release_id: int, public: bool) -> bool:
        """Turn the release's public results page on (now) or off (at once). False when
        the release is unknown, another town's or withdrawn."""
        return self._update_current(
            municipality_id, release_id, public_since=datetime.now(UTC) if public else None
        )

    def public_releases(self, municipality_id: int) -> list[ReleaseInfo]:
        """The releases whose public page is on, newest first."""
        return [r for r in self.releases(municipality_id) if r.public_since is not None]

    def withdraw(self, municipality_id: int, release_id: int) -> bool:
        """Mark a release withdrawn (it is no longer offered anywhere; it still counts for
        the rules). False when unknown or withdrawn already."""
        return self._update_current(
            municipality_id, release_id, withdrawn_at=datetime.now(UTC), public_since=None
        )

    def _update_current(self, municipality_id: int, release_id: int, **values: Any) -> bool:
        """Set ``values`` on the town's release unless it is withdrawn; False if no row."""
        with self.db.write() as s:
            done = cast(
                CursorResult[Any],
                s.execute(
                    update(Release)
                    .where(
                        Release.id == release_id,
                        Release.municipality_id == municipality_id,
                        Release.withdrawn_at.is_(None),
                    )
                    .values(**values)
                ),
            )
            return bool(done.rowcount)
