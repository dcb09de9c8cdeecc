"""Carts on real Redis: lines, stock and price rules, ownership, concurrency, expiry, merge."""

import eventlet
import pytest

from services.cart.exceptions import (
    CartItemNotFound,
    CartNotFound,
    InsufficientStock,
    LineLimitExceeded,
    ProductUnavailable,
)
from services.common.errors import ValidationFailed
from tests.helpers import wait_for
from tests.integration.cart.conftest import CALLS, VERSIONS

GUEST_TTL = 604800
USER_TTL = 2592000


def test_a_guest_cart_is_created_empty_with_an_unguessable_id(cart):
    created = cart.create_cart()
    assert len(created["id"]) == 36
    assert created["lines"] == [] and created["total"] == 0 and created["currency"] == "USD"
    assert created["user_id"] is None and created["expires_at"]
    assert cart.create_cart()["id"] != created["id"]


def test_adding_items_prices_them_from_the_catalog(cart, shop):
    shop.product("mug", 1250)
    cart_id = cart.create_cart()["id"]
    result = cart.add_item(cart_id, "mug", 2)
    (line,) = result["lines"]
    assert (line["product_id"], line["price"], line["quantity"], line["line_total"]) == (
        "mug",
        1250,
        2,
        2500,
    )
    assert line["name"] == "Product mug" and line["image"] == "/media/mug.jpg"
    assert (result["subtotal"], result["tax"], result["shipping"], result["total"]) == (
        2500,
        200,
        599,
        3299,
    )
    again = cart.add_item(cart_id, "mug", 1)
    assert again["lines"][0]["quantity"] == 3


def test_update_sets_the_quantity_and_remove_drops_the_line(cart, shop):
    shop.product("mug", 1000)
    shop.product("pen", 100)
    cart_id = cart.create_cart()["id"]
    cart.add_item(cart_id, "mug", 1)
    cart.add_item(cart_id, "pen", 1)
    assert cart.update_item(cart_id, "mug", 4)["lines"][0]["quantity"] == 4
    assert [line["product_id"] for line in cart.remove_item(cart_id, "mug")["lines"]] == ["pen"]
    assert cart.update_item(cart_id, "pen", 0)["lines"] == []
    with pytest.raises(CartItemNotFound):
        cart.remove_item(cart_id, "pen")
    with pytest.raises(CartItemNotFound):
        cart.update_item(cart_id, "pen", 2)


def test_only_active_products_can_be_added(cart, shop):
    shop.product("draft", 1000, status="draft")
    cart_id = cart.create_cart()["id"]
    with pytest.raises(ProductUnavailable):
        cart.add_item(cart_id, "draft", 1)
    with pytest.raises(ProductUnavailable):
        cart.add_item(cart_id, "unknown", 1)


@pytest.mark.parametrize("quantity", [0, -1, "2", 1.5, None])
def test_quantity_must_be_a_positive_integer(cart, shop, quantity):
    shop.product("mug", 1000)
    cart_id = cart.create_cart()["id"]
    with pytest.raises(ValidationFailed) as raised:
        cart.add_item(cart_id, "mug", quantity)
    assert "quantity" in raised.value.details["fields"]


def test_more_than_in_stock_is_a_conflict_naming_the_product_and_what_is_available(cart, shop):
    shop.product("lamp", 4000, stock=3, name="Desk lamp")
    cart_id = cart.create_cart()["id"]
    cart.add_item(cart_id, "lamp", 2)
    with pytest.raises(InsufficientStock) as raised:
        cart.add_item(cart_id, "lamp", 2)
    # details keep their JSON types across RPC (services.common.errors)
    assert raised.value.details == {
        "product_id": "lamp",
        "name": "Desk lamp",
        "requested": 4,
        "available": 3,
        "in_cart": 2,
    }
    assert cart.get_cart(cart_id)["lines"][0]["quantity"] == 2


