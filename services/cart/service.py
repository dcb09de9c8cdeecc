"""The cart service's entrypoints: carts (Redis), pricing quotes, coupons and redemptions.

A cart with an owner (`user_id`) is reached only by that owner; anybody else gets `CartNotFound`.
A guest cart (no owner) is reached by its unguessable id alone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from services.cart import exceptions
from services.cart.dependencies import (
    CartStore,
    CouponRepository,
    StoredCart,
    coupon_to_dict,
    to_coupon,
)
from services.cart.domain import (
    Coupon,
    PricingSettings,
    check_coupon,
    check_quantity,
    ensure_sellable,
    line_limit,
    merge_caps,
    normalize_code,
    price_cart,
    storefront_options,
)
from services.cart.models import Base, dead_letters
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
    StockChanged,
    UpdateItemArgs,
    check_coupon_data,
)
from services.common import outbox as outboxes
from services.common import pagination
from services.common import service as common
from services.common.clock import utcnow
from services.common.database import Database
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.errors import ValidationFailed
from services.common.messaging import event_handler
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load

EXPECTED = (exceptions.CartError, ValidationFailed)


class CartService(DeadLetterAdmin, outboxes.OutboxRelay, common.BazaarService):
    name = "cart"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    carts = CartStore()
    catalog_rpc = RpcProxy("catalog")
    inventory_rpc = RpcProxy("inventory")
    outbox = outboxes.Outbox()

    @rpc
    def storefront_options(self) -> dict:
        """{currency, free_shipping_threshold, flat_shipping (minor units), max_per_line,
        few_left}: public, what the storefront states about shipping and quantities."""
        return storefront_options(self._pricing(), self.carts.settings)

    # -- carts --------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def create_cart(self, user_id: str | None = None) -> dict:
        """A new guest cart, or (with `user_id`) the user's one active cart."""
        if user_id:
            return self.get_user_cart(user_id)
        return self._render(self.carts.create(), None)

    @rpc(expected_exceptions=EXPECTED)
    def get_user_cart(self, user_id: str) -> dict:
        """The user's one active cart, created when they have none."""
        cart_id = self.carts.user_cart_id(user_id)
        return self._render(self.carts.read(cart_id), user_id)

    @rpc(expected_exceptions=EXPECTED)
    def get_cart(self, cart_id: str, user_id: str | None = None) -> dict:
        """The cart priced now (Cart = Quote + id, expires_at), from product snapshots kept
        current by catalog's events. Raises CartNotFound."""
        args = load(CartRef(), {"cart_id": cart_id, "user_id": user_id})
        return self._render(self._owned(args["cart_id"], args["user_id"]), args["user_id"])

    @rpc(expected_exceptions=EXPECTED)
    def quote(self, cart_id: str, user_id: str | None = None) -> dict:
        """Lines re-priced by the catalog now (never from snapshots: orders price from this),
        coupon, subtotal, discount, tax, shipping, total. Raises CartNotFound."""
        args = load(CartRef(), {"cart_id": cart_id, "user_id": user_id})
        cart = self._owned(args["cart_id"], args["user_id"])
        products = self._products([line.product_id for line in cart.lines], fresh=True)
        return self._render(cart, args["user_id"], products=products)

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
        return self._change_line(args, add=True)

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
        if args["quantity"] == 0:
            return self.remove_item(cart_id, product_id, user_id)
        return self._change_line(args, add=False)

    @rpc(expected_exceptions=EXPECTED)
    def remove_item(self, cart_id: str, product_id: str, user_id: str | None = None) -> dict:
        """Remove a line. Raises CartItemNotFound."""
        args = load(ItemRef(), {"cart_id": cart_id, "product_id": product_id, "user_id": user_id})
        cart = self._owned(args["cart_id"], args["user_id"])
        self.carts.remove_line(cart, args["product_id"])
        return self._render(self.carts.read(cart.id), args["user_id"])

    @rpc(expected_exceptions=EXPECTED)
    def apply_coupon(self, cart_id: str, code: str, user_id: str | None = None) -> dict:
        """Attach a coupon that applies now; raises the Coupon* error that says why not."""
        args = load(ApplyCouponArgs(), {"cart_id": cart_id, "code": code, "user_id": user_id})
        cart = self._owned(args["cart_id"], args["user_id"])
        repo = CouponRepository(self.db.session)
        record = repo.get(args["code"])
        customer = cart.user_id or args["user_id"]
        products = self._products([line.product_id for line in cart.lines])
        subtotal = price_cart(cart.lines, products, self._pricing())["subtotal"]
        check_coupon(to_coupon(record), subtotal, utcnow(), repo.customer_uses(record.id, customer))
        self.carts.set_coupon(cart, record.code)
        return self._render(self.carts.read(cart.id), args["user_id"], products=products)

    @rpc(expected_exceptions=EXPECTED)
    def remove_coupon(self, cart_id: str, user_id: str | None = None) -> dict:
        args = load(CartRef(), {"cart_id": cart_id, "user_id": user_id})
        cart = self._owned(args["cart_id"], args["user_id"])
        self.carts.set_coupon(cart, None)
        return self._render(self.carts.read(cart.id), args["user_id"])

    @rpc(expected_exceptions=EXPECTED)
    def merge_carts(self, guest_cart_id: str, user_id: str) -> dict:
        """Fold a guest cart into the user's (quantities summed, capped at stock and the line
        maximum; the guest's coupon kept if still valid and the user's cart has none), delete
        the guest cart, announce `cart_merged` (outbox). A guest cart already merged (gone)
        changes nothing. Raises CartNotFound for another user's cart."""
        args = load(MergeArgs(), {"guest_cart_id": guest_cart_id, "user_id": user_id})
        user_cart_id = self.carts.user_cart_id(args["user_id"])
        guest = None
        if args["guest_cart_id"] != user_cart_id:
            try:
                guest = self.carts.read(args["guest_cart_id"])
            except exceptions.CartNotFound:
                guest = None
        if guest is not None:
            if guest.user_id and guest.user_id != args["user_id"]:
                raise exceptions.CartNotFound("cart not found", {"cart_id": guest.id})
            ids = [line.product_id for line in guest.lines]
            products, stock = self._lookup(ids, stock_ids=ids, fresh=True)
            pricing = self._pricing()
            caps = merge_caps(ids, products, stock, self.carts.settings.line_max, pricing.currency)
            coupon = self._still_valid_coupon(guest.coupon_code, args["user_id"])
            if self.carts.merge(guest.id, user_cart_id, caps, coupon):
                session = self.db.session
                payload = {
                    "guest_cart_id": guest.id,
                    "cart_id": user_cart_id,
                    "user_id": args["user_id"],
                }
                self.outbox.add(session, "cart_merged", payload)
                session.commit()
        return self._render(self.carts.read(user_cart_id), args["user_id"])

    @rpc(expected_exceptions=EXPECTED)
    def delete_cart(self, cart_id: str, user_id: str | None = None) -> None:
        """Delete a cart (its owner's index too). Raises CartNotFound."""
        args = load(CartRef(), {"cart_id": cart_id, "user_id": user_id})
        cart = self._owned(args["cart_id"], args["user_id"])
        self.carts.delete(cart.id)

    @event_handler("orders", "order_confirmed")
    @dead_lettered(dead_letters, "orders", "order_confirmed")
    def handle_order_confirmed(self, payload: dict) -> None:
        """The cart an order was placed from is emptied once the order is confirmed (paid, or
        cash on delivery). Once per event (by its outbox `event_id`): a redelivered copy leaves
        alone what was added since. A cart that expired meanwhile changes nothing."""
        event = load(OrderConfirmed(), payload)
        if event["cart_id"]:
            self.carts.clear(event["cart_id"], event["event_id"])

    @event_handler("catalog", "product_updated")
    @dead_lettered(dead_letters, "catalog", "product_updated")
    def handle_product_updated(self, payload: dict) -> None:
        """Drop the product's snapshot: the next cart display asks the catalog (idempotent)."""
        self.carts.products.drop(load(ProductChanged(), payload)["product_id"])

    @event_handler("catalog", "product_archived")
    @dead_lettered(dead_letters, "catalog", "product_archived")
    def handle_product_archived(self, payload: dict) -> None:
        self.carts.products.drop(load(ProductChanged(), payload)["product_id"])

    @event_handler("inventory", "stock_changed")
    @dead_lettered(dead_letters, "inventory", "stock_changed")
    def handle_stock_changed(self, payload: dict) -> None:
        """Keep the product's stock snapshot at inventory's newest level (by version), so that
        adding to a cart asks no service; a repeated or older event changes nothing."""
        event = load(StockChanged(), payload)
        self.carts.products.stock_changed(event["product_id"], event["available"], event["version"])

    # -- coupons ------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def redeem_coupon(self, code: str, order_id: str, user_id: str | None = None) -> None:
        """Count one use of the coupon for `order_id` (idempotent per order), announcing
        `coupon_redeemed` (outbox, same transaction) the first time. Raises CouponNotFound,
        CouponExhausted, CouponAlreadyUsed. The validity window and minimum were checked when
        the order was quoted."""
        args = load(RedeemArgs(), {"code": code, "order_id": order_id, "user_id": user_id})
        session = self.db.session
        try:
            record, created = CouponRepository(session).redeem(**args)
            if created:
                self.outbox.add(
                    session,
                    "coupon_redeemed",
                    {"code": record.code, "order_id": args["order_id"], "user_id": args["user_id"]},
                )
            session.commit()
        except Exception:
            session.rollback()
            raise

    @rpc(expected_exceptions=EXPECTED)
    def release_coupon(self, order_id: str) -> None:
        """Give back the coupon use of an order cancelled before payment; idempotent."""
        session = self.db.session
        CouponRepository(session).release(str(order_id))
        session.commit()

    @rpc(expected_exceptions=EXPECTED)
    def list_coupons(
        self, page: int = 1, limit: int = 20, q: str | None = None, active: bool | None = None
    ) -> dict:
        args = load(CouponListArgs(), {"page": page, "limit": limit, "q": q, "active": active})
        rows, total = CouponRepository(self.db.session).list(**args)
        return {
            "data": [coupon_to_dict(row) for row in rows],
            "meta": pagination.page_meta(args["page"], args["limit"], total),
        }

    @rpc(expected_exceptions=EXPECTED)
    def get_coupon(self, code: str) -> dict:
        return coupon_to_dict(CouponRepository(self.db.session).get(str(code)))

    @rpc(expected_exceptions=EXPECTED)
    def create_coupon(self, data: dict) -> dict:
        """Create a coupon. Raises ValidationFailed, CouponCodeTaken."""
        values = load(CouponData(), data)
        session = self.db.session
        repo = CouponRepository(session)
        if repo.find(values["code"]) is not None:
            raise self._code_taken(values["code"])
        try:
            record = repo.add(values)
            session.commit()
        except IntegrityError as exc:
            session.rollback()
            raise self._code_taken(values["code"]) from exc
        return coupon_to_dict(record)

    @rpc(expected_exceptions=EXPECTED)
    def update_coupon(self, code: str, changes: dict) -> dict:
        """Change some fields of a coupon. Raises CouponNotFound, ValidationFailed,
        CouponCodeTaken."""
        if not isinstance(changes, dict):
            raise ValidationFailed("invalid input", {"fields": {"_schema": ["Must be an object."]}})
        loaded = load(CouponChanges(), changes, partial=True)
        values = {key: value for key, value in loaded.items() if key in changes}
        session = self.db.session
        repo = CouponRepository(session)
        record = repo.get(str(code))
        merged = {**coupon_to_dict(record), **values}
        merged["starts_at"] = values.get("starts_at", record.starts_at)
        merged["ends_at"] = values.get("ends_at", record.ends_at)
        try:
            check_coupon_data(merged)
        except Exception as exc:
            messages = getattr(exc, "messages", [str(exc)])
            field = getattr(exc, "field_name", "_schema")
            raise ValidationFailed("invalid input", {"fields": {field: messages}}) from exc
        if "code" in values:
            values["code"] = normalize_code(values["code"])
            other = repo.find(values["code"])
            if other is not None and other.id != record.id:
                raise self._code_taken(values["code"])
        for key, value in values.items():
            setattr(record, key, value)
        try:
            session.commit()
        except IntegrityError as exc:
            session.rollback()
            raise self._code_taken(values.get("code", record.code)) from exc
        return coupon_to_dict(record)

    @rpc(expected_exceptions=EXPECTED)
    def delete_coupon(self, code: str) -> None:
        session = self.db.session
        repo = CouponRepository(session)
        repo.remove(repo.get(str(code)))
        session.commit()

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _code_taken(code: str) -> exceptions.CouponCodeTaken:
        code = normalize_code(code)
        return exceptions.CouponCodeTaken(f"coupon code {code} is taken", {"code": code})

    def _pricing(self) -> PricingSettings:
        return self.carts.pricing

    def _owned(self, cart_id: str, user_id: str | None) -> StoredCart:
        """The cart if the caller may see it: a guest cart, or the caller's own."""
        cart = self.carts.read(cart_id)
        if cart.user_id and cart.user_id != user_id:
            raise exceptions.CartNotFound("cart not found", {"cart_id": cart_id})
        return cart

    def _products(self, product_ids: list[str], fresh: bool = False) -> dict[str, dict]:
        return self._lookup(product_ids, fresh=fresh)[0]

    def _lookup(self, product_ids: list[str], stock_ids=(), fresh: bool = False):
        """Products by id and the stock of `stock_ids`: from the snapshots that catalog's and
        inventory's events keep current, unless `fresh`; one catalog call and one inventory
        call, in parallel, for whatever the snapshots do not answer."""
        snapshots = self.carts.products
        cached, cached_stock = ({}, {}) if fresh else snapshots.get_many(product_ids, stock_ids)
        ask = [pid for pid in product_ids if pid not in cached]
        ask_stock = [pid for pid in stock_ids if pid not in cached_stock]
        products_call = self.catalog_rpc.get_products.call_async(ask) if ask else None
        stock_call = self.inventory_rpc.get_stock.call_async(ask_stock) if ask_stock else None
        found = products_call.result() if products_call else []
        if isinstance(found, dict):
            found = found.get("data", [])
        fetched = {product["id"]: product for product in found}
        fetched_stock = stock_call.result() if stock_call else {}
        snapshots.put_many(fetched, fetched_stock)
        return {**cached, **fetched}, {**cached_stock, **fetched_stock}

    def _change_line(self, args: dict[str, Any], add: bool) -> dict:
        cart = self._owned(args["cart_id"], args["user_id"])
        product_id, quantity = args["product_id"], args["quantity"]
        if not add and not cart.quantity_of(product_id):
            raise exceptions.CartItemNotFound(
                "the cart has no such item", {"cart_id": cart.id, "product_id": product_id}
            )
        ids = list(dict.fromkeys([*(line.product_id for line in cart.lines), product_id]))
        # Snapshots answer when they can: the price stored with the line only flags a later
        # change (`quote`, which orders price from, always asks the catalog), and the stock check
        # is advisory either way (inventory's reservation at checkout is the authority).
        products, stock = self._lookup(ids, stock_ids=(product_id,))
        pricing = self._pricing()
        product = products.get(product_id)
        ensure_sellable(product, product_id, pricing.currency)
        available = int((stock.get(product_id) or {}).get("available", 0))
        line_max = self.carts.settings.line_max
        in_cart = cart.quantity_of(product_id)
        check_quantity(
            product, in_cart + quantity if add else quantity, available, line_max, in_cart
        )
        status, current, changed = self.carts.set_line(
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
        return self._render(changed, args["user_id"], products=products)

    def _coupon_for(self, code: str | None, customer: str | None) -> tuple[Coupon | None, int]:
        if not code:
            return None, 0
        repo = CouponRepository(self.db.session)
        record = repo.find(code)
        if record is None:
            return None, 0
        return to_coupon(record), repo.customer_uses(record.id, customer)

    def _still_valid_coupon(self, code: str | None, user_id: str) -> str | None:
        coupon, uses = self._coupon_for(code, user_id)
        if coupon is None:
            return None
        try:
            # the minimum is judged on the merged cart at each quote, not here
            check_coupon(coupon, coupon.min_subtotal, utcnow(), uses)
        except exceptions.CouponError:
            return None
        return coupon.code

    def _render(
        self, cart: StoredCart, user_id: str | None, products: dict[str, dict] | None = None
    ) -> dict:
        """Cart = Quote + {id, expires_at}, priced from the catalog now."""
        ids = [line.product_id for line in cart.lines]
        if products is None or any(pid not in products for pid in ids):
            products = self._products(ids)
        customer = cart.user_id or user_id
        coupon, uses = self._coupon_for(cart.coupon_code, customer)
        quote = price_cart(cart.lines, products, self._pricing(), coupon, utcnow(), uses)
        if cart.coupon_code and coupon is None:
            quote["coupon_error"] = {
                "error": "CouponNotFound",
                "message": f"coupon {cart.coupon_code} no longer exists",
                "details": {"code": cart.coupon_code},
            }
        return {
            "id": cart.id,
            "cart_id": cart.id,
            "user_id": cart.user_id,
            "expires_at": cart.expires_at,
            **quote,
        }
