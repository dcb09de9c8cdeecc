"""The RPC adapter of the other services (dependencies.RpcPeers): the refusals the saga branches
on become domain types, whether the remote error is registered here or a RemoteError; every
other error arrives unchanged."""

from __future__ import annotations

import pytest
from nameko.exceptions import RemoteError

from services.common.errors import ServiceUnavailable
from services.inventory.exceptions import OutOfStock, ReservationNotActive
from services.orders.dependencies import RpcPeers
from services.orders.domain import (
    AddressIncomplete,
    AddressMissing,
    CouponRefused,
    StockGone,
    StockShortage,
)


class Failing:
    """Another service's proxy whose every method raises `error`."""

    def __init__(self, error: BaseException):
        self.error = error
        self.calls: list[tuple] = []

    def __getattr__(self, name):
        def call(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            raise self.error

        return call


def peers(**proxies) -> RpcPeers:
    return RpcPeers(
        proxies.get("cart"),
        proxies.get("inventory"),
        proxies.get("payments"),
        proxies.get("accounts"),
    )


def test_inventorys_out_of_stock_becomes_a_stock_shortage_with_its_details():
    details = {"product_id": "p1", "requested": 2, "available": 1}
    inventory = Failing(OutOfStock("only 1 of p1", details))
    with pytest.raises(StockShortage) as short:
        peers(inventory=inventory).reserve_stock("o1", [{"product_id": "p1", "quantity": 2}], 900)
    assert short.value.details == details
    assert inventory.calls == [("reserve", ("o1", [{"product_id": "p1", "quantity": 2}], 900), {})]


@pytest.mark.parametrize("name", ["OutOfStock", "InsufficientStock"])
def test_an_unregistered_out_of_stock_is_a_stock_shortage_too(name):
    with pytest.raises(StockShortage) as short:
        peers(inventory=Failing(RemoteError(name, "short"))).reserve_stock("o1", [], 900)
    assert short.value.details == {}


def test_another_reservation_failure_arrives_unchanged():
    error = ServiceUnavailable("inventory is down")
    with pytest.raises(ServiceUnavailable) as raised:
        peers(inventory=Failing(error)).reserve_stock("o1", [], 900)
    assert raised.value is error


def test_a_refused_coupon_carries_carts_message():
    with pytest.raises(CouponRefused) as refused:
        peers(cart=Failing(RemoteError("CouponExpired", "gone"))).redeem_coupon("C", "o1", "u1")
    assert refused.value.message == "CouponExpired gone"


def test_a_cart_that_does_not_answer_is_not_a_refused_coupon():
    with pytest.raises(ServiceUnavailable):
        peers(cart=Failing(ServiceUnavailable("slow"))).redeem_coupon("C", "o1", "u1")


def test_committing_a_released_reservation_of_a_paid_order_is_stock_gone():
    inventory = Failing(ReservationNotActive("reservation o1 is released"))
    with pytest.raises(StockGone):
        peers(inventory=inventory).commit_paid_stock("o1")
    with pytest.raises(ReservationNotActive):  # the checkout's own commit: as it came
        peers(inventory=inventory).commit_stock("o1")


def test_an_unknown_saved_address_is_address_missing():
    with pytest.raises(AddressMissing):
        peers(accounts=Failing(RemoteError("AddressNotFound", "no"))).saved_address("u1", "a1")


class Accounts:
    def get_address(self, user_id, address_id):
        return {"first_name": "Ada", "last_name": "Lovelace"}


def test_a_saved_address_that_cannot_ship_is_incomplete_naming_its_fields():
    with pytest.raises(AddressIncomplete) as incomplete:
        peers(accounts=Accounts()).saved_address("u1", "a1")
    assert "address1" in incomplete.value.details["fields"]


def test_a_refund_asks_payments_for_the_whole_remainder():
    payments = Failing(RuntimeError("boom"))
    with pytest.raises(RuntimeError):
        peers(payments=payments).refund("o1")
    assert payments.calls == [("refund", ("o1", None), {})]
