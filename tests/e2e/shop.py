"""Shop flows the end-to-end modules share: a stocked product, a cart holding it, an order, the
recommendations a shopper is shown."""

from __future__ import annotations

import uuid

ADDRESS = {
    "firstName": "Ada",
    "lastName": "Lovelace",
    "address1": "1 Loop Road",
    "address2": None,
    "city": "London",
    "state": None,
    "postalCode": "N1 9GU",
    "country": "GB",
    "phone": "+44 20 7946 0000",
}


def new_product(
    api,
    seller_headers,
    *,
    price: str = "30.00",
    stock: int = 5,
    name: str = "E2E Lamp",
    category_id: str = "cat-desks",
) -> dict:
    """An active product made through the seller API, with `stock` units on hand."""
    created = api.post(
        "/api/products",
        headers=seller_headers,
        json={
            "name": f"{name} {uuid.uuid4().hex[:8]}",
            "brand": "Bazaar Basics",
            "categoryId": category_id,
            "price": price,
            "description": f"{name}, made by an end-to-end test.",
            "status": "active",
        },
    )
    assert created.status_code == 201, created.text
    product = created.json()
    stocked = api.put(
        f"/api/inventory/{product['id']}",
        headers=seller_headers,
        json={"quantity": stock, "reason": "e2e"},
    )
    assert stocked.status_code == 200, stocked.text
    return product


def cart_with(api, customer, product_id, quantity=1) -> str:
    """The id of a new cart of `customer` holding `quantity` of the product."""
    return cart_with_each(api, customer, [product_id], quantity)


def cart_with_each(api, customer, product_ids, quantity=1) -> str:
    """The id of `customer`'s cart holding `quantity` of each product."""
    cart = api.post("/api/cart", headers=customer["headers"]).json()
    for product_id in product_ids:
        added = api.post(
            f"/api/cart/{cart['id']}/items",
            headers=customer["headers"],
            json={"productId": product_id, "quantity": quantity},
        )
        assert added.status_code == 200, added.text
    return cart["id"]


def place(api, customer, cart_id, method="card", key=None):
    """POST /api/orders for the cart; the raw response. A fresh Idempotency-Key unless given."""
    headers = {**customer["headers"], "Idempotency-Key": key or uuid.uuid4().hex}
    return api.post(
        "/api/orders",
        headers=headers,
        json={"cartId": cart_id, "shippingAddress": ADDRESS, "paymentMethod": method},
    )


def buy_together(api, customer, product_ids) -> dict:
    """A cash-on-delivery order of one of each product (confirmed at once): the order."""
    placed = place(api, customer, cart_with_each(api, customer, product_ids), method="cod")
    assert placed.status_code == 201, placed.text
    return placed.json()


def recommended(api, product_id, headers=None, **query) -> dict | None:
    """GET a product's recommendations (query in camelCase): the body, or None while the
    recommendations service does not know the product yet (a 404 until it has applied catalog's
    product_created); anything else fails."""
    response = api.get(f"/api/products/{product_id}/recommendations", params=query, headers=headers)
    if response.status_code == 404 and response.json()["error"] == "PRODUCT_NOT_FOUND":
        return None
    assert response.status_code == 200, response.text
    return response.json()


def ids_of(body: dict | None) -> list[str]:
    """The product ids of a list of recommendation cards, in order (none for no list)."""
    return [card["productId"] for card in body["data"]] if body else []
