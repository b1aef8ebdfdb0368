"""row-level security: every tenant table filtered by the transaction's town (PostgreSQL)

Revision ID: 0012
Revises: 0011

``ENABLE`` and ``FORCE ROW LEVEL SECURITY`` on every table with ``municipality_id``, with
the policy of :mod:`bedarfsradar.db.rls` (the row's town is the one the transaction set
with ``set_config('app.municipality_id', …, true)``; none set: no row), and the Land's
read-only policy on the towns' releases. Runs as the owner of the tables; ``FORCE``
subjects the owner to the policies as well. SQLite has no row-level security (one town
per database file): nothing to do there.
"""

from collections.abc import Sequence

from alembic import op

from bedarfsradar.db import rls

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    "answer", "app_session", "app_user", "audit_log", "campaign", "free_text_code",
    "invitation", "mailing", "measure", "offer", "offline_submission", "questionnaire_version",
    "recording", "release", "response", "setting",
)  # fmt: skip
"""Every table with ``municipality_id`` at this revision. A later table with tenant rows
gets its policy in its own migration (``rls.enable_statements``); the tests fail until it
has one."""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TENANT_TABLES:
        for statement in rls.enable_statements(table):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TENANT_TABLES:
        for statement in rls.disable_statements(table):
            op.execute(statement)
