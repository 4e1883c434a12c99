"""The two baselines Graphledger is measured against, over the same edges.

Both walk impact-direction edges (from the CI that fails to the CI it hits), derived from the
relationship registry: against the arrow for types that carry impact to the source, along it for
types that carry it to the target, both ways for the rest that carry impact.
"""

from collections.abc import Iterable

import numpy as np
from sqlalchemy import Connection, text

from graphledger.graph.registry import RELATIONSHIP_TYPES, Impact


def impact_edges(
    relationships: Iterable[tuple[str, str, str]], index: dict[str, int]
) -> list[tuple[int, int]]:
    """(failing, hit) pairs of CI numbers, one per direction a relationship carries impact."""
    pairs: set[tuple[int, int]] = set()
    for source, type_, target in relationships:
        s, t = index[source.lower()], index[target.lower()]
        impact = RELATIONSHIP_TYPES[type_].impact
        if impact in (Impact.TO_SOURCE, Impact.BOTH):
            pairs.add((t, s))
        if impact in (Impact.TO_TARGET, Impact.BOTH):
            pairs.add((s, t))
    return sorted(pairs)


class MemoryBFS:
    """Depth-bounded breadth-first reach over a CSR adjacency held in numpy arrays."""

    def __init__(self, size: int, edges: list[tuple[int, int]]) -> None:
        pairs = np.array(edges, dtype=np.int64).reshape(-1, 2)
        order = np.lexsort((pairs[:, 1], pairs[:, 0]))
        self.indices = pairs[order, 1].astype(np.int32)
        counts = np.bincount(pairs[:, 0], minlength=size)
        self.indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self.size = size

    def reach(self, start: int, depth: int) -> np.ndarray:
        """Every CI within `depth` steps of `start`, the start included."""
        seen = np.zeros(self.size, dtype=bool)
        seen[start] = True
        frontier = np.array([start], dtype=np.int64)
        for _ in range(depth):
            begins, ends = self.indptr[frontier], self.indptr[frontier + 1]
            counts = ends - begins
            total = int(counts.sum())
            if total == 0:
                break
            offsets = np.repeat(begins - np.cumsum(counts) + counts, counts)
            neighbours = self.indices[offsets + np.arange(total)]
            fresh = np.unique(neighbours[~seen[neighbours]])
            if fresh.size == 0:
                break
            seen[fresh] = True
            frontier = fresh
        return np.flatnonzero(seen)


EDGES_DDL = (
    "DROP TABLE IF EXISTS bench_edges",
    "CREATE TABLE bench_edges (src integer NOT NULL, dst integer NOT NULL)",
)
EDGES_INDEX = "CREATE INDEX bench_edges_src ON bench_edges (src, dst)"
REACH_CTE = text(
    """
    WITH RECURSIVE reach(n, d) AS (
        SELECT CAST(:start AS integer), 0
        UNION
        SELECT e.dst, r.d + 1
        FROM reach r JOIN bench_edges e ON e.src = r.n
        WHERE r.d < :depth
    )
    SELECT DISTINCT n FROM reach
    """
)


def fill_edges(connection: Connection, edges: list[tuple[int, int]]) -> None:
    """The bench database's own edge table, filled by COPY and indexed, then analysed."""
    for statement in EDGES_DDL:
        connection.execute(text(statement))
    raw = connection.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:  # type: ignore[attr-defined]
        with cursor.copy("COPY bench_edges (src, dst) FROM STDIN") as copy:
            for pair in edges:
                copy.write_row(pair)
    connection.execute(text(EDGES_INDEX))
    connection.execute(text("ANALYZE bench_edges"))


def cte_reach(connection: Connection, start: int, depth: int) -> set[int]:
    """Every CI within `depth` steps of `start`, by a recursive CTE with set semantics."""
    rows = connection.execute(REACH_CTE, {"start": start, "depth": depth})
    return {row[0] for row in rows}
