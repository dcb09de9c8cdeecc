"""Checkout through the gateway on the whole stack: cart, orders, inventory, payments (simulated
provider), events between them."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

from tests.e2e.shop import ADDRESS, cart_with, new_product, place
from tests.helpers import wait_for

SUCCESS, DECLINED = "4242424242424242", "4000000000000002"


def stock(api, seller_headers, product_id):
    response = api.get(f"/api/inventory/{product_id}", headers=seller_headers)
    assert response.status_code == 200, response.text
    return response.json()


def status_becomes(api, customer, order_id, status):
    def check():
        order = api.get(f"/api/orders/{order_id}", headers=customer["headers"]).json()
        return order if order.get("status") == status else None

    return wait_for(check, timeout=15)


def test_guest_cart_to_paid_order(api, seller_headers, new_customer):
    product = new_product(api, seller_headers, stock=5)
    guest_cart = api.post("/api/cart").json()["id"]
    api.post(f"/api/cart/{guest_cart}/items", json={"productId": product["id"], "quantity": 2})
    customer = new_customer()
    merged = api.post(
        "/api/cart/merge", headers=customer["headers"], json={"guestCartId": guest_cart}
    )
    assert merged.status_code == 200, merged.text
    cart_id = merged.json()["id"]

    placed = place(api, customer, cart_id)
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["status"] == "awaiting_payment"
    assert order["lines"][0]["name"] == product["name"]
    assert order["payment"]["clientSecret"]

    paid = api.post(
        "/api/payments/confirm",
        headers=customer["headers"],
        json={"intentId": order["payment"]["intentId"], "cardNumber": SUCCESS},
    )
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "succeeded"

    status_becomes(api, customer, order["id"], "confirmed")
    assert stock(api, seller_headers, product["id"])["onHand"] == 3
    wait_for(
        lambda: api.get(f"/api/cart/{cart_id}", headers=customer["headers"]).json()["items"] == []
    )
    history = api.get(f"/api/orders/{order['id']}/history", headers=customer["headers"]).json()
    assert [h["toStatus"] for h in history["data"]][-1] == "confirmed"


def test_a_declined_card_cancels_and_gives_the_stock_back(api, seller_headers, new_customer):
    product = new_product(api, seller_headers, stock=5)
    customer = new_customer()
    order = place(api, customer, cart_with(api, customer, product["id"], 2)).json()
    assert stock(api, seller_headers, product["id"])["available"] == 3

    declined = api.post(
        "/api/payments/confirm",
        headers=customer["headers"],
        json={"intentId": order["payment"]["intentId"], "cardNumber": DECLINED},
    )
    assert declined.status_code == 402
    assert declined.json()["error"] == "PAYMENT_DECLINED"

    cancelled = status_becomes(api, customer, order["id"], "cancelled")
    assert cancelled["cancelReason"] == "payment_failed"
    wait_for(lambda: stock(api, seller_headers, product["id"])["available"] == 5)


def test_cash_on_delivery_is_confirmed_at_once(api, seller_headers, new_customer):
    product = new_product(api, seller_headers, stock=5)
    customer = new_customer()
    placed = place(api, customer, cart_with(api, customer, product["id"]), method="cod")
    assert placed.status_code == 201, placed.text
    assert placed.json()["status"] == "confirmed"


def test_cancelling_a_paid_order_refunds_it(api, seller_headers, new_customer):
    product = new_product(api, seller_headers, stock=5)
    customer = new_customer()
    order = place(api, customer, cart_with(api, customer, product["id"])).json()
    api.post(
        "/api/payments/confirm",
        headers=customer["headers"],
        json={"intentId": order["payment"]["intentId"], "cardNumber": SUCCESS},
    )
    status_becomes(api, customer, order["id"], "confirmed")

    cancelled = api.post(f"/api/orders/{order['id']}/cancel", headers=customer["headers"])
    assert cancelled.status_code == 200, cancelled.text

    refunded = status_becomes(api, customer, order["id"], "refunded")
    assert refunded["refundedAmount"] == order["total"]
    wait_for(lambda: stock(api, seller_headers, product["id"])["onHand"] == 5)


def test_another_users_order_is_not_found(api, seller_headers, new_customer):
    product = new_product(api, seller_headers)
    owner, stranger = new_customer(), new_customer()
    order = place(api, owner, cart_with(api, owner, product["id"])).json()

    assert api.get(f"/api/orders/{order['id']}", headers=stranger["headers"]).status_code == 404
    assert (
        api.post(f"/api/orders/{order['id']}/cancel", headers=stranger["headers"]).status_code
        == 404
    )
    assert (
        api.get(f"/api/payments/order/{order['id']}", headers=stranger["headers"]).status_code
        == 404
    )


def test_a_replayed_idempotency_key_returns_the_same_order(api, seller_headers, new_customer):
    product = new_product(api, seller_headers)
    customer = new_customer()
    cart_id = cart_with(api, customer, product["id"])

    first = place(api, customer, cart_id, key="checkout-1")
    again = place(api, customer, cart_id, key="checkout-1")
    other_body = api.post(
        "/api/orders",
        headers={**customer["headers"], "Idempotency-Key": "checkout-1"},
        json={"cartId": cart_id, "shippingAddress": ADDRESS, "paymentMethod": "cod"},
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert other_body.status_code == 409
    assert other_body.json()["error"] == "IDEMPOTENCY_KEY_REUSED"
    mine = api.get("/api/orders", headers=customer["headers"]).json()
    assert mine["meta"]["total"] == 1


def test_a_bad_address_field_is_named(api, seller_headers, new_customer):
    customer = new_customer()
    response = api.post(
        "/api/orders",
        headers=customer["headers"],
        json={
            "cartId": "x",
            "paymentMethod": "card",
            "shippingAddress": {**ADDRESS, "country": "Britain"},
        },
    )
    assert response.status_code == 400
    assert "country" in response.json()["details"]["fields"]["shippingAddress"]


def test_an_unsigned_or_stale_webhook_is_refused(api):
    body = json.dumps(
        {
            "id": "evt_x",
            "type": "payment_intent.succeeded",
            "data": {"object": {"id": "pi_x", "object": "payment_intent"}},
        }
    )
    unsigned = api.post(
        "/api/payments/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    stale = api.post(
        "/api/payments/webhook",
        data=body,
        headers={"Stripe-Signature": f"t={int(time.time()) - 600},v1=00"},
    )
    assert (unsigned.status_code, stale.status_code) == (400, 400)
    assert unsigned.json()["error"] == "INVALID_SIGNATURE"


def test_two_hundred_buyers_for_the_last_ten_units(api, seller_headers, new_customer):
    product = new_product(api, seller_headers, stock=10)
    buyers = [new_customer() for _ in range(4)]
    carts = [(buyer, cart_with(api, buyer, product["id"])) for buyer in buyers]

    def buy(n):
        buyer, cart_id = carts[n % len(carts)]
        response = place(api, buyer, cart_id)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(buy, range(200)))

    statuses = [status for status, _ in results]
    assert statuses.count(201) == 10, sorted(set(statuses))
    assert statuses.count(409) == 190
    refused = [body for status, body in results if status == 409]
    assert {body["error"] for body in refused} == {"OUT_OF_STOCK"}
    assert {body["details"]["product_id"] for body in refused} == {product["id"]}
    assert stock(api, seller_headers, product["id"])["available"] == 0


def test_admin_stats_show_revenue_and_orders_by_status(api, admin_headers):
    response = api.get("/api/admin/stats", headers=admin_headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= {"revenuePerDay", "ordersByStatus", "topProducts", "averageOrderValue"}
