"""The reminder index `cart:touched` on real Redis, kept by the cart's own Lua scripts; the sweep
in the running cart service (real RabbitMQ, PostgreSQL, Redis; accounts a stand-in service)
announcing `cart_abandoned` once; and what one cart request costs in Redis commands."""

from datetime import UTC, datetime, timedelta

import pytest
from nameko.rpc import rpc
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_waiter
from sqlalchemy import text

from services.cart.carts import TOUCHED, RedisCarts, register_scripts
from services.cart.domain import CartSettings, PricingSettings
from services.cart.service import CartService
from services.common.clock import iso
from services.common.redis import RedisClient
from tests.helpers import engine_for, wait_for
from tests.integration.cart.conftest import FakeCatalog, FakeInventory
from tests.integration.cart.test_carts import listen
from tests.unit.fakes import FakeClock

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
EPOCH_NOW = int(NOW.timestamp())


@pytest.fixture
def clock():
    return FakeClock(NOW)


@pytest.fixture
def carts(redis_client, clock):
    """`RedisCarts` straight on Redis, as the service's `CartStore` injects it, on a test clock."""
    return RedisCarts(
        redis_client, register_scripts(redis_client), CartSettings(), PricingSettings(), clock
    )


def indexed(redis_client):
    return dict(redis_client.zrange(TOUCHED, 0, -1, withscores=True))


def owned_cart(carts, user_id="ann", *products):
    cart = carts.read(carts.user_cart_id(user_id))
    for product in products:
        _, _, cart = carts.set_line(cart, product, 1, 10, 500, add=True)
    return cart


class TestTheScriptsKeepTheIndex:
    def test_an_owned_cart_is_marked_by_each_change_and_a_guest_cart_never(
        self, carts, redis_client, clock
    ):
        guest = carts.create()
        carts.set_line(guest, "mug", 1, 10, 500, add=True)
        mine = carts.read(carts.user_cart_id("ann"))
        assert indexed(redis_client) == {}
        carts.set_line(mine, "mug", 1, 10, 500, add=True)
        assert indexed(redis_client) == {mine.id: EPOCH_NOW}
        clock.advance(minutes=5)
        carts.set_coupon(mine, "SAVE10")
        assert indexed(redis_client) == {mine.id: EPOCH_NOW + 300}
        assert redis_client.hget(f"cart:{mine.id}", "touched") == str(EPOCH_NOW + 300)

    def test_reading_a_cart_leaves_its_mark(self, carts, redis_client, clock):
        mine = owned_cart(carts, "ann", "mug")
        clock.advance(hours=1)
        carts.read(mine.id)
        assert indexed(redis_client) == {mine.id: EPOCH_NOW}

    def test_removing_a_line_marks_the_cart_and_removing_the_last_takes_it_out(
        self, carts, redis_client, clock
    ):
        mine = owned_cart(carts, "ann", "mug", "pen")
        clock.advance(minutes=1)
        carts.remove_line(mine, "mug")
        assert indexed(redis_client) == {mine.id: EPOCH_NOW + 60}
        carts.remove_line(mine, "pen")
        assert indexed(redis_client) == {}
        carts.set_coupon(mine, "SAVE10")
        assert indexed(redis_client) == {}

    def test_clearing_for_an_order_takes_the_cart_out_once(self, carts, redis_client):
        mine = owned_cart(carts, "ann", "mug")
        assert carts.clear(mine.id, "event-1")
        assert indexed(redis_client) == {}
        carts.set_line(carts.read(mine.id), "pen", 1, 10, 100, add=True)
        # the same event again empties nothing, and the new line keeps the cart indexed
        assert not carts.clear(mine.id, "event-1")
        assert list(indexed(redis_client)) == [mine.id]

    def test_merging_marks_the_user_cart(self, carts, redis_client, clock):
        guest = carts.create()
        carts.set_line(guest, "mug", 2, 10, 500, add=True)
        mine = carts.read(carts.user_cart_id("ann"))
        clock.advance(minutes=2)
        assert carts.merge(guest.id, mine.id, {"mug": 10}, None)
        assert indexed(redis_client) == {mine.id: EPOCH_NOW + 120}

    def test_deleting_a_cart_takes_it_out(self, carts, redis_client):
        mine = owned_cart(carts, "ann", "mug")
        assert carts.delete(mine.id)
        assert indexed(redis_client) == {}

    def test_the_sweeper_moves_or_removes_a_mark_only_if_the_cart_did_not_change_since(
        self, carts, redis_client, clock
    ):
        mine = owned_cart(carts, "ann", "mug")
        (peeked,) = carts.peek([mine.id])
        assert (peeked.mark, peeked.touched_at, peeked.cart.user_id) == (EPOCH_NOW, NOW, "ann")
        clock.advance(seconds=10)
        carts.set_line(carts.read(mine.id), "mug", 1, 10, 500, add=True)
        assert not carts.forget(peeked)
        assert not carts.reschedule(peeked, NOW + timedelta(days=7))
        assert indexed(redis_client) == {mine.id: EPOCH_NOW + 10}
        (again,) = carts.peek([mine.id])
        assert carts.reschedule(again, NOW + timedelta(days=7))
        assert indexed(redis_client) == {mine.id: EPOCH_NOW + 7 * 86400}
        (moved,) = carts.peek([mine.id])
        assert carts.forget(moved) and indexed(redis_client) == {}

    def test_peeking_refreshes_no_time_to_live_and_tells_a_gone_cart(self, carts, redis_client):
        mine = owned_cart(carts, "ann", "mug")
        redis_client.expire(f"cart:{mine.id}", 100)
        redis_client.zadd(TOUCHED, {"gone-cart": 1})
        kept, gone = carts.peek([mine.id, "gone-cart"])
        assert redis_client.ttl(f"cart:{mine.id}") <= 100
        assert kept.cart.lines[0].product_id == "mug"
        assert (gone.mark, gone.cart) == (1, None)

    def test_only_one_sweep_holds_the_claim(self, carts, redis_client):
        other = RedisCarts(
            redis_client, carts.scripts, CartSettings(), PricingSettings(), carts.clock
        )
        assert carts.claim_sweep(30)
        assert not other.claim_sweep(30)
        other.end_sweep()
        assert redis_client.exists("cart:reminder:lock")
        carts.end_sweep()
        assert other.claim_sweep(30)


