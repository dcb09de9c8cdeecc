"""Stock and reservations under concurrency, idempotency, expiry and low-stock alerts."""

import pytest
from sqlalchemy import text

from services.common.errors import ValidationFailed
from services.inventory.exceptions import (
    NegativeStock,
    OutOfStock,
    ReservationNotActive,
)
from tests.helpers import engine_for, wait_for


def line(product_id, quantity=1):
    return {"product_id": product_id, "quantity": quantity}


def of(events, kind):
    return [payload for name, payload in events if name == kind]


def test_fifty_buyers_racing_for_ten_units_leave_exactly_ten_reserved(inventory, config):
    inventory.set_stock("last", 10, "restock")
    calls = [inventory.reserve.call_async(f"order-{i}", [line("last")], 600) for i in range(50)]
    won, refused = 0, 0
    for call in calls:
        try:
            call.result()
            won += 1
        except OutOfStock as exc:
            # nameko sends exception arguments as strings
            assert exc.details["product_id"] == "last" and int(exc.details["available"]) == 0
            refused += 1
    assert (won, refused) == (10, 40)
    level = inventory.get_stock(["last"])["last"]
    # set once, then one version per winning reservation
    assert level.pop("version") >= 11
    assert level == {
        "on_hand": 10,
        "reserved": 10,
        "available": 0,
        "low_stock_threshold": 5,
    }
    with engine_for(config, "inventory").connect() as conn:
        lines = conn.execute(text("SELECT count(*) FROM reservation_lines")).scalar_one()
        negative = conn.execute(
            text("SELECT count(*) FROM stock WHERE on_hand - reserved < 0")
        ).scalar_one()
    assert (lines, negative) == (10, 0)


def test_reserving_the_same_order_twice_changes_nothing(inventory):
    inventory.set_stock("mug", 5, "restock")
    first = inventory.reserve("order-1", [line("mug", 2)], 600)
    again = inventory.reserve("order-1", [line("mug", 2)], 600)
    assert again == first
    assert inventory.get_stock(["mug"])["mug"]["reserved"] == 2


def test_a_reservation_takes_all_lines_or_none(inventory):
    inventory.set_stock("a", 5, "restock")
    inventory.set_stock("b", 1, "restock")
    with pytest.raises(OutOfStock) as raised:
        inventory.reserve("order-1", [line("a", 2), line("b", 2)], 600)
    assert raised.value.details == {"product_id": "b", "requested": 2, "available": 1}
    stock = inventory.get_stock(["a", "b"])
    assert stock["a"]["reserved"] == 0 and stock["b"]["reserved"] == 0


def test_an_unknown_product_cannot_be_reserved(inventory):
    with pytest.raises(OutOfStock):
        inventory.reserve("order-1", [line("ghost")], 600)


def test_commit_sells_the_reserved_units_once(inventory):
    inventory.set_stock("mug", 5, "restock")
    inventory.reserve("order-1", [line("mug", 2)], 600)
    before = inventory.get_stock(["mug"])["mug"]["version"]
    inventory.commit("order-1")
    inventory.commit("order-1")
    level = inventory.get_stock(["mug"])["mug"]
    # the repeated commit changed nothing, the version included
    assert level.pop("version") == before + 1
    assert level == {
        "on_hand": 3,
        "reserved": 0,
        "available": 3,
        "low_stock_threshold": 5,
    }


def test_release_returns_the_units_once_and_then_commit_is_refused(inventory):
    inventory.set_stock("mug", 5, "restock")
    inventory.reserve("order-1", [line("mug", 2)], 600)
    inventory.release("order-1")
    inventory.release("order-1")
    inventory.release("never-reserved")
    assert inventory.get_stock(["mug"])["mug"]["available"] == 5
    with pytest.raises(ReservationNotActive):
        inventory.commit("order-1")


def test_an_expired_reservation_is_released_and_announced(inventory, events):
    inventory.set_stock("mug", 5, "restock")
    inventory.reserve("order-late", [line("mug", 3)], 1)
    expired = wait_for(lambda: of(events, "reservation_expired"), timeout=10)
    assert expired[0]["order_id"] == "order-late" and expired[0]["event_id"]
    assert inventory.get_stock(["mug"])["mug"]["reserved"] == 0
    assert inventory.get_reservation("order-late")["status"] == "expired"


def test_stock_low_fires_once_when_stock_crosses_the_threshold(inventory, events):
    inventory.set_stock("mug", 8, "restock", None, 5)
    for order in ("o1", "o2", "o3", "o4"):
        inventory.reserve(order, [line("mug")], 600)
        inventory.commit(order)
    assert inventory.get_stock(["mug"])["mug"]["available"] == 4
    wait_for(lambda: len(of(events, "stock_changed")) == 9)
    assert of(events, "stock_low") == [
        {**of(events, "stock_low")[0], "product_id": "mug", "available": 5, "threshold": 5}
    ]
    inventory.adjust_stock("mug", 10, "delivery")
    inventory.adjust_stock("mug", -10, "damaged")
    wait_for(lambda: len(of(events, "stock_low")) == 2)


def test_every_change_is_announced_with_a_growing_version(inventory, events):
    inventory.set_stock("mug", 5, "restock")
    inventory.adjust_stock("mug", 2, "found one")
    changes = wait_for(
        lambda: of(events, "stock_changed") if len(of(events, "stock_changed")) == 2 else None
    )
    assert [c["available"] for c in changes] == [5, 7]
    assert changes[0]["version"] < changes[1]["version"]


def test_adjustments_are_written_to_the_ledger_with_their_reason(inventory, config):
    admin = {"user_id": "admin-1", "role": "admin"}
    inventory.set_stock("mug", 5, "initial count", admin)
    inventory.adjust_stock("mug", -2, "damaged in transit", admin)
    with engine_for(config, "inventory").connect() as conn:
        ledger = conn.execute(
            text("SELECT on_hand_delta, on_hand_after, reason FROM stock_movements ORDER BY id")
        ).all()
    assert [tuple(r) for r in ledger] == [(5, 5, "initial count"), (-2, 3, "damaged in transit")]


def test_stock_never_goes_below_what_is_reserved(inventory):
    inventory.set_stock("mug", 5, "restock")
    inventory.reserve("order-1", [line("mug", 4)], 600)
    with pytest.raises(NegativeStock):
        inventory.adjust_stock("mug", -2, "shrinkage")
    with pytest.raises(NegativeStock):
        inventory.set_stock("mug", 3, "recount")


def test_reserve_arguments_are_validated(inventory):
    with pytest.raises(ValidationFailed) as raised:
        inventory.reserve("order-1", [line("mug", 0)], 600)
    assert "lines" in raised.value.details["fields"]
