"""Relationship ids made in bulk are random version 4 UUIDs, like uuid4's, and all distinct."""

import uuid

from graphledger.relationship.service import random_ids


def test_bulk_ids_are_distinct_version_4_uuids_in_canonical_text():
    ids = random_ids(5000)

    parsed = [uuid.UUID(i) for i in ids]
    assert len(set(ids)) == 5000
    assert {(u.version, u.variant) for u in parsed} == {(4, uuid.RFC_4122)}
    assert [str(u) for u in parsed] == ids


def test_no_ids_asked_none_made():
    assert random_ids(0) == []
