"""Crashes mid-saga: the orders service killed during a checkout, then restarted."""

import eventlet
import pytest
from eventlet.event import Event
from nameko.standalone.rpc import ClusterRpcProxy

from services.common import idempotency
from services.orders.service import OrdersService
from tests.helpers import wait_for
from tests.integration.orders.conftest import (
    ADDRESS,
    STATE,
    FakeAccounts,
    FakeCart,
    FakeInventory,
    FakePayments,
)


@pytest.fixture
def recovery_config(orders_config):
    return {
        **orders_config,
        "ORDERS": {
            "reservation_ttl": 900,
            "pending_grace": 0.5,
            "expiry_grace": 1,
            "sweep_interval": 0.2,
        },
    }


def test_a_checkout_killed_mid_way_ends_cancelled_with_its_stock_back(
    container_factory, runner_factory, recovery_config, shop, orders_db, monkeypatch
):
    stand_ins = runner_factory(recovery_config, FakeCart, FakeInventory, FakePayments, FakeAccounts)
    stand_ins.start()
    first = container_factory(OrdersService, recovery_config)
    first.start()
    shop.stock("p1", 3)
    cart_id = shop.cart([("p1", 1000, 2)])
    STATE.gates["create_intent"] = gate = Event()

    with ClusterRpcProxy(recovery_config, timeout=5) as cluster:
        reply = cluster.orders.place_order.call_async(
            "user-1",
            cart_id,
            shipping_address=ADDRESS,
            payment_method="card",
            idempotency_key="crash-1",
            request_hash="h",
        )
        wait_for(lambda: STATE.called("create_intent"))
        assert STATE.stock["p1"] == 1  # reserved, payment not created yet: now it crashes
        first.kill()
        gate.send(None)
        eventlet.sleep(0)
        del reply

        second = container_factory(OrdersService, recovery_config)
        second.start()
        [order] = wait_for(
            lambda: orders_db.rows(
                "SELECT id, status, cancel_reason FROM orders WHERE status = 'cancelled'"
            )
        )
        assert order["cancel_reason"] == "checkout_failed"
        assert STATE.stock["p1"] == 3

        # the client retries with its key once the first attempt is stale: it learns the outcome
        monkeypatch.setattr(idempotency, "STALE_IN_FLIGHT", idempotency.timedelta(0))
        retried = cluster.orders.place_order(
            "user-1",
            cart_id,
            shipping_address=ADDRESS,
            payment_method="card",
            idempotency_key="crash-1",
            request_hash="h",
        )
        assert (retried["id"], retried["status"]) == (order["id"], "cancelled")
        assert orders_db.scalar("SELECT count(*) FROM orders") == 1


class FlakyBroker:
    """The relay's event dispatch (`outbox_dispatch`) to a broker the test takes down and
    brings back: every publish while it is down fails, as nameko's dispatcher's would."""

    def __init__(self):
        self.up = False
        self.published: list[tuple[str, dict]] = []
        self.call_count = 0

    def __call__(self, event_type, payload):
        self.call_count += 1
        if not self.up:
            raise ConnectionError("broker unreachable")
        self.published.append((event_type, payload))


def test_events_committed_while_the_broker_is_unreachable_are_published_when_it_returns(
    container_factory, runner_factory, orders_config, shop, orders_db
):
    from nameko.testing.services import replace_dependencies

    config = {**orders_config, "OUTBOX": {"interval": 0.05}}
    stand_ins = runner_factory(config, FakeCart, FakeInventory, FakePayments, FakeAccounts)
    stand_ins.start()
    container = container_factory(OrdersService, config)
    dispatch = FlakyBroker()
    replace_dependencies(container, outbox_dispatch=dispatch)
    container.start()
    shop.stock("p1", 50)

    with ClusterRpcProxy(config, timeout=10) as cluster:
        placed = [
            cluster.orders.place_order(
                f"user-{n}",
                shop.cart([("p1", 100, 1)]),
                shipping_address=ADDRESS,
                payment_method="cod",
            )
            for n in range(5)
        ]
        wait_for(lambda: dispatch.call_count >= 3)  # the relay keeps trying
        # created, status changed, confirmed: three events per cash-on-delivery order
        assert orders_db.scalar("SELECT count(*) FROM outbox") == 5 * 3

        dispatch.up = True
        wait_for(lambda: orders_db.scalar("SELECT count(*) FROM outbox") == 0)

    published = dispatch.published
    confirmed = [payload["order_id"] for kind, payload in published if kind == "order_confirmed"]
    assert sorted(confirmed) == sorted(o["id"] for o in placed)
    assert len(published) == 5 * 3
    assert len({payload["event_id"] for _, payload in published}) == 5 * 3
