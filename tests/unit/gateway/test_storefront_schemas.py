"""Order, cart and payment-config fields the storefront reads: camelCase, money as strings."""

from datetime import UTC, datetime

import pytest

from gateway.schemas.cart import CartSchema
from gateway.schemas.orders import OrderSchema
from gateway.schemas.payments import PaymentConfigSchema
from services.orders.models import Order, OrderLine
from services.orders.schemas import dump_order

ADDRESS = {"first_name": "Sam", "last_name": "Shopper", "city": "Springfield", "country": "US"}


def order(status: str) -> Order:
    at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    return Order(
        id="o1",
        user_id="u1",
        status=status,
        subtotal=5000,
        discount=0,
        tax=400,
        shipping=0,
        total=5400,
        currency="USD",
        shipping_address=ADDRESS,
        payment_method="card",
        payment_status="paid",
        refunded_amount=0,
        tracking={"carrier": "UPS", "number": "1Z999"} if status == "shipped" else None,
        created_at=at,
        updated_at=at,
        lines=[
            OrderLine(
                position=0,
                product_id="p1",
                name="Kettle",
                price=2500,
                quantity=2,
                line_total=5000,
            )
        ],
    )


@pytest.mark.parametrize(
    ("status", "cancellable"), [("confirmed", True), ("processing", True), ("shipped", False)]
)
def test_an_order_says_whether_the_customer_may_cancel_it(status, cancellable):
    # the path the API answers with: the orders service's dict, dumped by the gateway's schema
    body = OrderSchema().dump(dump_order(order(status)))
    assert body["status"] == status
    assert body["cancellable"] is cancellable
    assert (body["total"], body["lines"][0]["lineTotal"]) == ("54.00", "50.00")


def test_the_cart_says_how_much_more_buys_free_shipping_in_its_currency():
    body = CartSchema().dump(
        {
            "id": "c1",
            "lines": [],
            "currency": "USD",
            "free_shipping_threshold": 10000,
            "free_shipping_remaining": 6002,
        }
    )
    assert (body["freeShippingThreshold"], body["freeShippingRemaining"]) == ("100.00", "60.02")


def test_the_payment_config_is_camel_case():
    body = PaymentConfigSchema().dump(
        {
            "card_provider": "simulated",
            "publishable_key": None,
            "methods": ["card", "cod"],
            "test_cards": [{"number": "4242424242424242", "outcome": "succeeded"}],
        }
    )
    assert body == {
        "cardProvider": "simulated",
        "publishableKey": None,
        "methods": ["card", "cod"],
        "testCards": [{"number": "4242424242424242", "outcome": "succeeded"}],
    }
