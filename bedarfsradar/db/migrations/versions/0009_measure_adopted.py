"""measure.adopted_on: the day the council adopted a measure

Revision ID: 0009
Revises: 0008

The Land's indicator sheet counts the measures each town proposed and those its council
adopted (:mod:`bedarfsradar.land`); the guide records the day on the Maßnahmen page.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("measure") as batch:
        batch.add_column(sa.Column("adopted_on", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("measure") as batch:
        batch.drop_column("adopted_on")
