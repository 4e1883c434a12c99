"""Depreciation and money arithmetic without any store."""

from datetime import date
from decimal import Decimal

import pytest

from graphledger.ledger.depreciation import (
    DepreciationInputError,
    Plan,
    charge_for_month,
    position,
    schedule,
)
from graphledger.ledger.money import parse_amount, present, present_totals, totals
from graphledger.ledger.periods import add_months, months_elapsed, parse_month


def straight(cost: str, life: int, start: date, salvage: str = "0", currency="EUR"):
    return Plan(
        cost=Decimal(cost),
        currency=currency,
        in_service=start,
        method="straight_line",
        life_months=life,
        salvage_value=Decimal(salvage),
    )


@pytest.mark.parametrize(
    ("start", "as_of", "months"),
    [
        (date(2026, 1, 15), date(2026, 1, 15), 0),
        (date(2026, 1, 15), date(2026, 2, 14), 0),
        (date(2026, 1, 15), date(2026, 2, 15), 1),
        (date(2026, 1, 15), date(2027, 2, 14), 12),
        (date(2026, 1, 15), date(2027, 2, 15), 13),
        (date(2026, 1, 15), date(2025, 12, 1), 0),
        # In service on the 31st: a shorter month ends on its last day.
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2026, 1, 31), date(2026, 2, 28), 1),
        (date(2026, 1, 31), date(2026, 3, 30), 1),
        (date(2026, 1, 31), date(2026, 3, 31), 2),
        (date(2026, 1, 31), date(2026, 4, 30), 3),
        # Leap years: February has 29 days in 2028, 28 in 2027.
        (date(2028, 1, 31), date(2028, 2, 28), 0),
        (date(2028, 1, 31), date(2028, 2, 29), 1),
        (date(2028, 2, 29), date(2029, 2, 28), 12),
        (date(2028, 2, 29), date(2029, 2, 27), 11),
    ],
)
def test_months_elapsed_counts_full_months_only(start, as_of, months):
    assert months_elapsed(start, as_of) == months


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 15), 2) == date(2027, 2, 15)


@pytest.mark.parametrize(
    ("as_of", "book", "accumulated"),
    [
        (date(2027, 2, 14), "800.00", "400.00"),
        (date(2027, 2, 15), "766.67", "433.33"),
        (date(2030, 1, 1), "0.00", "1200.00"),
    ],
)
def test_design_example_1200_over_36_months(as_of, book, accumulated):
    plan = straight("1200.00", 36, date(2026, 1, 15))

    now = position(plan, as_of)

    assert (present(now.book_value, "EUR"), present(now.accumulated, "EUR")) == (
        book,
        accumulated,
    )


@pytest.mark.parametrize(
    ("as_of", "book"),
    [
        (date(2024, 1, 15), "1300.00"),
        (date(2024, 2, 15), "1200.00"),
        (date(2024, 3, 15), "1100.00"),
        (date(2024, 7, 15), "700.00"),
        (date(2025, 1, 15), "100.00"),
        (date(2026, 3, 15), "100.00"),
    ],
)
def test_c09_straight_line_stops_at_salvage(as_of, book):
    plan = straight("1300.00", 12, date(2024, 1, 15), salvage="100.00")

    assert present(position(plan, as_of).book_value, "EUR") == book


def test_c09_schedule_is_twelve_charges_of_100():
    rows = schedule(straight("1300.00", 12, date(2024, 1, 15), salvage="100.00"))

    assert [r.charge for r in rows] == [Decimal("100.00")] * 12
    assert rows[-1].accumulated == Decimal("1200.00")
    assert Decimal("108.33") not in {r.charge for r in rows}


