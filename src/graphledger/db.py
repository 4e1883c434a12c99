"""The PostgreSQL side: engine, sessions and the unit of work that commits once per request."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from graphledger.settings import get_settings

# The outbox drainer, the graph schema thread and a margin, beside the worker threads.
BACKGROUND_CONNECTIONS = 4


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine, with a statement timeout so no query can pin the database.

    The pool keeps a connection for each worker thread and the background threads: a smaller one
    opens and closes connections under load, and each opening costs PostgreSQL a new backend
    process and both sides a SCRAM handshake."""
    settings = get_settings()
    return create_engine(
        settings.database_url,
        pool_size=settings.worker_threads + BACKGROUND_CONNECTIONS,
        max_overflow=10,
        pool_pre_ping=True,
        pool_timeout=10,
        connect_args={
            "connect_timeout": 5,
            "options": f"-c statement_timeout={settings.pg_statement_timeout_ms}",
        },
    )


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@lru_cache
def _autocommit_engine() -> Engine:
    return get_engine().execution_options(isolation_level="AUTOCOMMIT")


def read_connection() -> Connection:
    """A pooled connection in autocommit, for the hottest reads of one statement each.

    It skips the session and the BEGIN and ROLLBACK round trips of a transaction, and sees the
    same committed data a statement in one would see. Use it as a context manager."""
    return _autocommit_engine().connect()


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
