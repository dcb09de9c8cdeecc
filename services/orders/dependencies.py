"""The orders service's adapter of the other services: `RpcPeers`, the `domain.Peers` verbs over
the cart, inventory, payments and accounts RPC proxies (each call times out: common.rpc).

Remote refusals the saga branches on become the domain's `PeerRefusal` types here, so the use
cases catch a type: other services' registered errors arrive as themselves (service.py imports
their modules), an unregistered one as nameko's `RemoteError` naming its type; either way
`common.rpc.remote_error_name` tells the type by name.
"""

from __future__ import annotations

from typing import Any

from nameko.exceptions import RemoteError

from services.common.errors import BazaarError, ServiceUnavailable, ValidationFailed
from services.common.rpc import remote_error_name
from services.common.schemas import load
from services.orders.domain import (
    AddressIncomplete,
    AddressMissing,
    CouponRefused,
    Peers,
    StockGone,
    StockShortage,
)
from services.orders.schemas import AddressSchema

PAYMENT_EVENTS_TIMEOUT = 5.0  # seconds: the order view is still useful without them
# inventory's OutOfStock (and the cart's InsufficientStock), registered or not
OUT_OF_STOCK_ERRORS = ("OutOfStock", "InsufficientStock")


class RpcPeers(Peers):
    def __init__(self, cart, inventory, payments, accounts):
        self.cart = cart
        self.inventory = inventory
        self.payments = payments
        self.accounts = accounts

    def saved_address(self, user_id: str, address_id: str) -> dict[str, Any]:
        try:
            saved = self.accounts.get_address(user_id, address_id)
        except (BazaarError, RemoteError) as exc:
            # accounts' AddressNotFound reaches this service as a RemoteError (its type is not
            # registered here)
            if remote_error_name(exc) != "AddressNotFound":
                raise
            raise AddressMissing(str(exc)) from exc
        try:
            return load(AddressSchema(), {k: saved.get(k) for k in AddressSchema().fields})
        except ValidationFailed as exc:
            raise AddressIncomplete(exc.message, exc.details) from exc

    def quote_cart(self, cart_id: str, user_id: str) -> dict[str, Any]:
        return self.cart.quote(cart_id, user_id=user_id)

    def redeem_coupon(self, code: str, order_id: str, user_id: str) -> None:
        try:
            self.cart.redeem_coupon(code, order_id, user_id)
        except ServiceUnavailable:
            raise
        except (BazaarError, RemoteError) as exc:
            raise CouponRefused(getattr(exc, "message", str(exc))) from exc

    def release_coupon(self, order_id: str) -> None:
        self.cart.release_coupon(order_id)

    def reserve_stock(self, order_id: str, lines: list[dict[str, Any]], ttl: int) -> dict:
        try:
            return self.inventory.reserve(order_id, lines, ttl)
        except Exception as exc:
            if remote_error_name(exc) not in OUT_OF_STOCK_ERRORS:
                raise
            details = getattr(exc, "details", None) or {}
            raise StockShortage(str(exc), details) from exc

    def commit_stock(self, order_id: str) -> None:
        self.inventory.commit(order_id)

    def commit_paid_stock(self, order_id: str) -> None:
        try:
            self.inventory.commit(order_id)
        except ServiceUnavailable:
            raise
        except (BazaarError, RemoteError) as exc:
            raise StockGone(str(exc)) from exc

    def release_stock(self, order_id: str) -> None:
        self.inventory.release(order_id)

    def create_intent(
        self,
        order_id: str,
        amount: int,
        currency: str,
        user_id: str,
        idempotency_key: str,
        method: str,
    ) -> dict[str, Any]:
        return self.payments.create_intent(
            order_id, amount, currency, user_id, idempotency_key, method=method
        )

    def refund(self, order_id: str) -> None:
        self.payments.refund(order_id, None)

    def payment_events(self, order_id: str) -> list[dict[str, Any]]:
        return self.payments.with_timeout(PAYMENT_EVENTS_TIMEOUT).list_payment_events(order_id)
