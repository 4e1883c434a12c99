"""POST /api/v1/imports?format=&dry_run=: the body is the file."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from graphledger.auth.deps import TopologyWriter
from graphledger.ci.router import PROBLEMS
from graphledger.imports.load import ImportReport
from graphledger.imports.service import FORMATS, import_bytes

router = APIRouter(prefix="/api/v1", tags=["imports"])


@router.post("/imports", response_model=ImportReport, responses=PROBLEMS)
async def post_import(
    request: Request,
    principal: TopologyWriter,
    format: Annotated[str, Query(description=", ".join(FORMATS))],
    dry_run: bool = False,
    retire_stale: bool = False,
    cluster: Annotated[str | None, Query(pattern=r"^[a-z0-9-]{1,63}$")] = None,
    namespace: Annotated[str | None, Query(pattern=r"^[a-z0-9-]{1,63}$")] = None,
    instance: Annotated[str | None, Query(pattern=r"^[a-z0-9-]{1,63}$")] = None,
    encoding: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,32}$")] = None,
    date_order: Annotated[str | None, Query(pattern=r"^(dmy|mdy)$")] = None,
    currency: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
) -> ImportReport:
    """Import one file; the same file twice changes nothing the second time."""
    raw = await request.body()
    request.state.audit_entity = f"import:{format}"
    return await run_in_threadpool(
        import_bytes,
        format,
        raw,
        "upload",
        actor=principal.name,
        dry_run=dry_run,
        retire_stale=retire_stale,
        options={
            "cluster": cluster or "",
            "namespace": namespace or "",
            "instance": instance or "",
            "encoding": encoding or "",
            "date_order": date_order or "",
            "currency": currency or "",
        },
    )
