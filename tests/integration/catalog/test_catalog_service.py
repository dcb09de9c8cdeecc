"""The catalog service on real RabbitMQ and Postgres: validation, conflicts, events, handlers."""

import pytest
from nameko.events import event_handler
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import text

from services.catalog.exceptions import (
    CategoryNotEmpty,
    InvalidProduct,
    ProductNotFound,
    SlugTaken,
)
from services.catalog.service import CatalogService
from services.common.errors import ValidationFailed
from tests.helpers import engine_for, wait_for

EVENTS: list[tuple[str, dict]] = []
SELLER_1 = {"user_id": "seller-1", "role": "seller"}
ADMIN = {"user_id": "admin-1", "role": "admin"}


class Listener:
    name = "catalog_listener"

    @event_handler("catalog", "product_created")
    def on_created(self, payload):
        EVENTS.append(("product_created", payload))

    @event_handler("catalog", "product_updated")
    def on_updated(self, payload):
        EVENTS.append(("product_updated", payload))

    @event_handler("catalog", "product_archived")
    def on_archived(self, payload):
        EVENTS.append(("product_archived", payload))

    @event_handler("catalog", "category_changed")
    def on_category(self, payload):
        EVENTS.append(("category_changed", payload))

    @event_handler("catalog", "availability_changed")
    def on_availability(self, payload):
        EVENTS.append(("availability_changed", payload))


@pytest.fixture
def catalog_config(service_config):
    return {**service_config, "OUTBOX": {"interval": 0.05, "batch_size": 100}}


@pytest.fixture
def catalog_rpc(runner_factory, catalog_config):
    EVENTS.clear()
    runner = runner_factory(catalog_config, CatalogService, Listener)
    runner.start()
    with ServiceRpcProxy("catalog", catalog_config, timeout=15) as proxy:
        yield proxy


@pytest.fixture
def category(catalog_rpc):
    return catalog_rpc.create_category({"name": "Headphones", "slug": "headphones"})


def product(category, **overrides):
    return {
        "name": "Sony Wireless Headphones",
        "brand": "Sony",
        "category_id": category["id"],
        "price": 19999,
        **overrides,
    }


def events_of(kind):
    return [payload for name, payload in EVENTS if name == kind]


def test_creating_a_product_announces_it(catalog_rpc, category):
    created = catalog_rpc.create_product(product(category), SELLER_1)
    assert created["slug"] == "sony-wireless-headphones" and created["status"] == "active"
    announced = wait_for(lambda: events_of("product_created"))
    assert announced[0]["product_id"] == created["id"] and announced[0]["price"] == 19999
    assert announced[0]["event_id"]


def test_a_duplicate_slug_is_a_conflict(catalog_rpc, category):
    catalog_rpc.create_product(product(category, slug="the-one"))
    with pytest.raises(SlugTaken):
        catalog_rpc.create_product(product(category, slug="the-one", name="Other"))


def test_a_negative_price_is_refused_naming_the_field(catalog_rpc, category):
    with pytest.raises(ValidationFailed) as raised:
        catalog_rpc.create_product(product(category, price=-1))
    assert "price" in raised.value.details["fields"]


def test_an_unknown_category_is_refused_naming_the_field(catalog_rpc, category):
    with pytest.raises(InvalidProduct) as raised:
        catalog_rpc.create_product(product(category, category_id="nope"))
    assert "category_id" in raised.value.details["fields"]


def test_a_price_change_is_announced_with_the_previous_price(catalog_rpc, category):
    created = catalog_rpc.create_product(product(category))
    updated = catalog_rpc.update_product(created["id"], {"price": 14999}, ADMIN)
    assert updated["price"] == 14999
    change = wait_for(lambda: events_of("product_updated"))[0]
    assert change["changed"] == ["price"] and change["previous_price"] == 19999


def test_an_update_that_changes_nothing_keeps_no_dictionary_words(
    catalog_rpc, category, catalog_config
):
    created = catalog_rpc.create_product(product(category, name="Quiet Kettle", brand="Smeg"))
    engine = engine_for(catalog_config, "catalog")

    def dictionary():
        with engine.connect() as conn:
            return set(conn.execute(text("SELECT word FROM search_terms")).scalars())

    with engine.begin() as conn:  # a product whose words the dictionary lacks (an old row)
        conn.execute(text("DELETE FROM search_terms"))
    assert catalog_rpc.update_product(created["id"], {"price": 19999})["price"] == 19999
    assert dictionary() == set()  # rolled back, as a change that changed nothing always was
    catalog_rpc.update_product(created["id"], {"price": 18999})
    assert {"quiet", "kettle", "smeg"} <= dictionary()