# -- the sweep in the running service ----------------------------------------------------------

ACCEPTING: set[str] = set()
ASKED: list[list[str]] = []


class FakeAccounts:
    name = "accounts"

    @rpc
    def reminder_preferences(self, user_ids):
        ASKED.append(list(user_ids))
        return [user_id for user_id in user_ids if user_id in ACCEPTING]


@pytest.fixture
def sweeping_config(cart_config):
    return {
        **cart_config,
        "CART": {
            **cart_config["CART"],
            "reminder_after": 3600,
            "reminder_period": 604800,
            "reminder_interval": 0.1,
            "reminder_batch": 50,
        },
    }


@pytest.fixture
def sweeping(runner_factory, sweeping_config, shop):
    ACCEPTING.clear()
    ASKED.clear()
    shop.config = sweeping_config
    runner = runner_factory(sweeping_config, CartService, FakeCatalog, FakeInventory, FakeAccounts)
    runner.start()
    container = next(c for c in runner.containers if c.service_name == "cart")
    with ServiceRpcProxy("cart", sweeping_config, timeout=15) as proxy:
        yield proxy, container
    ACCEPTING.clear()
    ASKED.clear()


def idle(redis_client, cart_id, seconds):
    """The cart was last changed `seconds` ago (its mark and its `touched` field)."""
    then = int(datetime.now(UTC).timestamp()) - seconds
    redis_client.hset(f"cart:{cart_id}", "touched", then)
    redis_client.zadd(TOUCHED, {cart_id: then})
    return then


def reminders(config):
    with engine_for(config, "cart").connect() as conn:
        return conn.execute(
            text("SELECT cart_id, user_id, lines, subtotal, recovered_order_id FROM cart_reminders")
        ).all()


def test_an_idle_cart_is_announced_once_over_two_more_ticks(
    sweeping, sweeping_config, shop, redis_client
):
    cart, container = sweeping
    shop.product("mug", 1250)
    ACCEPTING.add("ann")
    cart_id = cart.get_user_cart("ann")["id"]
    cart.add_item(cart_id, "mug", 2, "ann")
    received: list[dict] = []
    listener = listen(sweeping_config, "cart_abandoned", received)
    try:
        then = idle(redis_client, cart_id, 3601)
        wait_for(lambda: received, timeout=10)
        for _ in range(2):
            with entrypoint_waiter(container, "remind_abandoned", timeout=5):
                pass
    finally:
        listener.kill()
    (event,) = received
    assert {key: event[key] for key in ("cart_id", "user_id", "touched_at", "lines")} == {
        "cart_id": cart_id,
        "user_id": "ann",
        "touched_at": iso(datetime.fromtimestamp(then, UTC)),
        "lines": [{"product_id": "mug", "quantity": 2}],
    }
    assert reminders(sweeping_config) == [(cart_id, "ann", 1, 2500, None)]
    assert indexed(redis_client) == {}
    assert ASKED == [["ann"]]


