"""SQL for relationship heads."""

import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from graphledger.models import RelationshipHead


def get(
    session: Session, rel_id: uuid.UUID, *, lock: bool = False
) -> RelationshipHead | None:
    stmt = select(RelationshipHead).where(RelationshipHead.id == rel_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def find_live(
    session: Session, source_lc: str, type_: str, target_lc: str
) -> RelationshipHead | None:
    return session.execute(
        select(RelationshipHead).where(
            RelationshipHead.source_lc == source_lc,
            RelationshipHead.type == type_,
            RelationshipHead.target_lc == target_lc,
            RelationshipHead.deleted.is_(False),
        )
    ).scalar_one_or_none()


def live_triples(
    session: Session, triples: list[tuple[str, str, str]]
) -> set[tuple[str, str, str]]:
    """Which of the (source_lc, type, target_lc) triples are live relationships."""
    if not triples:
        return set()
    rows = session.execute(
        select(
            RelationshipHead.source_lc,
            RelationshipHead.type,
            RelationshipHead.target_lc,
        ).where(
            tuple_(
                RelationshipHead.source_lc,
                RelationshipHead.type,
                RelationshipHead.target_lc,
            ).in_(triples),
            RelationshipHead.deleted.is_(False),
        )
    )
    return {(r[0], r[1], r[2]) for r in rows}
