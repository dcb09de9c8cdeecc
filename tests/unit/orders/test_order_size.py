"""An order whose money would not fit the orders' INTEGER columns (many lines at the highest
price) is a 400 naming cartId before anything is stored, not a failed insert (a 500)."""

from __future__ import annotations

import pytest

from services.common.errors import ValidationFailed
from services.common.fields import INT32_MAX, MAX_AMOUNT
from services.orders.dependencies import RpcPeers
from services.orders.schemas import dump_order
from services.orders.usecases import Orders

ADDRESS = {"first_name": "Ada", "last_name": "Lovelace", "address1": "1 Loop Road"}


class Cart:
    def __init__(self, quote: dict):
        self._quote = quote

    def quote(self, cart_id, user_id=None):
        return self._quote


class UntouchableRepository:
    money_max = INT32_MAX  # the orders' INTEGER money columns

    def __getattr__(self, name):
        raise AssertionError("nothing may be stored for an order that cannot be placed")


def place(quote: dict):
    saga = Orders(
        repo=UntouchableRepository(),
        peers=RpcPeers(Cart(quote), None, None, None),
        present=dump_order,
    )
    return saga._place(
        "o1",
        {"user_id": "u1", "cart_id": "c1", "shipping_address": ADDRESS, "payment_method": "cod"},
    )


def test_a_cart_too_dear_for_the_order_columns_is_refused_naming_the_cart():
    line = {"product_id": "p1", "price": MAX_AMOUNT, "quantity": 99, "line_total": MAX_AMOUNT * 99}
    subtotal = MAX_AMOUNT * 99 * 3
    assert subtotal > INT32_MAX
    quote = {"lines": [line] * 3, "subtotal": subtotal, "total": subtotal, "currency": "USD"}
    with pytest.raises(ValidationFailed) as refused:
        place(quote)
    assert set(refused.value.details["fields"]) == {"cartId"}
