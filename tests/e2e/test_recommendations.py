"""Recommendations through the whole stack: orders become "customers also bought", a product
nobody bought yet is offered similar ones, an archived product leaves every list, and a guest's
recently viewed products follow them into their account.

Every read here is anonymous unless it says otherwise, so it goes through the gateway's response
cache: a wait that ends proves the cache let go of the old answer when the recommendations service
announced `recommendations_changed` (every second in the e2e stack).
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import procfile_entries
from tests.e2e.shop import buy_together, ids_of, new_product, recommended
from tests.helpers import wait_for

pytestmark = pytest.mark.skipif(
    "recommendations" not in procfile_entries(),
    reason="E2E_SERVICES leaves out the recommendations service",
)

# events, a catalog RPC per product, then the debounced announcement: seconds, not minutes
SETTLE = 30


def test_a_third_customer_opening_a_is_offered_b_after_two_bought_a_with_b(
    api, seller_headers, new_customer
):
    a = new_product(api, seller_headers, name="E2E Kettle", stock=10)
    b = new_product(api, seller_headers, name="E2E Teapot", stock=10)
    for _ in range(2):
        buy_together(api, new_customer(), [a["id"], b["id"]])

    def offered():
        body = recommended(api, a["id"])
        return body if b["id"] in ids_of(body) and body["meta"]["source"] == "also_bought" else None

    body = wait_for(offered, timeout=SETTLE, interval=0.5)
    card = body["data"][ids_of(body).index(b["id"])]
    assert (card["slug"], card["price"], card["currency"]) == (b["slug"], "30.00", "USD")
    assert a["id"] not in ids_of(body)  # never the product itself
    # the same answer for the signed-in shopper, who is always served fresh
    customer = new_customer()
    assert b["id"] in ids_of(recommended(api, a["id"], headers=customer["headers"]))


def test_new_product_falls_back_to_similar(api, seller_headers):
    lonely = new_product(api, seller_headers, name="E2E Lonely desk", price="120.00")
    sibling = new_product(api, seller_headers, name="E2E Sibling desk", price="125.00")

    def similar():
        body = recommended(api, lonely["id"], limit=24)
        return body if sibling["id"] in ids_of(body) else None

    body = wait_for(similar, timeout=SETTLE, interval=0.5)
    assert body["meta"] == {"source": "similar", "kind": "also_bought", "limit": 24}
    assert lonely["id"] not in ids_of(body)


def test_archived_b_disappears_from_a(api, seller_headers, new_customer):
    a = new_product(api, seller_headers, name="E2E Desk", stock=10)
    b = new_product(api, seller_headers, name="E2E Desk mat", stock=10)
    buy_together(api, new_customer(), [a["id"], b["id"]])
    wait_for(lambda: b["id"] in ids_of(recommended(api, a["id"])), timeout=SETTLE, interval=0.5)

    archived = api.delete(f"/api/products/{b['id']}", headers=seller_headers)
    assert archived.status_code == 200, archived.text

    wait_for(
        lambda: b["id"] not in ids_of(recommended(api, a["id"], limit=24)),
        timeout=SETTLE,
        interval=0.5,
    )
    assert b["id"] not in ids_of(recommended(api, a["id"], kind="similar", limit=24))


def test_recently_viewed_follows_a_guest_into_their_account(api, seller_headers, new_customer):
    first = new_product(api, seller_headers, name="E2E Lamp shade")
    second = new_product(api, seller_headers, name="E2E Bulb")
    guest_cart = api.post("/api/cart").json()["id"]

    def view(product):
        response = api.post(
            "/api/recently-viewed", json={"productId": product["id"], "cartId": guest_cart}
        )
        # the service knows a product once it has applied catalog's product_created
        assert response.status_code in (204, 404), response.text
        return response.status_code == 204

    wait_for(lambda: view(first), timeout=SETTLE, interval=0.3)
    wait_for(lambda: view(second), timeout=SETTLE, interval=0.3)
    as_guest = api.get("/api/recently-viewed", params={"cartId": guest_cart})
    assert as_guest.status_code == 200, as_guest.text
    assert ids_of(as_guest.json())[:2] == [second["id"], first["id"]]

    customer = new_customer()
    assert api.post("/api/cart", headers=customer["headers"]).status_code == 201
    merged = api.post(
        "/api/cart/merge", headers=customer["headers"], json={"guestCartId": guest_cart}
    )
    assert merged.status_code == 200, merged.text

    def as_user():
        response = api.get("/api/recently-viewed", headers=customer["headers"])
        assert response.status_code == 200, response.text
        return ids_of(response.json()) == [second["id"], first["id"]]

    wait_for(as_user, timeout=SETTLE, interval=0.3)
    # the guest's own list went with them
    left = api.get("/api/recently-viewed", params={"cartId": guest_cart}).json()
    assert left["data"] == []
