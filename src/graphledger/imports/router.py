"""POST /api/v1/imports?format=&dry_run=: the body is the file."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from graphledger.auth import roles
from graphledger.auth.deps import current_principal
from graphledger.auth.service import Principal
from graphledger.ci.router import PROBLEMS
from graphledger.errors import Forbidden
from graphledger.imports.load import ImportReport
from graphledger.imports.service import FORMATS, MONEY_FORMATS, import_bytes

router = APIRouter(prefix="/api/v1", tags=["imports"])


@router.post("/imports", response_model=ImportReport, responses=PROBLEMS)
async def post_import(
    request: Request,
    principal: Annotated[Principal, Depends(current_principal)],
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
    """Import one file; the same file twice changes nothing the second time. Asset registers
    carry money, so they are for finance and admin; topology formats for sre, change_manager
    and admin."""
    allowed = roles.LEDGER_WRITE if format in MONEY_FORMATS else roles.TOPOLOGY_WRITE
    if principal.role not in allowed:
        raise Forbidden(
            f"role {principal.role!r} may not import {format!r}; allowed: "
            f"{', '.join(sorted(allowed))}",
            role=principal.role,
        )
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
