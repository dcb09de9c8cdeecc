"""Idempotency-Key through the whole stack: a retried cart add and a retried review are the first
answer, not a second add or REVIEW_EXISTS."""

from __future__ import annotations

import uuid

from tests.e2e.shop import new_product


def keyed(headers: dict | None = None) -> dict:
    return {**(headers or {}), "Idempotency-Key": uuid.uuid4().hex}


def test_a_guests_retried_cart_add_adds_once_and_gets_the_first_answer(api, seller_headers):
    product = new_product(api, seller_headers, price="12.00", stock=10, name="Idem Mug")
    cart_id = api.post("/api/cart").json()["id"]
    headers, line = keyed(), {"productId": product["id"], "quantity": 2}
    first = api.post(f"/api/cart/{cart_id}/items", headers=headers, json=line)
    again = api.post(f"/api/cart/{cart_id}/items", headers=headers, json=line)
    assert first.status_code == again.status_code == 200, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    items = api.get(f"/api/cart/{cart_id}").json()["items"]
    assert [(i["productId"], i["quantity"]) for i in items] == [(product["id"], 2)]
    other = api.post(f"/api/cart/{cart_id}/items", headers=headers, json={**line, "quantity": 3})
    assert (other.status_code, other.json()["error"]) == (409, "IDEMPOTENCY_KEY_REUSED")


def test_a_retried_review_is_the_first_answer_not_review_exists(api, seller_headers, new_customer):
    product = new_product(api, seller_headers, price="9.00", stock=3, name="Idem Teapot")
    shopper = new_customer()
    body = {
        "productId": product["id"],
        "rating": 5,
        "title": "Pours well",
        "content": "No drips at all, and it keeps the tea warm.",
    }
    headers = keyed(shopper["headers"])
    first = api.post("/api/reviews", headers=headers, json=body)
    again = api.post("/api/reviews", headers=headers, json=body)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    unkeyed = api.post("/api/reviews", headers=shopper["headers"], json=body)
    assert (unkeyed.status_code, unkeyed.json()["error"]) == (409, "REVIEW_EXISTS")