def test_c10_book_value_and_accumulated_are_separate_and_round_once():
    plan = straight("1000.00", 48, date(2024, 3, 1), currency="USD")

    figures = [
        position(plan, d)
        for d in (date(2024, 4, 1), date(2024, 9, 1), date(2028, 3, 1))
    ]
    rows = schedule(plan)

    assert [(str(p.book_value), str(p.accumulated)) for p in figures] == [
        ("979.17", "20.83"),
        ("875.00", "125.00"),
        ("0.00", "1000.00"),
    ]
    assert all(p.book_value + p.accumulated == Decimal("1000.00") for p in figures)
    assert [str(r.charge) for r in rows[:3]] == ["20.83", "20.84", "20.83"]
    assert sum(r.charge for r in rows) == Decimal("1000.00")
    assert all(r.charge.as_tuple().exponent == -2 for r in rows)


def test_declining_balance_schedule_worked_by_hand():
    # 1000.00, salvage 100.00, six months, 240 % a year = 20 % a month.
    # Month 1: 20 % of 1000 = 200 beats 900/6 = 150 -> book 800.
    # Month 2: 20 % of 800 = 160 beats 700/5 = 140 -> book 640.
    # Month 3: 20 % of 640 = 128 loses to 540/4 = 135: straight line from here on.
    # Months 4-6: 135 each -> book 505, 370, 235, 100 = salvage.
    plan = Plan(
        cost=Decimal("1000.00"),
        currency="EUR",
        in_service=date(2026, 1, 1),
        method="declining_balance",
        life_months=6,
        salvage_value=Decimal("100.00"),
        rate=Decimal("2.4"),
    )

    rows = schedule(plan)

    assert [str(r.charge) for r in rows] == [
        "200.00",
        "160.00",
        "135.00",
        "135.00",
        "135.00",
        "135.00",
    ]
    assert [str(r.book_value) for r in rows][-1] == "100.00"
    assert str(position(plan, date(2030, 1, 1)).book_value) == "100.00"


def test_declining_balance_with_small_rate_never_goes_below_salvage():
    plan = Plan(
        cost=Decimal("999.99"),
        currency="EUR",
        in_service=date(2026, 1, 31),
        method="declining_balance",
        life_months=7,
        salvage_value=Decimal("33.33"),
        rate=Decimal("0.1"),
    )

    rows = schedule(plan)

    assert all(r.book_value >= Decimal("33.33") for r in rows)
    assert rows[-1].book_value == Decimal("33.33")
    assert sum(r.charge for r in rows) == Decimal("966.66")


def test_salvage_above_cost_names_salvage_value():
    with pytest.raises(DepreciationInputError) as error:
        schedule(straight("1300.00", 12, date(2024, 1, 15), salvage="1400.00"))

    assert error.value.field == "salvage_value"


def test_charge_for_month_follows_the_in_service_date():
    plan = straight("1200.00", 12, date(2023, 1, 1))

    charges = {
        m: charge_for_month(plan, parse_month(m))
        for m in ("2022-12", "2023-01", "2023-03", "2023-12", "2024-01")
    }

    assert charges == {
        "2022-12": Decimal(0),
        "2023-01": Decimal("100.00"),
        "2023-03": Decimal("100.00"),
        "2023-12": Decimal("100.00"),
        "2024-01": Decimal(0),
    }


@pytest.mark.parametrize(
    "bad",
    [12.5, 1200, "1,500.00", "27,83", "-1.00", "$99.00", "1e3", "１.00", "٢٠.٥"],
)
def test_amounts_are_plain_decimal_strings(bad):
    with pytest.raises(ValueError, match="amount"):
        parse_amount(bad)


def test_round_half_even_at_minor_unit_and_totals_never_mix():
    assert present(Decimal("0.125"), "EUR") == "0.12"
    assert present(Decimal("0.135"), "EUR") == "0.14"
    assert present(Decimal("1234.5"), "JPY") == "1234"
    assert present(Decimal("1.0005"), "KWD") == "1.000"
    sums = totals(
        [
            ("EUR", Decimal("400.00")),
            ("USD", Decimal("150.00")),
            ("EUR", Decimal("250")),
        ]
    )
    assert present_totals(sums) == {"EUR": "650.00", "USD": "150.00"}
