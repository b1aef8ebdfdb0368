"""release: frozen, catalogued published tables of a wave

Revision ID: 0006
Revises: 0005

A release holds the published tables of one wave, computed once by the fixed catalogue
(:mod:`analysis.catalogue`) and never recomputed: the viewer, the Stadtrat deck and PDF
and the hand-on exports read releases only, so every record set is published once with
its one noise. ``responses`` is the number of complete responses used; the rules for a
second (interim) release compare with it. ``public_since`` is set while the release's
public results page is turned on.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("catalogue", sa.String(length=32), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("data_as_of", sa.String(length=16), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("public_since", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("municipality_id", "wave", "number"),
    )
    op.create_index("ix_release_municipality_id", "release", ["municipality_id"])


def downgrade() -> None:
    op.drop_index("ix_release_municipality_id", table_name="release")
    op.drop_table("release")
