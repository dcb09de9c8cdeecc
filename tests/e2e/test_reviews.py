"""Reviews through the gateway on the whole stack: a verified buyer reviews, moderation (the real
offline classifier) publishes, and the catalog's rating of the product follows."""

from __future__ import annotations

import uuid

from tests.e2e.shop import cart_with, new_product, place
from tests.helpers import wait_for


def buy(api, customer, product_id):
    """A cash-on-delivery order, confirmed at once: the customer has purchased the product."""
    placed = place(api, customer, cart_with(api, customer, product_id), method="cod")
    assert placed.status_code == 201, placed.text
    assert placed.json()["status"] == "confirmed"


def review(api, customer, product_id, rating, title, content):
    response = api.post(
        "/api/reviews",
        headers=customer["headers"],
        json={"productId": product_id, "rating": rating, "title": title, "content": content},
    )
    assert response.status_code == 201, response.text
    return response.json()


def settled(api, customer, review_id):
    def check():
        current = api.get(f"/api/reviews/{review_id}", headers=customer["headers"]).json()
        return current if current.get("status") != "pending" else None

    return wait_for(check, timeout=20, interval=0.2)


def product_rating(api, product_id):
    # a fresh query string each time: the public product GET is cached by the gateway
    product = api.get(f"/api/products/{product_id}?fresh={uuid.uuid4().hex}").json()
    return product["ratingAverage"], product["ratingCount"]


def test_a_verified_buyers_review_is_published_and_the_products_rating_changes(
    api, seller_headers, new_customer
):
    product = new_product(api, seller_headers, price="25.00", stock=10, name="Review Kettle")
    buyer = new_customer()
    buy(api, buyer, product["id"])

    submitted = review(
        api, buyer, product["id"], 4, "Great kettle", "Boils quickly and looks nice on the counter."
    )
    assert submitted["status"] == "pending"
    assert submitted["verifiedPurchase"] is True

    assert settled(api, buyer, submitted["id"])["status"] == "published"
    listing = api.get(f"/api/reviews/product/{product['id']}").json()
    assert [r["id"] for r in listing["data"]] == [submitted["id"]]
    assert listing["summary"]["average"] == 4.0 and listing["summary"]["count"] == 1
    assert listing["summary"]["distribution"]["4"] == 1
    wait_for(lambda: product_rating(api, product["id"]) == (4.0, 1), timeout=20, interval=0.2)


def test_a_flagged_review_stays_private_until_an_admin_approves_it(
    api, seller_headers, admin_headers, new_customer
):
    product = new_product(api, seller_headers, price="25.00", stock=10, name="Review Kettle")
    customer = new_customer()
    submitted = review(api, customer, product["id"], 2, "Meh", "This design is dumb")
    assert submitted["verifiedPurchase"] is False
    assert settled(api, customer, submitted["id"])["status"] == "flagged"
    assert api.get(f"/api/reviews/product/{product['id']}").json()["data"] == []
    assert api.get(f"/api/reviews/{submitted['id']}").status_code == 404

    queue = api.get(
        f"/api/admin/reviews?status=flagged&productId={product['id']}", headers=admin_headers
    ).json()
    assert [r["id"] for r in queue["data"]] == [submitted["id"]]
    assert queue["data"][0]["moderation"]["model"] == "alt-profanity-check"

    approved = api.patch(
        f"/api/admin/reviews/{submitted['id']}", headers=admin_headers, json={"status": "published"}
    )
    assert approved.status_code == 200, approved.text
    listing = api.get(f"/api/reviews/product/{product['id']}").json()
    assert [r["id"] for r in listing["data"]] == [submitted["id"]]
    wait_for(lambda: product_rating(api, product["id"]) == (2.0, 1), timeout=20, interval=0.2)


def test_one_review_per_product_and_helpful_votes_from_others_only(
    api, seller_headers, new_customer
):
    product = new_product(api, seller_headers, price="25.00", stock=10, name="Review Kettle")
    author, reader = new_customer(), new_customer()
    submitted = review(api, author, product["id"], 5, "Lovely", "Works as described.")
    again = api.post(
        "/api/reviews",
        headers=author["headers"],
        json={"productId": product["id"], "rating": 1, "title": "Changed", "content": "My mind."},
    )
    assert again.status_code == 409
    assert again.json()["error"] == "REVIEW_EXISTS"
    assert settled(api, author, submitted["id"])["status"] == "published"

    own = api.post(f"/api/reviews/{submitted['id']}/helpful", headers=author["headers"])
    assert own.status_code == 403
    vote = api.post(f"/api/reviews/{submitted['id']}/helpful", headers=reader["headers"])
    assert vote.status_code == 200 and vote.json()["helpfulCount"] == 1
    twice = api.post(f"/api/reviews/{submitted['id']}/helpful", headers=reader["headers"])
    assert twice.status_code == 409

    assert (
        api.delete(f"/api/reviews/{submitted['id']}", headers=reader["headers"]).status_code == 404
    )
    assert (
        api.delete(f"/api/reviews/{submitted['id']}", headers=author["headers"]).status_code == 204
    )
    wait_for(lambda: product_rating(api, product["id"]) == (0.0, 0), timeout=20, interval=0.2)
