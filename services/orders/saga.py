"""The order saga (docs/architecture.md#the-order-saga), run step by step with compensation.

`Saga` is built per worker by the service with its session, outbox writer and RPC proxies. Every
step commits before the next remote call, so a crash leaves a state the sweeper (`sweep`) or a
redelivered event can finish: pending orders are cancelled and their stock released, unpaid ones
expire, money taken for a cancelled order is refunded.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from nameko.exceptions import RemoteError

from services.common.actor import SYSTEM, Actor
from services.common.clock import utcnow
from services.common.errors import BazaarError, ServiceUnavailable, ValidationFailed
from services.common.fields import INT32_MAX
from services.common.schemas import load
from services.orders import domain
from services.orders.dependencies import OrdersRepository, order_to_dict
from services.orders.exceptions import (
    CartEmpty,
    CouponUnavailable,
    InvalidAddress,
    OrderNotFound,
    OutOfStock,
)
from services.orders.models import Order, idempotency_keys, processed_events
from services.orders.schemas import AddressSchema

log = logging.getLogger(__name__)
PAID = ("paid", "partially_refunded")
MONEY_COLUMNS = ("subtotal", "discount", "tax", "shipping", "total")


def is_out_of_stock(exc: BaseException) -> bool:
    name = exc.exc_type if isinstance(exc, RemoteError) else type(exc).__name__
    return name in ("OutOfStock", "InsufficientStock")


class Saga:
    def __init__(
        self,
        session,
        outbox,
        cart,
        inventory,
        payments,
        accounts=None,
        reservation_ttl: int = 900,
    ):
        self.session = session
        self.repo = OrdersRepository(session)
        self.outbox = outbox
        self.cart = cart
        self.inventory = inventory
        self.payments = payments
        self.accounts = accounts
        self.reservation_ttl = reservation_ttl

    # -- state changes ----------------------------------------------------------------------

    def move(self, order: Order, target: str, by: str, reason: str | None = None) -> None:
        """Apply a legal transition, write it to the history and the outbox (same transaction)."""
        domain.check_transition(order.status, target)
        previous = order.status
        order.status = target
        order.updated_at = utcnow()
        if target == domain.CANCELLED:
            order.cancel_reason = reason
        self.repo.record_change(order.id, previous, target, by, reason)
        common = {
            "order_id": order.id,
            "user_id": order.user_id,
            "total": order.total,
            "currency": order.currency,
        }
        self.outbox.add(
            self.session,
            "order_status_changed",
            {
                **common,
                "from_status": previous,
                "to_status": target,
                "reason": reason,
                "payment_method": order.payment_method,
                "tracking": order.tracking,
            },
        )
        if target == domain.CONFIRMED:
            # the cart service empties `cart_id` on this event (delivered by the outbox; a
            # handler that keeps failing leaves a dead letter): no RPC from here
            self.outbox.add(
                self.session,
                "order_confirmed",
                {**common, "payment_method": order.payment_method, "cart_id": order.cart_id},
            )
        elif target == domain.CANCELLED:
            self.outbox.add(self.session, "order_cancelled", {**common, "reason": reason})
        elif target == domain.DELIVERED:
            # payments settles cash on delivery on this (rather than reading every status change)
            self.outbox.add(
                self.session, "order_delivered", {**common, "payment_method": order.payment_method}
            )

    # -- placing ----------------------------------------------------------------------------

    def place_order(self, args: dict) -> dict:
        """Idempotent per (user, Idempotency-Key): the first response is stored and replayed."""
        order_id = str(uuid.uuid4())
        result = idempotency_keys.run(
            self.session,
            args["user_id"],
            args.get("idempotency_key"),
            "place_order",
            args.get("request_hash"),
            lambda: self._place(order_id, args),
            resource_id=order_id,
            on_stale=self._current,
        )
        return result

    def run_once(self, user_id, key, operation, request_hash, action):
        """`action()` at most once per (user, Idempotency-Key); see common.idempotency."""
        return idempotency_keys.run(self.session, user_id, key, operation, request_hash, action)

    def _current(self, order_id: str) -> dict | None:
        order = self.repo.find(order_id)
        return order_to_dict(order) if order is not None else None

    def _address(self, args: dict) -> dict:
        if args.get("shipping_address"):
            return args["shipping_address"]
        try:
            saved = self.accounts.get_address(args["user_id"], args["address_id"])
        except (BazaarError, RemoteError) as exc:
            # accounts' AddressNotFound reaches this service as a RemoteError (its type is not
            # registered here): an addressId naming no address of the buyer is a bad input
            name = exc.exc_type if isinstance(exc, RemoteError) else type(exc).__name__
            if name != "AddressNotFound":
                raise
            raise InvalidAddress(
                "no such saved address", {"fields": {"addressId": ["No such address."]}}
            ) from None
        try:
            return load(AddressSchema(), {k: saved.get(k) for k in AddressSchema().fields})
        except ValidationFailed as exc:
            raise InvalidAddress(
                "the saved address is incomplete for shipping",
                {"address_id": args["address_id"], **exc.details},
            ) from None

    def _place(self, order_id: str, args: dict) -> dict:
        user_id, method = args["user_id"], args["payment_method"]
        address = self._address(args)
        quote = self.cart.quote(args["cart_id"], user_id=user_id)
        if not quote.get("lines"):
            raise CartEmpty("the cart is empty", {"cart_id": args["cart_id"]})
        if max(quote.get(key) or 0 for key in MONEY_COLUMNS) > INT32_MAX:
            # each price is bounded (MAX_AMOUNT), a cart of many dear lines is not; the order's
            # money columns are INTEGER, so such an order would fail its insert
            raise ValidationFailed(
                "the order is too large to place",
                {"fields": {"cartId": [f"The total must stay within {INT32_MAX} minor units."]}},
            )
        products = {line["product_id"]: line for line in quote["lines"]}
        # each line records its seller (the quote carries it from the catalog), whose back office
        # then lists the order: no catalog call of checkout's own
        lines = domain.snapshot_lines(quote["lines"], products)
        order = self.repo.add_order(
            order_id, user_id, args["cart_id"], quote, lines, address, method
        )
        self.outbox.add(
            self.session,
            "order_created",
            {
                "order_id": order_id,
                "user_id": user_id,
                "total": order.total,
                "currency": order.currency,
                "payment_method": method,
            },
        )
        self.session.commit()

        try:
            reservation = self.inventory.reserve(
                order_id, domain.stock_request(lines), self.reservation_ttl
            )
        except Exception as exc:
            if is_out_of_stock(exc):
                details = getattr(exc, "details", None) or {}
                self._cancel_placed(order, domain.OUT_OF_STOCK, release_stock=False)
                product = details.get("product_id")
                raise OutOfStock(
                    f"not enough stock of product {product}" if product else "not enough stock",
                    {"order_id": order_id, **details},
                ) from None
            self._cancel_placed(order, domain.CHECKOUT_FAILED, release_stock=True)
            raise
        order.reservation_expires_at = _parse_time(reservation.get("expires_at"))

        if order.coupon_code:
            try:
                self.cart.redeem_coupon(order.coupon_code, order_id, user_id)
            except ServiceUnavailable:
                self._cancel_placed(order, domain.CHECKOUT_FAILED, release_stock=True)
                raise
            except (BazaarError, RemoteError) as exc:
                self._cancel_placed(order, "coupon_unavailable", release_stock=True)
                raise CouponUnavailable(
                    f"coupon {order.coupon_code} can no longer be used",
                    {
                        "order_id": order_id,
                        "code": order.coupon_code,
                        "reason": getattr(exc, "message", str(exc)),
                    },
                ) from None

        try:
            payment = self.payments.create_intent(
                order_id,
                order.total,
                order.currency,
                user_id,
                f"order-{order_id}",
                method=method,
            )
            if method == "cod":
                self.inventory.commit(order_id)
        except Exception:
            self._cancel_placed(
                order, domain.CHECKOUT_FAILED, release_stock=True, release_coupon=True
            )
            raise

        order = self.repo.lock(order)
        order.payment_intent_id = payment.get("intent_id")
        if method == "card":
            self.move(order, domain.AWAITING_PAYMENT, "system", "payment intent created")
        else:
            self.move(order, domain.CONFIRMED, "system", "cash on delivery")
        # left uncommitted: it commits with the Idempotency-Key's stored response
        result = order_to_dict(order)
        if method == "card":
            result["payment"] = {
                "intent_id": payment.get("intent_id"),
                "client_secret": payment.get("client_secret"),
                "provider": payment.get("provider"),
                "status": payment.get("status"),
            }
        return result

    def _cancel_placed(
        self, order: Order, reason: str, release_stock: bool, release_coupon: bool = False
    ) -> None:
        """Compensate a checkout that cannot finish: cancel the order, give back what it took."""
        self.session.rollback()
        if release_stock:
            _best_effort(self.inventory.release, order.id)
        if order.coupon_code and (release_coupon or reason != domain.OUT_OF_STOCK):
            _best_effort(self.cart.release_coupon, order.id)
        current = self.repo.get(order.id, lock=True)
        if domain.can_transition(current.status, domain.CANCELLED):
            self.move(current, domain.CANCELLED, "system", reason)
        self.session.commit()

    # -- reads ------------------------------------------------------------------------------

    def get_order(
        self, order_id: str, user_id: str | None, is_staff: bool, actor: Actor = SYSTEM
    ) -> Order:
        """The order if `user_id` placed it or staff may see it (a seller: one holding their
        products); OrderNotFound otherwise."""
        order = self.repo.find(order_id)
        if order is None or not domain.order_visible(
            order.user_id, [line.seller_id for line in order.lines], user_id, is_staff, actor
        ):
            raise OrderNotFound(f"no order {order_id}", {"order_id": order_id})
        return order

    def _require_sellers_order(self, order_id: str, actor: Actor) -> None:
        """A seller changes only orders holding their products (OrderNotFound otherwise, even
        for one they placed as a customer); admins are not checked."""
        if actor.is_seller:
            self.get_order(order_id, None, True, actor)

    # -- customer and staff actions ---------------------------------------------------------

    def cancel_order(
        self, order_id: str, user_id: str | None, reason: str | None, is_staff: bool = False
    ) -> dict:
        order = self.get_order(order_id, user_id, is_staff)
        order = self.repo.get(order.id, lock=True)
        if order.status == domain.CANCELLED:
            if order.payment_status in PAID:
                self.payments.refund(order.id, None)  # an earlier refund call failed: retry
            return order_to_dict(order)
        if is_staff:
            domain.check_transition(order.status, domain.CANCELLED)
        else:
            domain.check_customer_cancel(order.status)
        was_open = order.status in domain.UNPAID_OPEN
        self.inventory.release(order.id)
        if was_open and order.coupon_code:
            _best_effort(self.cart.release_coupon, order.id)
        self.move(order, domain.CANCELLED, user_id or "staff", reason or domain.CUSTOMER_REQUEST)
        self.session.commit()
        if order.payment_status in PAID:
            self.payments.refund(order.id, None)
        return order_to_dict(order)

    def update_status(
        self, order_id: str, status: str, user_id: str, note: str | None, actor: Actor = SYSTEM
    ) -> dict:
        self._require_sellers_order(order_id, actor)
        if status == domain.CANCELLED:
            return self.cancel_order(order_id, user_id, note or "cancelled by staff", True)
        order = self.repo.get(order_id, lock=True)
        domain.check_staff_target(order.status, status)
        self.move(order, status, user_id, note)
        self.session.commit()
        return order_to_dict(order)

    def set_tracking(
        self, order_id: str, tracking: dict, user_id: str, actor: Actor = SYSTEM
    ) -> dict:
        self._require_sellers_order(order_id, actor)
        order = self.repo.get(order_id, lock=True)
        if order.status not in (domain.CONFIRMED, domain.PROCESSING, domain.SHIPPED):
            raise domain.IllegalTransition(
                f"an order {order.status} cannot take tracking",
                {"from": order.status, "to": domain.SHIPPED},
            )
        order.tracking = tracking
        order.updated_at = utcnow()
        self.repo.record_change(
            order.id,
            order.status,
            order.status,
            user_id,
            f"tracking {tracking['carrier']} {tracking['number']}",
        )
        if order.status == domain.PROCESSING:
            self.move(order, domain.SHIPPED, user_id, "tracking added")
        else:
            self.outbox.add(
                self.session,
                "order_status_changed",
                {
                    "order_id": order.id,
                    "user_id": order.user_id,
                    "from_status": order.status,
                    "to_status": order.status,
                    "tracking": tracking,
                    "reason": "tracking updated",
                    "total": order.total,
                    "currency": order.currency,
                    "payment_method": order.payment_method,
                },
            )
        self.session.commit()
        return order_to_dict(order)

    # -- payment and stock events -----------------------------------------------------------

    def payment_succeeded(self, event: dict) -> None:
        order = self.repo.find(event["order_id"], lock=True)
        if order is None:
            log.warning("payment_succeeded for unknown order %s", event["order_id"])
            return
        if order.payment_status in ("refunded", "partially_refunded"):
            # The refund overtook its payment (events arrive in any order): never go back to paid.
            return
        order.payment_status = "paid"
        order.updated_at = utcnow()
        if order.status in domain.UNPAID_OPEN:
            try:
                self.inventory.commit(order.id)
            except ServiceUnavailable:
                raise
            except (BazaarError, RemoteError) as exc:
                # The reservation is gone (expired and released): the goods cannot be promised.
                log.warning("order %s paid but its stock is gone: %s", order.id, exc)
                # Refund first (idempotent): if it fails, the event is retried as a whole.
                self.payments.refund(order.id, None)
                self.move(order, domain.CANCELLED, "payments", domain.RESERVATION_EXPIRED)
                self.session.commit()
                return
            self.move(order, domain.CONFIRMED, "payments", "payment succeeded")
            self.session.commit()
        elif order.status == domain.CANCELLED:
            # Money arrived for an order that no longer exists: give it back.
            self.repo.record_change(
                order.id,
                order.status,
                order.status,
                "payments",
                "paid after cancellation; refunding",
            )
            self.payments.refund(order.id, None)
            self.session.commit()
        else:
            self.repo.record_change(
                order.id, order.status, order.status, "payments", "payment received"
            )
            self.session.commit()

    def payment_failed(self, event: dict) -> None:
        order = self.repo.find(event["order_id"], lock=True)
        if order is None or order.status not in domain.UNPAID_OPEN:
            return
        self.inventory.release(order.id)
        if order.coupon_code:
            self.cart.release_coupon(order.id)
        order.payment_status = "failed"
        reason = domain.PAYMENT_FAILED
        self.move(
            order,
            domain.CANCELLED,
            "payments",
            f"{reason}: {event['reason']}" if event.get("reason") else reason,
        )
        order.cancel_reason = reason
        self.session.commit()

    def payment_refunded(self, event: dict) -> None:
        order = self.repo.find(event["order_id"], lock=True)
        if order is None:
            return
        refunded = event.get("refunded_total")
        order.refunded_amount = max(
            order.refunded_amount, refunded if refunded is not None else event["amount"]
        )
        full = event.get("fully_refunded")
        if full is None:
            full = order.refunded_amount >= order.total
        order.payment_status = "refunded" if full else "partially_refunded"
        order.updated_at = utcnow()
        if full and domain.can_transition(order.status, domain.REFUNDED):
            self.move(order, domain.REFUNDED, "payments", "payment refunded")
        else:
            self.repo.record_change(
                order.id,
                order.status,
                order.status,
                "payments",
                f"refunded {event['amount']} {order.currency}",
            )
        self.session.commit()

    def reservation_expired(self, order_id: str, by: str = "inventory") -> None:
        order = self.repo.find(order_id, lock=True)
        if order is None or order.status not in domain.UNPAID_OPEN:
            return
        _best_effort(self.inventory.release, order.id)
        if order.coupon_code:
            self.cart.release_coupon(order.id)
        self.move(order, domain.CANCELLED, by, domain.RESERVATION_EXPIRED)
        self.session.commit()

    def purge(self) -> None:
        """Forget completed Idempotency-Keys after a day and processed event ids after a week."""
        moment = utcnow()
        idempotency_keys.purge(self.session, moment - timedelta(days=1))
        processed_events.purge(self.session, moment - timedelta(days=7))
        self.session.commit()

    # -- recovery ---------------------------------------------------------------------------

    def sweep(
        self,
        pending_grace: timedelta,
        expiry_grace: timedelta,
        refund_grace: timedelta = timedelta(seconds=30),
    ) -> dict[str, int]:
        """Finish what crashes and lost events left: checkouts stuck `pending` are cancelled and
        their stock released; unpaid orders past their reservation are cancelled; cancelled
        orders still paid (a refund call that failed) are refunded again."""
        moment = utcnow()
        stuck = self.repo.stale([domain.PENDING], moment - pending_grace)
        self.session.commit()
        for order_id in stuck:
            order = self.repo.get(order_id, lock=True)
            if order.status != domain.PENDING:
                self.session.commit()
                continue
            self.session.commit()
            self._cancel_placed(
                order, domain.CHECKOUT_FAILED, release_stock=True, release_coupon=True
            )
        expired = self.repo.expired_unpaid(moment - expiry_grace)
        self.session.commit()
        for order_id in expired:
            self.reservation_expired(order_id, by="system")
        unrefunded = self.repo.cancelled_but_paid(moment - refund_grace)
        self.session.commit()
        for order_id in unrefunded:
            _best_effort(self.payments.refund, order_id, None)
        return {
            "cancelled_pending": len(stuck),
            "expired": len(expired),
            "refunds_retried": len(unrefunded),
        }


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _best_effort(call, *args) -> None:
    try:
        call(*args)
    except Exception:
        log.warning(
            "%s%r failed; it will be retried by expiry or the sweeper", call, args, exc_info=True
        )
