"""The dashboard's figures and an order's history: the repository's plain values, shaped on the
wire by schemas.dump_stats / dump_history (the rules: domain.Stats, domain.revenue_series)."""

from datetime import UTC, date, datetime

from services.orders import domain, schemas
from tests.unit.orders.fakes import FakeChange

AT = datetime(2026, 12, 1, 10, 0, 0, 5, tzinfo=UTC)


def test_stats_go_out_with_every_day_the_average_and_the_first_days_currency():
    sales = domain.Sales(
        revenue=[
            domain.DayRevenue(date(2026, 12, 1), "EUR", 3000, 2),
            domain.DayRevenue(date(2026, 12, 1), "USD", 700, 1),
        ],
        by_status={"confirmed": 3, "cancelled": 1},
        top_products=[domain.ProductSales("p1", "Mug", 4, 3700, "EUR")],
        orders_counted=3,
        amount=3701,
    )
    stats = schemas.dump_stats(domain.Stats(date(2026, 11, 30), 2, sales))
    assert stats == {
        "revenue_per_day": [
            {"date": "2026-11-30", "currency": "EUR", "revenue": 0, "orders": 0},
            {"date": "2026-12-01", "currency": "EUR", "revenue": 3000, "orders": 2},
            {"date": "2026-12-01", "currency": "USD", "revenue": 700, "orders": 1},
        ],
        "orders_by_status": {"confirmed": 3, "cancelled": 1},
        "top_products": [
            {"product_id": "p1", "name": "Mug", "quantity": 4, "revenue": 3700, "currency": "EUR"}
        ],
        "average_order_value": 1234,
        "currency": "EUR",
        "orders_counted": 3,
    }


def test_stats_without_orders_are_zero_in_usd():
    empty = domain.Stats(date(2026, 12, 1), 1, domain.Sales([], {}, [], 0, 0))
    assert (empty.average_order_value, empty.currency) == (0, "USD")


def test_the_window_ends_today():
    assert domain.stats_first_day(AT, 30) == date(2026, 11, 2)
    assert domain.stats_first_day(AT, 1) == date(2026, 12, 1)


def test_history_goes_out_with_utc_iso_times_and_the_timeline_reads_the_same_rows():
    change = FakeChange(None, "pending", "u1", "order placed", AT)
    assert schemas.dump_history([change]) == {
        "data": [
            {
                "from_status": None,
                "to_status": "pending",
                "changed_by": "u1",
                "reason": "order placed",
                "created_at": "2026-12-01T10:00:00.000005+00:00",
            }
        ]
    }
    from_rows = domain.order_timeline([change], [])
    assert from_rows == domain.order_timeline(schemas.dump_history([change])["data"], [])
