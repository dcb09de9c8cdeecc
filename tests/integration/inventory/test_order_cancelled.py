"""orders' `order_cancelled` releases the order's reservation on the real service (RabbitMQ and
PostgreSQL): once, however often the event is delivered, and after a release RPC too."""

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import get_container
from sqlalchemy import text

from services.inventory.service import InventoryService
from tests.helpers import engine_for


@pytest.fixture
def deliver(inventory_runner, inventory_config):
    """Dispatch one `order_cancelled` as orders' outbox relay does, and wait for the handler."""
    container = get_container(inventory_runner, InventoryService)
    dispatch = event_dispatcher(inventory_config)

    def deliver(order_id, **extra):
        payload = {
            "order_id": order_id,
            "user_id": "u1",
            "total": 1200,
            "currency": "USD",
            "reason": "checkout_failed",
            "event_id": f"evt-{order_id}",
            **extra,
        }
        with entrypoint_waiter(container, "handle_order_cancelled", timeout=10):
            dispatch("orders", "order_cancelled", payload)

    return deliver


def movements(config, order_id):
    with engine_for(config, "inventory").connect() as conn:
        rows = conn.execute(
            text(
                "SELECT product_id, on_hand_delta, reserved_delta, reason FROM stock_movements "
                "WHERE order_id = :order_id ORDER BY id"
            ),
            {"order_id": order_id},
        )
        return [tuple(row) for row in rows]


def test_a_cancelled_order_delivered_twice_releases_its_reservation_once(
    inventory, deliver, events, config
):
    inventory.set_stock("mug", 5, "restock")
    inventory.reserve("order-1", [{"product_id": "mug", "quantity": 2}], 600)
    assert inventory.get_stock(["mug"])["mug"]["reserved"] == 2

    deliver("order-1")
    deliver("order-1")  # a redelivery (the relay published, the broker went away before the ack)

    assert inventory.get_reservation("order-1")["status"] == "released"
    level = inventory.get_stock(["mug"])["mug"]
    assert (level["on_hand"], level["reserved"], level["available"]) == (5, 0, 5)
    assert movements(config, "order-1") == [("mug", 0, 2, "reserved"), ("mug", 0, -2, "released")]
    assert inventory.list_dead_letters()["data"] == []


def test_the_event_after_the_release_rpc_and_for_an_unknown_order_changes_nothing(
    inventory, deliver, config
):
    inventory.set_stock("mug", 5, "restock")
    inventory.reserve("order-1", [{"product_id": "mug", "quantity": 2}], 600)
    inventory.release("order-1")  # orders' fast path got through

    deliver("order-1")
    deliver("never-reserved", reason="out_of_stock")

    level = inventory.get_stock(["mug"])["mug"]
    assert (level["on_hand"], level["reserved"]) == (5, 0)
    assert movements(config, "order-1") == [("mug", 0, 2, "reserved"), ("mug", 0, -2, "released")]
    assert movements(config, "never-reserved") == []


def test_a_cancelled_order_that_was_sold_is_restocked_once(inventory, deliver, config):
    inventory.set_stock("mug", 5, "restock")
    inventory.reserve("order-1", [{"product_id": "mug", "quantity": 2}], 600)
    inventory.commit("order-1")  # cash on delivery, then the customer cancelled

    deliver("order-1", reason="customer_request")
    deliver("order-1", reason="customer_request")

    level = inventory.get_stock(["mug"])["mug"]
    assert (level["on_hand"], level["reserved"]) == (5, 0)
    assert movements(config, "order-1")[-1] == ("mug", 2, 0, "restocked")
    assert [m[3] for m in movements(config, "order-1")].count("restocked") == 1
