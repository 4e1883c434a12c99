"""How the drainer groups journal changes into statements: order kept, newest row per item."""

from datetime import UTC, datetime

import pytest

from graphledger.models import TopologyChange
from graphledger.outbox.applier import UnknownType, _batches, _statements


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


def relationship(change_id, rel_id, rel_type, op="create"):
    doc = {"type": rel_type, "source_lc": "a", "target_lc": "b", "attributes": {}}
    return TopologyChange(
        id=change_id,
        entity="relationship",
        entity_id=rel_id,
        op=op,
        ci_keys=["a", "b"],
        actor="t",
        source="api",
        at=datetime(2026, 1, 1, tzinfo=UTC),
        version=1,
        before=doc if op == "delete" else None,
        after=None if op == "delete" else doc,
    )


def test_relationship_rows_go_to_one_statement_per_type_in_order():
    changes = [
        relationship(1, "r1", "DEPENDS_ON"),
        relationship(2, "r2", "RUNS_ON"),
        relationship(3, "r3", "DEPENDS_ON"),
        relationship(4, "r1", "DEPENDS_ON", op="delete"),
    ]

    statements = _statements(_batches(changes))

    assert [([r["id"] for r in rows], ":" + t) for t, rows in _types(statements)] == [
        (["r1", "r3"], ":DEPENDS_ON"),
        (["r2"], ":RUNS_ON"),
        (["r1"], ":DEPENDS_ON"),
    ]
    assert "MERGE" in statements[0][0] and "DELETE r" in statements[2][0]


def test_an_unknown_relationship_type_is_refused_not_sent():
    with pytest.raises(UnknownType):
        _statements(_batches([relationship(1, "r1", "OWNS")]))


def _types(statements):
    """(type named in the statement's pattern, rows) for each statement."""
    found = []
    for text, rows in statements:
        rel_type = next(t for t in ("DEPENDS_ON", "RUNS_ON") if f"[r:{t} " in text)
        found.append((rel_type, rows))
    return found
