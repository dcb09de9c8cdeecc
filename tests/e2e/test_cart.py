"""Carts and coupons through the gateway on the whole stack (real catalog and inventory)."""

import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.e2e.shop import new_product
from tests.helpers import wait_for


def test_a_guest_fills_a_cart_within_stock_and_sees_price_changes(api, seller_headers):
    product = new_product(api, seller_headers, price="24.99", stock=5, name="Cart Mug")
    cart = api.post("/api/cart")
    assert cart.status_code == 201, cart.text
    cart_id = cart.json()["id"]

    added = api.post(f"/api/cart/{cart_id}/items", json={"productId": product["id"], "quantity": 2})
    assert added.status_code == 200, added.text
    body = added.json()
    assert body["items"][0]["name"] == product["name"]
    assert (body["subtotal"], body["tax"], body["shipping"], body["total"]) == (
        "49.98",
        "4.00",
        "5.99",
        "59.97",
    )

    too_many = api.post(
        f"/api/cart/{cart_id}/items", json={"productId": product["id"], "quantity": 4}
    )
    assert too_many.status_code == 409
    assert too_many.json()["error"] == "INSUFFICIENT_STOCK"
    assert too_many.json()["details"]["product_id"] == product["id"]

    repriced = api.patch(
        f"/api/products/{product['id']}", headers=seller_headers, json={"price": "19.99"}
    )
    assert repriced.status_code == 200, repriced.text
    # the cart display follows catalog's product_updated announcement
    line = wait_for(
        lambda: next(
            (
                item
                for item in api.get(f"/api/cart/{cart_id}").json()["items"]
                if item["price"] == "19.99"
            ),
            None,
        ),
        timeout=10,
    )
    assert (line["priceChanged"], line["previousPrice"]) == (True, "24.99")


def test_twenty_concurrent_adds_keep_every_unit(api, seller_headers):
    product = new_product(api, seller_headers, price="24.99", stock=100, name="Cart Mug")
    cart_id = api.post("/api/cart").json()["id"]

    def add(_):
        return api.post(
            f"/api/cart/{cart_id}/items", json={"productId": product["id"], "quantity": 1}
        ).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(add, range(20)))
    assert statuses == [200] * 20
    assert api.get(f"/api/cart/{cart_id}").json()["items"][0]["quantity"] == 20


def test_a_coupon_discounts_and_each_refusal_has_its_code(api, seller_headers, admin_headers):
    product = new_product(api, seller_headers, price="60.00", stock=10, name="Cart Mug")
    code = f"E2E{uuid.uuid4().hex[:6]}".upper()
    created = api.post(
        "/api/admin/coupons",
        headers=admin_headers,
        json={"code": code, "type": "percent", "percentOff": 10, "minSubtotal": "100.00"},
    )
    assert created.status_code == 201, created.text
    cart_id = api.post("/api/cart").json()["id"]
    api.post(f"/api/cart/{cart_id}/items", json={"productId": product["id"], "quantity": 1})

    below = api.post(f"/api/cart/{cart_id}/coupon", json={"code": code})
    assert (below.status_code, below.json()["error"]) == (409, "COUPON_MINIMUM_NOT_MET")
    unknown = api.post(f"/api/cart/{cart_id}/coupon", json={"code": "NO-SUCH-CODE"})
    assert unknown.json()["error"] == "COUPON_NOT_FOUND"

    api.put(f"/api/cart/{cart_id}/items/{product['id']}", json={"quantity": 2})
    applied = api.post(f"/api/cart/{cart_id}/coupon", json={"code": code.lower()})
    assert applied.status_code == 200, applied.text
    body = applied.json()
    # 120.00 - 12.00 = 108.00: tax 8.64, free shipping
    assert (body["subtotal"], body["discount"], body["tax"], body["shipping"], body["total"]) == (
        "120.00",
        "12.00",
        "8.64",
        "0.00",
        "116.64",
    )
    assert api.delete(f"/api/admin/coupons/{code}", headers=admin_headers).status_code == 204


def test_signing_in_merges_the_guest_cart_once_and_it_stays_private(
    api, seller_headers, new_customer
):
    product = new_product(api, seller_headers, price="24.99", stock=3, name="Cart Mug")
    guest_id = api.post("/api/cart").json()["id"]
    api.post(f"/api/cart/{guest_id}/items", json={"productId": product["id"], "quantity": 2})
    shopper = new_customer()
    mine = api.get("/api/cart", headers=shopper["headers"]).json()
    api.post(
        f"/api/cart/{mine['id']}/items",
        headers=shopper["headers"],
        json={"productId": product["id"], "quantity": 2},
    )

    merged = api.post("/api/cart/merge", headers=shopper["headers"], json={"guestCartId": guest_id})
    assert merged.status_code == 200, merged.text
    assert merged.json()["id"] == mine["id"]
    assert merged.json()["items"][0]["quantity"] == 3  # 2 + 2 capped at the 3 in stock
    again = api.post("/api/cart/merge", headers=shopper["headers"], json={"guestCartId": guest_id})
    assert again.json()["items"] == merged.json()["items"]
    assert api.get(f"/api/cart/{guest_id}").status_code == 404

    other = new_customer()
    assert api.get(f"/api/cart/{mine['id']}", headers=other["headers"]).status_code == 404
    assert api.get(f"/api/cart/{mine['id']}").status_code == 404
