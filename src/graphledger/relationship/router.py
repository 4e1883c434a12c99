"""Routes for /api/v1/relationships."""

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from graphledger.auth.deps import TopologyReader, TopologyWriter
from graphledger.ci.router import PROBLEMS
from graphledger.ci.schemas import PendingWrite
from graphledger.db import get_sessionmaker, unit_of_work
from graphledger.errors import NotFound
from graphledger.logs import get_logger
from graphledger.outbox.writes import settle
from graphledger.relationship import repository, service
from graphledger.relationship.schemas import RelationshipCreate, RelationshipRead

log = get_logger(__name__)
router = APIRouter(prefix="/api/v1/relationships", tags=["relationships"])


def _read(document: dict[str, Any]) -> dict[str, Any]:
    return RelationshipRead.model_validate(document).model_dump(mode="json")


@router.post("", status_code=201, response_model=RelationshipRead, responses=PROBLEMS)
def create(
    body: RelationshipCreate, principal: TopologyWriter, request: Request
) -> Response:
    """Relate two existing CIs with a registered type."""
    with unit_of_work() as session:
        document, entry = service.create_relationship(
            session,
            source=body.source,
            type_=body.type,
            target=body.target,
            weight=body.weight,
            attributes=body.attributes,
            actor=principal.name,
        )
    request.state.audit_entity = f"relationship:{document['id']}"
    log.info(
        "relationship.created",
        relationship_id=document["id"],
        source=document["source"],
        type=document["type"],
        target=document["target"],
    )
    if settle([entry.id]):
        return JSONResponse(
            _read(document),
            status_code=201,
            headers={"Location": f"/api/v1/relationships/{document['id']}"},
        )
    pending = PendingWrite(
        outbox_ids=[entry.id],
        resource=_read(document),
        detail="kept; the graph store will receive it when it returns",
    )
    return JSONResponse(pending.model_dump(mode="json"), status_code=202)


@router.get("/{rel_id}", response_model=RelationshipRead, responses=PROBLEMS)
def read(rel_id: uuid.UUID, principal: TopologyReader) -> dict[str, Any]:
    """One relationship by id."""
    with get_sessionmaker()() as session:
        head = repository.get(session, rel_id)
    if head is None or head.deleted:
        raise NotFound(f"no relationship {rel_id}")
    return _read(head.document)


@router.delete("/{rel_id}", status_code=204, responses=PROBLEMS)
def delete(rel_id: uuid.UUID, principal: TopologyWriter, request: Request) -> Response:
    """Remove a relationship; the history keeps it."""
    with unit_of_work() as session:
        entry = service.delete_relationship(session, rel_id, actor=principal.name)
    request.state.audit_entity = f"relationship:{rel_id}"
    log.info("relationship.deleted", relationship_id=str(rel_id))
    if settle([entry.id]):
        return Response(status_code=204)
    pending = PendingWrite(
        outbox_ids=[entry.id],
        detail="kept; the graph store will apply the delete when it returns",
    )
    return JSONResponse(pending.model_dump(mode="json"), status_code=202)
