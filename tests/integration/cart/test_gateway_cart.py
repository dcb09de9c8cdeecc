"""The cart and coupon routes through the real gateway, cart service, RabbitMQ, Redis, Postgres
(catalog and inventory stand-ins from conftest)."""

import pytest
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port

from gateway.service import GatewayService
from tests import tokens

CART_KEYS = {
    "id",
    "items",
    "coupon",
    "couponError",
    "subtotal",
    "discount",
    "tax",
    "shipping",
    "total",
    "freeShippingThreshold",
    "freeShippingRemaining",
    "currency",
    "expiresAt",
}
ITEM_KEYS = {
    "productId",
    "name",
    "price",
    "quantity",
    "image",
    "lineTotal",
    "priceChanged",
    "previousPrice",
    "available",
}


@pytest.fixture
def gateway_config(cart_config):
    return {
        **cart_config,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}",
        "RATE_LIMITS": {name: {"limit": 10000, "window": 60} for name in ("auth", "read", "write")},
    }


@pytest.fixture
def http(cart_runner, container_factory, gateway_config, http):
    """The shared session (tests/integration/conftest.py) on a gateway started for the test."""
    container = container_factory(GatewayService, gateway_config)
    replace_dependencies(container, "accounts_rpc")
    container.start()
    return http


@pytest.fixture
def customer(config):
    def make(user_id="user-1", role="customer"):
        return {"Authorization": f"Bearer {tokens.mint(config, sub=user_id, role=role)}"}

    return make


def test_a_guest_builds_a_priced_cart(http, shop):
    shop.product("mug", 1999)
    created = http.post("/api/cart")
    assert created.status_code == 201
    cart_id = created.json()["id"]
    added = http.post(f"/api/cart/{cart_id}/items", json={"productId": "mug", "quantity": 2})
    assert added.status_code == 200
    body = added.json()
    assert set(body) == CART_KEYS and set(body["items"][0]) == ITEM_KEYS
    assert body["items"][0]["price"] == "19.99" and body["items"][0]["lineTotal"] == "39.98"
    assert (body["subtotal"], body["tax"], body["shipping"], body["total"]) == (
        "39.98",
        "3.20",
        "5.99",
        "49.17",
    )
    assert (body["freeShippingThreshold"], body["freeShippingRemaining"]) == ("100.00", "60.02")
    changed = http.put(f"/api/cart/{cart_id}/items/mug", json={"quantity": 5})
    assert changed.json()["items"][0]["quantity"] == 5
    removed = http.delete(f"/api/cart/{cart_id}/items/mug")
    assert removed.status_code == 200 and removed.json()["items"] == []
    assert http.delete(f"/api/cart/{cart_id}").status_code == 204
    assert http.get(f"/api/cart/{cart_id}").json()["error"] == "CART_NOT_FOUND"


def test_bad_bodies_are_400_and_stock_conflicts_are_409(http, shop):
    shop.product("lamp", 4000, stock=1, name="Desk lamp")
    cart_id = http.post("/api/cart").json()["id"]
    bad = http.post(f"/api/cart/{cart_id}/items", json={"productId": "lamp", "quantity": 0})
    assert bad.status_code == 400 and "quantity" in bad.json()["details"]["fields"]
    short = http.post(f"/api/cart/{cart_id}/items", json={"productId": "lamp", "quantity": 2})
    assert short.status_code == 409
    assert short.json()["error"] == "INSUFFICIENT_STOCK"
    assert short.json()["details"]["name"] == "Desk lamp"
    gone = http.post(f"/api/cart/{cart_id}/items", json={"productId": "nope", "quantity": 1})
    assert (gone.status_code, gone.json()["error"]) == (409, "PRODUCT_UNAVAILABLE")


def test_the_users_cart_needs_a_token_and_is_a_404_for_others(http, customer):
    assert http.get("/api/cart").status_code == 401
    mine = http.get("/api/cart", headers=customer("user-1")).json()
    assert http.post("/api/cart", headers=customer("user-1")).json()["id"] == mine["id"]
    for headers in ({}, customer("user-2")):
        response = http.get(f"/api/cart/{mine['id']}", headers=headers)
        assert (response.status_code, response.json()["error"]) == (404, "CART_NOT_FOUND")


def test_sign_in_merges_the_guest_cart(http, shop, customer):
    shop.product("mug", 1000)
    guest = http.post("/api/cart").json()["id"]
    http.post(f"/api/cart/{guest}/items", json={"productId": "mug", "quantity": 3})
    merged = http.post("/api/cart/merge", json={"guestCartId": guest}, headers=customer())
    assert merged.status_code == 200 and merged.json()["items"][0]["quantity"] == 3
    again = http.post("/api/cart/merge", json={"guestCartId": guest}, headers=customer())
    assert again.json()["items"] == merged.json()["items"]


def test_admins_manage_coupons_and_shoppers_see_each_refusal_code(http, shop, customer):
    admin = customer("admin-1", "admin")
    assert http.post("/api/admin/coupons", json={}, headers=customer()).status_code == 403
    created = http.post(
        "/api/admin/coupons",
        headers=admin,
        json={"code": "save10", "type": "percent", "percentOff": 10},
    )
    assert created.status_code == 201 and created.json()["code"] == "SAVE10"
    big = http.post(
        "/api/admin/coupons",
        headers=admin,
        json={"code": "BIG5", "type": "fixed", "amountOff": "5.00", "minSubtotal": "100.00"},
    )
    assert big.json()["amountOff"] == "5.00" and big.json()["minSubtotal"] == "100.00"
    http.post(
        "/api/admin/coupons",
        headers=admin,
        json={
            "code": "OLD",
            "type": "percent",
            "percentOff": 5,
            "startsAt": "2020-01-01T00:00:00Z",
            "endsAt": "2020-02-01T00:00:00Z",
        },
    )
    assert http.get("/api/admin/coupons", headers=admin).json()["meta"]["total"] == 3
    updated = http.put("/api/admin/coupons/SAVE10", headers=admin, json={"percentOff": 15})
    assert updated.json()["percentOff"] == 15

    shop.product("mug", 2500)
    cart_id = http.post("/api/cart").json()["id"]
    http.post(f"/api/cart/{cart_id}/items", json={"productId": "mug", "quantity": 2})
    for code, status, error in [
        ("NOPE", 404, "COUPON_NOT_FOUND"),
        ("OLD", 400, "COUPON_EXPIRED"),
        ("BIG5", 409, "COUPON_MINIMUM_NOT_MET"),
    ]:
        response = http.post(f"/api/cart/{cart_id}/coupon", json={"code": code})
        assert (response.status_code, response.json()["error"]) == (status, error)
    applied = http.post(f"/api/cart/{cart_id}/coupon", json={"code": "save10"}).json()
    assert applied["coupon"] == {
        "code": "SAVE10",
        "type": "percent",
        "percentOff": 15,
        "amountOff": None,
    }
    assert applied["discount"] == "7.50"
    assert http.delete(f"/api/cart/{cart_id}/coupon").json()["coupon"] is None
    assert http.delete("/api/admin/coupons/OLD", headers=admin).status_code == 204


def test_a_guest_reads_the_storefront_terms_from_the_cart_config(http):
    first = http.get("/api/storefront/config")
    assert first.status_code == 200
    assert first.json() == {
        "currency": "USD",
        "freeShippingThreshold": "100.00",
        "flatShipping": "5.99",
        "maxPerLine": 10,
        "fewLeft": 5,
    }
    # on every home page: served from the gateway's response cache after the first read
    assert http.get("/api/storefront/config").headers.get("X-Cache") == "HIT"
