"""Sellers own their products, on the whole stack: another seller's product is a 404 for every
write (never revealed), a seller sees the orders holding their products only, admins see and
change everything, and the demo products belong to the demo seller after migrate + seed."""

from __future__ import annotations

import uuid

import pytest

from services.common.demo import DEMO_SELLER_EMAIL, demo_user_id
from tests.e2e.shop import cart_with, new_product, place
from tests.e2e.test_media import photo, upload
from tests.stack import bearer


def keyed(headers: dict) -> dict:
    return {**headers, "Idempotency-Key": uuid.uuid4().hex}


@pytest.fixture(scope="module")
def other_seller(api, admin_headers):
    """A second seller: a registered user an admin promotes, logged in again for a seller's
    token. {"id", "headers"}."""
    email, password = f"seller-{uuid.uuid4().hex[:10]}@example.com", "Correct-horse-42"
    registered = api.post(
        "/api/auth/register",
        json={"email": email, "password": password, "firstName": "Olu", "lastName": "Other"},
    )
    assert registered.status_code == 201, registered.text
    user_id = registered.json()["user"]["id"]
    promoted = api.patch(
        f"/api/admin/users/{user_id}", json={"role": "seller"}, headers=keyed(admin_headers)
    )
    assert promoted.status_code == 200, promoted.text
    login = api.post("/api/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    return {"id": user_id, "headers": bearer(login.json()["accessToken"])}


def writes(api, headers, product_id) -> dict[str, int]:
    """The status of each write a seller may attempt on a product."""
    base = f"/api/products/{product_id}"
    body = {"name": "Taken Over", "categoryId": "cat-desks", "price": "1.00"}
    return {
        "put": api.put(base, headers=keyed(headers), json=body).status_code,
        "patch": api.patch(base, headers=keyed(headers), json={"price": "1.00"}).status_code,
        "image": upload(api, headers, product_id, photo()).status_code,
        "set_stock": api.put(
            f"/api/inventory/{product_id}",
            headers=keyed(headers),
            json={"quantity": 0, "reason": "takeover"},
        ).status_code,
        "adjust_stock": api.post(
            f"/api/inventory/{product_id}/adjust",
            headers=keyed(headers),
            json={"delta": -1, "reason": "takeover"},
        ).status_code,
        "delete": api.delete(base, headers=keyed(headers)).status_code,
    }


def test_a_seller_gets_404_for_every_write_to_another_sellers_product(
    api, seller_headers, other_seller
):
    theirs = new_product(api, seller_headers, price="40.00", stock=6, name="Owned Lamp")
    assert theirs["sellerId"] == demo_user_id(DEMO_SELLER_EMAIL)

    assert writes(api, other_seller["headers"], theirs["id"]) == dict.fromkeys(
        ("put", "patch", "image", "set_stock", "adjust_stock", "delete"), 404
    )
    refused = api.patch(
        f"/api/products/{theirs['id']}", headers=keyed(other_seller["headers"]), json={}
    )
    assert refused.json()["error"] == "PRODUCT_NOT_FOUND"  # as for a product that does not exist

    fresh = api.get(f"/api/products/{theirs['id']}").json()
    assert (fresh["price"], fresh["status"], fresh["images"]) == ("40.00", "active", [])
    stock = api.get(f"/api/inventory/{theirs['id']}", headers=seller_headers).json()
    assert stock["onHand"] == 6


def test_a_seller_makes_every_write_to_their_own_product(api, other_seller):
    mine = new_product(api, other_seller["headers"], stock=3, name="My Own Lamp")
    assert mine["sellerId"] == other_seller["id"]
    assert writes(api, other_seller["headers"], mine["id"]) == {
        "put": 200,
        "patch": 200,
        "image": 202,
        "set_stock": 200,
        "adjust_stock": 409,  # the stock was just set to 0: nothing left to remove
        "delete": 200,
    }
    added = api.post(
        f"/api/inventory/{mine['id']}/adjust",
        headers=keyed(other_seller["headers"]),
        json={"delta": 4, "reason": "delivery"},
    )
    assert added.status_code == 200 and added.json()["onHand"] == 4


def test_an_admin_changes_any_sellers_product(api, admin_headers, seller_headers, other_seller):
    for owner in (seller_headers, other_seller["headers"]):
        product = new_product(api, owner, stock=2, name="Admin Lamp")
        patched = api.patch(
            f"/api/products/{product['id']}", headers=keyed(admin_headers), json={"price": "9.00"}
        )
        assert patched.status_code == 200 and patched.json()["sellerId"] == product["sellerId"]
        adjusted = api.post(
            f"/api/inventory/{product['id']}/adjust",
            headers=keyed(admin_headers),
            json={"delta": 1, "reason": "found one"},
        )
        assert adjusted.status_code == 200 and adjusted.json()["onHand"] == 3


def test_a_sellers_back_office_lists_their_own_products_only(
    api, admin_headers, seller_headers, other_seller
):
    mine = new_product(api, other_seller["headers"], name="Listed Lamp")
    new_product(api, seller_headers, name="Listed Lamp")
    listed = api.get(
        "/api/admin/products", params={"limit": 100}, headers=other_seller["headers"]
    ).json()
    assert {p["sellerId"] for p in listed["data"]} == {other_seller["id"]}
    assert mine["id"] in {p["id"] for p in listed["data"]}
    everything = api.get("/api/admin/products", params={"limit": 100}, headers=admin_headers)
    assert len({p["sellerId"] for p in everything.json()["data"]}) > 1
    one_seller = api.get(
        "/api/admin/products",
        params={"limit": 100, "seller": other_seller["id"]},
        headers=admin_headers,
    ).json()
    assert {p["sellerId"] for p in one_seller["data"]} == {other_seller["id"]}


def test_a_seller_sees_and_moves_only_the_orders_holding_their_products(
    api, admin_headers, seller_headers, other_seller, new_customer
):
    customer = new_customer()
    mine = new_product(api, other_seller["headers"], price="12.00", name="Order Mug")
    theirs = new_product(api, seller_headers, price="14.00", name="Order Mug")
    orders = {}
    for name, product in (("mine", mine), ("theirs", theirs)):
        placed = place(api, customer, cart_with(api, customer, product["id"]), method="cod")
        assert placed.status_code == 201, placed.text
        orders[name] = placed.json()["id"]

    seller = other_seller["headers"]
    listed = api.get("/api/admin/orders", params={"limit": 100}, headers=seller).json()
    assert orders["mine"] in {o["id"] for o in listed["data"]}
    assert orders["theirs"] not in {o["id"] for o in listed["data"]}
    assert all(
        other_seller["id"] in {line["sellerId"] for line in order["lines"]}
        for order in listed["data"]
    )

    assert api.get(f"/api/admin/orders/{orders['mine']}", headers=seller).status_code == 200
    assert api.get(f"/api/admin/orders/{orders['theirs']}", headers=seller).status_code == 404
    assert api.get(f"/api/orders/{orders['theirs']}", headers=seller).status_code == 404
    moved = api.patch(
        f"/api/orders/{orders['theirs']}/status",
        headers=keyed(seller),
        json={"status": "processing"},
    )
    assert moved.status_code == 404 and moved.json()["error"] == "ORDER_NOT_FOUND"
    tracked = api.put(
        f"/api/orders/{orders['theirs']}/tracking",
        headers=keyed(seller),
        json={"carrier": "UPS", "number": "1Z"},
    )
    assert tracked.status_code == 404
    assert api.get(f"/api/orders/{orders['theirs']}", headers=admin_headers).json()["status"] == (
        "confirmed"
    )

    own = api.patch(
        f"/api/orders/{orders['mine']}/status", headers=keyed(seller), json={"status": "processing"}
    )
    assert own.status_code == 200 and own.json()["status"] == "processing"
    every = api.get("/api/admin/orders", params={"limit": 100}, headers=admin_headers).json()
    assert {orders["mine"], orders["theirs"]} <= {o["id"] for o in every["data"]}
    by_seller = api.get(
        "/api/admin/orders",
        params={"limit": 100, "seller": other_seller["id"]},
        headers=admin_headers,
    ).json()
    assert orders["mine"] in {o["id"] for o in by_seller["data"]}
    assert orders["theirs"] not in {o["id"] for o in by_seller["data"]}


def test_the_demo_products_belong_to_the_demo_seller_after_migrate_and_seed(api, seller_headers):
    demo_seller = api.get("/api/auth/profile", headers=seller_headers).json()
    assert demo_seller["id"] == demo_user_id(DEMO_SELLER_EMAIL)
    assert api.get("/api/products/prod-1").json()["sellerId"] == demo_seller["id"]
    listed = api.get("/api/admin/products", params={"ids": "prod-1,prod-2"}, headers=seller_headers)
    assert [p["sellerId"] for p in listed.json()["data"]] == [demo_seller["id"]] * 2
