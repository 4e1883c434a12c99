"""License writes, seat assignments and compliance.

Over-assignment is a finding, not a refusal: real estates drift, so a seat beyond the
entitlement is recorded and shown as `over` rather than hidden by a refused request.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from graphledger.ci import repository as ci_repository
from graphledger.errors import Conflict, NotFound, Unprocessable
from graphledger.ledger import repository as ledger_repository
from graphledger.ledger.common import (
    apply_changes,
    check_version,
    flush_guarded,
    require,
)
from graphledger.ledger.money import present, present_totals
from graphledger.license import repository
from graphledger.license.schemas import AssignmentCreate, LicenseCreate
from graphledger.models import License, LicenseAssignment, Vendor

UNUSED_AFTER = timedelta(days=90)


def _check(session: Session, license_: License) -> None:
    errors: list[dict[str, str]] = []
    if (
        license_.start_date
        and license_.end_date
        and license_.end_date < license_.start_date
    ):
        errors.append({"field": "end_date", "message": "ends before it starts"})
    if license_.cost is not None and license_.currency is None:
        errors.append({"field": "currency", "message": "a cost needs its currency"})
    if license_.vendor_id is not None and not ledger_repository.get(
        session, Vendor, license_.vendor_id
    ):
        errors.append(
            {"field": "vendor_id", "message": f"no vendor with id {license_.vendor_id}"}
        )
    if errors:
        raise Unprocessable(
            "invalid: " + ", ".join(e["field"] for e in errors), errors=errors
        )


def create_license(session: Session, data: LicenseCreate) -> License:
    """A new license."""
    license_ = License(**data.model_dump(), version=1)
    _check(session, license_)
    session.add(license_)
    flush_guarded(session, "license")
    return license_


def update_license(
    session: Session, license_id: int, changes: dict[str, Any], *, if_match: str | None
) -> License:
    """Change a license, honouring If-Match; seats may drop below the assignments."""
    license_ = require(session, License, license_id, "license", lock=True)
    check_version(license_, if_match, "license")
    for field in ("name", "seats", "metric", "notice_days"):
        if field in changes and changes[field] is None:
            raise Unprocessable(f"a license keeps its {field}", field=field)
    apply_changes(license_, changes)
    _check(session, license_)
    flush_guarded(session, "license")
    return license_


def _describe(assignment: LicenseAssignment) -> dict[str, Any]:
    return {
        "assignment_id": assignment.id,
        "assignee": assignment.assignee,
        "ci_key": assignment.ci_key,
    }


def delete_license(session: Session, license_id: int, *, if_match: str | None) -> None:
    """Remove a license; 409 naming the assignments while any seat is held."""
    license_ = require(session, License, license_id, "license", lock=True)
    check_version(license_, if_match, "license")
    held = repository.assignments_of(session, [license_id])[license_id]
    if held:
        raise Conflict(
            f"license {license_.name!r} still has {len(held)} assignment(s); release them first",
            assignments=[_describe(a) for a in held],
        )
    session.delete(license_)
    flush_guarded(session, "license deletion")


def assign(
    session: Session, license_id: int, data: AssignmentCreate
) -> LicenseAssignment:
    """Give a seat to a person or a CI; 409 naming the existing seat when it already has one."""
    license_ = require(session, License, license_id, "license", lock=True)
    ci_key = data.ci_key.lower() if data.ci_key else None
    if ci_key is not None:
        head = ci_repository.get_head(session, ci_key)
        if head is None or head.deleted:
            raise Unprocessable(f"no CI with key {data.ci_key!r}", field="ci_key")
    existing = repository.find_assignment(
        session, license_id, assignee=data.assignee, ci_key=ci_key
    )
    if existing is not None:
        raise Conflict(
            f"{data.assignee or ci_key!r} already holds a seat of {license_.name!r}",
            **_describe(existing),
        )
    assignment = LicenseAssignment(
        license_id=license_id,
        assignee=data.assignee,
        ci_key=ci_key,
        last_used_at=data.last_used_at,
    )
    session.add(assignment)
    flush_guarded(session, "assignment")
    return assignment


def _require_assignment(
    session: Session, license_id: int, assignment_id: int
) -> LicenseAssignment:
    assignment = repository.get_assignment(session, license_id, assignment_id)
    if assignment is None:
        raise NotFound(
            f"license {license_id} has no assignment {assignment_id}",
            assignment_id=assignment_id,
        )
    return assignment


def record_use(
    session: Session, license_id: int, assignment_id: int, last_used_at: datetime | None
) -> LicenseAssignment:
    """Note when a seat was last used."""
    assignment = _require_assignment(session, license_id, assignment_id)
    assignment.last_used_at = last_used_at
    session.flush()
    return assignment


def release(session: Session, license_id: int, assignment_id: int) -> None:
    """Free a seat."""
    session.delete(_require_assignment(session, license_id, assignment_id))
    session.flush()


def render_assignment(assignment: LicenseAssignment) -> dict[str, Any]:
    return {
        "id": assignment.id,
        "license_id": assignment.license_id,
        "assignee": assignment.assignee,
        "ci_key": assignment.ci_key,
        "assigned_at": assignment.assigned_at.isoformat(),
        "last_used_at": assignment.last_used_at.isoformat()
        if assignment.last_used_at
        else None,
    }


def render(license_: License, assigned: int, *, money: bool) -> dict[str, Any]:
    """The JSON of a license; without `money`, its cost is left out."""
    body: dict[str, Any] = {
        "id": license_.id,
        "name": license_.name,
        "vendor_id": license_.vendor_id,
        "seats": license_.seats,
        "assigned": assigned,
        "metric": license_.metric,
        "currency": license_.currency,
        "start_date": license_.start_date.isoformat() if license_.start_date else None,
        "end_date": license_.end_date.isoformat() if license_.end_date else None,
        "notice_days": license_.notice_days,
        "version": license_.version,
        "created_at": license_.created_at.isoformat(),
        "updated_at": license_.updated_at.isoformat(),
    }
    if money:
        body["cost"] = present(license_.cost, license_.currency)
    return body


def _unused(assignment: LicenseAssignment, now: datetime) -> bool:
    """No use seen for 90 days (a seat never used counts from when it was given)."""
    seen = assignment.last_used_at or assignment.assigned_at
    return now - seen >= UNUSED_AFTER


def compliance(
    license_: License,
    held: list[LicenseAssignment],
    *,
    money: bool,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Entitled against assigned seats, the unused ones to reclaim and what that saves."""
    now = now or datetime.now(UTC)
    assigned = len(held)
    unused = [a for a in held if _unused(a, now)]
    row: dict[str, Any] = {
        "license_id": license_.id,
        "name": license_.name,
        "metric": license_.metric,
        "entitled": license_.seats,
        "assigned": assigned,
        "over": max(assigned - license_.seats, 0),
        "available": max(license_.seats - assigned, 0),
        "compliant": assigned <= license_.seats,
        "unused": [
            _describe(a)
            | {"last_used_at": a.last_used_at.isoformat() if a.last_used_at else None}
            for a in unused
        ],
    }
    if money:
        savings: dict[str, Decimal] = {}
        if license_.cost is not None and license_.currency and license_.seats > 0:
            savings[license_.currency] = license_.cost * len(unused) / license_.seats
        row["reclaim_savings"] = present_totals(savings)
    return row
