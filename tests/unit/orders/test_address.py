import pytest

from services.common.errors import ValidationFailed
from services.common.schemas import load
from services.orders.schemas import PlaceOrderArgs

ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "address1": "1 Loop Road",
    "address2": None,
    "city": "London",
    "state": None,
    "postal_code": "N1 9GU",
    "country": "GB",
    "phone": "+44 20 7946 0000",
}


def args(**changes):
    return {
        "user_id": "u1",
        "cart_id": "c1",
        "shipping_address": ADDRESS,
        "payment_method": "card",
        **changes,
    }


def test_a_complete_address_is_accepted():
    loaded = load(PlaceOrderArgs(), args())
    assert loaded["shipping_address"]["postal_code"] == "N1 9GU"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "United Kingdom"),
        ("postal_code", "!!"),
        ("phone", "call me"),
        ("first_name", ""),
        ("city", None),
    ],
)
def test_a_bad_address_field_is_named(field, value):
    with pytest.raises(ValidationFailed) as raised:
        load(PlaceOrderArgs(), args(shipping_address={**ADDRESS, field: value}))
    assert field in raised.value.details["fields"]["shipping_address"]


def test_an_order_needs_an_address_or_a_saved_address_id():
    with pytest.raises(ValidationFailed) as raised:
        load(PlaceOrderArgs(), args(shipping_address=None))
    assert "shipping_address" in raised.value.details["fields"]
    assert load(PlaceOrderArgs(), args(shipping_address=None, address_id="a1"))["address_id"]


def test_payment_method_is_card_or_cod():
    with pytest.raises(ValidationFailed):
        load(PlaceOrderArgs(), args(payment_method="cheque"))
