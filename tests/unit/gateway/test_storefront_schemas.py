"""Order, cart and payment-config fields the storefront reads: camelCase, money as strings."""

from gateway.schemas.cart import CartSchema
from gateway.schemas.orders import OrderSchema
from gateway.schemas.payments import PaymentConfigSchema


def test_an_order_says_whether_the_customer_may_cancel_it():
    body = OrderSchema().dump(
        {"id": "o1", "status": "shipped", "lines": [], "currency": "USD", "cancellable": False}
    )
    assert body["cancellable"] is False


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
