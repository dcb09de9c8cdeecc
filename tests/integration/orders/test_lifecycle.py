"""After checkout: payment events, expiry, cancel and refund, staff changes, reads, dead letters."""

import pytest
from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import get_container

from services.orders.exceptions import IllegalTransition, NotCancellable, OrderNotFound
from services.orders.service import OrdersService
from tests.integration.orders.conftest import ADDRESS


@pytest.fixture
def container(orders_runner):
    return get_container(orders_runner, OrdersService)


@pytest.fixture
def card_order(orders, shop):
    shop.stock("p1", 5)
    cart_id = shop.cart([("p1", 1000, 2)])
    return orders.place_order("user-1", cart_id, shipping_address=ADDRESS, payment_method="card")


def deliver(container, dispatch, source, event_type, payload, handler):
    with entrypoint_waiter(container, handler, timeout=10):
        dispatch(source, event_type, payload)


def paid(container, dispatch, order, event_id="evt-paid-1"):
    deliver(
        container,
        dispatch,
        "payments",
        "payment_succeeded",
        {
            "event_id": event_id,
            "order_id": order["id"],
            "payment_id": "pay-1",
            "amount": order["total"],
            "currency": "USD",
        },
        "handle_payment_succeeded",
    )


def test_payment_succeeded_confirms_commits_stock_and_empties_the_cart(
    orders, container, dispatch, card_order, shop, orders_db
):
    paid(container, dispatch, card_order)

    order = orders.get_order(card_order["id"], "user-1")
    assert order["status"] == "confirmed"
    assert order["payment_status"] == "paid"
    assert shop.state.called("commit") == [(card_order["id"],)]
    # the cart service empties the cart on order_confirmed
    [quoted_cart] = {cart_id for cart_id, _ in shop.state.called("quote")}
    assert [(e["order_id"], e["cart_id"]) for e in orders_db.events("order_confirmed")] == [
        (card_order["id"], quoted_cart)
    ]


def test_the_same_payment_event_three_times_changes_the_order_once(
    orders, container, dispatch, card_order, shop, orders_db
):
    for _ in range(3):
        paid(container, dispatch, card_order, event_id="evt-same")

    history = orders.get_history(card_order["id"], "user-1")["data"]
    assert [h["to_status"] for h in history].count("confirmed") == 1
    assert len(orders_db.events("order_confirmed")) == 1


def test_payment_failed_cancels_and_releases_the_stock(
    orders, container, dispatch, card_order, shop, orders_db
):
    assert shop.state.stock["p1"] == 3
    deliver(
        container,
        dispatch,
        "payments",
        "payment_failed",
        {
            "event_id": "evt-f",
            "order_id": card_order["id"],
            "amount": card_order["total"],
            "currency": "USD",
            "reason": "card_declined",
        },
        "handle_payment_failed",
    )

    order = orders.get_order(card_order["id"], "user-1")
    assert (order["status"], order["cancel_reason"]) == ("cancelled", "payment_failed")
    assert shop.state.stock["p1"] == 5
    [cancelled] = orders_db.events("order_cancelled")
    assert cancelled["reason"].startswith("payment_failed")


def test_a_failure_after_success_leaves_the_order_confirmed(
    orders, container, dispatch, card_order
):
    paid(container, dispatch, card_order)
    deliver(
        container,
        dispatch,
        "payments",
        "payment_failed",
        {"event_id": "evt-late", "order_id": card_order["id"], "reason": "card_declined"},
        "handle_payment_failed",
    )
    assert orders.get_order(card_order["id"], "user-1")["status"] == "confirmed"


def test_an_expired_reservation_cancels_the_unpaid_order_and_says_why(
    orders, container, dispatch, card_order, orders_db
):
    deliver(
        container,
        dispatch,
        "inventory",
        "reservation_expired",
        {"event_id": "evt-x", "order_id": card_order["id"]},
        "handle_reservation_expired",
    )

    order = orders.get_order(card_order["id"], "user-1")
    assert (order["status"], order["cancel_reason"]) == ("cancelled", "reservation_expired")
    [cancelled] = orders_db.events("order_cancelled")
    assert cancelled == {**cancelled, "user_id": "user-1", "reason": "reservation_expired"}


def test_money_arriving_after_expiry_is_refunded(orders, container, dispatch, card_order, shop):
    deliver(
        container,
        dispatch,
        "inventory",
        "reservation_expired",
        {"event_id": "evt-x", "order_id": card_order["id"]},
        "handle_reservation_expired",
    )
    paid(container, dispatch, card_order)

    assert orders.get_order(card_order["id"], "user-1")["status"] == "cancelled"
    assert shop.state.called("refund") == [(card_order["id"], None)]


