"""Checkout with a saved address id: one that names no address of the buyer is a 400
INVALID_ADDRESS naming addressId (the fuzzer's POST /api/orders 500), not an unmapped
RemoteError."""

from __future__ import annotations

import pytest
from nameko.exceptions import RemoteError

from gateway.errors import describe
from services.orders.dependencies import RpcPeers
from services.orders.exceptions import InvalidAddress
from services.orders.schemas import dump_order
from services.orders.usecases import Orders


class Accounts:
    """accounts' RPC as the orders service meets it: its exceptions arrive as RemoteError."""

    def __init__(self, error: RemoteError):
        self.error = error

    def get_address(self, user_id, address_id):
        raise self.error


def saga_with(accounts) -> Orders:
    return Orders(repo=None, peers=RpcPeers(None, None, None, accounts), present=dump_order)


def test_an_unknown_saved_address_is_invalid_address_naming_the_field():
    saga = saga_with(Accounts(RemoteError("AddressNotFound", "no such address")))
    with pytest.raises(InvalidAddress) as caught:
        saga._address({"user_id": "u1", "address_id": "nope", "shipping_address": None})
    status, body = describe(caught.value)
    assert (status, body["error"]) == (400, "INVALID_ADDRESS")
    assert body["details"]["fields"] == {"addressId": ["No such address."]}


def test_another_failure_of_accounts_is_not_disguised_as_a_bad_address():
    saga = saga_with(Accounts(RemoteError("ServiceUnavailable", "down")))
    with pytest.raises(RemoteError):
        saga._address({"user_id": "u1", "address_id": "a1", "shipping_address": None})
