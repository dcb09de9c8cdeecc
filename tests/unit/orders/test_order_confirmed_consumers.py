"""order_confirmed as orders write it (with its lines, and the outbox's `event_id` and
`occurred_at`) loads in every consumer's event schema: a consumer that refused the new field
would drop or dead-letter the event, and carts would stay full."""

from __future__ import annotations

from datetime import UTC, datetime

from services.cart.schemas import OrderConfirmed
from services.common.schemas import load
from services.notifications import domain as notifications_domain
from services.notifications.schemas import EventPayload
from services.orders import domain
from tests.unit.orders.fakes import FakeLine, FakeOrder

AT = datetime(2026, 1, 1, tzinfo=UTC)


def confirmed_payload() -> dict:
    order = FakeOrder(
        id="o1",
        user_id="u1",
        cart_id="c1",
        status="pending",
        subtotal=2800,
        discount=0,
        tax=0,
        shipping=0,
        total=2800,
        currency="USD",
        coupon_code=None,
        shipping_address={},
        payment_method="cod",
        created_at=AT,
        updated_at=AT,
        lines=[
            FakeLine(1, "p1", "Mug", 1250, 2, None, 2500, "s1"),
            FakeLine(2, "p2", "Tea", 300, 1, None, 300),
        ],
    )
    previous = domain.change_status(order, domain.CONFIRMED, "cash on delivery", AT)
    [payload] = [
        p for kind, p in domain.status_events(order, previous, None) if kind == "order_confirmed"
    ]
    assert payload["lines"], "the payload under test carries lines"
    return {**payload, "event_id": "evt-1", "occurred_at": AT.isoformat()}


def test_the_cart_loads_an_order_confirmed_with_lines_and_keeps_what_it_needs():
    # the cart it empties, the order that recovers its reminder, the event id that makes it once
    assert load(OrderConfirmed(), confirmed_payload()) == {
        "cart_id": "c1",
        "order_id": "o1",
        "event_id": "evt-1",
    }


def test_notifications_load_an_order_confirmed_with_lines_as_sent():
    payload = confirmed_payload()
    loaded = load(EventPayload(), payload)
    assert loaded == payload
    title, _ = notifications_domain.inbox_message("order_confirmed", loaded)
    assert title == "Order O1 confirmed"
