"""Idempotency-Key on the cart routes through the real gateway, cart service, RabbitMQ, Redis and
Postgres (catalog and inventory stand-ins from conftest): a repeated add adds once."""

import pytest
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port

from gateway.service import GatewayService
from services.common.redis import RedisClient
from tests import tokens


@pytest.fixture
def gateway_config(cart_config):
    # no rate limits: the only Redis calls of a cart write are then the Idempotency-Key's
    return {**cart_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}", "RATE_LIMITS": {}}


@pytest.fixture
def gateway(cart_runner, container_factory, gateway_config):
    container = container_factory(GatewayService, gateway_config)
    replace_dependencies(container, "accounts_rpc")
    container.start()
    return container


@pytest.fixture
def http(gateway, http):
    return http


@pytest.fixture
def customer(config):
    def make(user_id="user-1"):
        return {"Authorization": f"Bearer {tokens.mint(config, sub=user_id, role='customer')}"}

    return make


@pytest.fixture
def round_trips(gateway, monkeypatch):
    """Counts the commands the gateway sends to Redis (script calls included)."""
    shared = next(e for e in gateway.extensions if isinstance(e, RedisClient))
    client, counted = shared.client, []
    send = client.execute_command

    def counting(*args, **options):
        counted.append(args[0])
        return send(*args, **options)

    monkeypatch.setattr(client, "execute_command", counting)
    return counted


def key(value):
    return {"Idempotency-Key": value}


def add(http, cart_id, quantity=2, headers=None):
    return http.post(
        f"/api/cart/{cart_id}/items",
        json={"productId": "mug", "quantity": quantity},
        headers=headers or {},
    )


def test_a_repeated_key_on_a_cart_add_adds_once_and_replays_the_first_answer(http, shop):
    shop.product("mug", 1999)
    cart_id = http.post("/api/cart").json()["id"]
    first = add(http, cart_id, 2, key("add-mug-1"))
    again = add(http, cart_id, 2, key("add-mug-1"))
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    lines = http.get(f"/api/cart/{cart_id}").json()["items"]
    assert [(line["productId"], line["quantity"]) for line in lines] == [("mug", 2)]


def test_without_a_key_a_repeated_add_adds_twice(http, shop):
    shop.product("mug", 1999)
    cart_id = http.post("/api/cart").json()["id"]
    add(http, cart_id, 2)
    assert add(http, cart_id, 2).json()["items"][0]["quantity"] == 4


def test_the_same_key_with_another_quantity_is_409_and_changes_nothing(http, shop, customer):
    shop.product("mug", 1999)
    me = customer()
    cart_id = http.post("/api/cart", headers=me).json()["id"]
    add(http, cart_id, 2, {**me, **key("add-mug")})
    refused = add(http, cart_id, 3, {**me, **key("add-mug")})
    assert (refused.status_code, refused.json()["error"]) == (409, "IDEMPOTENCY_KEY_REUSED")
    assert http.get("/api/cart", headers=me).json()["items"][0]["quantity"] == 2


def test_two_users_with_the_same_key_each_add_to_their_own_cart(http, shop, customer):
    shop.product("mug", 1999)
    one, two = customer("user-1"), customer("user-2")
    cart_one = http.post("/api/cart", headers=one).json()["id"]
    cart_two = http.post("/api/cart", headers=two).json()["id"]
    add(http, cart_one, 1, {**one, **key("same-key")})
    theirs = add(http, cart_two, 1, {**two, **key("same-key")})
    assert theirs.status_code == 200 and "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["id"] == cart_two
    assert http.get("/api/cart", headers=two).json()["items"][0]["quantity"] == 1


def test_a_guest_cannot_replay_another_guests_answer(http, shop):
    shop.product("mug", 1999)
    mine, theirs = http.post("/api/cart").json()["id"], http.post("/api/cart").json()["id"]
    add(http, theirs, 5, key("guessable"))
    answer = add(http, mine, 5, key("guessable"))
    assert "Idempotent-Replayed" not in answer.headers
    assert answer.json()["id"] == mine and answer.json()["items"][0]["quantity"] == 5
    # a guest's new cart is not keyed: its id is the capability another guest must not receive
    first = http.post("/api/cart", headers=key("new-cart"))
    second = http.post("/api/cart", headers=key("new-cart"))
    assert first.json()["id"] != second.json()["id"]
    assert "Idempotent-Replayed" not in second.headers


def test_a_keyed_write_costs_two_redis_round_trips_and_an_unkeyed_one_none(http, shop, round_trips):
    shop.product("mug", 1999)
    cart_id = http.post("/api/cart").json()["id"]
    round_trips.clear()
    add(http, cart_id, 1)
    assert round_trips == []
    add(http, cart_id, 1, key("counted"))
    assert len(round_trips) == 2  # the claim and the stored answer, one script call each
    round_trips.clear()
    add(http, cart_id, 1, key("counted"))
    assert len(round_trips) == 1  # a replay: the claim finds the stored answer
