"""GET /api/v1/ci-classes and /api/v1/relationship-types: the registries as data."""

from typing import Any

from fastapi import APIRouter

from graphledger.auth.deps import TopologyReader
from graphledger.graph.registry import CI_CLASSES, RELATIONSHIP_TYPES

router = APIRouter(prefix="/api/v1", tags=["registry"])


@router.get("/ci-classes")
def ci_classes(principal: TopologyReader) -> dict[str, list[dict[str, Any]]]:
    """Every CI class with the attributes it requires and recommends."""
    return {
        "items": [
            {
                "name": c.name,
                "description": c.description,
                "required": list(c.required),
                "recommended": list(c.recommended),
                "business_service": c.business_service,
                "hardware": c.hardware,
            }
            for c in CI_CLASSES.values()
        ]
    }


@router.get("/relationship-types")
def relationship_types(principal: TopologyReader) -> dict[str, list[dict[str, Any]]]:
    """Every relationship type and which way it carries impact."""
    return {
        "items": [
            {
                "name": t.name,
                "description": t.description,
                "impact": t.impact.value,
                "carries_impact": t.carries_impact,
            }
            for t in RELATIONSHIP_TYPES.values()
        ]
    }
