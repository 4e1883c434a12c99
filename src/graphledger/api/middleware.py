"""Request ids, the body size cap, and the audit of writes and denied requests."""

import json
import uuid

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphledger.audit.service import record
from graphledger.errors import PROBLEM_BASE

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# POSTs that only read: their question is too large or structured for a URL. They are no writes,
# so they leave no audit entry unless denied (each entry is a committed row, which cost more than
# a typical impact answer itself).
QUERY_POSTS = frozenset({"/api/v1/impact", "/api/v1/changes/assess"})


class BodyLimit:
    """Refuses bodies over a size with 413, whether announced by Content-Length or streamed, and
    requests carrying a NUL character (which no text column can hold) with 422."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger  # path prefix -> its own cap (file uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = next(
            (v for p, v in self.larger.items() if path.startswith(p)), self.max_bytes
        )
        is_file = any(path.startswith(p) for p in self.larger)
        if "\x00" in path or b"%00" in scope.get("query_string", b""):
            await _refuse_nul(send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                if int(value) <= DISCARD_UP_TO:
                    # Clients that send the whole body before reading would otherwise see a reset
                    # connection instead of the 413: read and drop what they send first.
                    await _discard(receive)
                await self._refuse(send, limit)
                return
        if not is_file:
            # Ordinary bodies are small: read them whole, check them, then hand them on.
            chunks: list[bytes] = []
            seen, more = 0, True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunk = message.get("body", b"")
                seen += len(chunk)
                if seen > limit:
                    await self._refuse(send, limit)
                    return
                chunks.append(chunk)
                more = message.get("more_body", False)
            body = b"".join(chunks)
            if b"\x00" in body or b"\\u0000" in body.lower():
                await _refuse_nul(send)
                return
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send)
            return

        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        body = json.dumps(
            {
                "type": PROBLEM_BASE + "payload-too-large",
                "title": "Request body too large",
                "status": 413,
                "detail": f"the body exceeds {limit} bytes",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


DISCARD_UP_TO = 64 * 1024 * 1024


async def _discard(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


class _TooLarge(Exception):
    pass


async def _refuse_nul(send: Send) -> None:
    body = json.dumps(
        {
            "type": PROBLEM_BASE + "validation",
            "title": "Invalid input",
            "status": 422,
            "detail": "the request contains a NUL character, which no field may hold",
            "errors": [{"field": "body", "message": "NUL character"}],
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Audit:
    """Gives each request an id (X-Request-Id) and writes the audit entry of each write and each
    denied API request before its answer leaves, so a client reading the log next finds it.

    A plain ASGI middleware: the reads that make up most traffic pass with one header added and no
    extra task, stream or thread hop per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        request.state.request_id = request_id
        id_header = (b"x-request-id", request_id.encode("latin-1"))
        is_api = scope["path"].startswith("/api/")
        is_write = scope["method"] in WRITE_METHODS and scope["path"] not in QUERY_POSTS

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status = message["status"]
                if is_api and (is_write or status in (401, 403)):
                    await _audit(request, request_id, status)
                message = {
                    **message,
                    "headers": [*message.get("headers", []), id_header],
                }
            await send(message)

        await self.app(scope, receive, send_with_id)


async def _audit(request: Request, request_id: str, status: int) -> None:
    principal = getattr(request.state, "principal", None)
    entity = getattr(request.state, "audit_entity", None)
    await run_in_threadpool(
        record,
        actor=principal.name if principal else "anonymous",
        role=principal.role if principal else None,
        method=request.method,
        path=request.url.path,
        status=status,
        request_id=request_id,
        detail={"entity": entity} if entity else None,
    )


def install(app: FastAPI, *, max_body_bytes: int, max_import_bytes: int) -> None:
    """Add the middleware, outermost last."""
    app.add_middleware(Audit)
    app.add_middleware(
        BodyLimit,
        max_bytes=max_body_bytes,
        larger={"/api/v1/imports": max_import_bytes},
    )