def test_adding_a_product_seen_before_asks_no_other_service(cart, shop):
    shop.product("mug", 1000)
    shop.product("pen", 100)
    cart_id = cart.create_cart()["id"]
    cart.add_item(cart_id, "mug", 1)
    assert CALLS == {"catalog": 1, "inventory": 1}
    cart.add_item(cart_id, "mug", 1)
    cart.get_cart(cart_id)
    assert CALLS == {"catalog": 1, "inventory": 1}
    # a new product: only it is looked up, the mug stays a snapshot
    cart.add_item(cart_id, "pen", 2)
    assert CALLS == {"catalog": 2, "inventory": 2}
    assert {line["product_id"]: line["quantity"] for line in cart.get_cart(cart_id)["lines"]} == {
        "mug": 2,
        "pen": 2,
    }
    # quotes (what orders are priced from) always ask the catalog
    cart.quote(cart_id)
    assert CALLS["catalog"] == 3


def test_adds_check_the_stock_inventory_last_announced(cart, shop, redis_client):
    shop.product("lamp", 4000, stock=3)
    cart_id = cart.create_cart()["id"]
    cart.add_item(cart_id, "lamp", 2)
    _restock(shop, redis_client, "lamp", 10)
    assert cart.add_item(cart_id, "lamp", 5)["lines"][0]["quantity"] == 7
    # stock sold elsewhere: the next add is refused, and inventory was asked only the first time
    _restock(shop, redis_client, "lamp", 7)
    with pytest.raises(InsufficientStock) as raised:
        cart.add_item(cart_id, "lamp", 1)
    assert raised.value.details["available"] == 7
    assert CALLS["inventory"] == 1


def test_an_older_stock_announcement_never_replaces_a_newer_one(cart, shop, redis_client):
    shop.product("lamp", 4000, stock=3)
    cart_id = cart.create_cart()["id"]
    cart.add_item(cart_id, "lamp", 1)
    _restock(shop, redis_client, "lamp", 1)
    # a late or redelivered event: an older version changes nothing (the pen's event, sent
    # after it, tells when it has been handled)
    shop.announce("lamp", 50, version=1)
    shop.announce("pen", 1, version=1)
    wait_for(lambda: redis_client.get("cart:stock:pen") == "1:1", timeout=5)
    assert redis_client.get("cart:stock:lamp") == "2:1"
    with pytest.raises(InsufficientStock):
        cart.add_item(cart_id, "lamp", 1)
    shop.announce("lamp", 50, version=3)
    wait_for(lambda: redis_client.get("cart:stock:lamp") == "3:50", timeout=5)
    assert cart.add_item(cart_id, "lamp", 5)["lines"][0]["quantity"] == 6


def _carts(redis_client):
    """`RedisCarts` straight on Redis, as the service's `CartStore` injects it."""
    from services.cart.carts import RedisCarts, register_scripts
    from services.cart.domain import CartSettings, PricingSettings

    return RedisCarts(
        redis_client, register_scripts(redis_client), CartSettings(), PricingSettings()
    )


def _restock(shop, redis_client, product_id, stock):
    """Inventory's level changes and is announced; returns once the cart has taken it."""
    shop.set_stock(product_id, stock, announce=True)
    held = f"{VERSIONS[product_id]}:{stock}"
    wait_for(lambda: redis_client.get(f"cart:stock:{product_id}") == held, timeout=5)


