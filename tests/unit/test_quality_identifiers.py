"""Identifier normalisation and rules, without stores."""

import pytest

from graphledger.errors import Unprocessable
from graphledger.quality.identifiers import (
    disagreements,
    identifiers_of,
    normalised,
)
from graphledger.quality.rules import DEFAULT_CLASS_RULES, parse_rules


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("serial", "  ab c 123 ", "ABC123"),
        ("serial", "abc\t123", "ABC123"),
        ("serial", "SN-0042", "SN-0042"),
        ("hostname", "Web01.Corp.Example.", "web01"),
        ("hostname", "WEB01", "web01"),
        ("hostname", "web01.", "web01"),
        ("hostname", "10.0.0.1", "10.0.0.1"),
        ("mac", "00:1A:2b:3C:4d:5E", "001a2b3c4d5e"),
        ("mac", "001a.2b3c.4d5e", "001a2b3c4d5e"),
        ("mac", "00-1A-2B-3C-4D-5E", "001a2b3c4d5e"),
        (
            "cloud_id",
            " ARN:aws:ec2:eu-west-1:1:instance/i-0AB ",
            "arn:aws:ec2:eu-west-1:1:instance/i-0ab",
        ),
        ("serial", 12345, "12345"),
    ],
)
def test_normalised_forms(kind: str, raw: object, expected: str) -> None:
    assert normalised(kind, raw) == expected


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("serial", ""),
        ("serial", "   "),
        ("serial", "unknown"),
        ("serial", "N/A"),
        ("serial", "0"),
        ("serial", "none"),
        ("serial", "Default"),
        ("serial", "To Be Filled By O.E.M."),
        ("serial", "abc"),
        ("serial", "00000000"),
        ("serial", None),
        ("serial", True),
        ("serial", {"a": 1}),
        ("hostname", "localhost"),
        ("hostname", "unknown."),
        ("mac", "00:00:00:00:00:00"),
        ("mac", "ff:ff:ff:ff:ff:ff"),
        ("mac", "00:1a:2b"),
        ("cloud_id", "n/a"),
        ("cloud_id", "0"),
    ],
)
def test_placeholders_are_not_identifiers(kind: str, raw: object) -> None:
    assert normalised(kind, raw) is None


def test_identifiers_of_reads_every_alias() -> None:
    found = identifiers_of(
        {
            "serial_number": "S-1234",
            "fqdn": "App1.b.c",
            "mac_address": "aa:bb:cc:dd:ee:01",
        }
    )

    assert {(i.kind, i.attribute, i.normalised) for i in found} == {
        ("serial", "serial_number", "S-1234"),
        ("hostname", "fqdn", "app1"),
        ("mac", "mac_address", "aabbccddee01"),
    }


def test_disagreement_only_when_both_have_a_real_value() -> None:
    assert disagreements({"serial": "AB 12 34"}, {"serial": "ab1234"}) == []
    assert disagreements({"serial": "AB1234"}, {"hostname": "x"}) == []
    assert disagreements({"serial": "unknown"}, {"serial": "AB1234"}) == []
    clash = disagreements(
        {"serial": "AB1234", "mac": "00:11:22:33:44:55"},
        {"serial": "AB1235", "mac": "001122334455"},
    )
    assert [(a.kind, a.value, b.value) for a, b in clash] == [
        ("serial", "AB1234", "AB1235")
    ]


def test_rules_overlay_defaults_and_refuse_bad_input() -> None:
    rules = parse_rules(
        {"stale_after_days": 10, "classes": {"Server": {"required_tags": ["site"]}}},
        stale_after_days=30,
    )
    assert rules.stale_after_days == 10
    assert rules.classes["Server"].required_tags == ("site",)
    assert rules.classes["Workload"] == DEFAULT_CLASS_RULES["Workload"]

    for bad, field in (
        ({"classes": {"Server": {"name_pattern": "("}}}, "classes.Server.name_pattern"),
        ({"classes": {"Server": {"colour": "red"}}}, "classes.Server"),
        ({"stale_after_days": 0}, "stale_after_days"),
    ):
        with pytest.raises(Unprocessable) as error:
            parse_rules(bad, stale_after_days=30)
        assert error.value.extra["errors"][0]["field"] == field
