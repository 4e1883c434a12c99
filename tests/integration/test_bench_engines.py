"""The benchmark's generator is deterministic, and its two baselines reach what the product does."""

import random

import pytest
from sqlalchemy import text

from graphledger.bench.engines import MemoryBFS, cte_reach, fill_edges, impact_edges
from graphledger.bench.estate import generate
from graphledger.db import get_engine
from graphledger.impact.service import walk_impact
from graphledger.imports.load import load

pytestmark = pytest.mark.stores


def test_generator_same_seed_same_estate() -> None:
    first, second = generate(600, seed=3), generate(600, seed=3)

    assert first.cis == second.cis
    assert first.relationships == second.relationships
    assert first.costs == second.costs
    assert len(first.cis) == 600
    assert generate(600, seed=4).relationships != first.relationships


def test_cte_and_bfs_reach_what_the_product_reaches(stores: None) -> None:
    estate = generate(400, seed=5)
    batch = estate.batch()
    batch.assets = []
    report = load(batch, fmt="bench", actor="test", dry_run=False)
    assert report.applied_to_graph and not report.rejected
    index = {key.lower(): i for i, (key, _, _) in enumerate(estate.cis)}
    edges = impact_edges(estate.relationships, index)
    bfs = MemoryBFS(len(estate.cis), edges)
    starts = random.Random(1).sample(list(index), 40) + estate.hubs[:3]

    with get_engine().begin() as connection:
        fill_edges(connection, edges)
        for key in starts:
            walk = walk_impact([key], max_depth=6, max_results=100_000)[1]
            product = {index[k] for k in walk.reached}

            assert cte_reach(connection, index[key], 6) == product, key
            assert set(bfs.reach(index[key], 6).tolist()) == product, key
        connection.execute(text("DROP TABLE bench_edges"))