def test_stock_snapshots_keep_the_newest_version_whatever_the_order(redis_client):
    from services.cart.carts import register_scripts
    from services.cart.snapshots import ProductSnapshots

    snapshots = ProductSnapshots(redis_client, register_scripts(redis_client), 60)
    assert snapshots.stock_changed("lamp", 4, 7)
    # a lookup answered before the event but written after it
    snapshots.put_many({}, {"lamp": {"available": 9, "version": 6}})
    assert not snapshots.stock_changed("lamp", 9, 5)
    assert snapshots.get_many([], ["lamp"]) == ({}, {"lamp": {"available": 4, "version": 7}})
    assert snapshots.stock_changed("lamp", 4, 7)  # a redelivery rewrites the same level
    assert snapshots.stock_changed("lamp", 0, 8)
    # a level without a version (a stand-in inventory) is the oldest of all
    snapshots.put_many({}, {"pen": {"available": 2}})
    assert snapshots.stock_changed("pen", 1, 1)
    assert snapshots.get_many(["lamp"], ["lamp", "pen", "ghost"]) == (
        {},
        {"lamp": {"available": 0, "version": 8}, "pen": {"available": 1, "version": 1}},
    )
    assert 0 < redis_client.ttl("cart:stock:lamp") <= 60


def test_a_catalog_answer_from_before_a_change_never_outlives_its_announcement(redis_client):
    from services.cart.carts import register_scripts
    from services.cart.snapshots import DROP_MARKER_TTL, ProductSnapshots

    snapshots = ProductSnapshots(redis_client, register_scripts(redis_client), 60)
    old = {"id": "mug", "name": "Mug", "price": 1000, "status": "active"}
    snapshots.put_many({"mug": old})
    # catalog announces a price change; a lookup answered before it is written after it
    snapshots.drop("mug")
    snapshots.put_many({"mug": old})
    assert snapshots.get_many(["mug"]) == ({}, {})
    assert 0 < redis_client.ttl("cart:product:mug") <= DROP_MARKER_TTL
    # once the marker is gone, the next answer is kept, and a later one replaces it
    redis_client.delete("cart:product:mug")
    snapshots.put_many({"mug": {**old, "price": 900}})
    snapshots.put_many({"mug": {**old, "price": 950}})
    assert snapshots.get_many(["mug"])[0]["mug"]["price"] == 950


def test_a_line_never_exceeds_the_per_line_maximum(cart, shop):
    shop.product("pen", 100, stock=1000)
    cart_id = cart.create_cart()["id"]
    cart.add_item(cart_id, "pen", 10)
    with pytest.raises(LineLimitExceeded) as raised:
        cart.add_item(cart_id, "pen", 1)
    assert str(raised.value.details["max"]) == "10"


def test_twenty_concurrent_adds_to_one_cart_keep_every_unit(cart, cart_config, shop):
    shop.product("a", 100, stock=1000)
    shop.product("b", 200, stock=1000)
    cart_id = cart.create_cart()["id"]
    from nameko.standalone.rpc import ServiceRpcProxy

    config = {**cart_config, "CART": {**cart_config["CART"], "line_max": 99}}
    with ServiceRpcProxy("cart", config, timeout=30) as proxy:
        calls = [proxy.add_item.call_async(cart_id, "a" if i % 2 else "b", 1) for i in range(20)]
        for call in calls:
            call.result()
    quantities = {line["product_id"]: line["quantity"] for line in cart.get_cart(cart_id)["lines"]}
    assert quantities == {"a": 10, "b": 10}


def test_concurrent_adds_never_exceed_stock(cart, shop):
    shop.product("last", 500, stock=5)
    cart_id = cart.create_cart()["id"]
    calls = [cart.add_item.call_async(cart_id, "last", 1) for _ in range(12)]
    outcomes = []
    for call in calls:
        try:
            call.result()
            outcomes.append("ok")
        except InsufficientStock:
            outcomes.append("409")
    assert outcomes.count("ok") == 5 and outcomes.count("409") == 7
    assert cart.get_cart(cart_id)["lines"][0]["quantity"] == 5


def test_a_price_change_since_adding_is_flagged_at_quote_time(cart, shop):
    shop.product("mug", 1000)
    cart_id = cart.create_cart()["id"]
    cart.add_item(cart_id, "mug", 1)
    shop.reprice("mug", 1200)
    quote = cart.quote(cart_id)
    (line,) = quote["lines"]
    assert (line["price"], line["price_changed"], line["previous_price"]) == (1200, True, 1000)
    assert quote["subtotal"] == 1200
    # setting the quantity again accepts the current price
    assert cart.update_item(cart_id, "mug", 1)["lines"][0]["price_changed"] is False