def test_cancelling_a_paid_order_releases_stock_and_refunds(
    orders, container, dispatch, card_order, shop
):
    paid(container, dispatch, card_order)
    cancelled = orders.cancel_order(card_order["id"], "user-1", "changed my mind")
    assert cancelled["status"] == "cancelled"
    assert shop.state.called("release")[-1] == (card_order["id"],)
    assert shop.state.called("refund") == [(card_order["id"], None)]

    deliver(
        container,
        dispatch,
        "payments",
        "payment_refunded",
        {
            "event_id": "evt-r",
            "order_id": card_order["id"],
            "amount": card_order["total"],
            "refunded_total": card_order["total"],
            "fully_refunded": True,
        },
        "handle_payment_refunded",
    )
    order = orders.get_order(card_order["id"], "user-1")
    assert (order["status"], order["payment_status"]) == ("refunded", "refunded")


def test_a_customer_cannot_cancel_someone_elses_order(orders, card_order):
    with pytest.raises(OrderNotFound):
        orders.cancel_order(card_order["id"], "user-2", None)


def test_staff_move_the_order_and_every_change_is_in_the_history(
    orders, container, dispatch, card_order, orders_db
):
    paid(container, dispatch, card_order)
    processing = orders.update_status(card_order["id"], "processing", "seller-1", "packing")
    assert processing["cancellable"] is True
    shipped = orders.set_tracking(
        card_order["id"], "UPS", "1Z999", "https://ups.example/1Z999", "seller-1"
    )
    assert shipped["status"] == "shipped"
    assert shipped["cancellable"] is False
    assert shipped["tracking"] == {
        "carrier": "UPS",
        "number": "1Z999",
        "url": "https://ups.example/1Z999",
    }

    with pytest.raises(NotCancellable):
        orders.cancel_order(card_order["id"], "user-1", None)
    orders.update_status(card_order["id"], "delivered", "admin-1", None)

    history = orders.get_history(card_order["id"], "user-1")["data"]
    moves = [
        (h["from_status"], h["to_status"], h["changed_by"])
        for h in history
        if h["from_status"] != h["to_status"]
    ]
    assert moves == [
        (None, "pending", "user-1"),
        ("pending", "awaiting_payment", "system"),
        ("awaiting_payment", "confirmed", "payments"),
        ("confirmed", "processing", "seller-1"),
        ("processing", "shipped", "seller-1"),
        ("shipped", "delivered", "admin-1"),
    ]
    changed = orders_db.events("order_status_changed")
    assert changed[-1]["to_status"] == "delivered"
    assert changed[-2]["tracking"]["number"] == "1Z999"


def test_an_illegal_status_change_is_refused(orders, card_order):
    with pytest.raises(IllegalTransition):
        orders.update_status(card_order["id"], "shipped", "admin-1", None)
    with pytest.raises(IllegalTransition):
        orders.update_status(card_order["id"], "confirmed", "admin-1", None)


def test_lists_show_customers_their_own_and_admins_filter(
    orders, shop, container, dispatch, card_order
):
    shop.stock("p2", 5)
    other = orders.place_order(
        "user-2", shop.cart([("p2", 500, 1)]), shipping_address=ADDRESS, payment_method="cod"
    )
    mine = orders.list_orders(user_id="user-1")
    assert [o["id"] for o in mine["data"]] == [card_order["id"]]
    assert mine["meta"] == {"page": 1, "limit": 20, "total": 1, "total_pages": 1}
    confirmed = orders.list_orders(status="confirmed")
    assert [o["id"] for o in confirmed["data"]] == [other["id"]]
    assert orders.list_orders(user_id="user-2", status="awaiting_payment")["data"] == []


def test_has_purchased_counts_only_confirmed_orders(orders, container, dispatch, card_order):
    assert orders.has_purchased("user-1", "p1") is False
    paid(container, dispatch, card_order)
    assert orders.has_purchased("user-1", "p1") is True
    assert orders.has_purchased("user-2", "p1") is False


def test_stats_count_revenue_status_and_top_products(orders, container, dispatch, card_order):
    paid(container, dispatch, card_order)
    stats = orders.stats()
    days = stats["revenue_per_day"]
    assert len(days) == 30  # every day of the window, today last
    assert [(d["revenue"], d["orders"]) for d in days if d["orders"]] == [(card_order["total"], 1)]
    assert days[-1]["orders"] == 1
    assert len(orders.stats(7)["revenue_per_day"]) == 7
    assert stats["orders_by_status"] == {"confirmed": 1}
    assert stats["top_products"][0]["product_id"] == "p1"
    assert stats["top_products"][0]["quantity"] == 2
    assert stats["average_order_value"] == card_order["total"]


