"""The benchmark: a generated estate loaded through the product, measured beside a recursive CTE
and an in-memory BFS over the same edges (issue 7)."""
