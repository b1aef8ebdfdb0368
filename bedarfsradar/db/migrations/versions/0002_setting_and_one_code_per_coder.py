"""setting table; one free-text code per answer and coder

Revision ID: 0002
Revises: 0001

``setting`` holds per-municipality settings such as the retention period. The unique
constraint on ``free_text_code (answer_id, coder)`` lets a second coder's codes sit beside
the first's while a double click cannot store two codes of the same coder; duplicates
(none are written before this revision) are removed first, keeping the newest.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_setting_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setting")),
        sa.UniqueConstraint("municipality_id", "key", name=op.f("uq_setting_municipality_id")),
    )
    with op.batch_alter_table("setting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_setting_municipality_id"), ["municipality_id"], unique=False
        )

    op.execute(
        "DELETE FROM free_text_code WHERE id NOT IN "
        "(SELECT keep FROM (SELECT MAX(id) AS keep FROM free_text_code "
        "GROUP BY answer_id, coder) AS newest)"
    )
    with op.batch_alter_table("free_text_code", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_free_text_code_answer_id"), ["answer_id", "coder"]
        )


def downgrade() -> None:
    with op.batch_alter_table("free_text_code", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_free_text_code_answer_id"), type_="unique")

    with op.batch_alter_table("setting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_setting_municipality_id"))

    op.drop_table("setting")
