"""Import entry points shared by the CLI and the API: read, transform, load and reconcile."""

import csv
import gzip
import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from graphledger.errors import Unprocessable
from graphledger.imports import aws, csvfiles, kubernetes, netbox
from graphledger.imports.csvread import CSVUnreadable
from graphledger.imports.load import ImportReport, load
from graphledger.imports.model import Batch, Rejection

FORMATS = ("kubernetes", "aws", "netbox", "csv-cis", "csv-relationships", "csv-assets")
UNREADABLE = (aws.AWSUnreadable, netbox.NetBoxUnreadable, CSVUnreadable)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Unprocessable(
            f"unknown format {fmt!r}; known: {', '.join(FORMATS)}", field="format"
        )


def _files(paths: list[Path], suffixes: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in suffixes)
        else:
            found.append(path)
    return found


def read_paths(fmt: str, paths: list[Path], options: dict[str, str]) -> Batch:
    """Read and transform files or folders of one format into one batch."""
    if fmt == "kubernetes":
        return kubernetes.transform(
            kubernetes.read_documents(paths),
            cluster=options.get("cluster") or "default",
            namespace=options.get("namespace") or "default",
            claim_namespace=bool(options.get("namespace")),
        )
    if fmt == "aws":
        return aws.transform_paths(paths)
    batch = Batch()
    if fmt == "netbox":
        for file in _files(paths, (".json", ".gz")):
            batch.extend(
                netbox.transform(
                    netbox.read_path(file),
                    instance=options.get("instance") or "default",
                )
            )
        return batch
    for file in _files(paths, (".csv", ".tsv", ".txt")):
        batch.extend(read_bytes(fmt, file.read_bytes(), file.name, options))
    return batch


def read_bytes(fmt: str, raw: bytes, name: str, options: dict[str, str]) -> Batch:
    """Read and transform one uploaded file."""
    encoding = options.get("encoding") or None
    if fmt == "kubernetes":
        return kubernetes.transform(
            kubernetes.read_bytes(raw, name),
            cluster=options.get("cluster") or "default",
            namespace=options.get("namespace") or "default",
            claim_namespace=bool(options.get("namespace")),
        )
    if fmt == "aws":
        return aws.transform_bytes(raw, name)
    if fmt == "netbox":
        return netbox.transform(
            netbox.read_bytes(raw, name), instance=options.get("instance") or "default"
        )
    if fmt == "csv-cis":
        return csvfiles.transform_cis(raw, name, encoding=encoding)
    if fmt == "csv-relationships":
        return csvfiles.transform_relationships(raw, name, encoding=encoding)
    if fmt == "csv-assets":
        return csvfiles.transform_assets(
            raw,
            name,
            encoding=encoding,
            date_order=options.get("date_order") or None,
            default_currency=options.get("currency") or None,
        )
    raise Unprocessable(f"format {fmt!r} cannot be read here", field="format")


def _run(
    fmt: str,
    read: Callable[[], Batch],
    *,
    actor: str,
    dry_run: bool,
    retire_stale: bool,
    progress: Callable[[int], None] | None,
    on_total: Callable[[int], None] | None,
) -> ImportReport:
    try:
        batch = read()
    except UNREADABLE as error:
        raise Unprocessable(
            f"the input cannot be read: {error}", field="body"
        ) from error
    if on_total is not None:
        on_total(len(batch.cis) + len(batch.relationships) + len(batch.assets))
    report = load(
        batch,
        fmt=fmt,
        actor=actor,
        dry_run=dry_run,
        retire_stale=retire_stale,
        progress=progress,
    )
    if fmt == "csv-relationships":
        primary = report.relationships
    elif fmt == "csv-assets":
        primary = report.assets
    else:
        primary = report.cis
    report.created, report.updated, report.unchanged = (
        primary.created,
        primary.updated,
        primary.unchanged,
    )
    return report


MONEY_FORMATS = frozenset({"csv-assets"})
# What a malformed file raises while it is read; each is the file's fault, reported as 422.
MALFORMED = (
    UnicodeError,
    csv.Error,
    RecursionError,
    LookupError,
    EOFError,
    zlib.error,
    json.JSONDecodeError,
    yaml.YAMLError,
    gzip.BadGzipFile,
)


def _readable(read: Callable[[], Batch]) -> Callable[[], Batch]:
    def guarded() -> Batch:
        try:
            return read()
        except MALFORMED as error:
            raise Unprocessable(
                f"the file cannot be read: {type(error).__name__}: {str(error)[:200]}",
                field="body",
            ) from error

    return guarded


def import_bytes(
    fmt: str,
    raw: bytes,
    name: str,
    *,
    actor: str,
    dry_run: bool,
    retire_stale: bool = False,
    options: dict[str, str] | None = None,
) -> ImportReport:
    """Import one uploaded file."""
    _check_format(fmt)
    options = options or {}
    return _run(
        fmt,
        _readable(lambda: read_bytes(fmt, raw, name, options)),
        actor=actor,
        dry_run=dry_run,
        retire_stale=retire_stale,
        progress=None,
        on_total=None,
    )


def import_paths(
    fmt: str,
    paths: list[Path],
    *,
    actor: str,
    dry_run: bool,
    retire_stale: bool = False,
    options: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import files or folders."""
    _check_format(fmt)
    options = options or {}
    return _run(
        fmt,
        _readable(lambda: read_paths(fmt, paths, options)),
        actor=actor,
        dry_run=dry_run,
        retire_stale=retire_stale,
        progress=progress,
        on_total=on_total,
    )


def rejection_dicts(rejections: list[Rejection]) -> list[dict[str, Any]]:
    return [{"ref": r.ref, "reason": r.reason, "field": r.field} for r in rejections]
