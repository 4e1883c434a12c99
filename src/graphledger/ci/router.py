"""Routes for /api/v1/cis."""

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from graphledger.api.etag import etag, parse_if_match
from graphledger.api.pagination import Page, decode_cursor, encode_cursor
from graphledger.auth.deps import TopologyReader, TopologyWriter
from graphledger.ci import repository, service
from graphledger.ci.keys import normalise
from graphledger.ci.schemas import ChangeRead, CICreate, CIRead, CIUpdate, PendingWrite
from graphledger.db import get_sessionmaker, unit_of_work
from graphledger.graph import neo4j
from graphledger.logs import get_logger
from graphledger.outbox.writes import settle
from graphledger.relationship.schemas import CIRelationship
from graphledger.settings import get_settings

log = get_logger(__name__)
router = APIRouter(prefix="/api/v1/cis", tags=["cis"])

IfMatch = Annotated[str | None, Header(alias="If-Match")]
PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/problem+json": {}}}
    for code, text in (
        (401, "no valid token"),
        (403, "role not allowed"),
        (404, "no such CI"),
        (409, "conflict"),
        (412, "stale If-Match"),
        (422, "invalid input"),
    )
}


def written(document: dict[str, Any], entry_ids: list[int], status: int) -> Response:
    """201/200 once the graph has the change; 202 with the pending entries when it does not yet."""
    if settle(entry_ids):
        return JSONResponse(
            CIRead.model_validate(document).model_dump(mode="json", by_alias=True),
            status_code=status,
            headers={"ETag": etag(document["version"])},
        )
    pending = PendingWrite(
        outbox_ids=entry_ids,
        detail="kept; the graph store is unavailable and will receive it when it returns",
        resource=CIRead.model_validate(document).model_dump(mode="json", by_alias=True),
    )
    return JSONResponse(pending.model_dump(mode="json"), status_code=202)


@router.post("", status_code=201, response_model=CIRead, responses=PROBLEMS)
def create(body: CICreate, principal: TopologyWriter, request: Request) -> Response:
    """Create a CI."""
    with unit_of_work() as session:
        document, entry = service.create_ci(session, body, actor=principal.name)
    request.state.audit_entity = f"ci:{document['key']}"
    log.info("ci.created", ci_key=document["key"], change_outbox_id=entry.id)
    response = written(document, [entry.id], 201)
    response.headers["Location"] = f"/api/v1/cis/{document['key']}"
    return response


@router.get("", response_model=Page[CIRead], responses=PROBLEMS)
def list_cis(
    principal: TopologyReader,
    limit: Annotated[int | None, Query(ge=1)] = None,
    cursor: str | None = None,
    class_: Annotated[str | None, Query(alias="class")] = None,
    status: str | None = None,
    owner: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[CIRead]:
    """CIs in key order, filtered by class, status, owner or text in key and name."""
    settings = get_settings()
    size = min(limit or settings.list_default_limit, settings.list_max_limit)
    after = decode_cursor(cursor)
    if after is not None and not isinstance(after, str):
        after = None
    with get_sessionmaker()() as session:
        heads = repository.list_heads(
            session,
            after=after,
            limit=size + 1,
            class_name=class_,
            status=status,
            owner=owner,
            text=q,
        )
    items = [CIRead.model_validate(h.document) for h in heads[:size]]
    next_cursor = encode_cursor(heads[size - 1].key_lc) if len(heads) > size else None
    return Page[CIRead](items=items, next_cursor=next_cursor)


@router.get("/{key:path}/history", response_model=Page[ChangeRead], responses=PROBLEMS)
def history(
    key: str,
    principal: TopologyReader,
    limit: Annotated[int | None, Query(ge=1)] = None,
    cursor: str | None = None,
) -> Page[ChangeRead]:
    """Every change that touched the CI, its relationships' included, newest first."""
    settings = get_settings()
    size = min(limit or settings.list_default_limit, settings.list_max_limit)
    before = decode_cursor(cursor)
    with get_sessionmaker()() as session:
        head = repository.get_head(session, normalise(key))
        if head is None:
            service.require_live(session, key)
        rows = repository.history(
            session,
            normalise(key),
            before_id=before if isinstance(before, int) else None,
            limit=size + 1,
        )
    items = [ChangeRead.model_validate(r, from_attributes=True) for r in rows[:size]]
    return Page[ChangeRead](
        items=items,
        next_cursor=encode_cursor(rows[size - 1].id) if len(rows) > size else None,
    )


@router.get(
    "/{key:path}/relationships", response_model=Page[CIRelationship], responses=PROBLEMS
)
def relationships(
    key: str,
    principal: TopologyReader,
    limit: Annotated[int | None, Query(ge=1)] = None,
) -> Page[CIRelationship]:
    """The CI's relationships in both directions, as stored in the graph."""
    settings = get_settings()
    size = min(limit or settings.list_max_limit, settings.list_max_limit)
    with get_sessionmaker()() as session:
        head = service.require_live(session, key)
    rows = neo4j.read("ci/relationships", key_lc=head.key_lc, limit=size)
    items = [
        CIRelationship(
            id=row["id"],
            type=row["type"],
            direction="outbound" if row["outbound"] else "inbound",
            source=head.key if row["outbound"] else row["other_key"],
            target=row["other_key"] if row["outbound"] else head.key,
            other=row["other_key"],
            weight=row["props"].get("weight"),
        )
        for row in rows
    ]
    return Page[CIRelationship](items=items)


@router.get("/{key:path}", response_model=CIRead, responses=PROBLEMS)
async def read(key: str, principal: TopologyReader) -> Response:
    """One CI by key, in any case; awaited on the event loop, with no worker thread."""
    document, version = await service.read_live(key)
    # Serialised here, once: returning the model would have FastAPI validate it a second time.
    body = CIRead.model_validate(document).model_dump_json(by_alias=True)
    return Response(
        body, media_type="application/json", headers={"ETag": etag(version)}
    )


@router.patch("/{key:path}", response_model=CIRead, responses=PROBLEMS)
def update(
    key: str,
    body: CIUpdate,
    principal: TopologyWriter,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Change some fields of a CI; with If-Match, only if nobody changed it since."""
    changes = body.model_dump(exclude_unset=True, by_alias=True)
    with unit_of_work() as session:
        document, entry = service.update_ci(
            session,
            key,
            changes,
            if_match=parse_if_match(if_match),
            actor=principal.name,
        )
    request.state.audit_entity = f"ci:{document['key']}"
    if entry is not None:
        log.info("ci.updated", ci_key=document["key"], version=document["version"])
    return written(document, [entry.id] if entry else [], 200)


@router.delete("/{key:path}", status_code=204, responses=PROBLEMS)
def delete(
    key: str, principal: TopologyWriter, request: Request, if_match: IfMatch = None
) -> Response:
    """Delete a CI and its relationships; the history keeps them."""
    with unit_of_work() as session:
        entries = service.delete_ci(
            session, key, if_match=parse_if_match(if_match), actor=principal.name
        )
    request.state.audit_entity = f"ci:{key}"
    log.info("ci.deleted", ci_key=key, relationships=len(entries) - 1)
    ids = [e.id for e in entries]
    if settle(ids):
        return Response(status_code=204)
    pending = PendingWrite(
        outbox_ids=ids,
        detail="kept; the graph store will apply the delete when it returns",
    )
    return JSONResponse(pending.model_dump(mode="json"), status_code=202)
