"""Timing helpers: percentiles over repeated calls, and a loopback load generator."""

import asyncio
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Results:
    """The records of one run, in the shape bench/results.json keeps."""

    scale: int
    records: list[dict[str, Any]] = field(default_factory=list)

    def latency(
        self, measure: str, engine: str, millis: list[float], **extra: Any
    ) -> dict[str, Any]:
        record = {
            "measure": measure,
            "engine": engine,
            "scale": self.scale,
            "count": len(millis),
            "p50_ms": round(percentile(millis, 50), 3),
            "p95_ms": round(percentile(millis, 95), 3),
            "p99_ms": round(percentile(millis, 99), 3),
            "mean_ms": round(statistics.fmean(millis), 3),
            **extra,
        }
        self.records.append(record)
        return record

    def other(self, measure: str, **values: Any) -> dict[str, Any]:
        record = {"measure": measure, "scale": self.scale, **values}
        self.records.append(record)
        return record

    def find(self, measure: str, engine: str) -> dict[str, Any] | None:
        for record in self.records:
            if record["measure"] == measure and record.get("engine") == engine:
                return record
        return None


def timed_calls(
    call: Callable[[Any], Any], arguments: Iterable[Any], budget_s: float = 120.0
) -> list[float]:
    """Milliseconds per call, in order; stops early once the time budget is spent."""
    millis: list[float] = []
    deadline = time.monotonic() + budget_s
    for argument in arguments:
        started = time.perf_counter()
        call(argument)
        millis.append((time.perf_counter() - started) * 1000)
        if time.monotonic() > deadline:
            break
    return millis


async def _reader(
    host: str,
    port: int,
    requests: list[bytes],
    stop_at: float,
    millis: list[float],
    errors: list[int],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = 0
    try:
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            writer.write(requests[i % len(requests)])
            i += 1
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            millis.append((time.perf_counter() - started) * 1000)
            if not head.startswith(b"HTTP/1.1 200"):
                errors.append(1)
    finally:
        writer.close()


def concurrent_gets(
    host: str,
    port: int,
    paths: list[str],
    token: str,
    *,
    clients: int,
    seconds: float,
) -> tuple[list[float], int, float]:
    """Keep-alive GETs from `clients` connections for `seconds`: latencies, errors, elapsed."""
    requests = [
        (
            f"GET {p} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {token}\r\n\r\n"
        ).encode()
        for p in paths
    ]
    millis: list[float] = []
    errors: list[int] = []

    async def run() -> float:
        started = time.monotonic()
        stop_at = started + seconds
        await asyncio.gather(
            *(
                _reader(
                    host, port, requests[i:] + requests[:i], stop_at, millis, errors
                )
                for i in range(clients)
            )
        )
        return time.monotonic() - started

    elapsed = asyncio.run(run())
    return millis, len(errors), elapsed
