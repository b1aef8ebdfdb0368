"""app_session: dashboard sessions checked on the server; no account lockout columns

Revision ID: 0007
Revises: 0006

Until now the session cookie was a signed statement ("user 3, guide, logged in at …")
that nothing on the server could take back: after a logout or a password change a copy of
the cookie still opened the dashboard for eight hours. A session is now a row (the SHA-256
of the random key in the cookie, created and last-seen times, when and why it ended);
logout and every change of a user's password, role or state end that user's rows.

``app_user.failed_logins`` and ``locked_until`` go: five wrong passwords locked the
account for anyone who typed its name, so an attacker could keep its holder out. Failed
logins now slow down the address and the user name they come from
(:mod:`bedarfsradar.throttle`, in memory) instead of locking the account.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_app_session_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_app_session_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_session")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_app_session_key_hash")),
    )
    with op.batch_alter_table("app_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_app_session_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_app_session_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("app_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_session_user_id"))
        batch_op.drop_index(batch_op.f("ix_app_session_municipality_id"))
    op.drop_table("app_session")
