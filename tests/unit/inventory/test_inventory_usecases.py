"""Stock changes, reservations, their expiry and the seller rule, on the fakes of
tests/unit/inventory/fakes.py."""

import pytest

from services.common.actor import Actor
from services.common.errors import ValidationFailed
from services.inventory import schemas
from services.inventory.exceptions import (
    NegativeStock,
    OutOfStock,
    ProductNotFound,
    ReservationNotActive,
    ReservationNotFound,
    StockNotFound,
)
from tests.unit.inventory.fakes import make_inventory

SELLER_A = Actor("seller-a", "seller")
ADMIN = Actor("admin-1", "admin")


@pytest.fixture
def world():
    return make_inventory(reservation_ttl=600)


def line(product_id, quantity=1):
    return {"product_id": product_id, "quantity": quantity}


def test_setting_stock_creates_it_writes_the_ledger_and_announces_the_change(world):
    inventory, repo, _, _ = world
    level = inventory.set_stock("mug", 8, "restock", "admin-1")
    assert (level.on_hand, level.available, level.version) == (8, 8, 1)
    assert repo.movements == [("mug", 8, 0, 8, "restock", None, "admin-1")]
    assert repo.recorded == [
        (
            "stock_changed",
            {"product_id": "mug", "available": 8, "on_hand": 8, "reserved": 0, "version": 1},
        )
    ]


def test_stock_cannot_be_set_below_what_is_reserved(world):
    inventory, _, _, _ = world
    inventory.set_stock("mug", 5, "restock", None)
    inventory.reserve("o1", [line("mug", 3)])
    with pytest.raises(NegativeStock) as raised:
        inventory.set_stock("mug", 2, "recount", None)
    assert raised.value.details == {"product_id": "mug", "reserved": 3, "requested": 2}


def test_a_first_positive_adjustment_creates_the_stock_and_a_negative_one_is_refused(world):
    inventory, _, _, _ = world
    with pytest.raises(StockNotFound):
        inventory.adjust_stock("mug", -1, "breakage", None)
    assert inventory.adjust_stock("mug", 4, "delivery", None).on_hand == 4
    with pytest.raises(NegativeStock) as raised:
        inventory.adjust_stock("mug", -5, "breakage", None)
    assert raised.value.details["available"] == 4


def test_an_adjustment_beyond_what_a_row_holds_is_a_validation_error_on_delta(world):
    inventory, repo, _, _ = world
    inventory.set_stock("mug", repo.max_on_hand, "restock", None)
    with pytest.raises(ValidationFailed) as raised:
        inventory.adjust_stock("mug", 1, "delivery", None)
    assert "delta" in raised.value.details["fields"]


def test_a_reservation_takes_all_lines_or_none_and_announces_nothing_when_refused(world):
    inventory, repo, _, _ = world
    inventory.set_stock("mug", 5, "restock", None)
    inventory.set_stock("tea", 1, "restock", None)
    repo.recorded.clear()
    with pytest.raises(OutOfStock) as raised:
        inventory.reserve("o1", [line("mug", 2), line("tea", 2)])
    assert raised.value.details == {"product_id": "tea", "requested": 2, "available": 1}
    assert repo.recorded == []


def test_reserving_merges_lines_and_the_same_order_again_changes_nothing(world):
    inventory, _, _, _ = world
    inventory.set_stock("mug", 5, "restock", None)
    view = inventory.reserve("o1", [line("mug", 1), line("mug", 2)])
    assert (view.status, view.lines) == ("active", [("mug", 3)])
    assert schemas.dump_reservation(view) == {
        "order_id": "o1",
        "status": "active",
        "expires_at": "2026-01-01T12:10:00+00:00",
        "lines": [{"product_id": "mug", "quantity": 3}],
    }
    again = inventory.reserve("o1", [line("mug", 5)])
    assert again.lines == [("mug", 3)]
    assert inventory.product_stock("mug").reserved == 3


def test_a_committed_reservation_is_sold_once_and_a_released_one_cannot_be_committed(world):
    inventory, _, _, _ = world
    inventory.set_stock("mug", 5, "restock", None)
    inventory.reserve("o1", [line("mug", 2)])
    assert inventory.commit("o1") is True
    assert inventory.commit("o1") is False
    assert (inventory.product_stock("mug").on_hand, inventory.product_stock("mug").reserved) == (
        3,
        0,
    )
    inventory.reserve("o2", [line("mug", 1)])
    assert inventory.release("o2") is True
    assert inventory.release("o2") is False
    with pytest.raises(ReservationNotActive):
        inventory.commit("o2")
    with pytest.raises(ReservationNotFound):
        inventory.commit("never-reserved")


