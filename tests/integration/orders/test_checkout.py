"""Placing orders: the saga's first steps, out of stock, Idempotency-Key."""

import os
from datetime import UTC, datetime

import pytest

from services.common.idempotency import IdempotencyKeyReused, RequestInFlight
from services.orders.exceptions import CartEmpty, OrderNotFound, OutOfStock
from tests.integration.orders.conftest import ADDRESS


def place(orders, cart_id, method="card", key=None, request_hash="h1", user_id="user-1"):
    return orders.place_order(
        user_id,
        cart_id,
        shipping_address=ADDRESS,
        payment_method=method,
        idempotency_key=key,
        request_hash=request_hash,
    )


def test_card_checkout_snapshots_lines_reserves_stock_and_awaits_payment(orders, shop, orders_db):
    shop.stock("p1", 5)
    cart_id = shop.cart([("p1", 1999, 2)])

    order = place(orders, cart_id)

    assert order["status"] == "awaiting_payment"
    assert order["lines"] == [
        {
            "product_id": "p1",
            "name": "Product p1",
            "price": 1999,
            "quantity": 2,
            "image": "/media/p1.jpg",
            "line_total": 3998,
            "seller_id": None,
        }
    ]
    assert order["total"] == 3998 + 320
    assert order["payment"]["client_secret"] == f"pi_sim_{order['id']}_secret"
    assert order["shipping_address"]["city"] == "London"
    assert shop.state.stock["p1"] == 3
    [(order_id, amount, currency, _user, key, method)] = shop.state.called("create_intent")
    assert (order_id, amount, currency, method) == (order["id"], order["total"], "USD", "card")
    assert key == f"order-{order['id']}"
    assert [e for e, _ in orders_db.events()] == ["order_created", "order_status_changed"]
    history = orders.get_history(order["id"], "user-1")["data"]
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "pending"),
        ("pending", "awaiting_payment"),
    ]


def test_cash_on_delivery_is_confirmed_at_once_and_empties_the_cart(orders, shop, orders_db):
    shop.stock("p1", 5)
    cart_id = shop.cart([("p1", 1000, 1)])

    order = place(orders, cart_id, method="cod")

    assert order["status"] == "confirmed"
    assert "payment" not in order
    assert shop.state.called("commit") == [(order["id"],)]
    # the cart service empties the cart on this event
    [confirmed] = orders_db.events("order_confirmed")
    assert confirmed["order_id"] == order["id"]
    assert confirmed["user_id"] == "user-1"
    assert confirmed["cart_id"] == cart_id


def test_out_of_stock_cancels_the_order_and_names_the_product(orders, shop, orders_db):
    shop.stock("p1", 5)
    shop.stock("p2", 1)
    cart_id = shop.cart([("p1", 1000, 1), ("p2", 500, 2)])

    with pytest.raises(OutOfStock) as raised:
        place(orders, cart_id)

    details = raised.value.details
    assert details["product_id"] == "p2"
    assert details["requested"] == 2
    assert details["available"] == 1
    assert orders_db.rows("SELECT status, cancel_reason FROM orders") == [
        {"status": "cancelled", "cancel_reason": "out_of_stock"}
    ]
    [cancelled] = orders_db.events("order_cancelled")
    assert cancelled["reason"] == "out_of_stock"
    assert shop.state.stock == {"p1": 5, "p2": 1}
    assert shop.state.called("create_intent") == []


def test_an_empty_cart_cannot_be_ordered(orders, shop):
    cart_id = shop.cart([])
    with pytest.raises(CartEmpty):
        place(orders, cart_id)


def test_a_repeated_idempotency_key_returns_the_first_order(orders, shop, orders_db):
    shop.stock("p1", 5)
    cart_id = shop.cart([("p1", 1000, 1)])

    first = place(orders, cart_id, key="key-1")
    again = place(orders, cart_id, key="key-1")

    assert again == first
    assert orders_db.scalar("SELECT count(*) FROM orders") == 1
    assert shop.state.stock["p1"] == 4


def test_the_same_key_for_another_user_is_another_order(orders, shop, orders_db):
    shop.stock("p1", 5)
    cart_id = shop.cart([("p1", 1000, 1)])
    first = place(orders, cart_id, key="key-1", user_id="user-1")
    other = place(orders, cart_id, key="key-1", user_id="user-2")
    assert first["id"] != other["id"]


def test_the_same_key_with_a_different_body_is_a_conflict(orders, shop, orders_db):
    shop.stock("p1", 5)
    cart_id = shop.cart([("p1", 1000, 1)])
    place(orders, cart_id, key="key-1", request_hash="body-a")

    with pytest.raises(IdempotencyKeyReused):
        place(orders, cart_id, key="key-1", request_hash="body-b")
    assert orders_db.scalar("SELECT count(*) FROM orders") == 1


def test_a_request_still_in_flight_with_the_key_is_a_conflict(orders, shop, orders_db):
    shop.stock("p1", 5)
    cart_id = shop.cart([("p1", 1000, 1)])
    now = datetime.now(UTC)
    with orders_db_engine(orders_db) as conn:
        conn.exec_driver_sql(
            "INSERT INTO idempotency_keys (user_id, key, operation, request_hash, state, "
            "created_at, updated_at) VALUES ('user-1', 'key-1', 'place_order', 'h1', "
            "'in_flight', %(now)s, %(now)s)",
            {"now": now},
        )

    with pytest.raises(RequestInFlight):
        place(orders, cart_id, key="key-1")
    assert orders_db.scalar("SELECT count(*) FROM orders") == 0


def test_a_replayed_out_of_stock_answer_is_the_same_409(orders, shop, orders_db):
    shop.stock("p1", 0)
    cart_id = shop.cart([("p1", 1000, 1)])
    with pytest.raises(OutOfStock):
        place(orders, cart_id, key="key-1")
    shop.stock("p1", 10)

    with pytest.raises(OutOfStock) as raised:
        place(orders, cart_id, key="key-1")
    assert raised.value.details["product_id"] == "p1"
    assert orders_db.scalar("SELECT count(*) FROM orders") == 1


def test_a_saved_address_can_be_used(orders, shop):
    shop.stock("p1", 5)
    shop.state.addresses["addr-1"] = {
        **ADDRESS,
        "id": "addr-1",
        "is_default": True,
        "city": "Paris",
        "country": "FR",
        "postal_code": "75001",
    }
    cart_id = shop.cart([("p1", 1000, 1)])
    order = orders.place_order("user-1", cart_id, address_id="addr-1", payment_method="card")
    assert order["shipping_address"]["city"] == "Paris"
    assert "id" not in order["shipping_address"]


def test_another_users_order_is_not_found(orders, shop):
    shop.stock("p1", 5)
    order = place(orders, shop.cart([("p1", 1000, 1)]))
    with pytest.raises(OrderNotFound):
        orders.get_order(order["id"], "user-2")
    assert orders.get_order(order["id"], "someone", True)["id"] == order["id"]


def orders_db_engine(orders_db):
    from tests.helpers import _engines

    engine = next(
        e for uri, e in _engines.items() if uri.endswith(f"bazaar_orders{os.environ['DB_SUFFIX']}")
    )
    return engine.begin()
