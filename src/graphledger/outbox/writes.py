"""After a write commits: try to apply it to the graph now, and say whether that happened."""

from sqlalchemy import BigInteger, func, select
from sqlalchemy.exc import OperationalError

from graphledger.db import among, get_sessionmaker
from graphledger.logs import get_logger
from graphledger.models import OutboxEntry
from graphledger.outbox.applier import drain

log = get_logger(__name__)


def settle(entry_ids: list[int]) -> bool:
    """True when every given outbox entry is applied to Neo4j after one drain attempt."""
    if not entry_ids:
        return True
    try:
        drain(wait=True)
    except OperationalError as error:  # the drain lock was busy past its timeout
        log.warning("outbox.settle_lock_timeout", error=str(error)[:200])
    with get_sessionmaker()() as session:
        applied = session.execute(
            select(func.count()).where(
                among(OutboxEntry.id, entry_ids, BigInteger()),
                OutboxEntry.status == "applied",
            )
        ).scalar_one()
    return bool(applied == len(entry_ids))
