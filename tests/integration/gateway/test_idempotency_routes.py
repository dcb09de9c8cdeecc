"""Idempotency-Key through a real gateway container, RabbitMQ and Redis, with the cart service's
proxy replaced (another service, docs/architecture.md#test-tiers): what happens while the first
request runs, when it fails, and when it is refused."""

import eventlet
import pytest
from eventlet.event import Event
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port

from gateway.service import GatewayService
from services.cart.exceptions import InsufficientStock
from services.common.errors import ServiceUnavailable

CART = {
    "id": "cart-1",
    "items": [],
    "coupon": None,
    "coupon_error": None,
    "subtotal": 0,
    "discount": 0,
    "tax": 0,
    "shipping": 0,
    "total": 0,
    "free_shipping_threshold": 10000,
    "free_shipping_remaining": 10000,
    "currency": "USD",
    "expires_at": "2026-12-08T00:00:00+00:00",
}


@pytest.fixture
def gateway_config(service_config, redis_client):
    return {**service_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}"}


@pytest.fixture
def cart_rpc(container_factory, gateway_config):
    container = container_factory(GatewayService, gateway_config)
    proxy = replace_dependencies(container, "cart_rpc")
    container.start()
    return proxy


def add(http, key="k-1", quantity=1):
    return http.post(
        "/api/cart/cart-1/items",
        json={"productId": "mug", "quantity": quantity},
        headers={"Idempotency-Key": key},
    )


def test_a_repeat_while_the_first_still_runs_is_a_409_in_flight(cart_rpc, http):
    started, release = Event(), Event()

    def slow_add(*args):
        started.send()
        release.wait()
        return CART

    cart_rpc.add_item.side_effect = slow_add
    first = eventlet.spawn(add, http)
    started.wait()
    with http.__class__() as other:  # a second connection, as a double click would open
        repeat = add(other)
    assert (repeat.status_code, repeat.json()["error"]) == (409, "REQUEST_IN_FLIGHT")
    release.send()
    assert first.wait().status_code == 200
    assert cart_rpc.add_item.call_count == 1


def test_an_unexpected_failure_frees_the_key_and_the_retry_runs(cart_rpc, http):
    cart_rpc.add_item.side_effect = [KeyError("boom"), CART]
    failed = add(http)
    assert (failed.status_code, failed.json()["error"]) == (500, "INTERNAL_ERROR")
    retried = add(http)
    assert retried.status_code == 200 and "Idempotent-Replayed" not in retried.headers
    assert cart_rpc.add_item.call_count == 2


def test_a_503_frees_the_key_and_the_retry_runs(cart_rpc, http):
    cart_rpc.add_item.side_effect = [ServiceUnavailable("cart is down"), CART]
    assert add(http).status_code == 503
    assert add(http).status_code == 200
    assert cart_rpc.add_item.call_count == 2


def test_an_expected_refusal_is_replayed_without_asking_again(cart_rpc, http):
    cart_rpc.add_item.side_effect = InsufficientStock("only 1 left", {"available": 1})
    first = add(http, quantity=3)
    again = add(http, quantity=3)
    assert first.status_code == again.status_code == 409
    assert again.json()["error"] == "INSUFFICIENT_STOCK"
    assert again.json()["details"] == first.json()["details"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert cart_rpc.add_item.call_count == 1


def test_a_body_the_route_refuses_does_not_use_up_the_key(cart_rpc, http):
    cart_rpc.add_item.return_value = CART
    assert add(http, quantity=0).status_code == 400
    assert add(http, quantity=1).status_code == 200  # same key, now a valid request


def test_an_over_long_key_is_a_400_naming_the_header(cart_rpc, http):
    response = add(http, key="k" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["details"]["fields"]
    cart_rpc.add_item.assert_not_called()
