"""tenancy: towns and the Land as tenants

Revision ID: 0011
Revises: 0010

- ``municipality.kind`` (``town`` | ``land``) and ``municipality.stadtteile`` (the
  Stadtteile of a town added by ``bedarfsradar town add``).
- Campaign slugs and response UUIDs are unique within their town, not across towns: a
  unique constraint across towns would tell one town that another uses a slug, and an
  ``ON CONFLICT`` on another town's invisible row would drop a submission.
- ``answer.municipality_id`` and ``free_text_code.municipality_id``, backfilled from the
  response; an answer's foreign key names (response id, town), so it can never belong to
  another town than its response; every table with tenant rows now has the column
  (row-level security in 0008 is then one policy per table).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), server_default="town", nullable=False)
        )
        batch.add_column(sa.Column("stadtteile", sa.JSON(), nullable=True))

    with op.batch_alter_table("campaign") as batch:
        batch.drop_constraint("uq_campaign_slug", type_="unique")
        batch.create_unique_constraint("uq_campaign_municipality_id", ["municipality_id", "slug"])

    with op.batch_alter_table("response") as batch:
        batch.drop_constraint("uq_response_client_uuid", type_="unique")
        batch.create_unique_constraint(
            "uq_response_municipality_id", ["municipality_id", "client_uuid"]
        )
        batch.create_unique_constraint("uq_response_id", ["id", "municipality_id"])

    for table in ("answer", "free_text_code"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE answer SET municipality_id = "
        "(SELECT r.municipality_id FROM response r WHERE r.id = answer.response_id)"
    )
    op.execute(
        "UPDATE free_text_code SET municipality_id = "
        "(SELECT a.municipality_id FROM answer a WHERE a.id = free_text_code.answer_id)"
    )
    with op.batch_alter_table("answer") as batch:
        batch.alter_column("municipality_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint("fk_answer_response_id_response", type_="foreignkey")
        batch.create_foreign_key(
            "fk_answer_response_id_response",
            "response",
            ["response_id", "municipality_id"],
            ["id", "municipality_id"],
            ondelete="CASCADE",
        )
        batch.create_foreign_key(
            "fk_answer_municipality_id_municipality", "municipality", ["municipality_id"], ["id"]
        )
    with op.batch_alter_table("free_text_code") as batch:
        batch.alter_column("municipality_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            "fk_free_text_code_municipality_id_municipality",
            "municipality",
            ["municipality_id"],
            ["id"],
        )
        batch.create_index("ix_free_text_code_municipality_id", ["municipality_id"])


def downgrade() -> None:
    with op.batch_alter_table("free_text_code") as batch:
        batch.drop_index("ix_free_text_code_municipality_id")
        batch.drop_constraint("fk_free_text_code_municipality_id_municipality", type_="foreignkey")
        batch.drop_column("municipality_id")
    with op.batch_alter_table("answer") as batch:
        batch.drop_constraint("fk_answer_municipality_id_municipality", type_="foreignkey")
        batch.drop_constraint("fk_answer_response_id_response", type_="foreignkey")
        batch.create_foreign_key(
            "fk_answer_response_id_response",
            "response",
            ["response_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.drop_column("municipality_id")
    with op.batch_alter_table("response") as batch:
        batch.drop_constraint("uq_response_id", type_="unique")
        batch.drop_constraint("uq_response_municipality_id", type_="unique")
        batch.create_unique_constraint("uq_response_client_uuid", ["client_uuid"])
    with op.batch_alter_table("campaign") as batch:
        batch.drop_constraint("uq_campaign_municipality_id", type_="unique")
        batch.create_unique_constraint("uq_campaign_slug", ["slug"])
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("stadtteile")
        batch.drop_column("kind")
