"""The order saga (usecases.Orders) on fakes of its ports: placing, paying, failing, cancelling,
money after a cancellation, refunds and the sweeper."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.common.actor import Actor
from services.common.errors import ServiceUnavailable
from services.orders import domain
from services.orders.domain import CouponRefused, OrderQuery
from services.orders.exceptions import (
    CartEmpty,
    CouponUnavailable,
    IllegalTransition,
    InvalidAddress,
    NotCancellable,
    OrderNotFound,
    OutOfStock,
)
from tests.unit.orders.fakes import make_orders

ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "address1": "1 Loop Road",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "GB",
    "phone": "+44 20 7946 0000",
}


@pytest.fixture
def world():
    return make_orders()


def cart(peers, lines, coupon=None, cart_id="cart-1", seller_id=None):
    quote_lines = [
        {
            "product_id": pid,
            "name": f"Product {pid}",
            "price": price,
            "quantity": qty,
            "image": None,
            "seller_id": seller_id,
            "line_total": price * qty,
        }
        for pid, price, qty in lines
    ]
    subtotal = sum(line["line_total"] for line in quote_lines)
    peers.quotes[cart_id] = {
        "lines": quote_lines,
        "coupon": {"code": coupon} if coupon else None,
        "subtotal": subtotal,
        "discount": 0,
        "tax": 0,
        "shipping": 0,
        "total": subtotal,
        "currency": "USD",
    }
    return cart_id


def place(orders, cart_id="cart-1", method="card", key=None, user_id="u1", **extra):
    return orders.place_order(
        {
            "user_id": user_id,
            "cart_id": cart_id,
            "shipping_address": ADDRESS,
            "payment_method": method,
            "idempotency_key": key,
            "request_hash": "h",
            **extra,
        }
    )


@pytest.fixture
def awaiting(world):
    """A card order placed for 2 x p1, awaiting its payment."""
    orders, _repo, peers, _ = world
    peers.stock["p1"] = 5
    cart(peers, [("p1", 1000, 2)])
    return place(orders)


def paid(orders, order_id, event_id="e-paid"):
    orders.payment_succeeded({"event_id": event_id, "order_id": order_id})


# -- placing -----------------------------------------------------------------------------------


def test_a_card_checkout_reserves_stock_creates_an_intent_and_awaits_payment(world, awaiting):
    _orders, repo, peers, _ = world
    assert awaiting["status"] == "awaiting_payment"
    assert awaiting["payment"] == {
        "intent_id": "pi_order-1",
        "client_secret": "pi_order-1_secret",
        "provider": "simulated",
        "status": "pending",
    }
    assert peers.stock["p1"] == 3
    assert peers.called("reserve_stock") == [
        ("order-1", [{"product_id": "p1", "quantity": 2}], 900)
    ]
    assert peers.called("create_intent") == [
        ("order-1", 2000, "USD", "u1", "order-order-1", "card")
    ]
    assert repo.event_types() == ["order_created", "order_status_changed"]
    assert repo.reasons("order-1") == ["order placed", "payment intent created"]
    assert repo.orders["order-1"].reservation_expires_at.isoformat() == "2026-01-01T12:15:00+00:00"


def test_the_happy_path_place_pay_confirm(world, awaiting):
    orders, repo, peers, _ = world
    paid(orders, awaiting["id"])
    order = repo.orders[awaiting["id"]]
    assert (order.status, order.payment_status) == ("confirmed", "paid")
    assert peers.called("commit_paid_stock") == [(awaiting["id"],)]
    assert repo.event_types()[-2:] == ["order_status_changed", "order_confirmed"]
    confirmed = repo.events[-1][1]
    assert confirmed["cart_id"] == "cart-1" and confirmed["payment_method"] == "card"


def test_cash_on_delivery_is_confirmed_at_once_with_its_stock_committed(world):
    orders, repo, peers, _ = world
    peers.stock["p1"] = 1
    cart(peers, [("p1", 500, 1)])
    order = place(orders, method="cod")
    assert order["status"] == "confirmed" and "payment" not in order
    assert peers.called("commit_stock") == [("order-1",)]
    assert repo.event_types() == ["order_created", "order_status_changed", "order_confirmed"]


def test_an_empty_cart_stores_nothing(world):
    orders, repo, peers, _ = world
    peers.quotes["cart-1"] = {"lines": [], "subtotal": 0, "total": 0}
    with pytest.raises(CartEmpty):
        place(orders)
    assert repo.orders == {} and repo.events == []


def test_an_unknown_saved_address_is_invalid_address(world):
    orders, _repo, peers, _ = world
    cart(peers, [("p1", 500, 1)])
    with pytest.raises(InvalidAddress) as refused:
        place(orders, shipping_address=None, address_id="nope")
    assert refused.value.details["fields"] == {"addressId": ["No such address."]}


def test_out_of_stock_cancels_the_order_and_names_the_product(world):
    orders, repo, peers, _ = world
    peers.stock["p1"] = 1
    cart(peers, [("p1", 1000, 2)])
    with pytest.raises(OutOfStock) as short:
        place(orders, key="k1")
    assert short.value.message == "not enough stock of product p1"
    assert short.value.details == {
        "order_id": "order-1",
        "product_id": "p1",
        "requested": 2,
        "available": 1,
    }
    order = repo.orders["order-1"]
    assert (order.status, order.cancel_reason) == ("cancelled", "out_of_stock")
    assert peers.called("release_stock") == []  # nothing was reserved
    assert repo.event_types() == ["order_created", "order_status_changed", "order_cancelled"]
    with pytest.raises(OutOfStock):  # the key replays the stored answer
        place(orders, key="k1")
    assert len(peers.called("reserve_stock")) == 1


def test_inventory_not_answering_cancels_the_checkout_and_releases_stock(world):
    orders, repo, peers, _ = world
    cart(peers, [("p1", 1000, 1)])
    peers.fail["reserve_stock"] = ServiceUnavailable("inventory is down")
    with pytest.raises(ServiceUnavailable):
        place(orders)
    assert repo.orders["order-1"].cancel_reason == "checkout_failed"
    assert peers.called("release_stock") == [("order-1",)]


def test_a_refused_coupon_cancels_and_gives_back_stock_and_coupon(world):
    orders, repo, peers, _ = world
    peers.stock["p1"] = 3
    cart(peers, [("p1", 1000, 1)], coupon="SAVE5")
    peers.fail["redeem_coupon"] = CouponRefused("coupon expired")
    with pytest.raises(CouponUnavailable) as refused:
        place(orders)
    assert refused.value.details == {
        "order_id": "order-1",
        "code": "SAVE5",
        "reason": "coupon expired",
    }
    assert repo.orders["order-1"].cancel_reason == "coupon_unavailable"
    assert peers.stock["p1"] == 3
    assert peers.called("release_coupon") == [("order-1",)]


def test_a_failed_payment_intent_cancels_and_releases_everything(world):
    orders, repo, peers, _ = world
    peers.stock["p1"] = 3
    cart(peers, [("p1", 1000, 1)], coupon="SAVE5")
    peers.fail["create_intent"] = RuntimeError("provider exploded")
    with pytest.raises(RuntimeError):
        place(orders)
    assert repo.orders["order-1"].cancel_reason == "checkout_failed"
    assert peers.stock["p1"] == 3
    assert peers.called("release_coupon") == [("order-1",)]


# -- payment events ----------------------------------------------------------------------------


def test_a_failed_payment_cancels_and_releases_the_stock(world, awaiting):
    orders, repo, peers, _ = world
    orders.payment_failed({"event_id": "e1", "order_id": awaiting["id"], "reason": "declined"})
    order = repo.orders[awaiting["id"]]
    assert (order.status, order.payment_status) == ("cancelled", "failed")
    assert order.cancel_reason == "payment_failed"
    assert repo.reasons(order.id)[-1] == "payment_failed: declined"
    assert peers.stock["p1"] == 5


def test_the_same_payment_event_twice_changes_the_order_once(world, awaiting):
    orders, repo, peers, _ = world
    paid(orders, awaiting["id"])
    paid(orders, awaiting["id"])
    assert len(peers.called("commit_paid_stock")) == 1
    assert repo.event_types().count("order_confirmed") == 1


def test_money_after_a_cancellation_is_refunded_and_the_order_stays_cancelled(world, awaiting):
    orders, repo, peers, _ = world
    orders.cancel_order(awaiting["id"], "u1", None)
    paid(orders, awaiting["id"])
    order = repo.orders[awaiting["id"]]
    assert (order.status, order.payment_status) == ("cancelled", "paid")
    assert peers.called("refund") == [(awaiting["id"],)]
    assert repo.reasons(order.id)[-1] == "paid after cancellation; refunding"


def test_money_for_an_expired_reservation_is_refunded_and_the_order_cancelled(world, awaiting):
    orders, repo, peers, _ = world
    peers.reservations[awaiting["id"]]["status"] = "released"
    paid(orders, awaiting["id"])
    order = repo.orders[awaiting["id"]]
    assert (order.status, order.cancel_reason) == ("cancelled", "reservation_expired")
    assert peers.called("refund") == [(awaiting["id"],)]


def test_a_payment_that_a_refund_overtook_is_ignored(world, awaiting):
    orders, repo, peers, _ = world
    orders.payment_refunded(
        {"event_id": "r1", "order_id": awaiting["id"], "amount": 500, "refunded_total": None}
    )
    paid(orders, awaiting["id"])
    order = repo.orders[awaiting["id"]]
    assert (order.status, order.payment_status) == ("awaiting_payment", "partially_refunded")
    assert peers.called("commit_paid_stock") == []


def test_a_partial_then_a_full_refund_ends_refunded(world, awaiting):
    orders, repo, _peers, _ = world
    paid(orders, awaiting["id"])
    orders.payment_refunded({"event_id": "r1", "order_id": awaiting["id"], "amount": 500})
    order = repo.orders[awaiting["id"]]
    assert (order.status, order.payment_status, order.refunded_amount) == (
        "confirmed",
        "partially_refunded",
        500,
    )
    assert repo.reasons(order.id)[-1] == "refunded 500 USD"
    orders.payment_refunded(
        {"event_id": "r2", "order_id": awaiting["id"], "amount": 1500, "refunded_total": 2000}
    )
    assert (order.status, order.payment_status, order.refunded_amount) == (
        "refunded",
        "refunded",
        2000,
    )


def test_a_late_smaller_refund_event_never_lowers_the_refunded_amount(world, awaiting):
    orders, repo, _, _ = world
    paid(orders, awaiting["id"])
    orders.payment_refunded(
        {"event_id": "r2", "order_id": awaiting["id"], "amount": 700, "refunded_total": 1200}
    )
    orders.payment_refunded(
        {"event_id": "r1", "order_id": awaiting["id"], "amount": 500, "refunded_total": 500}
    )
    assert repo.orders[awaiting["id"]].refunded_amount == 1200


def test_an_expired_reservation_cancels_the_unpaid_order(world, awaiting):
    orders, repo, _peers, _ = world
    orders.reservation_expired({"event_id": "x1", "order_id": awaiting["id"]})
    order = repo.orders[awaiting["id"]]
    assert (order.status, order.cancel_reason) == ("cancelled", "reservation_expired")
    assert repo.changes[-1]["changed_by"] == "inventory"


# -- cancelling --------------------------------------------------------------------------------


def test_a_customer_cancels_an_unpaid_order_without_a_refund(world, awaiting):
    orders, _repo, peers, _ = world
    cancelled = orders.cancel_order(awaiting["id"], "u1", None)
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "customer_request")
    assert peers.stock["p1"] == 5
    assert peers.called("refund") == []


def test_cancelling_a_paid_order_refunds_it_after_the_commit(world, awaiting):
    orders, repo, peers, _ = world
    paid(orders, awaiting["id"])
    commits = repo.commits
    orders.cancel_order(awaiting["id"], "u1", "changed my mind")
    assert peers.called("refund") == [(awaiting["id"],)]
    assert repo.commits > commits
    # a repeat retries the refund (an earlier refund call may have failed)
    orders.cancel_order(awaiting["id"], "u1", None)
    assert len(peers.called("refund")) == 2


def test_another_customer_cannot_cancel_the_order(world, awaiting):
    orders, _, _, _ = world
    with pytest.raises(OrderNotFound):
        orders.cancel_order(awaiting["id"], "someone-else", None)


def test_a_shipped_order_can_no_longer_be_cancelled_by_its_customer(world, awaiting):
    orders, repo, _, _ = world
    paid(orders, awaiting["id"])
    orders.update_status(awaiting["id"], "processing", "staff-1", None)
    orders.set_tracking(awaiting["id"], {"carrier": "UPS", "number": "1Z", "url": None}, "staff-1")
    assert repo.orders[awaiting["id"]].status == "shipped"
    with pytest.raises(NotCancellable):
        orders.cancel_order(awaiting["id"], "u1", None)


# -- staff -------------------------------------------------------------------------------------


def test_tracking_needs_a_confirmed_order(world, awaiting):
    orders, _, _, _ = world
    with pytest.raises(IllegalTransition) as refused:
        orders.set_tracking(awaiting["id"], {"carrier": "UPS", "number": "1Z"}, "staff-1")
    assert refused.value.details == {"from": "awaiting_payment", "to": "shipped"}


def test_tracking_a_confirmed_order_keeps_its_status_and_announces_the_tracking(world, awaiting):
    orders, repo, _, _ = world
    paid(orders, awaiting["id"])
    tracking = {"carrier": "UPS", "number": "1Z", "url": None}
    answer = orders.set_tracking(awaiting["id"], tracking, "staff-1")
    assert (answer["status"], answer["tracking"]) == ("confirmed", tracking)
    event_type, payload = repo.events[-1]
    assert event_type == "order_status_changed"
    assert (payload["from_status"], payload["to_status"], payload["reason"]) == (
        "confirmed",
        "confirmed",
        "tracking updated",
    )
    assert repo.reasons(awaiting["id"])[-1] == "tracking UPS 1Z"


def test_a_seller_cannot_move_another_sellers_order(world, awaiting):
    orders, _, _, _ = world
    seller = Actor(user_id="seller-9", role="seller")
    with pytest.raises(OrderNotFound):
        orders.update_status(awaiting["id"], "processing", "seller-9", None, seller)


def test_delivery_announces_order_delivered(world, awaiting):
    orders, repo, _, _ = world
    paid(orders, awaiting["id"])
    for status in ("processing", "shipped", "delivered"):
        orders.update_status(awaiting["id"], status, "staff-1", None)
    assert repo.event_types()[-1] == "order_delivered"


# -- reads -------------------------------------------------------------------------------------


def test_the_staff_view_answers_without_payment_events_when_payments_is_down(world, awaiting):
    orders, _, peers, _ = world
    peers.fail["payment_events"] = ServiceUnavailable("payments is slow")
    view = orders.admin_order(awaiting["id"])
    assert view.payment_events_unavailable is True
    assert view.allowed_transitions == ["cancelled"]
    assert [entry["to_status"] for entry in view.timeline] == ["pending", "awaiting_payment"]


def test_a_listing_pages_the_customers_orders(world, awaiting):
    orders, _, _, _ = world
    page = orders.list_orders(OrderQuery(user_id="u1", page=1, limit=10))
    assert (page.total, [o.id for o in page.items]) == (1, [awaiting["id"]])
    assert orders.list_orders(OrderQuery(user_id="u2")).total == 0


# -- recovery ----------------------------------------------------------------------------------


def test_the_sweeper_cancels_a_stuck_checkout_and_an_expired_unpaid_order(world):
    orders, repo, peers, clock = world
    peers.stock["p1"] = 5
    cart(peers, [("p1", 1000, 1)])
    unpaid = place(orders)
    repo.orders[unpaid["id"]].reservation_expires_at = clock() - timedelta(minutes=1)
    stuck = repo.add_order("stuck", "u2", "c2", peers.quotes["cart-1"], [], ADDRESS, "card")
    repo.commit()
    clock.advance(minutes=5)
    summary = orders.sweep(timedelta(seconds=60), timedelta(seconds=10))
    assert summary == {"cancelled_pending": 1, "expired": 1, "refunds_retried": 0}
    assert repo.orders[stuck.id].cancel_reason == domain.CHECKOUT_FAILED
    assert repo.orders[unpaid["id"]].cancel_reason == domain.RESERVATION_EXPIRED
    assert repo.changes[-1]["changed_by"] == "system"


def test_the_sweeper_retries_the_refund_of_a_cancelled_paid_order(world, awaiting):
    orders, repo, peers, clock = world
    paid(orders, awaiting["id"])
    peers.fail["refund"] = ServiceUnavailable("payments is down")
    with pytest.raises(ServiceUnavailable):
        orders.cancel_order(awaiting["id"], "u1", None)
    assert repo.orders[awaiting["id"]].status == "cancelled"  # committed before the refund
    del peers.fail["refund"]
    clock.advance(minutes=1)
    assert orders.sweep(timedelta(seconds=60), timedelta(seconds=10))["refunds_retried"] == 1
    assert len(peers.called("refund")) == 2


def test_purge_forgets_keys_after_a_day_and_event_ids_after_a_week(world):
    orders, repo, _, clock = world
    orders.purge()
    assert repo.purged == [(clock() - timedelta(days=1), clock() - timedelta(days=7))]
