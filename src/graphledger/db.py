"""The PostgreSQL side: engine, sessions and the unit of work that commits once per request."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from graphledger.settings import get_settings


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine, with a statement timeout so no query can pin the database."""
    settings = get_settings()
    return create_engine(
        settings.database_url,
        pool_size=20,
        max_overflow=20,
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
