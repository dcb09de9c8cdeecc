"""The saga across real services: orders, payments (simulated provider) and inventory on the
broker, events delivered by the outbox relays; cart and accounts are stand-ins."""

from __future__ import annotations

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.inventory.service import InventoryService
from services.orders.exceptions import OutOfStock
from services.orders.service import OrdersService
from services.payments.exceptions import PaymentDeclined
from services.payments.service import PaymentsService
from tests.helpers import truncate_tables, wait_for
from tests.integration.orders.conftest import ADDRESS, FakeAccounts, FakeCart

DATABASES = ("payments", "inventory")  # migrated for this module (tests/integration/conftest.py)


@pytest.fixture(autouse=True)
def clean_others(config):
    truncate_tables(config, "payments")
    truncate_tables(config, "inventory")


@pytest.fixture
def cluster(runner_factory, service_config):
    config = {
        **service_config,
        "RPC_TIMEOUT": 15,
        "OUTBOX": {"interval": 0.05},
        "PAYMENTS": {"provider": "simulated", "webhook_secret": "whsec_saga_tests"},
        "ORDERS": {"reservation_ttl": 900},
    }
    runner = runner_factory(
        config,
        OrdersService,
        PaymentsService,
        InventoryService,
        FakeCart,
        FakeAccounts,
    )
    runner.start()
    with ClusterRpcProxy(config, timeout=60) as proxy:
        yield proxy


def stock_of(cluster, product_id):
    return cluster.inventory.get_stock([product_id])[product_id]


def order_status(cluster, order_id, status):
    def reached():
        order = cluster.orders.get_order(order_id, None, True)
        return order if order["status"] == status else None

    return reached


def checkout(cluster, shop, method="card", quantity=1, user_id="user-1"):
    cart_id = shop.cart([("p1", 2000, quantity)])
    return cluster.orders.place_order(
        user_id, cart_id, shipping_address=ADDRESS, payment_method=method
    )


def test_card_paid_with_4242_confirms_commits_stock_and_empties_the_cart(cluster, shop):
    cluster.inventory.set_stock("p1", 5, "test")
    order = checkout(cluster, shop, quantity=2)
    assert stock_of(cluster, "p1")["reserved"] == 2

    payment = cluster.payments.confirm(order["payment"]["intent_id"], "4242424242424242", "user-1")
    assert payment["status"] == "succeeded"

    confirmed = wait_for(order_status(cluster, order["id"], "confirmed"))
    assert confirmed["payment_status"] == "paid"
    assert stock_of(cluster, "p1") == {
        **stock_of(cluster, "p1"),
        "on_hand": 3,
        "reserved": 0,
        "available": 3,
    }
    # the cart is emptied on order_confirmed
    assert wait_for(lambda: shop.state.called("clear_cart")) == [
        (shop.state.called("quote")[0][0],)
    ]


def test_a_declined_card_cancels_the_order_and_returns_the_stock(cluster, shop):
    cluster.inventory.set_stock("p1", 5, "test")
    order = checkout(cluster, shop, quantity=2)

    with pytest.raises(PaymentDeclined):
        cluster.payments.confirm(order["payment"]["intent_id"], "4000000000000002", "user-1")

    cancelled = wait_for(order_status(cluster, order["id"], "cancelled"))
    assert cancelled["cancel_reason"] == "payment_failed"
    assert stock_of(cluster, "p1")["available"] == 5


def test_cash_on_delivery_is_confirmed_then_paid_on_delivery(cluster, shop):
    cluster.inventory.set_stock("p1", 5, "test")
    order = checkout(cluster, shop, method="cod")
    assert order["status"] == "confirmed"
    assert stock_of(cluster, "p1")["on_hand"] == 4

    for status in ("processing", "shipped", "delivered"):
        cluster.orders.update_status(order["id"], status, "admin-1", None)

    wait_for(lambda: cluster.payments.get_payment(order["id"], None, True)["status"] == "succeeded")
    wait_for(lambda: cluster.orders.get_order(order["id"], None, True)["payment_status"] == "paid")


def test_cancelling_a_paid_order_refunds_it_and_restocks(cluster, shop):
    cluster.inventory.set_stock("p1", 5, "test")
    order = checkout(cluster, shop)
    cluster.payments.confirm(order["payment"]["intent_id"], "4242424242424242", "user-1")
    wait_for(order_status(cluster, order["id"], "confirmed"))

    cluster.orders.cancel_order(order["id"], "user-1", "changed my mind")

    refunded = wait_for(order_status(cluster, order["id"], "refunded"))
    assert refunded["refunded_amount"] == order["total"]
    assert cluster.payments.get_payment(order["id"], "user-1")["status"] == "refunded"
    assert stock_of(cluster, "p1")["on_hand"] == 5


def test_two_hundred_buyers_for_the_last_ten_units_make_exactly_ten_orders(cluster, shop):
    cluster.inventory.set_stock("p1", 10, "test")
    carts = [shop.cart([("p1", 2000, 1)]) for _ in range(200)]

    replies = [
        cluster.orders.place_order.call_async(
            f"buyer-{n}", cart_id, shipping_address=ADDRESS, payment_method="card"
        )
        for n, cart_id in enumerate(carts)
    ]
    placed, refused = [], []
    for reply in replies:
        try:
            placed.append(reply.result())
        except OutOfStock as exc:
            refused.append(exc)

    assert len(placed) == 10
    assert len(refused) == 190
    assert all(exc.details["product_id"] == "p1" for exc in refused)
    assert stock_of(cluster, "p1")["available"] == 0
    statuses = cluster.orders.stats()["orders_by_status"]
    assert statuses == {"awaiting_payment": 10, "cancelled": 190}
