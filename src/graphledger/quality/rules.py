"""Naming and tagging rules per CI class, from a settings file or the environment.

A rules document is JSON or YAML:

    stale_after_days: 30
    classes:
      Server:
        name_pattern: "^[a-z0-9][a-z0-9.-]*$"
        required_tags: [environment]
        required_attributes: [serial]

`GRAPHLEDGER_HEALTH_RULES_FILE` names such a file; `GRAPHLEDGER_HEALTH_RULES` holds the same
document inline. Classes a document names replace the defaults below; the others keep them.
Patterns are PostgreSQL regular expressions (the common syntax Python shares is safe). A tag is
present when `attributes.tags` (an object or a list) or `attributes.labels` has it.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graphledger.errors import Unprocessable
from graphledger.graph.registry import CI_CLASSES
from graphledger.settings import get_settings

HOSTNAME_NAME = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"
# Kubernetes object names: DNS-1123 subdomains.
K8S_NAME = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"


@dataclass(frozen=True)
class ClassRule:
    name_pattern: str | None = None
    key_pattern: str | None = None
    required_tags: tuple[str, ...] = ()
    required_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rules:
    stale_after_days: int = 30
    classes: dict[str, ClassRule] = field(default_factory=dict)


DEFAULT_CLASS_RULES: dict[str, ClassRule] = {
    "Server": ClassRule(name_pattern=HOSTNAME_NAME, required_tags=("environment",)),
    "VirtualMachine": ClassRule(
        name_pattern=HOSTNAME_NAME, required_tags=("environment",)
    ),
    "NetworkDevice": ClassRule(
        name_pattern=HOSTNAME_NAME, required_tags=("environment",)
    ),
    "Workload": ClassRule(name_pattern=K8S_NAME),
    "Endpoint": ClassRule(name_pattern=K8S_NAME),
    "Namespace": ClassRule(name_pattern=K8S_NAME),
}


def _class_rule(class_name: str, raw: Any) -> ClassRule:
    if class_name not in CI_CLASSES:
        raise Unprocessable(
            f"health rules name an unknown class {class_name!r}",
            field=f"classes.{class_name}",
        )
    if not isinstance(raw, dict):
        raise Unprocessable("a class rule is an object", field=f"classes.{class_name}")
    unknown = set(raw) - {
        "name_pattern",
        "key_pattern",
        "required_tags",
        "required_attributes",
    }
    if unknown:
        raise Unprocessable(
            f"unknown rule fields: {', '.join(sorted(unknown))}",
            field=f"classes.{class_name}",
        )
    for name in ("name_pattern", "key_pattern"):
        if raw.get(name) is not None:
            try:
                re.compile(raw[name])
            except re.error as error:
                raise Unprocessable(
                    f"bad pattern: {error}", field=f"classes.{class_name}.{name}"
                ) from error
    return ClassRule(
        name_pattern=raw.get("name_pattern"),
        key_pattern=raw.get("key_pattern"),
        required_tags=tuple(str(t) for t in raw.get("required_tags") or ()),
        required_attributes=tuple(str(a) for a in raw.get("required_attributes") or ()),
    )


def parse_rules(document: dict[str, Any], *, stale_after_days: int) -> Rules:
    """Rules from a parsed document laid over the defaults."""
    classes = dict(DEFAULT_CLASS_RULES)
    for class_name, raw in (document.get("classes") or {}).items():
        classes[class_name] = _class_rule(class_name, raw)
    days = document.get("stale_after_days", stale_after_days)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise Unprocessable(
            "stale_after_days is a whole number of at least 1",
            field="stale_after_days",
        )
    return Rules(stale_after_days=days, classes=classes)


def load_rules() -> Rules:
    """The rules in force: defaults, then the settings file, then the inline setting."""
    settings = get_settings()
    document: dict[str, Any] = {}
    if settings.health_rules_file:
        text = Path(settings.health_rules_file).read_text()
        document = yaml.safe_load(text) or {}
    if settings.health_rules:
        document = json.loads(settings.health_rules)
    if not isinstance(document, dict):
        raise Unprocessable("health rules are a mapping", field="health_rules")
    return parse_rules(document, stale_after_days=settings.health_stale_days)
