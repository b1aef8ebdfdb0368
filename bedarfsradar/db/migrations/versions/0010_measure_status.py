"""measure.status: where a measure stands (proposed, adopted by the council, running, done)

Revision ID: 0010
Revises: 0009

The public results page shows what the town does about the results: only measures the
Stadtrat adopted (``adopted``, ``running``, ``done``), never a mere proposal of the deck.
Existing measures are proposals (``proposed``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("measure") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="proposed")
        )


def downgrade() -> None:
    with op.batch_alter_table("measure") as batch:
        batch.drop_column("status")
