"""The PostgreSQL side: engine, sessions and the unit of work that commits once per request."""

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Engine,
    SQLColumnExpression,
    TableValuedAlias,
    Text,
    any_,
    bindparam,
    cast,
    column,
    create_engine,
    event,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSON
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.types import TypeEngine

from graphledger.settings import get_settings

# The outbox drainer, the graph schema thread and a margin, beside the worker threads.
BACKGROUND_CONNECTIONS = 4
PING_AFTER_IDLE_S = 1.0


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine, with a statement timeout so no query can pin the database.

    The pool keeps a connection for each worker thread and the background threads: a smaller one
    opens and closes connections under load, and each opening costs PostgreSQL a new backend
    process and both sides a SCRAM handshake."""
    settings = get_settings()
    engine = create_engine(
        settings.database_url,
        pool_size=settings.worker_threads + BACKGROUND_CONNECTIONS,
        max_overflow=10,
        pool_timeout=10,
        connect_args={
            "connect_timeout": 5,
            "options": f"-c statement_timeout={settings.pg_statement_timeout_ms}",
        },
    )
    _ping_after_idle(engine)
    return engine


def _ping_after_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it sat idle for PING_AFTER_IDLE_S.

    Pinging on every checkout (pool_pre_ping) cost each request a round trip. A connection that
    PostgreSQL dropped while it idled (a restart, an idle timeout) is still replaced before use; one
    dropped while in steady use fails its own request, and either way the whole pool is then
    renewed, as with pool_pre_ping."""

    @event.listens_for(engine, "checkin")
    def stamp(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(
        dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection
    ) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise InvalidatePoolError(f"idle connection lost: {error}") from error


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A session whose work commits once at the end, or rolls back as a whole."""
    session = get_sessionmaker()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def ping() -> None:
    """Raise when PostgreSQL does not answer."""
    with get_engine().connect() as conn:
        conn.execute(text("SELECT 1"))


def json_rows(
    rows: Sequence[dict[str, Any]], **columns: TypeEngine[Any]
) -> TableValuedAlias:
    """Dicts as the rows of a derived table with the typed `columns` (missing keys are NULL).

    The rows travel as one JSON parameter that PostgreSQL splits itself (`json_to_recordset`):
    a statement over thousands of rows is planned once, and nested documents go as they are,
    where arrays of JSON text had every quote escaped by the driver, one regex call each.
    Instants and UUIDs go as their ISO and text forms.
    """
    try:
        payload = orjson.dumps(rows).decode()
    except orjson.JSONEncodeError:
        # integers past 64 bits, which orjson refuses and the standard encoder writes
        payload = json.dumps(rows, default=str)
    return (
        func.json_to_recordset(cast(bindparam(None, payload, type_=Text()), JSON))
        .table_valued(*(column(name, type_) for name, type_ in columns.items()))
        .render_derived(with_types=True)
    )


def among(
    column: SQLColumnExpression[Any], values: Sequence[Any], type_: TypeEngine[Any]
) -> ColumnElement[bool]:
    """`column = ANY(:values)`: one array parameter however many values there are."""
    return column == any_(bindparam(None, list(values), type_=ARRAY(type_)))