def test_releasing_a_committed_reservation_restocks_it(world):
    inventory, repo, _, _ = world
    inventory.set_stock("mug", 5, "restock", None)
    inventory.reserve("o1", [line("mug", 2)])
    inventory.commit("o1")
    inventory.release("o1")
    assert inventory.product_stock("mug").on_hand == 5
    assert repo.movements[-1][4] == "restocked"


def test_a_reservation_past_its_expiry_is_released_and_announced(world):
    inventory, repo, _, clock = world
    inventory.set_stock("mug", 5, "restock", None)
    inventory.reserve("late", [line("mug", 3)], ttl_seconds=60)
    assert inventory.due_reservations() == []
    assert inventory.expire("late") is False
    clock.advance(seconds=61)
    assert inventory.due_reservations() == ["late"]
    assert inventory.expire("late") is True
    assert inventory.reservation("late").status == "expired"
    assert inventory.product_stock("mug").reserved == 0
    assert repo.recorded[-1] == ("reservation_expired", {"order_id": "late"})


def test_stock_low_fires_once_when_stock_falls_to_the_threshold(world):
    inventory, repo, _, _ = world
    inventory.set_stock("mug", 8, "restock", None, 5)
    for order in ("o1", "o2", "o3", "o4"):
        inventory.reserve(order, [line("mug")])
    assert repo.event_types().count("stock_low") == 1
    assert inventory.set_low_stock_threshold("mug", 2).low_stock_threshold == 2


def test_a_seller_changes_only_their_own_products_and_an_admin_asks_no_one(world):
    inventory, _, catalog, _ = world
    catalog.owner_of = {"mine": "seller-a", "theirs": "seller-b"}
    inventory.require_changeable("mine", SELLER_A)
    with pytest.raises(ProductNotFound):
        inventory.require_changeable("theirs", SELLER_A)
    with pytest.raises(ProductNotFound):
        inventory.require_changeable("ghost", SELLER_A)
    asked = catalog.asked
    inventory.require_changeable("theirs", ADMIN)
    assert catalog.asked == asked


def test_a_sellers_low_stock_page_holds_their_own_products_with_bounded_limits(world):
    inventory, _, catalog, _ = world
    catalog.owner_of = {"mine": "seller-a", "theirs": "seller-b"}
    inventory.set_stock("mine", 1, "restock", None)
    inventory.set_stock("theirs", 1, "restock", None)
    page = inventory.low_stock(0, 1000, SELLER_A)
    assert [level.product_id for level in page.levels] == ["mine"]
    assert schemas.dump_low_stock(page)["meta"] == {
        "page": 1,
        "limit": 100,
        "total": 1,
        "total_pages": 1,
    }
    assert len(inventory.low_stock(1, 20, ADMIN).levels) == 2


def test_stock_levels_go_out_by_product_with_their_version(world):
    inventory, _, _, _ = world
    inventory.set_stock("mug", 3, "restock", None)
    assert schemas.dump_stock_levels(inventory.get_stock(["mug", "none"])) == {
        "mug": {"on_hand": 3, "reserved": 0, "available": 3, "low_stock_threshold": 5, "version": 1}
    }
    with pytest.raises(StockNotFound):
        inventory.product_stock("none")


def test_a_refused_seller_changes_no_stock_and_the_catalog_is_asked_first(world):
    inventory, repo, catalog, _ = world
    catalog.owner_of = {"mine": "seller-a", "theirs": "seller-b"}
    with pytest.raises(ProductNotFound):
        inventory.set_stock("theirs", 5, "recount", "seller-a", who=SELLER_A)
    with pytest.raises(ProductNotFound):
        inventory.adjust_stock("theirs", 5, "delivery", "seller-a", who=SELLER_A)
    assert repo.rows == {} and repo.movements == [] and repo.recorded == []
    assert inventory.adjust_stock("mine", 2, "delivery", "seller-a", who=SELLER_A).on_hand == 2
    asked = catalog.asked
    inventory.set_stock("theirs", 1, "recount", "admin-1", who=ADMIN)
    assert catalog.asked == asked
