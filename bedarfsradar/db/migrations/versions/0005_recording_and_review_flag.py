"""recording: questionnaire texts read aloud; response.review_flag for suspected bots

Revision ID: 0005
Revises: 0004

``recording`` holds one audio file per questionnaire version, language and text key
(question, option, intro …), content-addressed by the SHA-256 of its bytes and scoped to
the municipality. Respondents who read their own language with difficulty press play
next to a text; nothing is fetched before that.

``response.review_flag`` marks a response the guide should check (the hidden anti-bot
field filled, or submitted faster than a person reads). Such responses used to be
refused, which could turn away a person who skipped optional questions; now they are
stored and flagged.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recording",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("text_key", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_recording_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_version_id"],
            ["questionnaire_version.id"],
            name=op.f("fk_recording_questionnaire_version_id_questionnaire_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording")),
        sa.UniqueConstraint(
            "questionnaire_version_id",
            "language",
            "text_key",
            name=op.f("uq_recording_questionnaire_version_id"),
        ),
    )
    with op.batch_alter_table("recording", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recording_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_recording_sha256"), ["sha256"], unique=False)
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_flag", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("review_flag")
    with op.batch_alter_table("recording", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recording_sha256"))
        batch_op.drop_index(batch_op.f("ix_recording_municipality_id"))
    op.drop_table("recording")
