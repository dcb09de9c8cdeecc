"""What the back office is shown of an order: the statuses staff may set, the merged timeline,
and the dashboard's revenue series."""

from datetime import date

import pytest

from services.orders import domain


@pytest.mark.parametrize(
    ("current", "offered"),
    [
        ("pending", ["cancelled"]),
        ("awaiting_payment", ["cancelled"]),
        ("confirmed", ["processing", "cancelled"]),
        ("processing", ["shipped", "cancelled"]),
        ("shipped", ["delivered"]),
        ("delivered", []),
        ("cancelled", []),
        ("refunded", []),
    ],
)
def test_staff_are_offered_only_the_moves_they_may_make(current, offered):
    assert domain.staff_next_statuses(current) == offered


@pytest.mark.parametrize("current", domain.STATUSES)
def test_every_offered_move_passes_the_staff_check(current):
    for target in domain.staff_next_statuses(current):
        domain.check_staff_target(current, target)


def test_the_timeline_interleaves_status_changes_and_payment_events_by_time():
    history = [
        {
            "from_status": None,
            "to_status": "pending",
            "changed_by": "u1",
            "reason": None,
            "created_at": "2026-12-01T10:00:00+00:00",
        },
        {
            "from_status": "pending",
            "to_status": "awaiting_payment",
            "changed_by": "system",
            "reason": None,
            "created_at": "2026-12-01T10:00:02+00:00",
        },
        {
            "from_status": "awaiting_payment",
            "to_status": "confirmed",
            "changed_by": "payments",
            "reason": None,
            "created_at": "2026-12-01T10:01:00+00:00",
        },
    ]
    payments = [
        {
            "type": "payment_created",
            "at": "2026-12-01T10:00:01+00:00",
            "amount": 1080,
            "currency": "USD",
            "provider": "simulated",
            "reason": None,
        },
        {
            "type": "payment_succeeded",
            "at": "2026-12-01T10:01:00+00:00",
            "amount": 1080,
            "currency": "USD",
            "provider": "simulated",
            "reason": None,
        },
    ]
    timeline = domain.order_timeline(history, payments)
    assert [(e["kind"], e.get("to_status") or e.get("event")) for e in timeline] == [
        ("status", "pending"),
        ("payment", "payment_created"),
        ("status", "awaiting_payment"),
        ("status", "confirmed"),  # same instant: the status change first
        ("payment", "payment_succeeded"),
    ]
    assert timeline[1]["amount"] == 1080


def test_the_timeline_of_an_order_without_payment_is_its_history():
    history = [{"to_status": "pending", "created_at": "2026-12-01T10:00:00+00:00"}]
    assert [e["to_status"] for e in domain.order_timeline(history, [])] == ["pending"]


def test_the_revenue_series_has_every_day_with_zero_for_days_without_orders():
    rows = [
        {"date": "2026-11-29", "currency": "USD", "revenue": 5000, "orders": 2},
        {"date": "2026-12-01", "currency": "USD", "revenue": 1200, "orders": 1},
    ]
    series = domain.revenue_series(rows, date(2026, 11, 28), 4, "USD")
    assert [(d["date"], d["revenue"], d["orders"]) for d in series] == [
        ("2026-11-28", 0, 0),
        ("2026-11-29", 5000, 2),
        ("2026-11-30", 0, 0),
        ("2026-12-01", 1200, 1),
    ]


def test_revenue_in_another_currency_is_kept_after_the_main_series():
    rows = [
        {"date": "2026-12-01", "currency": "EUR", "revenue": 700, "orders": 1},
        {"date": "2026-12-01", "currency": "USD", "revenue": 1200, "orders": 1},
    ]
    series = domain.revenue_series(rows, date(2026, 12, 1), 1, "USD")
    assert [(d["currency"], d["revenue"]) for d in series] == [("USD", 1200), ("EUR", 700)]


@pytest.mark.parametrize(
    ("payment_status", "refunded", "refundable"),
    [
        ("paid", 0, 5000),
        ("partially_refunded", 1200, 3800),
        ("refunded", 5000, 0),
        ("unpaid", 0, 0),
        ("failed", 0, 0),
    ],
)
def test_only_what_was_paid_and_not_yet_refunded_can_be_refunded(
    payment_status, refunded, refundable
):
    assert domain.refundable_amount(payment_status, 5000, refunded) == refundable
