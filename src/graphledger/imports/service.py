"""Import entry points shared by the CLI and the API: pick the reader by format, load, report."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graphledger.errors import Unprocessable
from graphledger.imports import kubernetes
from graphledger.imports.load import ImportReport, load

FORMATS = ("kubernetes",)


def import_documents(
    fmt: str,
    documents: Iterable[tuple[str, Any]],
    *,
    actor: str,
    dry_run: bool,
    options: dict[str, str] | None = None,
) -> ImportReport:
    """Transform and load parsed documents of one format."""
    options = options or {}
    if fmt == "kubernetes":
        batch = kubernetes.transform(
            documents,
            cluster=options.get("cluster") or "default",
            namespace=options.get("namespace") or "default",
        )
    else:
        raise Unprocessable(
            f"unknown format {fmt!r}; known: {', '.join(FORMATS)}", field="format"
        )
    return load(batch, fmt=fmt, actor=actor, dry_run=dry_run)


def import_text(fmt: str, text: str, name: str, **kwargs: Any) -> ImportReport:
    if fmt not in FORMATS:
        raise Unprocessable(
            f"unknown format {fmt!r}; known: {', '.join(FORMATS)}", field="format"
        )
    return import_documents(fmt, kubernetes.read_text(text, name), **kwargs)


def import_paths(fmt: str, paths: list[Path], **kwargs: Any) -> ImportReport:
    if fmt not in FORMATS:
        raise Unprocessable(
            f"unknown format {fmt!r}; known: {', '.join(FORMATS)}", field="format"
        )
    return import_documents(fmt, kubernetes.read_documents(paths), **kwargs)