def test_archiving_hides_a_product_but_keeps_it_readable(catalog_rpc, category):
    created = catalog_rpc.create_product(product(category))
    assert catalog_rpc.archive_product(created["id"])["status"] == "archived"
    catalog_rpc.archive_product(created["id"])
    assert catalog_rpc.list_products({})["meta"]["total"] == 0
    assert catalog_rpc.get_product(created["id"])["status"] == "archived"
    with pytest.raises(ProductNotFound):
        catalog_rpc.get_product_by_slug(created["slug"])
    assert len(wait_for(lambda: events_of("product_archived"))) == 1


def test_staff_lists_show_any_status_and_can_ask_for_given_ids(catalog_rpc, category):
    kept = catalog_rpc.create_product(product(category, name="Kept Speaker"))
    draft = catalog_rpc.create_product(product(category, name="Draft Speaker", status="draft"))
    gone = catalog_rpc.create_product(product(category, name="Gone Speaker"))
    catalog_rpc.archive_product(gone["id"])

    def names(query):
        return sorted(p["name"] for p in catalog_rpc.list_products(query)["data"])

    assert names({}) == ["Kept Speaker"]
    assert names({"status": "any"}) == ["Draft Speaker", "Gone Speaker", "Kept Speaker"]
    assert names({"status": "archived"}) == ["Gone Speaker"]
    assert names({"status": "any", "ids": [draft["id"], kept["id"]]}) == [
        "Draft Speaker",
        "Kept Speaker",
    ]
    assert names({"status": "any", "q": "speaker", "ids": [gone["id"]]}) == ["Gone Speaker"]


def test_deleting_a_category_that_holds_products_is_a_conflict(catalog_rpc, category):
    catalog_rpc.create_product(product(category))
    with pytest.raises(CategoryNotEmpty):
        catalog_rpc.delete_category(category["id"])
    empty = catalog_rpc.create_category({"name": "Empty"})
    catalog_rpc.delete_category(empty["id"])
    assert wait_for(lambda: [e for e in events_of("category_changed") if e["action"] == "deleted"])


def test_the_category_tree_nests_children(catalog_rpc, category):
    audio = catalog_rpc.create_category({"name": "Audio"})
    catalog_rpc.update_category(category["id"], {"parent_id": audio["id"]})
    tree = catalog_rpc.list_categories()
    assert [c["slug"] for c in tree] == ["audio"]
    assert tree[0]["children"][0]["slug"] == "headphones"


def test_a_newer_stock_version_with_the_same_availability_is_kept_without_an_event(
    catalog_rpc, catalog_config, category
):
    created = catalog_rpc.create_product(product(category))
    dispatch = event_dispatcher(catalog_config)
    payload = {"product_id": created["id"], "available": 4, "on_hand": 4, "version": 3}
    dispatch("inventory", "stock_changed", payload)
    wait_for(lambda: events_of("availability_changed"))
    # a reservation committed: on hand and reserved fell together, availability did not change
    dispatch("inventory", "stock_changed", {**payload, "on_hand": 2, "version": 5})

    def stock_version():
        with engine_for(catalog_config, "catalog").connect() as conn:
            return conn.execute(
                text("SELECT stock_version FROM products WHERE id = :id"), {"id": created["id"]}
            ).scalar_one()

    wait_for(lambda: stock_version() == 5)
    # a late event older than the kept version changes nothing
    dispatch("inventory", "stock_changed", {**payload, "available": 9, "version": 4})
    other = catalog_rpc.create_product(product(category, name="Marker"))
    dispatch("inventory", "stock_changed", {**payload, "product_id": other["id"], "version": 1})
    wait_for(lambda: catalog_rpc.get_product(other["id"])["available"] == 4)
    assert catalog_rpc.get_product(created["id"])["available"] == 4
    assert [e["product_id"] for e in events_of("availability_changed")] == [
        created["id"],
        other["id"],
    ]