def test_a_cart_not_idle_long_enough_or_of_an_opted_out_user_is_not_announced(
    sweeping, sweeping_config, shop, redis_client
):
    cart, container = sweeping
    shop.product("mug", 1250)
    fresh = cart.get_user_cart("ann")["id"]
    cart.add_item(fresh, "mug", 1, "ann")
    opted_out = cart.get_user_cart("bob")["id"]
    cart.add_item(opted_out, "mug", 1, "bob")
    idle(redis_client, opted_out, 7200)
    wait_for(lambda: ASKED, timeout=10)
    with entrypoint_waiter(container, "remind_abandoned", timeout=5):
        pass
    assert ASKED == [["bob"]]
    assert reminders(sweeping_config) == []
    assert list(indexed(redis_client)) == [fresh]


def test_the_order_from_a_reminded_cart_recovers_it_and_the_figures_count_it(
    sweeping, sweeping_config, shop, redis_client
):
    from nameko.standalone.events import event_dispatcher

    cart, container = sweeping
    shop.product("mug", 1250)
    ACCEPTING.add("ann")
    cart_id = cart.get_user_cart("ann")["id"]
    cart.add_item(cart_id, "mug", 2, "ann")
    idle(redis_client, cart_id, 3601)
    wait_for(lambda: reminders(sweeping_config), timeout=10)
    confirmed = {
        "event_id": "event-1",
        "order_id": "order-1",
        "cart_id": cart_id,
        "user_id": "ann",
        "lines": [],
    }
    for _ in range(2):
        with entrypoint_waiter(container, "handle_order_confirmed", timeout=10):
            event_dispatcher(sweeping_config)("orders", "order_confirmed", confirmed)
    assert reminders(sweeping_config) == [(cart_id, "ann", 1, 2500, "order-1")]
    assert cart.get_cart(cart_id, "ann")["lines"] == []
    assert cart.reminder_stats(30) == {
        "sent": 1,
        "recovered": 1,
        "recovery_rate": 1.0,
        "recovered_carts_value": 2500,
        "currency": "USD",
    }


# -- what a cart request costs in Redis --------------------------------------------------------


@pytest.fixture
def sent(cart_runner, monkeypatch):
    """The commands the cart service sends to Redis (a script call is one EVALSHA)."""
    container = next(c for c in cart_runner.containers if c.service_name == "cart")
    shared = next(e for e in container.extensions if isinstance(e, RedisClient))
    client, counted = shared.client, []
    send = client.execute_command

    def counting(*args, **options):
        counted.append(args[0])
        return send(*args, **options)

    monkeypatch.setattr(client, "execute_command", counting)
    return counted


def test_keeping_the_index_adds_no_redis_command_to_a_cart_request(cart, shop, sent):
    """The same commands as before the index (measured on the commit before it): the ZADD or
    ZREM runs inside the script a change already made."""
    shop.product("mug", 1000)
    shop.product("pen", 100)
    cart_id = cart.get_user_cart("ann")["id"]
    cart.add_item(cart_id, "mug", 1, "ann")
    cart.add_item(cart_id, "pen", 1, "ann")
    costs = {}
    for name, request in [
        ("add", lambda: cart.add_item(cart_id, "mug", 1, "ann")),
        ("update", lambda: cart.update_item(cart_id, "mug", 3, "ann")),
        ("get", lambda: cart.get_cart(cart_id, "ann")),
        ("remove", lambda: cart.remove_item(cart_id, "pen", "ann")),
    ]:
        sent.clear()
        request()
        costs[name] = list(sent)
    assert costs == {
        "add": ["EVALSHA", "MGET", "EVALSHA"],
        "update": ["EVALSHA", "MGET", "EVALSHA"],
        "get": ["EVALSHA", "MGET"],
        "remove": ["EVALSHA", "EVALSHA", "EVALSHA", "MGET"],
    }
