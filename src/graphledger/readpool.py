"""Reads of one statement on the event loop itself, for the hottest lookups (GET /cis/{key}).

A synchronous endpoint hands each request to a worker thread and back, and the ORM wraps the
statement in several layers; for a lookup by primary key both cost more Python time than
PostgreSQL takes to answer. Here a few autocommit psycopg connections are awaited directly.

The statements are still built with `select()` over the models, compiled once to psycopg's
parameter style (`compiled`). Each event loop has its own pool, since a connection waits on the
loop that uses it; uvicorn runs one loop per process, tests one per client.
"""

import asyncio
import weakref
from typing import Any

import psycopg
from sqlalchemy import make_url
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.sql import ClauseElement

from graphledger.settings import get_settings

# Connections per event loop: each read holds one for a single round trip, so a few serve many
# concurrent requests.
POOL_SIZE = 8
# How these connections show in pg_stat_activity.
APPLICATION_NAME = "graphledger-reads"

_DIALECT = PGDialect_psycopg()


def compiled(statement: ClauseElement) -> str:
    """The SQL of a statement with named psycopg parameters (`%(name)s`)."""
    return str(statement.compile(dialect=_DIALECT))


class ReadPool:
    """At most `size` autocommit connections, opened on demand and kept while they work."""

    def __init__(self, conninfo: str, size: int, options: dict[str, Any]) -> None:
        self._conninfo = conninfo
        self._options = options
        self._slots = asyncio.Semaphore(size)
        self._idle: list[psycopg.AsyncConnection[Any]] = []

    async def fetch_one(
        self, query: str, params: dict[str, Any]
    ) -> tuple[Any, ...] | None:
        """The first row of a read-only statement, or None.

        A pooled connection that turns out broken (PostgreSQL restarted since its last use) is
        dropped with the other idle ones, and the read tried once more on a new connection."""
        for attempt in (1, 2):
            await self._slots.acquire()
            try:
                conn = self._idle.pop() if self._idle else await self._connect()
            except BaseException:
                self._slots.release()
                raise
            try:
                cursor = await conn.execute(query, params)
                row = await cursor.fetchone()
            except psycopg.OperationalError:
                broken = conn.broken
                await self._drop(conn)
                if broken and attempt == 1:
                    await self.close()
                    continue
                raise
            except BaseException:
                # Cancelled or failed mid-statement: the connection's state is unknown.
                await self._drop(conn)
                raise
            self._idle.append(conn)
            self._slots.release()
            return row
        raise AssertionError("the loop above returns or raises")

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        return await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, **self._options
        )

    async def _drop(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._slots.release()
        await conn.close()

    async def close(self) -> None:
        """Close the idle connections (those in use close when their read ends)."""
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()


_pools: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ReadPool]" = (
    weakref.WeakKeyDictionary()
)


def read_pool() -> ReadPool:
    """The pool of the running event loop, made on first use."""
    loop = asyncio.get_running_loop()
    pool = _pools.get(loop)
    if pool is None:
        settings = get_settings()
        url = make_url(settings.database_url).set(drivername="postgresql")
        pool = _pools[loop] = ReadPool(
            url.render_as_string(hide_password=False),
            POOL_SIZE,
            {
                "connect_timeout": 5,
                "application_name": APPLICATION_NAME,
                "options": f"-c statement_timeout={settings.pg_statement_timeout_ms}",
            },
        )
    return pool


async def close_read_pool() -> None:
    """Close the running loop's pool, when it has one (at application shutdown)."""
    pool = _pools.pop(asyncio.get_running_loop(), None)
    if pool is not None:
        await pool.close()
