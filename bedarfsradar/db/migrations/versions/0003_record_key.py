"""record key per response, for the cell-key method of disclosure control

Revision ID: 0003
Revises: 0002

Every response gets a random ``record_key`` in [0, 2**31). The published value of every
count is perturbed by noise chosen from the sum of the record keys of the counted
responses (:mod:`analysis.protection`), so the same cell always gets the same noise. The
key must be random: it is never derived from the id, the UUID or a time. Existing
responses get keys from the database's own random generator; new responses get theirs
from :func:`secrets.randbelow` at their first save (:mod:`surveys.responses.storage`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 2**31 written out: the statements are constants, nothing is interpolated.
PG_FILL = "UPDATE response SET record_key = floor(random() * 2147483648)::integer"
SQLITE_FILL = "UPDATE response SET record_key = abs(random() % 2147483648)"


def upgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_key", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FILL)
    else:  # SQLite: random() is a 64-bit pseudo-random integer
        op.execute(SQLITE_FILL)
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.alter_column("record_key", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("record_key")
