"""SQL for relationship heads."""

import uuid

from sqlalchemy import select
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
