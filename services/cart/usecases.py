"""The cart use cases: one class, `Carts`, over the ports of `domain` (the cart storage and its
reminder index, the product snapshots, the catalog and inventory as a `ProductSource`, the coupon
repository, the reminder log, accounts as `Peers`) and a clock. The service commits the unit of
work where coupons or reminders are written.

Pure like the domain (no nameko, SQLAlchemy or redis): unit-tested with the fakes in
`tests/unit/cart/fakes.py`.

A cart with an owner (`user_id`) is reached only by that owner; anybody else gets `CartNotFound`.
A guest cart (no owner) is reached by its unguessable id alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from services.cart.domain import (
    Cart,
    CartSettings,
    CartStorage,
    Coupon,
    CouponRepository,
    CouponRow,
    Due,
    IndexedCart,
    Later,
    Peers,
    PricedCart,
    PricingSettings,
    ProductSource,
    ReminderIndex,
    ReminderLog,
    Snapshots,
    abandoned_event,
    check_coupon,
    check_quantity,
    check_redemption,
    code_taken,
    coupon_data_problem,
    ensure_sellable,
    line_limit,
    merge_caps,
    new_reminder,
    normalize_code,
    price_cart,
    reminder_due,
    reminder_figures,
    storefront_options,
    vanished_coupon,
)
from services.cart.exceptions import CartItemNotFound, CartNotFound, CouponError
from services.common.clock import utcnow
from services.common.errors import ValidationFailed


@dataclass
class Carts:
    """The cart service's use cases."""

    store: CartStorage
    snapshots: Snapshots
    products: ProductSource
    coupons: CouponRepository
    settings: CartSettings
    pricing: PricingSettings
    index: ReminderIndex
    reminders: ReminderLog
    peers: Peers
    clock: Callable[[], datetime] = utcnow
    new_id: Callable[[], str] = lambda: str(uuid.uuid4())

    def storefront_options(self) -> dict[str, Any]:
        """What the storefront states about shipping and quantities (public)."""
        return storefront_options(self.pricing, self.settings)

    # -- carts --------------------------------------------------------------------------------

    def create_cart(self, user_id: str | None = None) -> PricedCart:
        """A new guest cart, or (with `user_id`) the user's one active cart."""
        if user_id:
            return self.get_user_cart(user_id)
        return self._priced(self.store.create(), None)

    def get_user_cart(self, user_id: str) -> PricedCart:
        """The user's one active cart, created when they have none."""
        cart_id = self.store.user_cart_id(user_id)
        return self._priced(self.store.read(cart_id), user_id)

    def get_cart(self, cart_id: str, user_id: str | None = None) -> PricedCart:
        """The cart priced now, from product snapshots. Raises CartNotFound."""
        return self._priced(self._owned(cart_id, user_id), user_id)

    def quote(self, cart_id: str, user_id: str | None = None) -> PricedCart:
        """The cart re-priced by the catalog now (never from snapshots: orders price from it)."""
        cart = self._owned(cart_id, user_id)
        products = self._products([line.product_id for line in cart.lines], fresh=True)
        return self._priced(cart, user_id, products=products)

    def add_item(
        self, cart_id: str, product_id: str, quantity: int, user_id: str | None = None
    ) -> PricedCart:
        """Add units of an active product at its catalog price. Raises ProductUnavailable,
        CurrencyMismatch, LineLimitExceeded, InsufficientStock."""
        return self._change_line(cart_id, product_id, quantity, user_id, add=True)

    def update_item(
        self, cart_id: str, product_id: str, quantity: int, user_id: str | None = None
    ) -> PricedCart:
        """Set a line's quantity (0 removes it); the same checks as add_item, and
        CartItemNotFound."""
        if quantity == 0:
            return self.remove_item(cart_id, product_id, user_id)
        return self._change_line(cart_id, product_id, quantity, user_id, add=False)

    def remove_item(self, cart_id: str, product_id: str, user_id: str | None = None) -> PricedCart:
        """Remove a line. Raises CartItemNotFound."""
        cart = self._owned(cart_id, user_id)
        self.store.remove_line(cart, product_id)
        return self._priced(self.store.read(cart.id), user_id)

    def apply_coupon(self, cart_id: str, code: str, user_id: str | None = None) -> PricedCart:
        """Attach a coupon that applies now; raises the Coupon* error that says why not."""
        cart = self._owned(cart_id, user_id)
        coupon = self.coupons.get(code)
        customer = cart.user_id or user_id
        products = self._products([line.product_id for line in cart.lines])
        subtotal = price_cart(cart.lines, products, self.pricing)["subtotal"]
        uses = self.coupons.customer_uses(coupon.id, customer)
        check_coupon(coupon, subtotal, self.clock(), uses)
        self.store.set_coupon(cart, coupon.code)
        return self._priced(self.store.read(cart.id), user_id, products=products)

    def remove_coupon(self, cart_id: str, user_id: str | None = None) -> PricedCart:
        cart = self._owned(cart_id, user_id)
        self.store.set_coupon(cart, None)
        return self._priced(self.store.read(cart.id), user_id)

    def merge_carts(self, guest_cart_id: str, user_id: str) -> PricedCart:
        """Fold a guest cart into the user's (quantities summed, capped at stock and the line
        maximum; the guest's coupon kept if still valid and the user's cart has none), delete
        the guest cart, announce `cart_merged` {guest_cart_id, cart_id, user_id} (committed
        before the merged cart is read back). A guest cart already merged (gone) changes
        nothing. Raises CartNotFound for another user's cart."""
        user_cart_id = self.store.user_cart_id(user_id)
        guest = None
        if guest_cart_id != user_cart_id:
            try:
                guest = self.store.read(guest_cart_id)
            except CartNotFound:
                guest = None
        if guest is not None:
            if guest.user_id and guest.user_id != user_id:
                raise CartNotFound("cart not found", {"cart_id": guest.id})
            ids = [line.product_id for line in guest.lines]
            products, stock = self._lookup(ids, stock_ids=ids, fresh=True)
            caps = merge_caps(ids, products, stock, self.settings.line_max, self.pricing.currency)
            coupon = self._still_valid_coupon(guest.coupon_code, user_id)
            if self.store.merge(guest.id, user_cart_id, caps, coupon):
                self.coupons.record_event(
                    "cart_merged",
                    {"guest_cart_id": guest.id, "cart_id": user_cart_id, "user_id": user_id},
                )
                self.coupons.commit()
        return self._priced(self.store.read(user_cart_id), user_id)

    def delete_cart(self, cart_id: str, user_id: str | None = None) -> None:
        """Delete a cart (its owner's index too). Raises CartNotFound."""
        self.store.delete(self._owned(cart_id, user_id).id)

    def empty_ordered_cart(
        self, cart_id: str | None, event_id: str | None, order_id: str | None = None
    ) -> None:
        """Empty the cart an order was placed from, once per event, and count the order as the
        recovery of the cart's latest reminder within the reminder period (once: a redelivered
        event, or a later order, finds it recovered); no cart, nothing to do."""
        if not cart_id:
            return
        self.store.clear(cart_id, event_id)
        if order_id:
            now = self.clock()
            self.reminders.mark_recovered(cart_id, order_id, now, self._period_start(now))

    # -- abandoned-cart reminders -------------------------------------------------------------

    def remind_abandoned(self) -> int:
        """One sweep of the reminder index, when no other sweep runs (claimed for a few
        intervals at most, ended here): up to `reminder_batch` owned carts idle at least
        `reminder_after` seconds. A cart gone, emptied or without an owner leaves the index; one
        reminded within `reminder_period` is postponed to the period's end; of the rest, those
        whose owner accepts reminders (accounts, one call) each issue one, stored and announced
        in one transaction as `cart_abandoned` {reminder_id, cart_id, user_id, touched_at,
        lines: [{product_id, quantity}]}, and then leave the index; the others leave it
        without. A cart changed meanwhile keeps its newer mark. Returns the reminders issued."""
        settings = self.settings
        if not self.index.claim_sweep(max(30, int(settings.reminder_interval * 5))):
            return 0
        try:
            now = self.clock()
            idle = now - timedelta(seconds=settings.reminder_after)
            ids = self.index.idle_since(idle, settings.reminder_batch)
            # a cart changed since it was listed is no longer idle: its newer mark stands
            entries = [
                e for e in self.index.peek(ids) if e.mark is not None and e.mark <= _at(idle)
            ]
            last = self.reminders.last_reminded(
                [e.cart_id for e in entries], self._period_start(now)
            )
            due = []
            for entry in entries:
                decision = reminder_due(
                    entry.cart, self._touched(entry), last.get(entry.cart_id), now, settings
                )
                if isinstance(decision, Due):
                    due.append(entry)
                elif isinstance(decision, Later):
                    self.index.reschedule(
                        entry, decision.at - timedelta(seconds=settings.reminder_after)
                    )
                else:
                    self.index.forget(entry)
            if not due:
                return 0
            accepting = self.peers.reminder_preferences(
                sorted({str(entry.cart.user_id) for entry in due if entry.cart})
            )
            issued = 0
            for entry in due:
                if entry.cart is not None and entry.cart.user_id in accepting:
                    issued += self._remind(entry, entry.cart, now)
                self.index.forget(entry)
            return issued
        finally:
            self.index.end_sweep()

    def reminder_stats(self, days: int = 30) -> dict[str, Any]:
        """{sent, recovered, recovery_rate, recovered_carts_value, currency} of the reminders
        issued in the last `days` days ("sent" counts those the cart issued: one the email
        step then skipped, the cart emptied meanwhile, is still counted)."""
        counts = self.reminders.counts(self.clock() - timedelta(days=days))
        return reminder_figures(counts, self.pricing.currency)

    def _remind(self, entry: IndexedCart, cart: Cart, now: datetime) -> int:
        """Store and announce one reminder (its own transaction, committed before the cart
        leaves the index, so a crash in between reminds again at most into the unique key).
        1 when issued, 0 when this idle spell already had its reminder."""
        reminder = new_reminder(
            self.new_id(), cart, self._touched(entry), now, self.pricing.currency
        )
        if not self.reminders.add(reminder):
            self.reminders.rollback()
            return 0
        self.reminders.record_event("cart_abandoned", abandoned_event(reminder, cart))
        self.reminders.commit()
        return 1

    @staticmethod
    def _touched(entry: IndexedCart) -> datetime:
        """When the owner last changed the cart; its mark when that is unknown."""
        if entry.touched_at is not None:
            return entry.touched_at
        return datetime.fromtimestamp(entry.mark or 0, tz=UTC)

    def _period_start(self, now: datetime) -> datetime:
        return now - timedelta(seconds=self.settings.reminder_period)

    def forget_product(self, product_id: str) -> None:
        """The catalog changed the product: the next cart display asks it again."""
        self.snapshots.drop(product_id)

    def take_stock_level(self, product_id: str, available: int, version: int) -> None:
        """Keep inventory's newest level of the product (an older version changes nothing)."""
        self.snapshots.stock_changed(product_id, available, version)

    # -- coupons ------------------------------------------------------------------------------

    def redeem_coupon(self, code: str, order_id: str, user_id: str | None = None) -> None:
        """Count one use of the coupon for `order_id` (idempotent per order), announcing
        `coupon_redeemed` {code, order_id, user_id} the first time. The coupon is locked for
        the transaction, so concurrent redemptions never exceed a limit. Raises CouponNotFound,
        CouponExhausted, CouponAlreadyUsed."""
        coupon = self.coupons.lock(code)
        existing = self.coupons.redemption_of(order_id)
        if existing is not None and existing.redeemed:
            return
        check_redemption(coupon, lambda: self.coupons.customer_uses(coupon.id, user_id))
        self.coupons.redeem(coupon, order_id, user_id, existing)
        self.coupons.record_event(
            "coupon_redeemed", {"code": coupon.code, "order_id": order_id, "user_id": user_id}
        )

    def release_coupon(self, order_id: str) -> bool:
        """Give back the coupon use of an order cancelled before payment; idempotent."""
        return self.coupons.release(order_id)

    def list_coupons(
        self, page: int, limit: int, q: str | None = None, active: bool | None = None
    ) -> tuple[list[CouponRow], int]:
        return self.coupons.list_rows(page, limit, q, active)

    def get_coupon(self, code: str) -> CouponRow:
        return self.coupons.get_row(code)

    def create_coupon(self, values: dict[str, Any]) -> CouponRow:
        """Create a coupon. Raises CouponCodeTaken."""
        if self.coupons.find(values["code"]) is not None:
            raise code_taken(values["code"])
        return self.coupons.add_row(values)

    def update_coupon(self, code: str, values: dict[str, Any]) -> CouponRow:
        """Change the given fields of a coupon, the rules across fields judged on the result.
        Raises CouponNotFound, ValidationFailed, CouponCodeTaken."""
        row = self.coupons.get_row(code)
        merged = {
            "type": values.get("type", row.type),
            "value": values.get("value", row.value),
            "starts_at": values.get("starts_at", row.starts_at),
            "ends_at": values.get("ends_at", row.ends_at),
        }
        problem = coupon_data_problem(merged)
        if problem is not None:
            field, message = problem
            raise ValidationFailed("invalid input", {"fields": {field: [message]}})
        if "code" in values:
            values["code"] = normalize_code(values["code"])
            other = self.coupons.find(values["code"])
            if other is not None and other.id != row.id:
                raise code_taken(values["code"])
        self.coupons.update_row(row, values)
        return row

    def delete_coupon(self, code: str) -> None:
        """Delete a coupon (kept, marked deleted, when it was ever redeemed)."""
        self.coupons.remove_row(self.coupons.get_row(code))

    # -- helpers ------------------------------------------------------------------------------

    def _owned(self, cart_id: str, user_id: str | None) -> Cart:
        """The cart if the caller may see it: a guest cart, or the caller's own."""
        cart = self.store.read(cart_id)
        if cart.user_id and cart.user_id != user_id:
            raise CartNotFound("cart not found", {"cart_id": cart_id})
        return cart

    def _products(self, product_ids: list[str], fresh: bool = False) -> dict[str, dict]:
        return self._lookup(product_ids, fresh=fresh)[0]

    def _lookup(
        self, product_ids: list[str], stock_ids: Sequence[str] = (), fresh: bool = False
    ) -> tuple[dict[str, dict], dict[str, dict]]:
        """Products by id and the stock of `stock_ids`: from the snapshots that catalog's and
        inventory's events keep current, unless `fresh`; one catalog call and one inventory
        call, in parallel, for whatever the snapshots do not answer."""
        cached: dict[str, dict] = {}
        cached_stock: dict[str, dict] = {}
        if not fresh:
            cached, cached_stock = self.snapshots.get_many(product_ids, stock_ids)
        ask = [pid for pid in product_ids if pid not in cached]
        ask_stock = [pid for pid in stock_ids if pid not in cached_stock]
        fetched, fetched_stock = self.products.fetch(ask, ask_stock)
        self.snapshots.put_many(fetched, fetched_stock)
        return {**cached, **fetched}, {**cached_stock, **fetched_stock}

    def _change_line(
        self, cart_id: str, product_id: str, quantity: int, user_id: str | None, add: bool
    ) -> PricedCart:
        cart = self._owned(cart_id, user_id)
        if not add and not cart.quantity_of(product_id):
            raise CartItemNotFound(
                "the cart has no such item", {"cart_id": cart.id, "product_id": product_id}
            )
        ids = list(dict.fromkeys([*(line.product_id for line in cart.lines), product_id]))
        # Snapshots answer when they can: the price stored with the line only flags a later
        # change (`quote`, which orders price from, always asks the catalog), and the stock check
        # is advisory either way (inventory's reservation at checkout is the authority).
        products, stock = self._lookup(ids, stock_ids=(product_id,))
        product = ensure_sellable(products.get(product_id), product_id, self.pricing.currency)
        available = int((stock.get(product_id) or {}).get("available", 0))
        line_max = self.settings.line_max
        in_cart = cart.quantity_of(product_id)
        check_quantity(
            product, in_cart + quantity if add else quantity, available, line_max, in_cart
        )
        status, current, changed = self.store.set_line(
            cart,
            product_id,
            quantity,
            line_limit(available, line_max),
            int(product["price"]),
            add=add,
        )
        if status == -2:
            # another change got there first: explain against what the cart now holds
            check_quantity(
                product, current + quantity if add else quantity, available, line_max, current
            )
        return self._priced(changed, user_id, products=products)

    def _coupon_for(self, code: str | None, customer: str | None) -> tuple[Coupon | None, int]:
        if not code:
            return None, 0
        coupon = self.coupons.find(code)
        if coupon is None:
            return None, 0
        return coupon, self.coupons.customer_uses(coupon.id, customer)

    def _still_valid_coupon(self, code: str | None, user_id: str) -> str | None:
        coupon, uses = self._coupon_for(code, user_id)
        if coupon is None:
            return None
        try:
            # the minimum is judged on the merged cart at each quote, not here
            check_coupon(coupon, coupon.min_subtotal, self.clock(), uses)
        except CouponError:
            return None
        return coupon.code

    def _priced(
        self, cart: Cart, user_id: str | None, products: dict[str, dict] | None = None
    ) -> PricedCart:
        """The cart priced from the catalog now (snapshots unless `products` has every line)."""
        ids = [line.product_id for line in cart.lines]
        if products is None or any(pid not in products for pid in ids):
            products = self._products(ids)
        customer = cart.user_id or user_id
        coupon, uses = self._coupon_for(cart.coupon_code, customer)
        quote = price_cart(cart.lines, products, self.pricing, coupon, self.clock(), uses)
        if cart.coupon_code and coupon is None:
            quote["coupon_error"] = vanished_coupon(cart.coupon_code)
        return PricedCart(cart, quote)


def _at(moment: datetime) -> int:
    """A time as the index's marks are: whole epoch seconds."""
    return int(moment.timestamp())
