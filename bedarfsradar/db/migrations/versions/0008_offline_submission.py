"""offline_submission: interviews imported from ODK Collect / KoboCollect exports

Revision ID: 0008
Revises: 0007

``offline_submission`` remembers each imported version of an offline interview by keyed
hashes (HMAC-SHA256 with the server secret) of the tool's random ids, never the ids
themselves: a second import of the same export adds nothing, and an edited submission
replaces the response of its earlier version (:mod:`surveys.responses.offline`).

The new response mode ``offline`` ("Interview (offline)") needs no schema change
(``response.mode`` is a string), but campaigns list the modes they accept. An offline
interview is the guide's assisted interview held on a tablet, so every campaign that
accepts assisted entry accepts it too; the downgrade takes it out again.
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CAMPAIGN = sa.table("campaign", sa.column("id", sa.Integer()), sa.column("modes", sa.JSON()))


def _modes(value: Any) -> list[Any]:
    if isinstance(value, str):  # a driver that hands JSON back as text
        value = json.loads(value)
    return list(value or [])


def _change_modes(add: bool) -> None:
    bind = op.get_bind()
    for cid, modes in bind.execute(sa.select(_CAMPAIGN.c.id, _CAMPAIGN.c.modes)).all():
        current = _modes(modes)
        if add and "assisted" in current and "offline" not in current:
            changed = [*current, "offline"]
        elif not add and "offline" in current:
            changed = [m for m in current if m != "offline"]
        else:
            continue
        bind.execute(_CAMPAIGN.update().where(_CAMPAIGN.c.id == cid).values(modes=changed))


def upgrade() -> None:
    op.create_table(
        "offline_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("instance_hash", sa.String(length=64), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("response_uuid", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_offline_submission_campaign_id_campaign"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_offline_submission_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offline_submission")),
        sa.UniqueConstraint(
            "municipality_id",
            "instance_hash",
            name=op.f("uq_offline_submission_municipality_id"),
        ),
    )
    with op.batch_alter_table("offline_submission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_offline_submission_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_offline_submission_root_hash"), ["root_hash"], unique=False
        )
    _change_modes(add=True)


def downgrade() -> None:
    _change_modes(add=False)
    with op.batch_alter_table("offline_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offline_submission_root_hash"))
        batch_op.drop_index(batch_op.f("ix_offline_submission_municipality_id"))
    op.drop_table("offline_submission")