def test_cart_displays_follow_catalog_changes_and_quotes_always_ask_the_catalog(
    cart, cart_config, shop
):
    from nameko.standalone.events import event_dispatcher

    shop.product("mug", 1000)
    cart_id = cart.create_cart()["id"]
    cart.add_item(cart_id, "mug", 1)
    shop.reprice("mug", 1500)
    assert cart.quote(cart_id)["lines"][0]["price"] == 1500
    shop.reprice("mug", 900)
    # no announcement yet: the display may still show the snapshot
    assert cart.get_cart(cart_id)["lines"][0]["price"] in (1500, 900)
    dispatch = event_dispatcher(cart_config)
    dispatch("catalog", "product_updated", {"product_id": "mug", "changed": ["price"]})
    wait_for(lambda: cart.get_cart(cart_id)["lines"][0]["price"] == 900, timeout=5)
    shop.product("mug", 900, status="archived")
    dispatch("catalog", "product_archived", {"product_id": "mug"})
    wait_for(lambda: cart.get_cart(cart_id)["lines"][0]["available"] is False, timeout=5)
    assert cart.quote(cart_id)["subtotal"] == 0


def test_a_users_cart_is_a_404_for_anyone_else(cart, shop):
    shop.product("mug", 1000)
    mine = cart.get_user_cart("user-1")
    for call in (
        lambda: cart.get_cart(mine["id"]),
        lambda: cart.get_cart(mine["id"], "user-2"),
        lambda: cart.add_item(mine["id"], "mug", 1, "user-2"),
        lambda: cart.remove_item(mine["id"], "mug", "user-2"),
        lambda: cart.apply_coupon(mine["id"], "X", "user-2"),
        lambda: cart.delete_cart(mine["id"], "user-2"),
        lambda: cart.merge_carts(mine["id"], "user-2"),
    ):
        with pytest.raises(CartNotFound):
            call()
    assert cart.get_cart(mine["id"], "user-1")["id"] == mine["id"]


def test_a_user_has_one_active_cart(cart):
    first = cart.get_user_cart("user-1")
    assert cart.get_user_cart("user-1")["id"] == first["id"]
    assert cart.create_cart("user-1")["id"] == first["id"]
    assert first["user_id"] == "user-1"
    calls = [cart.get_user_cart.call_async("user-9") for _ in range(10)]
    assert len({call.result()["id"] for call in calls}) == 1


def test_an_unknown_or_malformed_cart_id_is_not_found(cart):
    for cart_id in ("no-such-cart", "user:1", "x" * 65):
        with pytest.raises((CartNotFound, ValidationFailed)):
            cart.get_cart(cart_id)


def test_carts_expire_after_their_ttl_refreshed_when_touched(cart, shop, redis_client):
    shop.product("mug", 1000)
    guest = cart.create_cart()["id"]
    user_cart = cart.get_user_cart("user-1")["id"]
    assert GUEST_TTL - 5 <= redis_client.ttl(f"cart:{guest}") <= GUEST_TTL
    assert USER_TTL - 5 <= redis_client.ttl(f"cart:{user_cart}") <= USER_TTL
    assert USER_TTL - 5 <= redis_client.ttl("cart:user:user-1") <= USER_TTL

    redis_client.expire(f"cart:{guest}", 60)
    cart.add_item(guest, "mug", 1)
    assert redis_client.ttl(f"cart:{guest}") > 60
    redis_client.expire(f"cart:{guest}", 60)
    cart.get_cart(guest)
    assert redis_client.ttl(f"cart:{guest}") > 60

    redis_client.pexpire(f"cart:{guest}", 1)
    wait_for(lambda: not redis_client.exists(f"cart:{guest}"), timeout=2)
    with pytest.raises(CartNotFound):
        cart.get_cart(guest)


