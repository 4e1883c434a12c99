"""SQL for licenses and their assignments."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from graphledger.models import License, LicenseAssignment


def assignments_of(
    session: Session, license_ids: list[int]
) -> dict[int, list[LicenseAssignment]]:
    rows = session.execute(
        select(LicenseAssignment)
        .where(LicenseAssignment.license_id.in_(license_ids))
        .order_by(LicenseAssignment.id)
    ).scalars()
    held: dict[int, list[LicenseAssignment]] = {i: [] for i in license_ids}
    for row in rows:
        held[row.license_id].append(row)
    return held


def assigned_counts(session: Session, license_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(LicenseAssignment.license_id, func.count())
        .where(LicenseAssignment.license_id.in_(license_ids))
        .group_by(LicenseAssignment.license_id)
    )
    counts = dict.fromkeys(license_ids, 0)
    counts.update({license_id: n for license_id, n in rows})
    return counts


def find_assignment(
    session: Session, license_id: int, *, assignee: str | None, ci_key: str | None
) -> LicenseAssignment | None:
    stmt = select(LicenseAssignment).where(LicenseAssignment.license_id == license_id)
    if assignee is not None:
        stmt = stmt.where(LicenseAssignment.assignee == assignee)
    else:
        stmt = stmt.where(LicenseAssignment.ci_key == ci_key)
    return session.execute(stmt).scalar_one_or_none()


def get_assignment(
    session: Session, license_id: int, assignment_id: int
) -> LicenseAssignment | None:
    return session.execute(
        select(LicenseAssignment).where(
            LicenseAssignment.id == assignment_id,
            LicenseAssignment.license_id == license_id,
        )
    ).scalar_one_or_none()


def assignments_for_ci(
    session: Session, key_lc: str
) -> list[tuple[LicenseAssignment, str]]:
    """The seats a CI holds, each with its license's name."""
    rows = session.execute(
        select(LicenseAssignment, License.name)
        .join(License, License.id == LicenseAssignment.license_id)
        .where(LicenseAssignment.ci_key == key_lc)
        .order_by(LicenseAssignment.id)
    )
    return [(assignment, name) for assignment, name in rows]


def ending_between(session: Session, first: date, last: date) -> list[License]:
    """Licenses still running on `first` whose end or notice deadline is no later than `last`."""
    return list(
        session.execute(
            select(License).where(
                License.end_date.is_not(None),
                License.end_date >= first,
                License.end_date - License.notice_days <= last,
            )
        ).scalars()
    )
