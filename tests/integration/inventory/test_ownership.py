"""Inventory with the real catalog: a seller stocks their own products only."""

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from services.catalog.service import CatalogService
from services.inventory.exceptions import ProductNotFound
from services.inventory.service import InventoryService
from tests.helpers import truncate_tables

DATABASES = ("catalog",)
SELLER_A = {"user_id": "seller-a", "role": "seller"}
SELLER_B = {"user_id": "seller-b", "role": "seller"}
ADMIN = {"user_id": "admin-1", "role": "admin"}


@pytest.fixture
def shop(runner_factory, inventory_config, config):
    truncate_tables(config, "catalog")
    runner = runner_factory(inventory_config, InventoryService, CatalogService)
    runner.start()
    with (
        ServiceRpcProxy("inventory", inventory_config, timeout=15) as inventory,
        ServiceRpcProxy("catalog", inventory_config, timeout=15) as catalog,
    ):
        category = catalog.create_category({"name": "Mugs"})
        theirs = catalog.create_product(
            {"name": "Their Mug", "category_id": category["id"], "price": 900}, SELLER_B
        )
        mine = catalog.create_product(
            {"name": "My Mug", "category_id": category["id"], "price": 900}, SELLER_A
        )
        yield inventory, mine["id"], theirs["id"]
    # stopped first: the catalog's stock_changed consumer and outbox relay still write, and a
    # TRUNCATE beside their transactions deadlocked (seen in CI)
    runner.stop()
    truncate_tables(config, "catalog")


def test_a_seller_cannot_set_or_adjust_another_sellers_stock(shop):
    inventory, _, theirs = shop
    inventory.set_stock(theirs, 4, "initial", SELLER_B)
    with pytest.raises(ProductNotFound):
        inventory.set_stock(theirs, 0, "recount", SELLER_A)
    with pytest.raises(ProductNotFound):
        inventory.adjust_stock(theirs, -4, "damaged", SELLER_A)
    assert inventory.get_product_stock(theirs)["on_hand"] == 4


def test_a_seller_stocks_their_own_product_and_an_admin_any(shop):
    inventory, mine, theirs = shop
    assert inventory.set_stock(mine, 3, "initial", SELLER_A)["on_hand"] == 3
    assert inventory.adjust_stock(mine, 2, "delivery", SELLER_A)["on_hand"] == 5
    assert inventory.adjust_stock(theirs, 7, "delivery", ADMIN)["on_hand"] == 7


def test_a_product_the_catalog_does_not_hold_is_not_found_for_a_seller(shop):
    inventory, _, _ = shop
    with pytest.raises(ProductNotFound):
        inventory.set_stock("no-such-product", 3, "initial", SELLER_A)


def test_a_sellers_low_stock_page_holds_their_own_products_only(shop):
    inventory, mine, theirs = shop
    inventory.set_stock(mine, 1, "initial", SELLER_A)
    inventory.set_stock(theirs, 1, "initial", SELLER_B)

    def low(actor):
        page = inventory.low_stock(1, 20, actor)
        return [row["product_id"] for row in page["data"]], page["meta"]["total"]

    assert low(SELLER_A) == ([mine], 1)
    assert low(SELLER_B) == ([theirs], 1)
    assert sorted(low(ADMIN)[0]) == sorted([mine, theirs])
