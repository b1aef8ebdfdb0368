"""invitation and mailing: people invited by name, answering anonymously

Revision ID: 0009
Revises: 0008

``invitation`` keeps who was invited to a campaign (name, e-mail, department), the hash
of their personal link's token, the month-level state of sending and reminding, and
whether they have finished - no response id and no time finer than the month.
``mailing`` records each sending (invitations, reminders, printed letters) with counts,
never recipients; it also queues a sending so that an interrupted one resumes without
sending anything twice.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mailing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("started_on", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("bounced", sa.Integer(), nullable=False),
        sa.Column("unclear", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_mailing_campaign_id_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_mailing_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing")),
    )
    with op.batch_alter_table("mailing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mailing_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mailing_municipality_id"), ["municipality_id"], unique=False
        )
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("department", sa.String(length=100), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_note", sa.String(length=200), nullable=True),
        sa.Column("sent_month", sa.String(length=7), nullable=True),
        sa.Column("reminded_month", sa.String(length=7), nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("pending_mailing_id", sa.Integer(), nullable=True),
        sa.Column("pending_state", sa.String(length=8), nullable=True),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_invitation_campaign_id_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_invitation_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["pending_mailing_id"],
            ["mailing.id"],
            name=op.f("fk_invitation_pending_mailing_id_mailing"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invitation_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invitation_municipality_id"), ["municipality_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_campaign_id"))
    op.drop_table("invitation")
    with op.batch_alter_table("mailing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mailing_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_mailing_campaign_id"))
    op.drop_table("mailing")
