"""measure: the measures proposed to the council, edited in the dashboard

Revision ID: 0004
Revises: 0003

Until now the deck derived measure texts from a rules file (``data/measures.yaml``) that
the guide could not edit. A council decides on a few concrete measures with cost, funding,
lead, timeline and a success indicator; the guide keeps them in this table (dashboard page
"Maßnahmen"), every change goes to the audit log, and the YAML file only seeds the demo.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("rationale", sa.String(length=300), nullable=False),
        sa.Column("cost_eur", sa.Integer(), nullable=True),
        sa.Column("cost_note", sa.String(length=60), nullable=False),
        sa.Column("funding", sa.String(length=160), nullable=False),
        sa.Column("lead", sa.String(length=120), nullable=False),
        sa.Column("timeline", sa.String(length=120), nullable=False),
        sa.Column("indicator", sa.String(length=200), nullable=False),
        sa.Column("indicator_ref", sa.String(length=120), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_measure_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure")),
    )
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measure_municipality_id"), ["municipality_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_municipality_id"))
    op.drop_table("measure")
