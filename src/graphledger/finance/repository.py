"""SQL the finance reports need beyond the other ledger repositories."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from graphledger.models import CostCenter, Vendor


def cost_centers(session: Session) -> list[CostCenter]:
    return list(session.execute(select(CostCenter).order_by(CostCenter.code)).scalars())


def vendors(session: Session) -> list[Vendor]:
    return list(session.execute(select(Vendor).order_by(Vendor.name)).scalars())
