"""The cart service's entrypoints: carts (Redis), pricing quotes, coupons and redemptions, and
the abandoned-cart reminders (a sweep every `CART.reminder_interval` seconds, and their figures).

Each entrypoint loads its arguments, runs one use case of `usecases.Carts` and dumps the result.
Every entrypoint that may reach the coupon database (coupons, redemptions, events, and a cart
holding a coupon, which pricing reads) runs it in a unit of work; the cart-only ones (Redis) in
none. A unit of work that sent no statement commits nothing: no SQL, no round trip.

A cart with an owner (`user_id`) is reached only by that owner; anybody else gets `CartNotFound`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from services.cart import exceptions
from services.cart.dependencies import CartStore, RpcPeers, RpcProductSource
from services.cart.models import Base, dead_letters
from services.cart.repository import SqlCouponRepository, SqlReminderLog
from services.cart.schemas import (
    AddItemArgs,
    ApplyCouponArgs,
    CartRef,
    CouponChanges,
    CouponData,
    CouponListArgs,
    ItemRef,
    MergeArgs,
    OrderConfirmed,
    ProductChanged,
    RedeemArgs,
    ReminderStatsArgs,
    StockChanged,
    UpdateItemArgs,
    dump_cart,
    dump_coupon,
    dump_coupon_page,
)
from services.cart.usecases import Carts
from services.common import outbox as outboxes
from services.common import service as common
from services.common.config import CART
from services.common.database import Database, Repository, unit_of_work
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.errors import ValidationFailed
from services.common.messaging import event_handler
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load
from services.common.timer import configured_timer

EXPECTED = (exceptions.CartError, ValidationFailed)


class CartService(DeadLetterAdmin, outboxes.OutboxRelay, common.BazaarService):
    name = "cart"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    carts = CartStore()
    coupons = Repository(lambda session: SqlCouponRepository(session, outboxes.OutboxWriter()))
    reminders = Repository(lambda session: SqlReminderLog(session, outboxes.OutboxWriter()))
    catalog_rpc = RpcProxy("catalog")
    inventory_rpc = RpcProxy("inventory")
    accounts_rpc = RpcProxy("accounts")

    def _carts(self) -> Carts:
        """The use cases over the worker's carts (and their reminder index), snapshots,
        proxies, coupon repository and reminder log."""
        return Carts(
            store=self.carts,
            snapshots=self.carts.products,
            products=RpcProductSource(self.catalog_rpc, self.inventory_rpc),
            coupons=self.coupons,
            settings=self.carts.settings,
            pricing=self.carts.pricing,
            index=self.carts,
            reminders=self.reminders,
            peers=RpcPeers(self.accounts_rpc),
        )

    @contextmanager
    def _work(self) -> Iterator[Carts]:
        """The use cases in one unit of work: committed, or rolled back if the block raises."""
        carts = self._carts()
        with unit_of_work(self.db.session):
            yield carts

    @rpc
    def storefront_options(self) -> dict:
        """{currency, free_shipping_threshold, flat_shipping (minor units), max_per_line,
        few_left}: public, what the storefront states about shipping and quantities."""
        return self._carts().storefront_options()

    # -- carts --------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def create_cart(self, user_id: str | None = None) -> dict:
        """A new guest cart, or (with `user_id`) the user's one active cart."""
        with self._work() as carts:
            return dump_cart(carts.create_cart(user_id))

    @rpc(expected_exceptions=EXPECTED)
    def get_user_cart(self, user_id: str) -> dict:
        """The user's one active cart, created when they have none."""
        with self._work() as carts:
            return dump_cart(carts.get_user_cart(user_id))

    @rpc(expected_exceptions=EXPECTED)
    def get_cart(self, cart_id: str, user_id: str | None = None) -> dict:
        """The cart priced now (Cart = Quote + id, expires_at), from product snapshots kept
        current by catalog's events. Raises CartNotFound."""
        args = load(CartRef(), {"cart_id": cart_id, "user_id": user_id})
        with self._work() as carts:
            return dump_cart(carts.get_cart(**args))

    @rpc(expected_exceptions=EXPECTED)
    def quote(self, cart_id: str, user_id: str | None = None) -> dict:
        """Lines re-priced by the catalog now (never from snapshots: orders price from this),
        coupon, subtotal, discount, tax, shipping, total. Raises CartNotFound."""
        args = load(CartRef(), {"cart_id": cart_id, "user_id": user_id})
        with self._work() as carts:
            return dump_cart(carts.quote(**args))

    @rpc(expected_exceptions=EXPECTED)
    def add_item(
        self, cart_id: str, product_id: str, quantity: int, user_id: str | None = None
    ) -> dict:
        """Add units of an active product at its catalog price. Raises ProductUnavailable,
        LineLimitExceeded, InsufficientStock (details: product_id, name, requested, available)."""
        args = load(
            AddItemArgs(),
            {
                "cart_id": cart_id,
                "product_id": product_id,
                "quantity": quantity,
                "user_id": user_id,
            },
        )
        with self._work() as carts:
            return dump_cart(carts.add_item(**args))

    @rpc(expected_exceptions=EXPECTED)
    def update_item(
        self, cart_id: str, product_id: str, quantity: int, user_id: str | None = None
    ) -> dict:
        """Set a line's quantity (0 removes it); the same checks as add_item."""
        args = load(
            UpdateItemArgs(),
            {
                "cart_id": cart_id,
                "product_id": product_id,
                "quantity": quantity,
                "user_id": user_id,
            },
        )
        with self._work() as carts:
            return dump_cart(carts.update_item(**args))

    @rpc(expected_exceptions=EXPECTED)
    def remove_item(self, cart_id: str, product_id: str, user_id: str | None = None) -> dict:
        """Remove a line. Raises CartItemNotFound."""
        args = load(ItemRef(), {"cart_id": cart_id, "product_id": product_id, "user_id": user_id})
        with self._work() as carts:
            return dump_cart(carts.remove_item(**args))

    @rpc(expected_exceptions=EXPECTED)
    def apply_coupon(self, cart_id: str, code: str, user_id: str | None = None) -> dict:
        """Attach a coupon that applies now; raises the Coupon* error that says why not."""
        args = load(ApplyCouponArgs(), {"cart_id": cart_id, "code": code, "user_id": user_id})
        with self._work() as carts:
            return dump_cart(carts.apply_coupon(**args))

    @rpc(expected_exceptions=EXPECTED)
    def remove_coupon(self, cart_id: str, user_id: str | None = None) -> dict:
        args = load(CartRef(), {"cart_id": cart_id, "user_id": user_id})
        with self._work() as carts:
            return dump_cart(carts.remove_coupon(**args))

    @rpc(expected_exceptions=EXPECTED)
    def merge_carts(self, guest_cart_id: str, user_id: str) -> dict:
        """Fold a guest cart into the user's, announcing `cart_merged` (outbox; the use case
        commits it before reading the merged cart back). Raises CartNotFound for another
        user's cart."""
        args = load(MergeArgs(), {"guest_cart_id": guest_cart_id, "user_id": user_id})
        with self._work() as carts:
            return dump_cart(carts.merge_carts(**args))

    @rpc(expected_exceptions=EXPECTED)
    def delete_cart(self, cart_id: str, user_id: str | None = None) -> None:
        """Delete a cart (its owner's index too). Raises CartNotFound."""
        args = load(CartRef(), {"cart_id": cart_id, "user_id": user_id})
        self._carts().delete_cart(**args)

    @event_handler("orders", "order_confirmed")
    @dead_lettered(dead_letters, "orders", "order_confirmed")
    def handle_order_confirmed(self, payload: dict) -> None:
        """The cart an order was placed from is emptied once the order is confirmed (paid, or
        cash on delivery). Once per event (by its outbox `event_id`): a redelivered copy leaves
        alone what was added since. A cart that expired meanwhile changes nothing. The order
        recovers the cart's latest reminder (once; in the unit of work)."""
        event = load(OrderConfirmed(), payload)
        with self._work() as carts:
            carts.empty_ordered_cart(event["cart_id"], event["event_id"], event["order_id"])

    @event_handler("catalog", "product_updated")
    @dead_lettered(dead_letters, "catalog", "product_updated")
    def handle_product_updated(self, payload: dict) -> None:
        """Drop the product's snapshot: the next cart display asks the catalog (idempotent)."""
        self._carts().forget_product(load(ProductChanged(), payload)["product_id"])

    @event_handler("catalog", "product_archived")
    @dead_lettered(dead_letters, "catalog", "product_archived")
    def handle_product_archived(self, payload: dict) -> None:
        self._carts().forget_product(load(ProductChanged(), payload)["product_id"])

    @event_handler("inventory", "stock_changed")
    @dead_lettered(dead_letters, "inventory", "stock_changed")
    def handle_stock_changed(self, payload: dict) -> None:
        """Keep the product's stock snapshot at inventory's newest level (by version), so that
        adding to a cart asks no service; a repeated or older event changes nothing."""
        event = load(StockChanged(), payload)
        self._carts().take_stock_level(event["product_id"], event["available"], event["version"])

    # -- abandoned-cart reminders -------------------------------------------------------------

    @configured_timer(CART, "reminder_interval", 60)
    def remind_abandoned(self) -> int:
        """Sweep the reminder index: idle owned carts whose owner accepts reminders announce
        `cart_abandoned` (outbox), once per cart per `CART.reminder_period`."""
        with self._work() as carts:
            return carts.remind_abandoned()

    @rpc(expected_exceptions=EXPECTED)
    def reminder_stats(self, days: int = 30) -> dict:
        """{sent, recovered, recovery_rate, recovered_carts_value (minor units), currency} of
        the reminders issued in the last `days` (1-366) days. Raises ValidationFailed."""
        args = load(ReminderStatsArgs(), {"days": days})
        with self._work() as carts:
            return carts.reminder_stats(**args)

    # -- coupons ------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def redeem_coupon(self, code: str, order_id: str, user_id: str | None = None) -> None:
        """Count one use of the coupon for `order_id` (idempotent per order), announcing
        `coupon_redeemed` (outbox, same transaction) the first time. Raises CouponNotFound,
        CouponExhausted, CouponAlreadyUsed. The validity window and minimum were checked when
        the order was quoted."""
        args = load(RedeemArgs(), {"code": code, "order_id": order_id, "user_id": user_id})
        with self._work() as carts:
            carts.redeem_coupon(**args)

    @rpc(expected_exceptions=EXPECTED)
    def release_coupon(self, order_id: str) -> None:
        """Give back the coupon use of an order cancelled before payment; idempotent."""
        with self._work() as carts:
            carts.release_coupon(str(order_id))

    @rpc(expected_exceptions=EXPECTED)
    def list_coupons(
        self, page: int = 1, limit: int = 20, q: str | None = None, active: bool | None = None
    ) -> dict:
        args = load(CouponListArgs(), {"page": page, "limit": limit, "q": q, "active": active})
        with self._work() as carts:
            rows, total = carts.list_coupons(**args)
        return dump_coupon_page(rows, total, args["page"], args["limit"])

    @rpc(expected_exceptions=EXPECTED)
    def get_coupon(self, code: str) -> dict:
        with self._work() as carts:
            return dump_coupon(carts.get_coupon(str(code)))

    @rpc(expected_exceptions=EXPECTED)
    def create_coupon(self, data: dict) -> dict:
        """Create a coupon. Raises ValidationFailed, CouponCodeTaken."""
        values = load(CouponData(), data)
        with self._work() as carts:
            record = carts.create_coupon(values)
        return dump_coupon(record)

    @rpc(expected_exceptions=EXPECTED)
    def update_coupon(self, code: str, changes: dict) -> dict:
        """Change some fields of a coupon. Raises CouponNotFound, ValidationFailed,
        CouponCodeTaken."""
        values = load(CouponChanges(), changes, partial=True)
        with self._work() as carts:
            record = carts.update_coupon(str(code), values)
        return dump_coupon(record)

    @rpc(expected_exceptions=EXPECTED)
    def delete_coupon(self, code: str) -> None:
        with self._work() as carts:
            carts.delete_coupon(str(code))
