"""The orders use cases: one class, `Orders`, the order saga (docs/architecture.md#the-order-saga)
over two ports of `domain`: the repository (`OrdersRepository`) and the other services (`Peers`).

Pure like the domain (no nameko, SQLAlchemy or redis): unit-tested with the fakes in
`tests/unit/orders/fakes.py`. Unlike a one-transaction use case, the saga commits step by step:
every step commits before the next remote call, so a crash leaves a state the sweeper (`sweep`) or
a redelivered event can finish.

Placing an order (`place_order`), inside the Idempotency-Key's `run_once` (the order id chosen up
front is the key's resource, so a retry after a crash learns the order's state):

1. the address: the one given, or the buyer's saved one (`Peers.saved_address`; none is
   InvalidAddress naming addressId, an incomplete one InvalidAddress);
2. `Peers.quote_cart`: an empty cart is CartEmpty, money past the INTEGER columns a
   ValidationFailed naming cartId (`domain.check_quote`);
3. the order is stored `pending` with its line snapshots and an `order_created` event; commit;
4. `Peers.reserve_stock`: short (StockShortage) -> cancelled `out_of_stock` and OutOfStock;
   any other failure -> cancelled `checkout_failed`, stock released, the error re-raised;
5. with a coupon, `Peers.redeem_coupon`: no answer -> cancelled `checkout_failed`, re-raised;
   refused (CouponRefused) -> cancelled `coupon_unavailable`, CouponUnavailable;
6. `Peers.create_intent` (and `commit_stock` for cash on delivery): a failure cancels the order
   (`checkout_failed`), releasing stock and coupon, and is re-raised;
7. card -> `awaiting_payment` (the answer carries `payment`); cash on delivery -> `confirmed`.
   This change is left uncommitted: it commits with the Idempotency-Key's stored response.

Compensation (`_cancel_placed`): roll back, release stock and coupon (best effort: the
reservation's expiry and the sweeper retry what fails), move the order to `cancelled`; commit.

After placing: `payment_succeeded` (policy: `domain.payment_outcome`: confirm, refund money that
arrived for a cancelled order, ignore a payment a refund overtook), `payment_failed`,
`payment_refunded` (`domain.apply_refund`), `reservation_expired`, the customer's or staff's
`cancel_order` (refunded when paid), staff `update_status` and `set_tracking`; recovery by
`sweep`; `purge` forgets old Idempotency-Keys and event ids. Every status change goes through
`move`: the rule (`domain.change_status`), a history row and its events (`domain.status_events`),
in one transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from services.common.actor import SYSTEM, Actor
from services.common.clock import utcnow
from services.common.errors import ServiceUnavailable
from services.orders import domain
from services.orders.domain import (
    AddressIncomplete,
    AddressMissing,
    CouponRefused,
    OrderQuery,
    OrdersRepository,
    Peers,
    StockGone,
    StockShortage,
)
from services.orders.exceptions import (
    CouponUnavailable,
    InvalidAddress,
    OrderNotFound,
    OutOfStock,
)

log = logging.getLogger(__name__)


def _new_order_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Orders:
    """The orders use cases (the saga) over the repository and the other services. `present`
    is how an order is answered (schemas.dump_order): the idempotent writes store that answer
    as their response, so the use cases return it."""

    repo: OrdersRepository
    peers: Peers
    present: Callable[[Any], dict[str, Any]]
    reservation_ttl: int = 900
    clock: Callable[[], datetime] = utcnow
    new_id: Callable[[], str] = _new_order_id

    # -- state changes ----------------------------------------------------------------------

    def move(self, order: Any, target: str, by: str, reason: str | None = None) -> None:
        """Apply a legal transition, write it to the history and the outbox (same transaction)."""
        previous = domain.change_status(order, target, reason, self.clock())
        self.repo.record_change(order.id, previous, target, by, reason)
        for event_type, payload in domain.status_events(order, previous, reason):
            self.repo.record_event(event_type, payload)

    # -- placing ----------------------------------------------------------------------------

    def place_order(self, args: dict) -> dict:
        """Run the checkout saga (steps above) -> the Order (+ `payment` for cards). Idempotent
        per (user, Idempotency-Key): the first response is stored and replayed. Raises
        OutOfStock, CartEmpty, InvalidAddress, CouponUnavailable, ProductUnavailable..."""
        order_id = self.new_id()
        return self.repo.run_once(
            args["user_id"],
            args.get("idempotency_key"),
            "place_order",
            args.get("request_hash"),
            lambda: self._place(order_id, args),
            resource_id=order_id,
            on_stale=self._current,
        )

    def _current(self, order_id: str) -> dict | None:
        order = self.repo.find(order_id)
        return self.present(order) if order is not None else None

    def _address(self, args: dict) -> dict:
        if args.get("shipping_address"):
            return args["shipping_address"]
        try:
            return self.peers.saved_address(args["user_id"], args["address_id"])
        except AddressMissing:
            # an addressId naming no address of the buyer is a bad input
            raise InvalidAddress(
                "no such saved address", {"fields": {"addressId": ["No such address."]}}
            ) from None
        except AddressIncomplete as exc:
            raise InvalidAddress(
                "the saved address is incomplete for shipping",
                {"address_id": args["address_id"], **exc.details},
            ) from None

    def _place(self, order_id: str, args: dict) -> dict:
        user_id, method = args["user_id"], args["payment_method"]
        address = self._address(args)
        quote = self.peers.quote_cart(args["cart_id"], user_id)
        domain.check_quote(args["cart_id"], quote, self.repo.money_max)
        products = {line["product_id"]: line for line in quote["lines"]}
        # each line records its seller (the quote carries it from the catalog), whose back office
        # then lists the order: no catalog call of checkout's own
        lines = domain.snapshot_lines(quote["lines"], products)
        order = self.repo.add_order(
            order_id, user_id, args["cart_id"], quote, lines, address, method
        )
        self.repo.record_event(
            "order_created",
            {
                "order_id": order_id,
                "user_id": user_id,
                "total": order.total,
                "currency": order.currency,
                "payment_method": method,
            },
        )
        self.repo.commit()

        try:
            reservation = self.peers.reserve_stock(
                order_id, domain.stock_request(lines), self.reservation_ttl
            )
        except StockShortage as short:
            self._cancel_placed(order, domain.OUT_OF_STOCK, release_stock=False)
            product = short.details.get("product_id")
            raise OutOfStock(
                f"not enough stock of product {product}" if product else "not enough stock",
                {"order_id": order_id, **short.details},
            ) from None
        except Exception:
            self._cancel_placed(order, domain.CHECKOUT_FAILED, release_stock=True)
            raise
        order.reservation_expires_at = domain.parse_time(reservation.get("expires_at"))

        if order.coupon_code:
            try:
                self.peers.redeem_coupon(order.coupon_code, order_id, user_id)
            except ServiceUnavailable:
                self._cancel_placed(order, domain.CHECKOUT_FAILED, release_stock=True)
                raise
            except CouponRefused as refused:
                self._cancel_placed(order, "coupon_unavailable", release_stock=True)
                raise CouponUnavailable(
                    f"coupon {order.coupon_code} can no longer be used",
                    {"order_id": order_id, "code": order.coupon_code, "reason": refused.message},
                ) from None

        try:
            payment = self.peers.create_intent(
                order_id, order.total, order.currency, user_id, f"order-{order_id}", method
            )
            if method == "cod":
                self.peers.commit_stock(order_id)
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
        result = self.present(order)
        if method == "card":
            result["payment"] = domain.payment_details(payment)
        return result

    def _cancel_placed(
        self, order: Any, reason: str, release_stock: bool, release_coupon: bool = False
    ) -> None:
        """Compensate a checkout that cannot finish: cancel the order, give back what it took."""
        self.repo.rollback()
        if release_stock:
            _best_effort(self.peers.release_stock, order.id)
        if order.coupon_code and (release_coupon or reason != domain.OUT_OF_STOCK):
            _best_effort(self.peers.release_coupon, order.id)
        current = self.repo.get(order.id, lock=True)
        if domain.can_transition(current.status, domain.CANCELLED):
            self.move(current, domain.CANCELLED, "system", reason)
        self.repo.commit()

    # -- reads ------------------------------------------------------------------------------

    def get_order(
        self, order_id: str, user_id: str | None, is_staff: bool, actor: Actor = SYSTEM
    ) -> Any:
        """The order if `user_id` placed it or staff may see it (a seller: one holding their
        products); OrderNotFound otherwise."""
        order = self.repo.find(order_id)
        if order is None or not domain.order_visible(
            order.user_id, [line.seller_id for line in order.lines], user_id, is_staff, actor
        ):
            raise OrderNotFound(f"no order {order_id}", {"order_id": order_id})
        return order

    def history(
        self, order_id: str, user_id: str | None, is_staff: bool, actor: Actor = SYSTEM
    ) -> list[domain.StatusChangeRecord]:
        """The visible order's status changes, oldest first; OrderNotFound otherwise."""
        order = self.get_order(order_id, user_id, is_staff, actor)
        return self.repo.history(order.id)

    def admin_order(self, order_id: str, actor: Actor = SYSTEM) -> domain.AdminOrder:
        """Staff view: the statuses staff may set now, what may still be refunded, and a
        timeline of status changes and payment events (left out when payments does not answer
        in time: `payment_events_unavailable`)."""
        order = self.get_order(order_id, None, True, actor)
        history = self.repo.history(order.id)
        try:
            events = self.peers.payment_events(order.id)
            unavailable = False
        except ServiceUnavailable:
            events, unavailable = [], True
        return domain.AdminOrder(
            order=order,
            allowed_transitions=domain.staff_next_statuses(order.status),
            refundable_amount=domain.refundable_amount(
                order.payment_status, order.total, order.refunded_amount
            ),
            timeline=domain.order_timeline(history, events),
            payment_events_unavailable=unavailable,
        )

    def list_orders(self, query: OrderQuery) -> domain.Page:
        orders, total = self.repo.list_orders(query)
        return domain.Page(orders, total, query.page, query.limit)

    def has_purchased(self, user_id: str, product_id: str) -> bool:
        """True when an order of the user, confirmed or later, contains the product."""
        return self.repo.has_purchased(user_id, product_id)

    def stats(self, days: int, top: int) -> domain.Stats:
        """The dashboard over the last `days` days, today included (`schemas.dump_stats`)."""
        first_day = domain.stats_first_day(self.clock(), days)
        return domain.Stats(first_day, days, self.repo.sales(first_day, top))

    def _require_sellers_order(self, order_id: str, actor: Actor) -> None:
        """A seller changes only orders holding their products (OrderNotFound otherwise, even
        for one they placed as a customer); admins are not checked."""
        if actor.is_seller:
            self.get_order(order_id, None, True, actor)

    # -- customer and staff actions (each at most once per Idempotency-Key) -------------------

    def cancel_order(
        self,
        order_id: str,
        user_id: str | None,
        reason: str | None,
        is_staff: bool = False,
        idempotency_key: str | None = None,
        request_hash: str | None = None,
    ) -> dict:
        """Cancel before shipping: stock released (the coupon too while unpaid), refunded when
        paid; a repeat on a cancelled order retries a refund that failed."""
        return self._once(
            "cancel_order",
            order_id,
            user_id,
            idempotency_key,
            request_hash,
            lambda: self._cancel(order_id, user_id, reason, is_staff),
        )

    def _once(
        self,
        operation: str,
        order_id: str,
        user_id: str | None,
        idempotency_key: str | None,
        request_hash: str | None,
        action: Callable[[], dict],
    ) -> dict:
        """A change of one order at most once per (user, Idempotency-Key), keyed
        "<operation>:<order id>"."""
        return self.repo.run_once(
            user_id, idempotency_key, f"{operation}:{order_id}", request_hash, action
        )

    def _cancel(self, order_id: str, user_id: str | None, reason: str | None, is_staff: bool):
        order = self.get_order(order_id, user_id, is_staff)
        order = self.repo.get(order.id, lock=True)
        if order.status == domain.CANCELLED:
            if domain.is_paid(order.payment_status):
                self.peers.refund(order.id)  # an earlier refund call failed: retry
            return self.present(order)
        if is_staff:
            domain.check_transition(order.status, domain.CANCELLED)
        else:
            domain.check_customer_cancel(order.status)
        was_open = order.status in domain.UNPAID_OPEN
        self.peers.release_stock(order.id)
        if was_open and order.coupon_code:
            _best_effort(self.peers.release_coupon, order.id)
        self.move(order, domain.CANCELLED, user_id or "staff", reason or domain.CUSTOMER_REQUEST)
        self.repo.commit()
        if domain.is_paid(order.payment_status):
            self.peers.refund(order.id)
        return self.present(order)

    def update_status(
        self,
        order_id: str,
        status: str,
        user_id: str,
        note: str | None,
        actor: Actor = SYSTEM,
        idempotency_key: str | None = None,
        request_hash: str | None = None,
    ) -> dict:
        """Staff: processing, shipped, delivered or cancelled; an illegal move raises."""
        return self._once(
            "update_status",
            order_id,
            user_id,
            idempotency_key,
            request_hash,
            lambda: self._update_status(order_id, status, user_id, note, actor),
        )

    def _update_status(self, order_id, status, user_id, note, actor) -> dict:
        self._require_sellers_order(order_id, actor)
        if status == domain.CANCELLED:
            return self._cancel(order_id, user_id, note or "cancelled by staff", True)
        order = self.repo.get(order_id, lock=True)
        domain.check_staff_target(order.status, status)
        self.move(order, status, user_id, note)
        self.repo.commit()
        return self.present(order)

    def set_tracking(
        self,
        order_id: str,
        tracking: dict,
        user_id: str | None,
        actor: Actor = SYSTEM,
        idempotency_key: str | None = None,
        request_hash: str | None = None,
    ) -> dict:
        """Staff: store {carrier, number, url}; a processing order becomes shipped."""
        return self._once(
            "set_tracking",
            order_id,
            user_id,
            idempotency_key,
            request_hash,
            lambda: self._set_tracking(order_id, tracking, user_id, actor),
        )

    def _set_tracking(self, order_id, tracking, user_id, actor) -> dict:
        self._require_sellers_order(order_id, actor)
        order = self.repo.get(order_id, lock=True)
        domain.check_trackable(order.status)
        order.tracking = tracking
        order.updated_at = self.clock()
        self.repo.record_change(
            order.id, order.status, order.status, user_id, domain.tracking_note(tracking)
        )
        if order.status == domain.PROCESSING:
            self.move(order, domain.SHIPPED, user_id, "tracking added")
        else:
            self.repo.record_event("order_status_changed", domain.tracking_event(order, tracking))
        self.repo.commit()
        return self.present(order)

    # -- payment and stock events (each applied once per event id) ----------------------------

    def payment_succeeded(self, event: dict) -> None:
        if self.repo.first_delivery(event.get("event_id"), "payment_succeeded"):
            self._payment_succeeded(event)

    def _payment_succeeded(self, event: dict) -> None:
        order = self.repo.find(event["order_id"], lock=True)
        if order is None:
            log.warning("payment_succeeded for unknown order %s", event["order_id"])
            return
        outcome = domain.payment_outcome(order.status, order.payment_status)
        if outcome == domain.IGNORE_PAYMENT:
            return
        order.payment_status = "paid"
        order.updated_at = self.clock()
        if outcome == domain.CONFIRM_PAYMENT:
            try:
                self.peers.commit_paid_stock(order.id)
            except StockGone as exc:
                # The reservation is gone (expired and released): the goods cannot be promised.
                log.warning("order %s paid but its stock is gone: %s", order.id, exc)
                # Refund first (idempotent): if it fails, the event is retried as a whole.
                self.peers.refund(order.id)
                self.move(order, domain.CANCELLED, "payments", domain.RESERVATION_EXPIRED)
                self.repo.commit()
                return
            self.move(order, domain.CONFIRMED, "payments", "payment succeeded")
            self.repo.commit()
        elif outcome == domain.REFUND_PAYMENT:
            # Money arrived for an order that no longer exists: give it back.
            self.repo.record_change(
                order.id,
                order.status,
                order.status,
                "payments",
                "paid after cancellation; refunding",
            )
            self.peers.refund(order.id)
            self.repo.commit()
        else:
            self.repo.record_change(
                order.id, order.status, order.status, "payments", "payment received"
            )
            self.repo.commit()

    def payment_failed(self, event: dict) -> None:
        if not self.repo.first_delivery(event.get("event_id"), "payment_failed"):
            return
        order = self.repo.find(event["order_id"], lock=True)
        if order is None or order.status not in domain.UNPAID_OPEN:
            return
        self.peers.release_stock(order.id)
        if order.coupon_code:
            self.peers.release_coupon(order.id)
        order.payment_status = "failed"
        self.move(
            order,
            domain.CANCELLED,
            "payments",
            domain.payment_failed_reason(event.get("reason")),
        )
        order.cancel_reason = domain.PAYMENT_FAILED
        self.repo.commit()

    def payment_refunded(self, event: dict) -> None:
        if not self.repo.first_delivery(event.get("event_id"), "payment_refunded"):
            return
        order = self.repo.find(event["order_id"], lock=True)
        if order is None:
            return
        refund = domain.apply_refund(
            order.total,
            order.refunded_amount,
            event["amount"],
            event.get("refunded_total"),
            event.get("fully_refunded"),
        )
        order.refunded_amount = refund.refunded_amount
        order.payment_status = refund.payment_status
        order.updated_at = self.clock()
        if refund.full and domain.can_transition(order.status, domain.REFUNDED):
            self.move(order, domain.REFUNDED, "payments", "payment refunded")
        else:
            self.repo.record_change(
                order.id,
                order.status,
                order.status,
                "payments",
                domain.refund_note(event["amount"], order.currency),
            )
        self.repo.commit()

    def reservation_expired(self, event: dict) -> None:
        """inventory released the order's reservation: an unpaid open order is cancelled."""
        if self.repo.first_delivery(event.get("event_id"), "reservation_expired"):
            self._expire(event["order_id"], "inventory")

    def _expire(self, order_id: str, by: str) -> None:
        order = self.repo.find(order_id, lock=True)
        if order is None or order.status not in domain.UNPAID_OPEN:
            return
        _best_effort(self.peers.release_stock, order.id)
        if order.coupon_code:
            self.peers.release_coupon(order.id)
        self.move(order, domain.CANCELLED, by, domain.RESERVATION_EXPIRED)
        self.repo.commit()

    def purge(self) -> None:
        """Forget completed Idempotency-Keys after a day and processed event ids after a week."""
        moment = self.clock()
        self.repo.purge(moment - timedelta(days=1), moment - timedelta(days=7))
        self.repo.commit()

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
        moment = self.clock()
        stuck = self.repo.stale([domain.PENDING], moment - pending_grace)
        self.repo.commit()
        for order_id in stuck:
            order = self.repo.get(order_id, lock=True)
            if order.status != domain.PENDING:
                self.repo.commit()
                continue
            self.repo.commit()
            self._cancel_placed(
                order, domain.CHECKOUT_FAILED, release_stock=True, release_coupon=True
            )
        expired = self.repo.expired_unpaid(moment - expiry_grace)
        self.repo.commit()
        for order_id in expired:
            self._expire(order_id, "system")
        unrefunded = self.repo.cancelled_but_paid(moment - refund_grace)
        self.repo.commit()
        for order_id in unrefunded:
            _best_effort(self.peers.refund, order_id)
        return {
            "cancelled_pending": len(stuck),
            "expired": len(expired),
            "refunds_retried": len(unrefunded),
        }


def _best_effort(call: Callable[..., Any], *args: Any) -> None:
    try:
        call(*args)
    except Exception:
        log.warning(
            "%s%r failed; it will be retried by expiry or the sweeper", call, args, exc_info=True
        )