def test_a_handler_that_keeps_failing_ends_in_the_dead_letters_and_can_be_replayed(
    orders, container, dispatch, card_order, shop, monkeypatch
):
    from services.common import deadletter
    from services.common.errors import ServiceUnavailable

    # down for good: the three ordinary attempts, not a minute of waiting for it to come back
    monkeypatch.setattr(deadletter, "TRANSIENT_WINDOW", 0.0)

    shop.state.fail["commit"] = ServiceUnavailable("inventory is down")
    paid(container, dispatch, card_order)

    letters = orders.list_dead_letters()
    assert letters["meta"]["total"] == 1
    [letter] = letters["data"]
    assert (letter["event_type"], letter["attempts"]) == ("payment_succeeded", 3)
    assert orders.get_order(card_order["id"], "user-1")["status"] == "awaiting_payment"

    del shop.state.fail["commit"]
    replayed = orders.replay_dead_letter(letter["id"])
    assert replayed["replayed_at"] is not None
    assert orders.get_order(card_order["id"], "user-1")["status"] == "confirmed"
    assert orders.list_dead_letters()["meta"]["total"] == 0


def test_the_sweeper_cancels_a_checkout_a_crash_left_pending_and_retries_refunds(
    orders, container, dispatch, card_order, shop, orders_db
):
    from nameko.testing.services import entrypoint_hook
    from sqlalchemy import text

    from tests.helpers import engine_for
    from tests.integration.orders.conftest import STATE

    paid(container, dispatch, card_order)
    shop.state.fail["refund"] = RuntimeError("payments down")
    with pytest.raises(Exception):  # the refund call fails after the cancel
        orders.cancel_order(card_order["id"], "user-1", None)
    del shop.state.fail["refund"]
    STATE.stock["p9"] = 0
    STATE.reservations["crashed"] = {
        "lines": [{"product_id": "p9", "quantity": 1}],
        "status": "active",
        "expires_at": None,
    }
    engine = engine_for(container.config, "orders")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO orders (id, user_id, status, subtotal, discount, tax, shipping, "
                "total, currency, shipping_address, payment_method, payment_status, "
                "refunded_amount, created_at, updated_at) VALUES ('crashed', 'user-3', "
                "'pending', 100, 0, 0, 0, 100, 'USD', '{}', 'card', 'unpaid', 0, "
                "now() - interval '10 minutes', "
                "now() - interval '10 minutes')"
            )
        )
        conn.execute(text("UPDATE orders SET updated_at = now() - interval '10 minutes'"))

    with entrypoint_hook(container, "sweep") as sweep:
        result = sweep()

    assert result == {"cancelled_pending": 1, "expired": 0, "refunds_retried": 1}
    crashed = orders.get_order("crashed", None, True)
    assert (crashed["status"], crashed["cancel_reason"]) == ("cancelled", "checkout_failed")
    assert STATE.stock["p9"] == 1
    assert shop.state.called("refund")[-1] == (card_order["id"], None)


def test_the_staff_view_offers_the_legal_next_statuses_and_the_whole_timeline(
    orders, container, dispatch, card_order, shop
):
    shop.state.payment_events[card_order["id"]] = [
        {
            "type": "payment_succeeded",
            "at": "2999-01-01T00:00:00+00:00",  # after every status change of the test
            "amount": card_order["total"],
            "currency": "USD",
            "provider": "simulated",
            "reason": None,
        }
    ]
    waiting = orders.get_admin_order(card_order["id"])
    assert waiting["allowed_transitions"] == ["cancelled"]
    assert waiting["refundable_amount"] == 0

    paid(container, dispatch, card_order)
    orders.update_status(card_order["id"], "processing", "seller-1", "packing")
    view = orders.get_admin_order(card_order["id"])
    assert view["status"] == "processing"
    assert view["allowed_transitions"] == ["shipped", "cancelled"]
    assert view["refundable_amount"] == card_order["total"]
    assert [(e["kind"], e.get("to_status") or e.get("event")) for e in view["timeline"]] == [
        ("status", "pending"),
        ("status", "awaiting_payment"),
        ("status", "confirmed"),
        ("status", "processing"),
        ("payment", "payment_succeeded"),
    ]
    assert view["payment_events_unavailable"] is False


def test_the_staff_view_still_answers_when_payments_does_not(orders, card_order, shop):
    from services.common.errors import ServiceUnavailable

    shop.state.fail["list_payment_events"] = ServiceUnavailable("payments is down")
    view = orders.get_admin_order(card_order["id"])
    assert view["payment_events_unavailable"] is True
    assert [e["kind"] for e in view["timeline"]] == ["status", "status"]


def test_the_staff_view_of_an_unknown_order_is_not_found(orders):
    with pytest.raises(OrderNotFound):
        orders.get_admin_order("no-such-order")


def test_admins_filter_orders_by_the_day_they_were_placed(orders, shop, orders_db, card_order):
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    today = orders.list_orders(
        date_from=(now - timedelta(hours=1)).isoformat(),
        date_to=(now + timedelta(hours=1)).isoformat(),
    )
    assert [o["id"] for o in today["data"]] == [card_order["id"]]
    assert orders.list_orders(date_to=(now - timedelta(days=1)).isoformat())["data"] == []
    assert orders.list_orders(date_from=(now + timedelta(days=1)).isoformat())["data"] == []
