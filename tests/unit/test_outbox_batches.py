"""How the drainer groups journal changes into statements: order kept, newest row per item."""

from datetime import UTC, datetime

from graphledger.models import TopologyChange
from graphledger.outbox.applier import _batches


def change(change_id, key, op="update", name="n"):
    doc = {"key": key, "class": "Server", "name": name, "attributes": {}}
    return TopologyChange(
        id=change_id,
        entity="ci",
        entity_id=key,
        op=op,
        ci_keys=[key],
        actor="t",
        source="api",
        at=datetime(2026, 1, 1, tzinfo=UTC),
        version=change_id,
        before=doc if op == "delete" else None,
        after=None if op == "delete" else doc,
    )


def test_consecutive_upserts_keep_only_the_newest_row_per_ci_in_order():
    batches = _batches(
        [change(1, "a", name="a1"), change(2, "b"), change(3, "a", name="a2")]
    )

    assert [name for name, _ in batches] == ["ci/upsert"]
    rows = batches[0][1]
    assert [(r["key_lc"], r["change_id"]) for r in rows] == [("b", 2), ("a", 3)]
    assert rows[1]["props"]["name"] == "a2"


def test_a_delete_between_upserts_starts_new_statements():
    batches = _batches([change(1, "a"), change(2, "a", op="delete"), change(3, "a")])

    assert [(name, [r["change_id"] for r in rows]) for name, rows in batches] == [
        ("ci/upsert", [1]),
        ("ci/delete", [2]),
        ("ci/upsert", [3]),
    ]


def test_a_large_batch_of_one_ci_collapses_to_one_row():
    rows = _batches([change(i, "hot") for i in range(1, 5001)])[0][1]

    assert [r["change_id"] for r in rows] == [5000]
