"""The Neo4j driver, named Cypher statements from cypher/, and the schema applied at start."""

import re
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar

from neo4j import (
    READ_ACCESS,
    Driver,
    GraphDatabase,
    ManagedTransaction,
    NotificationDisabledCategory,
    Query,
    unit_of_work,
)
from neo4j.exceptions import ServiceUnavailable, SessionExpired

from graphledger.graph.registry import RELATIONSHIP_TYPES
from graphledger.logs import get_logger
from graphledger.settings import get_settings

log = get_logger(__name__)
T = TypeVar("T")
Reader = Callable[..., list[dict[str, Any]]]  # (name, **params) -> rows

CYPHER_DIR = Path(__file__).resolve().parents[3] / "cypher"
_NAME = re.compile(r"^[a-z_]+/[a-z0-9_]+$")


@lru_cache
def get_driver() -> Driver:
    """The process-wide driver; works with bolt://, neo4j:// routing and +s secure URIs alike."""
    settings = get_settings()
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        connection_timeout=settings.neo4j_connect_timeout_s,
        connection_acquisition_timeout=settings.neo4j_connect_timeout_s * 2,
        max_transaction_retry_time=settings.neo4j_connect_timeout_s * 2,
        max_connection_pool_size=100,
        # Optional properties (a relationship's weight) are often absent from the whole graph;
        # the server then warns on every query, and logging each warning cost more than the
        # traversal step itself (bench: impact at 2,000 CIs).
        notifications_disabled_categories=[NotificationDisabledCategory.UNRECOGNIZED],
    )


def close_driver() -> None:
    """Close the driver; the next get_driver() opens a new one."""
    if get_driver.cache_info().currsize:
        get_driver().close()
    get_driver.cache_clear()


@cache
def cypher(name: str) -> str:
    """The text of cypher/<domain>/<name>.cypher."""
    if not _NAME.match(name):
        raise ValueError(f"bad cypher name {name!r}")
    return (CYPHER_DIR / f"{name}.cypher").read_text()


TYPE_SLOT = "REL_TYPE"


@cache
def typed_cypher(name: str, rel_type: str) -> str:
    """A named statement written for one relationship type: its REL_TYPE slot holds the name the
    registry declares (a KeyError for a type it does not know), never a string from input."""
    text = cypher(name)
    if TYPE_SLOT not in text:
        raise ValueError(f"cypher {name!r} has no {TYPE_SLOT} slot")
    return text.replace(TYPE_SLOT, RELATIONSHIP_TYPES[rel_type].name)


def timed() -> Any:
    """Decorates a transaction function with the configured timeout, so no query runs unbounded."""
    return unit_of_work(timeout=get_settings().neo4j_query_timeout_s)


def read(name: str, **params: Any) -> list[dict[str, Any]]:
    """Run a named read statement on its own and return its rows.

    One statement needs no explicit transaction: an auto-commit run is one Bolt round trip
    (RUN and PULL together), where a managed transaction adds BEGIN and COMMIT, about 0.7 ms of
    every impact walk on loopback. A read can always run again, so a connection that went stale
    while the server restarted gets one retry on a fresh one; a server that is down still fails
    at once. The statements return plain values, never nodes or paths, so a record becomes a
    dict as it is: record.data() would walk every nested list again.
    """
    query = Query(cypher(name), timeout=get_settings().neo4j_query_timeout_s)
    try:
        return _run_read(query, params)
    except (ServiceUnavailable, SessionExpired):
        log.info("neo4j.read_retried", statement=name)
        return _run_read(query, params)


def _run_read(query: Query, params: dict[str, Any]) -> list[dict[str, Any]]:
    with get_driver().session(
        database=get_settings().neo4j_database, default_access_mode=READ_ACCESS
    ) as session:
        return [dict(record.items()) for record in session.run(query, params)]


def read_together(work: Callable[[Reader], T]) -> T:
    """Run `work` with a reader whose statements share one managed read transaction.

    A traversal of many steps then pays for one BEGIN and one COMMIT instead of one per step;
    on a retry the whole of `work` runs again, so it must start from a clean state.
    """

    @timed()
    def unit(tx: ManagedTransaction) -> T:
        def run(name: str, **params: Any) -> list[dict[str, Any]]:
            return [dict(record.items()) for record in tx.run(cypher(name), params)]

        return work(run)

    with get_driver().session(database=get_settings().neo4j_database) as session:
        return session.execute_read(unit)


def ping() -> None:
    """Raise when Neo4j does not answer."""
    get_driver().verify_connectivity()


def apply_schema() -> None:
    """Create the constraints and indexes of cypher/schema/, idempotently."""
    lines = [
        line
        for line in cypher("schema/constraints").splitlines()
        if not line.lstrip().startswith("//")
    ]
    statements = [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
    with get_driver().session(database=get_settings().neo4j_database) as session:
        for statement in statements:
            session.run(
                statement
            ).consume()  # schema commands cannot run in a managed transaction
    log.info("graph.schema_applied", statements=len(statements))
