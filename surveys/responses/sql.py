"""The statements of the survey's hot path, compiled once per database dialect.

Every page a respondent saves and every page they see runs the same few statements.
SQLAlchemy builds them here once from the schema (column names have one source, every
value is a bound parameter) and :class:`surveys.responses.storage.Storage` runs the compiled SQL on
the DB-API cursor of a pooled connection (:meth:`bedarfsradar.db.Database.write_cursor`).
Measured with ``bench/storage.py``: SQLAlchemy's per-call execution (parameter
processing, result objects) cost as much as the SQLite commit itself. PostgreSQL
prepares repeated statements server-side by itself (psycopg's ``prepare_threshold``),
because the SQL text of each statement is always the same.

Only plain columns (text, integer, boolean) pass through here; JSON columns (campaign
modes and targets) are read through SQLAlchemy, which decodes them per dialect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    ClauseElement,
    ColumnElement,
    Table,
    bindparam,
    delete,
    exists,
    literal_column,
    select,
    update,
)
from sqlalchemy import (
    cast as sql_cast,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler

from bedarfsradar.db.schema import Answer, Campaign, Response

RESPONSE_COLUMNS = (
    "municipality_id",
    "campaign_id",
    "client_uuid",
    "language",
    "mode",
    "status",
    "month",
    "sensitive_consent",
    "receipt_hash",
    "resume_hash",
    "record_key",
)
PARTIAL_UPDATES = ("language", "mode", "month", "sensitive_consent", "resume_hash")
"""What a later page changes on a partial response (never its status or record key)."""
COMPLETE_UPDATES = (*PARTIAL_UPDATES, "status", "receipt_hash")
ANSWER_COLUMNS = ("municipality_id", "response_id", "question_id", "item", "value", "text")
UNIQUE_RESPONSE = ["municipality_id", "client_uuid"]
"""A client UUID is unique within its town (row-level security hides the others)."""
_PARTIAL: ColumnElement[str] = literal_column("'partial'")


@dataclass(frozen=True)
class Prepared:
    """Compiled SQL with positional placeholders and the names of its parameters."""

    sql: str
    names: tuple[str, ...]

    def args(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(values[name] for name in self.names)


def _positional(dialect_name: str) -> Dialect:
    if dialect_name == "postgresql":
        return postgresql.psycopg.dialect(paramstyle="format")  # type: ignore[no-any-return]
    if dialect_name == "sqlite":
        return sqlite.dialect(paramstyle="qmark")  # type: ignore[no-any-return]
    raise ValueError(f"unsupported database {dialect_name!r}")


def positional_sql(stmt: ClauseElement, dialect_name: str) -> tuple[str, tuple[Any, ...]]:
    """``stmt`` as SQL text with positional placeholders and its parameter values, for a
    DB-API cursor (lists of ``in_`` are expanded into single parameters)."""
    expanded = {"render_postcompile": True}
    compiled = cast(
        SQLCompiler, stmt.compile(dialect=_positional(dialect_name), compile_kwargs=expanded)
    )
    return compiled.string, tuple(compiled.params[name] for name in compiled.positiontup or ())


def prepare(stmt: ClauseElement, dialect_name: str) -> Prepared:
    """``stmt`` compiled once for a DB-API cursor: positional SQL and its parameter names
    (for statements outside :class:`ResponseStatements`, e.g. the offline import's)."""
    compiled = cast(SQLCompiler, stmt.compile(dialect=_positional(dialect_name)))
    return Prepared(compiled.string, tuple(compiled.positiontup or ()))


def _params(names: tuple[str, ...]) -> dict[str, Any]:
    return {name: bindparam(name) for name in names}


class ResponseStatements:
    """The response and answer statements for one dialect (``sqlite`` | ``postgresql``)."""

    def __init__(self, dialect_name: str):
        self._dialect = _positional(dialect_name)
        insert = postgresql.insert if dialect_name == "postgresql" else sqlite.insert
        new_response = insert(Response).values(_params(RESPONSE_COLUMNS))
        typed = {name: bindparam(name, type_=Response.__table__.c[name].type)
                 for name in RESPONSE_COLUMNS}  # fmt: skip
        # PostgreSQL reads a bare parameter in a SELECT list as text; psycopg's compiler
        # casts every type here but booleans (a cast to VARCHAR(n) would truncate)
        pg = dialect_name == "postgresql"
        selected = [sql_cast(p, Boolean) if pg and isinstance(p.type, Boolean) else p
                    for p in typed.values()]  # fmt: skip
        campaign_open = exists().where(
            Campaign.id == typed["campaign_id"], Campaign.status == literal_column("'open'")
        )
        self.submit_new = self._compile(
            insert(Response)
            .from_select(RESPONSE_COLUMNS, select(*selected).where(campaign_open))
            .on_conflict_do_nothing(index_elements=UNIQUE_RESPONSE)
            .returning(Response.id)
        )
        """A new complete response while its campaign is open; no row if the client UUID
        exists already or the campaign is not open (one statement, no separate check)."""
        self.upsert_partial = self._compile(
            new_response.on_conflict_do_update(
                index_elements=UNIQUE_RESPONSE,
                set_={name: new_response.excluded[name] for name in PARTIAL_UPDATES},
                where=(Response.status == _PARTIAL)
                & (Response.campaign_id == new_response.excluded.campaign_id),
            ).returning(Response.id)
        )
        """A page of a partial response: created, or updated while it is partial and in the
        same campaign; no row otherwise."""
        self.complete_partial = self._compile(
            update(Response)
            .where(
                Response.municipality_id == typed["municipality_id"],
                Response.client_uuid == bindparam("client_uuid"),
                Response.campaign_id == typed["campaign_id"],
                Response.status == _PARTIAL,
                campaign_open,
            )
            .values(_params(COMPLETE_UPDATES) | {"resume_hash": None})
            .returning(Response.id)
        )
        self.find_response = self._compile(
            select(Response.id, Response.status, Response.campaign_id).where(
                Response.client_uuid == bindparam("client_uuid"),
                Response.municipality_id == bindparam("municipality_id"),
            )
        )
        self.flag_response = self._compile(
            update(Response)
            .where(Response.id == bindparam("response_id"))
            .values(review_flag=bindparam("review_flag"))
        )
        """Mark a response for the guide's review (only when there is a reason: the
        ordinary page save does not run it)."""
        self.response_status = self._compile(
            select(Response.status).where(Response.client_uuid == bindparam("client_uuid"))
        )
        """By UUID alone: the town is the transaction's (row-level security; SQLite holds
        one town)."""
        self.delete_answers = self._compile(
            delete(Answer).where(Answer.response_id == bindparam("response_id"))
        )
        self.delete_question = self._compile(
            delete(Answer).where(
                Answer.response_id == bindparam("response_id"),
                Answer.question_id == bindparam("question_id"),
            )
        )
        self.insert_answer = self._compile(
            insert(cast(Table, Answer.__table__)).inline().values(_params(ANSWER_COLUMNS))
        )
        self.partial_rows = self._compile(
            select(Answer.question_id, Answer.item, Answer.value, Answer.text)
            .join(Response, Response.id == Answer.response_id)
            .where(
                Response.client_uuid == bindparam("client_uuid"),
                Response.campaign_id == bindparam("campaign_id"),
                Response.status == _PARTIAL,
            )
        )

    def _compile(self, stmt: ClauseElement) -> Prepared:
        compiled = cast(SQLCompiler, stmt.compile(dialect=self._dialect))
        names = tuple(compiled.positiontup or ())
        return Prepared(compiled.string, names)