def test_every_redis_key_of_the_service_is_prefixed_cart(cart, shop, redis_client):
    shop.product("mug", 1000)
    cart.add_item(cart.create_cart()["id"], "mug", 1)
    cart.get_user_cart("user-1")
    assert all(key.startswith("cart:") for key in redis_client.keys("*"))


def test_delete_cart_removes_it_and_the_user_gets_a_fresh_one(cart):
    first = cart.get_user_cart("user-1")["id"]
    cart.delete_cart(first, "user-1")
    with pytest.raises(CartNotFound):
        cart.get_cart(first, "user-1")
    assert cart.get_user_cart("user-1")["id"] != first


def test_clearing_a_cart_empties_lines_and_coupon_and_is_idempotent(cart, shop, redis_client):
    shop.product("mug", 1000)
    cart_id = cart.create_cart()["id"]
    cart.add_item(cart_id, "mug", 1)
    redis_client.hset(f"cart:{cart_id}", "coupon", "SAVE10")
    carts = _carts(redis_client)
    assert carts.clear(cart_id)
    carts.clear(cart_id)
    assert not carts.clear("gone")
    assert not carts.clear("user:someone")  # not a cart id: another kind of key is never touched
    assert cart.get_cart(cart_id)["lines"] == []
    assert redis_client.hget(f"cart:{cart_id}", "coupon") is None


def test_an_order_confirmation_empties_the_cart_it_was_placed_from_once(cart, cart_config, shop):
    from nameko.standalone.events import event_dispatcher

    shop.product("mug", 1000)
    shop.product("pen", 100)
    ordered, other = cart.create_cart()["id"], cart.create_cart()["id"]
    cart.add_item(ordered, "mug", 2)
    cart.add_item(other, "mug", 1)
    dispatch = event_dispatcher(cart_config)
    confirmed = {"event_id": "evt-1", "order_id": "order-1", "total": 2000, "cart_id": ordered}
    dispatch("orders", "order_confirmed", confirmed)
    wait_for(lambda: cart.get_cart(ordered)["lines"] == [], timeout=5)
    assert [line["quantity"] for line in cart.get_cart(other)["lines"]] == [1]
    # the shopper goes on; a redelivered copy of the same event must not empty the new cart
    cart.add_item(ordered, "pen", 1)
    dispatch("orders", "order_confirmed", confirmed)
    dispatch("orders", "order_confirmed", {**confirmed, "event_id": "evt-2", "cart_id": other})
    wait_for(lambda: cart.get_cart(other)["lines"] == [], timeout=5)
    assert [line["product_id"] for line in cart.get_cart(ordered)["lines"]] == ["pen"]


def test_a_cart_that_vanishes_mid_change_is_a_clean_not_found(redis_client):
    from services.cart.carts import StoredCart

    carts = _carts(redis_client)
    cart_id = carts.create().id
    status, quantity, changed = carts.set_line(carts.read(cart_id), "mug", 2, 10, 1000, add=True)
    assert (status, quantity, changed.quantity_of("mug")) == (1, 2, 2)
    # a line removed by another request, then the whole cart gone (merged away, expired)
    with pytest.raises(CartItemNotFound):
        carts.set_line(carts.read(cart_id), "pen", 1, 10, 100, add=False)
    stale = StoredCart(cart_id, {}, 60)
    carts.delete(cart_id)
    with pytest.raises(CartNotFound):
        carts.set_line(stale, "mug", 1, 10, 1000, add=True)


