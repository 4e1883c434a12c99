"""Key rules and the registries, with the schema statements derived from them."""

import pytest

from graphledger.ci.keys import key_problem
from graphledger.graph.neo4j import cypher, typed_cypher
from graphledger.graph.registry import RELATIONSHIP_TYPES, Impact, impact_types


@pytest.mark.parametrize(
    "key",
    [
        "web-01",
        "arn:aws:ec2:eu-west-1:111111111111:instance/i-0a1",
        "SN.12_34",
        "a" * 200,
    ],
)
def test_valid_keys(key):
    assert key_problem(key) is None


@pytest.mark.parametrize(
    "key", ["", "has space", "a" * 201, "tab\tkey", "é", "x/history", "y/RELATIONSHIPS"]
)
def test_invalid_keys(key):
    assert key_problem(key) is not None


def test_impact_directions_follow_the_design():
    assert RELATIONSHIP_TYPES["DEPENDS_ON"].impact is Impact.TO_SOURCE
    assert RELATIONSHIP_TYPES["RUNS_ON"].impact is Impact.TO_SOURCE
    assert RELATIONSHIP_TYPES["HOSTED_ON"].impact is Impact.TO_SOURCE
    assert RELATIONSHIP_TYPES["MEMBER_OF"].impact is Impact.TO_TARGET
    assert RELATIONSHIP_TYPES["CONNECTS_TO"].impact is Impact.BOTH
    assert not RELATIONSHIP_TYPES["MANAGED_BY"].carries_impact
    assert not RELATIONSHIP_TYPES["DOCUMENTED_BY"].carries_impact


def test_impact_types_can_be_narrowed():
    assert impact_types(["DEPENDS_ON", "MANAGED_BY"]) == {
        "inbound": ["DEPENDS_ON"],
        "outbound": [],
        "both": [],
    }


def test_every_relationship_type_has_a_unique_id():
    schema = cypher("schema/constraints")
    for name in RELATIONSHIP_TYPES:
        assert f"FOR ()-[r:{name}]-() REQUIRE r.id IS UNIQUE" in schema, name


@pytest.mark.parametrize("name", ["relationship/upsert", "relationship/delete"])
def test_typed_statements_take_the_registry_type(name):
    text = typed_cypher(name, "RUNS_ON")

    assert "[r:RUNS_ON {id: row.id}]" in text
    assert "REL_TYPE" not in text


def test_typed_statements_refuse_a_type_the_registry_lacks():
    with pytest.raises(KeyError):
        typed_cypher("relationship/upsert", "RUNS_ON]->() DETACH DELETE (n")
