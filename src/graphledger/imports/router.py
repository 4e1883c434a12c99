"""POST /api/v1/imports?format=&dry_run=: the body is the file."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from graphledger.auth.deps import TopologyWriter
from graphledger.ci.router import PROBLEMS
from graphledger.errors import Unprocessable
from graphledger.imports.load import ImportReport
from graphledger.imports.service import import_text

router = APIRouter(prefix="/api/v1", tags=["imports"])


@router.post("/imports", response_model=ImportReport, responses=PROBLEMS)
async def post_import(
    request: Request,
    principal: TopologyWriter,
    format: Annotated[str, Query(description="kubernetes")],
    dry_run: bool = False,
    cluster: Annotated[str | None, Query(pattern=r"^[a-z0-9-]{1,63}$")] = None,
    namespace: Annotated[str | None, Query(pattern=r"^[a-z0-9-]{1,63}$")] = None,
) -> ImportReport:
    """Import one file; the same file twice changes nothing the second time."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unprocessable("the file is not UTF-8 text", field="body") from error
    request.state.audit_entity = f"import:{format}"
    return await run_in_threadpool(
        import_text,
        format,
        text,
        "upload",
        actor=principal.name,
        dry_run=dry_run,
        options={"cluster": cluster or "", "namespace": namespace or ""},
    )
