"""Monthly depreciation, free of any store: straight line and declining balance.

A month counts once it has fully elapsed from the in-service date. Running totals are kept
exact; each presented figure is rounded once at the currency's minor unit, and a schedule row
is the difference of two rounded running totals, so the rows add up to the total exactly.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from graphledger.ledger.money import quantize
from graphledger.ledger.periods import add_months, month_index, months_elapsed

STRAIGHT_LINE = "straight_line"
DECLINING_BALANCE = "declining_balance"
METHODS = (STRAIGHT_LINE, DECLINING_BALANCE)


class DepreciationInputError(ValueError):
    """Settings that cannot describe a depreciation; `field` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Plan:
    """What depreciation needs to know about an asset."""

    cost: Decimal
    currency: str
    in_service: date
    method: str
    life_months: int
    salvage_value: Decimal = Decimal(0)
    rate: Decimal | None = None  # yearly rate of declining balance, 0.4 for 40 %


@dataclass(frozen=True)
class Row:
    """One month of the schedule, already rounded: `charge` is the month's depreciation."""

    month: int
    starts: date
    ends: date
    charge: Decimal
    accumulated: Decimal
    book_value: Decimal


@dataclass(frozen=True)
class Position:
    """Where an asset stands on a date."""

    months_elapsed: int
    accumulated: Decimal
    book_value: Decimal


def check_plan(plan: Plan) -> None:
    """Raise DepreciationInputError when the plan cannot be followed."""
    if plan.method not in METHODS:
        raise DepreciationInputError("method", f"method is one of {', '.join(METHODS)}")
    if plan.life_months < 1:
        raise DepreciationInputError("life_months", "life_months is at least 1")
    if plan.salvage_value < 0:
        raise DepreciationInputError("salvage_value", "salvage_value is not negative")
    if plan.salvage_value > plan.cost:
        raise DepreciationInputError(
            "salvage_value", "salvage_value cannot exceed the purchase cost"
        )
    if plan.method == DECLINING_BALANCE and (plan.rate is None or plan.rate <= 0):
        raise DepreciationInputError(
            "rate", 'declining balance needs a positive yearly rate, such as "0.40"'
        )


def _exact_running_totals(plan: Plan) -> list[Decimal]:
    """Unrounded accumulated depreciation after each month of the life, month 0 first."""
    base = plan.cost - plan.salvage_value
    if plan.method == STRAIGHT_LINE:
        # Multiply before dividing so whole results stay exact (1000 x 6 / 48 = 125).
        return [base * n / plan.life_months for n in range(plan.life_months + 1)]

    monthly_rate = (plan.rate or Decimal(0)) / 12
    running = [Decimal(0)]
    book = plan.cost
    for month in range(1, plan.life_months + 1):
        declining = book * monthly_rate
        # Straight line over what is left takes over once it charges more.
        straight = (book - plan.salvage_value) / (plan.life_months - month + 1)
        charge = min(max(declining, straight), book - plan.salvage_value)
        book -= charge
        running.append(running[-1] + charge)
    return running


@lru_cache(maxsize=8192)
def _rounded_running_totals(plan: Plan) -> tuple[Decimal, ...]:
    """Accumulated depreciation after each month (0 first), rounded once. A plan is a frozen
    value, so a service's cost asked month after month reuses its assets' schedules."""
    check_plan(plan)
    return tuple(quantize(t, plan.currency) for t in _exact_running_totals(plan))


def schedule(plan: Plan) -> list[Row]:
    """Every month of the life, with rounded charges that sum to cost minus salvage."""
    rounded = _rounded_running_totals(plan)
    cost = quantize(plan.cost, plan.currency)
    return [
        Row(
            month=n,
            starts=add_months(plan.in_service, n - 1),
            ends=add_months(plan.in_service, n),
            charge=rounded[n] - rounded[n - 1],
            accumulated=rounded[n],
            book_value=cost - rounded[n],
        )
        for n in range(1, plan.life_months + 1)
    ]


def position(plan: Plan, as_of: date) -> Position:
    """Accumulated depreciation and book value on a date (before service: the cost)."""
    elapsed = months_elapsed(plan.in_service, as_of)
    rows = schedule(plan)
    if elapsed == 0:
        zero = quantize(Decimal(0), plan.currency)
        return Position(0, zero, quantize(plan.cost, plan.currency))
    row = rows[min(elapsed, len(rows)) - 1]
    return Position(elapsed, row.accumulated, row.book_value)


def charge_for_month(plan: Plan, month_first_day: date) -> Decimal:
    """The depreciation charged to a calendar month: that of the depreciation month that
    starts in it (nothing before service or after the life)."""
    number = month_index(month_first_day) - month_index(plan.in_service) + 1
    if number < 1 or number > plan.life_months:
        return Decimal(0)
    rounded = _rounded_running_totals(plan)
    return rounded[number] - rounded[number - 1]