def test_stock_changes_reach_the_product_once(catalog_rpc, catalog_config, category):
    created = catalog_rpc.create_product(product(category))
    dispatch = event_dispatcher(catalog_config)
    payload = {"product_id": created["id"], "available": 4, "on_hand": 4, "version": 3}
    dispatch("inventory", "stock_changed", payload)
    dispatch("inventory", "stock_changed", payload)
    dispatch("inventory", "stock_changed", {**payload, "available": 9, "version": 2})
    wait_for(lambda: catalog_rpc.get_product(created["id"])["available"] == 4)
    wait_for(lambda: events_of("availability_changed"))
    got = catalog_rpc.get_products([created["id"], "unknown"])
    assert [p["in_stock"] for p in got] == [True]
    assert len(events_of("availability_changed")) == 1


SELLER_2 = {"user_id": "seller-2", "role": "seller"}


def test_a_sellers_product_records_them_as_its_seller(catalog_rpc, category):
    created = catalog_rpc.create_product(product(category), SELLER_1)
    assert created["seller_id"] == "seller-1"
    assert wait_for(lambda: events_of("product_created"))[0]["seller_id"] == "seller-1"


def test_an_admins_product_is_the_shops_unless_a_seller_is_named(catalog_rpc, category):
    assert catalog_rpc.create_product(product(category), ADMIN)["seller_id"] is None
    named = catalog_rpc.create_product(product(category, name="Named", seller_id="seller-2"), ADMIN)
    assert named["seller_id"] == "seller-2"


def test_another_sellers_product_is_not_found_for_every_write(catalog_rpc, category):
    theirs = catalog_rpc.create_product(product(category), SELLER_2)
    with pytest.raises(ProductNotFound):
        catalog_rpc.update_product(theirs["id"], {"price": 1}, SELLER_1)
    with pytest.raises(ProductNotFound):
        catalog_rpc.archive_product(theirs["id"], SELLER_1)
    unchanged = catalog_rpc.get_product(theirs["id"])
    assert unchanged["price"] == 19999 and unchanged["status"] == "active"


def test_a_seller_changes_and_archives_their_own_product(catalog_rpc, category):
    mine = catalog_rpc.create_product(product(category), SELLER_1)
    assert catalog_rpc.update_product(mine["id"], {"price": 1500}, SELLER_1)["price"] == 1500
    assert catalog_rpc.archive_product(mine["id"], SELLER_1)["status"] == "archived"


def test_a_seller_cannot_give_their_product_away_but_an_admin_can(catalog_rpc, category):
    mine = catalog_rpc.create_product(product(category), SELLER_1)
    with pytest.raises(InvalidProduct) as raised:
        catalog_rpc.update_product(mine["id"], {"seller_id": "seller-2"}, SELLER_1)
    assert "seller_id" in raised.value.details["fields"]
    moved = catalog_rpc.update_product(mine["id"], {"seller_id": "seller-2"}, ADMIN)
    assert moved["seller_id"] == "seller-2"


def test_a_sellers_list_holds_their_own_products_whatever_they_ask(catalog_rpc, category):
    catalog_rpc.create_product(product(category, name="Mine"), SELLER_1)
    catalog_rpc.create_product(product(category, name="Theirs"), SELLER_2)
    catalog_rpc.create_product(product(category, name="The Shops"), ADMIN)

    def names(query, actor):
        return sorted(p["name"] for p in catalog_rpc.list_products(query, actor)["data"])

    assert names({}, SELLER_1) == ["Mine"]
    assert names({"seller_id": "seller-2"}, SELLER_1) == ["Mine"]
    assert names({}, ADMIN) == ["Mine", "The Shops", "Theirs"]
    assert names({"seller_id": "seller-2"}, ADMIN) == ["Theirs"]


def test_owners_are_answered_for_the_products_that_exist(catalog_rpc, category):
    mine = catalog_rpc.create_product(product(category), SELLER_1)
    shops = catalog_rpc.create_product(product(category, name="Shop's"), ADMIN)
    assert catalog_rpc.get_owners([mine["id"], shops["id"], "missing"]) == {
        mine["id"]: "seller-1",
        shops["id"]: None,
    }