def test_an_event_carts_cannot_read_is_dead_lettered_and_the_service_goes_on(
    cart, cart_config, shop
):
    from nameko.standalone.events import event_dispatcher

    dispatch = event_dispatcher(cart_config)
    dispatch("inventory", "stock_changed", {"product_id": "lamp", "available": 3})  # no version
    letters = wait_for(lambda: cart.list_dead_letters()["data"], timeout=10)
    assert [(letter["event_type"], letter["source_service"]) for letter in letters] == [
        ("stock_changed", "inventory")
    ]
    shop.product("lamp", 4000, stock=3)
    cart_id = cart.create_cart()["id"]
    assert cart.add_item(cart_id, "lamp", 1)["lines"][0]["quantity"] == 1


class TestMerge:
    def test_guest_lines_are_summed_into_the_users_cart_capped_at_stock(self, cart, shop):
        shop.product("mug", 1000, stock=5)
        shop.product("pen", 100, stock=50)
        user_cart = cart.get_user_cart("user-1")["id"]
        cart.add_item(user_cart, "mug", 3, "user-1")
        guest = cart.create_cart()["id"]
        cart.add_item(guest, "mug", 4)
        cart.add_item(guest, "pen", 2)

        merged = cart.merge_carts(guest, "user-1")
        assert merged["id"] == user_cart
        assert {line["product_id"]: line["quantity"] for line in merged["lines"]} == {
            "mug": 5,
            "pen": 2,
        }
        with pytest.raises(CartNotFound):
            cart.get_cart(guest)

    def test_merging_twice_changes_nothing(self, cart, shop):
        shop.product("mug", 1000)
        guest = cart.create_cart()["id"]
        cart.add_item(guest, "mug", 2)
        first = cart.merge_carts(guest, "user-1")
        second = cart.merge_carts(guest, "user-1")
        assert first["lines"] == second["lines"]
        assert second["lines"][0]["quantity"] == 2

    def test_concurrent_merges_of_one_guest_cart_count_it_once(self, cart, shop):
        shop.product("mug", 1000)
        guest = cart.create_cart()["id"]
        cart.add_item(guest, "mug", 2)
        calls = [cart.merge_carts.call_async(guest, "user-1") for _ in range(5)]
        for call in calls:
            call.result()
        assert cart.get_user_cart("user-1")["lines"][0]["quantity"] == 2

    def test_merging_a_cart_into_itself_changes_nothing(self, cart, shop):
        shop.product("mug", 1000)
        mine = cart.get_user_cart("user-1")["id"]
        cart.add_item(mine, "mug", 1, "user-1")
        assert cart.merge_carts(mine, "user-1")["lines"][0]["quantity"] == 1

    def test_merge_dispatches_cart_merged(self, cart, cart_config, shop):
        shop.product("mug", 1000)
        guest = cart.create_cart()["id"]
        cart.add_item(guest, "mug", 1)
        received = []
        listener = listen(cart_config, "cart_merged", received)
        try:
            merged = cart.merge_carts(guest, "user-1")
            wait_for(lambda: received, timeout=5)
        finally:
            listener.kill()
        event = received[0]
        assert {key: event[key] for key in ("guest_cart_id", "cart_id", "user_id")} == {
            "guest_cart_id": guest,
            "cart_id": merged["id"],
            "user_id": "user-1",
        }
        assert event["event_id"] and event["occurred_at"]


def listen(config, event_type, sink):
    """Collect events of the cart service in `sink` from a queue bound before the action."""
    from kombu import Connection, Exchange, Queue

    exchange = Exchange("cart.events", type="topic", durable=True)
    queue = Queue(exclusive=True, exchange=exchange, routing_key=event_type)
    connection = Connection(config["AMQP_URI"])
    connection.connect()
    channel = connection.channel()
    bound = queue(channel)
    bound.declare()

    def consume():
        import json

        while True:
            message = bound.get(no_ack=True)
            if message is not None:
                sink.append(json.loads(message.body))
            eventlet.sleep(0.02)

    thread = eventlet.spawn(consume)

    class Listener:
        def kill(self):
            thread.kill()
            connection.release()

    return Listener()
