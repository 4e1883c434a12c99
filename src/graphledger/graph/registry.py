"""The CI classes and relationship types, each declared once as data.

Queries and checks derive from these tables: which labels a node may carry, which relationship
types exist, and which way each one carries impact.
"""

from dataclasses import dataclass
from enum import StrEnum


class Impact(StrEnum):
    """Which way a failure travels along `(source)-[type]->(target)`."""

    TO_SOURCE = "to_source"  # the target fails, the source (its dependant) is hit
    TO_TARGET = "to_target"  # the source fails, the target is hit (member -> group)
    BOTH = "both"
    NONE = "none"


@dataclass(frozen=True)
class RelationshipType:
    name: str
    impact: Impact
    description: str

    @property
    def carries_impact(self) -> bool:
        return self.impact is not Impact.NONE


@dataclass(frozen=True)
class CIClass:
    name: str
    description: str
    required: tuple[str, ...] = ()
    recommended: tuple[str, ...] = ()
    business_service: bool = False
    hardware: bool = False


RELATIONSHIP_TYPES: dict[str, RelationshipType] = {
    t.name: t
    for t in (
        RelationshipType("DEPENDS_ON", Impact.TO_SOURCE, "the source needs the target"),
        RelationshipType(
            "RUNS_ON", Impact.TO_SOURCE, "software runs on a host or platform"
        ),
        RelationshipType(
            "HOSTED_ON", Impact.TO_SOURCE, "a virtual item is hosted on a physical one"
        ),
        RelationshipType(
            "LOCATED_IN", Impact.TO_SOURCE, "placed in a rack, subnet or zone"
        ),
        RelationshipType(
            "MEMBER_OF", Impact.TO_TARGET, "a member of a redundancy group or cluster"
        ),
        RelationshipType(
            "CONNECTS_TO", Impact.BOTH, "a network link; either end hits the other"
        ),
        RelationshipType("MANAGED_BY", Impact.NONE, "owned or run by a team"),
        RelationshipType("DOCUMENTED_BY", Impact.NONE, "described by a document"),
        RelationshipType(
            "PART_OF", Impact.NONE, "grouped for organisation only (a namespace)"
        ),
    )
}

CI_CLASSES: dict[str, CIClass] = {
    c.name: c
    for c in (
        CIClass(
            "Service",
            "a business service users see",
            recommended=("owner",),
            business_service=True,
        ),
        CIClass(
            "Application", "an application or microservice", recommended=("owner",)
        ),
        CIClass("Database", "a database or database cluster", recommended=("owner",)),
        CIClass("Server", "a physical server", recommended=("serial",), hardware=True),
        CIClass(
            "VirtualMachine",
            "a virtual machine or cloud instance",
            recommended=("hostname",),
        ),
        CIClass("Container", "a container or container image"),
        CIClass("Workload", "a scheduled workload (Deployment, StatefulSet, Job)"),
        CIClass("Cluster", "a redundancy group or compute cluster"),
        CIClass("LoadBalancer", "a load balancer or ingress"),
        CIClass(
            "Endpoint", "a network endpoint routing to workloads (a Kubernetes Service)"
        ),
        CIClass("Queue", "a message queue or topic"),
        CIClass("Cache", "an in-memory cache"),
        CIClass("Storage", "a volume, bucket or file share"),
        CIClass("Network", "a network, VPC, subnet or security group"),
        CIClass(
            "NetworkDevice",
            "a switch, router or firewall",
            recommended=("serial",),
            hardware=True,
        ),
        CIClass("Rack", "a rack in a site", hardware=True),
        CIClass("Site", "a data centre or office"),
        CIClass(
            "CloudResource",
            "any other cloud resource, keyed by ARN or id",
            required=("resource_type",),
        ),
        CIClass("Namespace", "a Kubernetes namespace or similar grouping"),
        CIClass("Configuration", "configuration or secret metadata (never its values)"),
        CIClass("Team", "a team that owns or runs CIs"),
        CIClass("Document", "a runbook or design document"),
    )
}

CI_STATUSES = ("operational", "degraded", "down", "maintenance", "retired")


def impact_types(types: list[str] | None = None) -> dict[str, list[str]]:
    """Relationship type names grouped by which way they carry impact, limited to `types`."""
    chosen = [t for t in RELATIONSHIP_TYPES.values() if t.carries_impact]
    if types is not None:
        wanted = set(types)
        chosen = [t for t in chosen if t.name in wanted]
    return {
        "inbound": [t.name for t in chosen if t.impact is Impact.TO_SOURCE],
        "outbound": [t.name for t in chosen if t.impact is Impact.TO_TARGET],
        "both": [t.name for t in chosen if t.impact is Impact.BOTH],
    }
