"""Order rules: the status machine, line snapshots, payments and refunds, the events of a status
change, and the ports the use cases (`usecases.Orders`) work through. No infrastructure.

Ports: `OrdersRepository` (the SQL adapter: `repository.SqlOrdersRepository`) and `Peers`, the
other services' verbs (the RPC adapter: `dependencies.RpcPeers`), whose refusals reach the use
cases as the `PeerRefusal` types below rather than as remote errors.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from services.common.actor import Actor
from services.common.clock import iso
from services.common.errors import ValidationFailed
from services.common.ports import Transactional
from services.orders.exceptions import (
    CartEmpty,
    IllegalTransition,
    NotCancellable,
    ProductUnavailable,
)

PENDING = "pending"
AWAITING_PAYMENT = "awaiting_payment"
CONFIRMED = "confirmed"
PROCESSING = "processing"
SHIPPED = "shipped"
DELIVERED = "delivered"
CANCELLED = "cancelled"
REFUNDED = "refunded"
STATUSES = (
    PENDING,
    AWAITING_PAYMENT,
    CONFIRMED,
    PROCESSING,
    SHIPPED,
    DELIVERED,
    CANCELLED,
    REFUNDED,
)

# The only legal moves; anything else is a 409.
TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING: frozenset({AWAITING_PAYMENT, CONFIRMED, CANCELLED}),
    AWAITING_PAYMENT: frozenset({CONFIRMED, CANCELLED}),
    CONFIRMED: frozenset({PROCESSING, CANCELLED, REFUNDED}),
    PROCESSING: frozenset({SHIPPED, CANCELLED, REFUNDED}),
    SHIPPED: frozenset({DELIVERED, REFUNDED}),
    DELIVERED: frozenset({REFUNDED}),
    CANCELLED: frozenset({REFUNDED}),
    REFUNDED: frozenset(),
}
# What staff may set by hand; confirmation and refunds follow payments instead.
STAFF_TARGETS = frozenset({PROCESSING, SHIPPED, DELIVERED, CANCELLED})
CUSTOMER_CANCELLABLE = frozenset({PENDING, AWAITING_PAYMENT, CONFIRMED, PROCESSING})
# Orders whose reservation is still held (released on cancel, committed on confirm).
UNPAID_OPEN = frozenset({PENDING, AWAITING_PAYMENT})
PURCHASED = frozenset({CONFIRMED, PROCESSING, SHIPPED, DELIVERED})
# Orders that may take tracking (a processing one ships with it).
TRACKABLE = frozenset({CONFIRMED, PROCESSING, SHIPPED})
# Payment statuses holding the customer's money: a cancelled order in one is refunded.
PAID = ("paid", "partially_refunded")

# Cancel reasons customers are told about.
OUT_OF_STOCK = "out_of_stock"
PAYMENT_FAILED = "payment_failed"
RESERVATION_EXPIRED = "reservation_expired"
CUSTOMER_REQUEST = "customer_request"
CHECKOUT_FAILED = "checkout_failed"


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def check_transition(current: str, target: str) -> None:
    """Raise `IllegalTransition` unless `current -> target` is a legal move."""
    if not can_transition(current, target):
        raise IllegalTransition(
            f"an order {current} cannot become {target}",
            {"from": current, "to": target, "allowed": sorted(TRANSITIONS.get(current, ()))},
        )


def check_staff_target(current: str, target: str) -> None:
    if target not in STAFF_TARGETS:
        raise IllegalTransition(
            f"staff cannot set status {target}; it follows the payment",
            {"from": current, "to": target, "allowed": sorted(STAFF_TARGETS)},
        )
    check_transition(current, target)


def customer_may_cancel(current: str) -> bool:
    """Whether the customer may still cancel an order in `current` (offered by the storefront)."""
    return current in CUSTOMER_CANCELLABLE


def check_customer_cancel(current: str) -> None:
    if not customer_may_cancel(current):
        raise NotCancellable(
            f"an order {current} can no longer be cancelled",
            {"from": current, "to": CANCELLED},
        )


def new_order(
    order_id: str,
    user_id: str,
    cart_id: str,
    quote: Mapping[str, Any],
    address: dict,
    payment_method: str,
    now: datetime,
) -> dict[str, Any]:
    """The fields of an order placed from the cart's `quote`: `pending`, unpaid, the quote's
    money (absent discount, tax and shipping are 0; the currency defaults to USD) and coupon."""
    return {
        "id": order_id,
        "user_id": user_id,
        "cart_id": cart_id,
        "status": PENDING,
        "subtotal": int(quote["subtotal"]),
        "discount": int(quote.get("discount") or 0),
        "tax": int(quote.get("tax") or 0),
        "shipping": int(quote.get("shipping") or 0),
        "total": int(quote["total"]),
        "currency": quote.get("currency") or "USD",
        "coupon_code": (quote.get("coupon") or {}).get("code"),
        "shipping_address": address,
        "payment_method": payment_method,
        "payment_status": "unpaid",
        "refunded_amount": 0,
        "created_at": now,
        "updated_at": now,
    }


def snapshot_lines(
    quote_lines: Iterable[Mapping[str, Any]],
    products: Mapping[str, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The order's lines: each cart line's product name, image and seller as the catalog has them
    now (`products`: the catalog's view, or the quote's own lines, which the cart prices from the
    catalog), at the quoted price. A product gone, inactive or unavailable raises
    `ProductUnavailable`."""
    lines = []
    for position, line in enumerate(quote_lines):
        product = products.get(line["product_id"])
        if (
            product is None
            or product.get("status", "active") != "active"
            or product.get("available") is False
        ):
            raise ProductUnavailable(
                f"product {line['product_id']} is no longer available",
                {"product_id": line["product_id"]},
            )
        price = int(line["price"])
        quantity = int(line["quantity"])
        lines.append(
            {
                "position": position,
                "product_id": line["product_id"],
                "name": product.get("name") or line.get("name") or "",
                "price": price,
                "quantity": quantity,
                "image": product.get("image") or line.get("image"),
                "line_total": price * quantity,
                "seller_id": product.get("seller_id") or line.get("seller_id"),
            }
        )
    return lines


def stock_request(lines: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Reservation lines: one per product, quantities summed."""
    totals: dict[str, int] = {}
    for line in lines:
        totals[line["product_id"]] = totals.get(line["product_id"], 0) + int(line["quantity"])
    return [{"product_id": pid, "quantity": qty} for pid, qty in totals.items()]


def staff_next_statuses(current: str) -> list[str]:
    """The statuses staff may move an order in `current` to (what `check_staff_target` allows),
    in lifecycle order: the back office offers these and nothing else."""
    allowed = TRANSITIONS.get(current, frozenset()) & STAFF_TARGETS
    return [status for status in STATUSES if status in allowed]


REFUNDABLE_PAYMENTS = frozenset(PAID)


def refundable_amount(payment_status: str, total: int, refunded: int) -> int:
    """What an admin may still refund of an order (minor units): 0 unless it was paid."""
    if payment_status not in REFUNDABLE_PAYMENTS:
        return 0
    return max(0, int(total) - int(refunded or 0))


def revenue_series(
    rows: Iterable[Mapping[str, Any]], first_day: date, days: int, currency: str
) -> list[dict[str, Any]]:
    """One entry per day from `first_day` for `days` days, in `currency` (the rows of other
    currencies kept as they are, after it): a day without orders is there with zero revenue, so
    a chart of the series shows gaps as gaps."""
    found = {(row["date"], row["currency"]): row for row in rows}
    series = []
    for offset in range(days):
        day = (first_day + timedelta(days=offset)).isoformat()
        row = found.pop((day, currency), None)
        series.append(
            {
                "date": day,
                "currency": currency,
                "revenue": int(row["revenue"]) if row else 0,
                "orders": int(row["orders"]) if row else 0,
            }
        )
    others = [dict(row) for row in found.values()]
    return series + sorted(others, key=lambda row: (row["currency"], row["date"]))


def stats_first_day(now: datetime, days: int) -> date:
    """The first day of a window of the last `days` days, today included."""
    return now.date() - timedelta(days=days - 1)


@dataclass(frozen=True)
class DayRevenue:
    """Orders confirmed or later, created on `day` in `currency`: their count and total."""

    day: date
    currency: str
    revenue: int
    orders: int


@dataclass(frozen=True)
class ProductSales:
    product_id: str
    name: str
    quantity: int
    revenue: int
    currency: str


@dataclass(frozen=True)
class Sales:
    """What the repository counts for the dashboard, over orders confirmed or later: revenue per
    day and currency since the window's first day (oldest first), orders by status (all of
    them), the best-selling products, and the count and total of every counted order."""

    revenue: list[DayRevenue]
    by_status: dict[str, int]
    top_products: list[ProductSales]
    orders_counted: int
    amount: int


@dataclass(frozen=True)
class Stats:
    """The dashboard over `days` days from `first_day` (`schemas.dump_stats`)."""

    first_day: date
    days: int
    sales: Sales

    @property
    def currency(self) -> str:
        """The currency of the first day with revenue (USD without any)."""
        return self.sales.revenue[0].currency if self.sales.revenue else "USD"

    @property
    def average_order_value(self) -> int:
        """The counted orders' mean total, rounded to a minor unit (0 without orders)."""
        count = self.sales.orders_counted
        return round(self.sales.amount / count) if count else 0


class StatusChangeRecord(Protocol):
    """A row of an order's history."""

    from_status: str | None
    to_status: str
    changed_by: str | None
    reason: str | None
    created_at: datetime


def order_timeline(
    history: Iterable[StatusChangeRecord | Mapping[str, Any]],
    payment_events: Iterable[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Status changes (history records, or their wire form: `schemas.dump_history`'s entries)
    and payment events as one list, oldest first (a status change before a payment event of the
    same instant: the order exists before it is paid)."""
    entries = [_status_entry(entry) for entry in history]
    entries += [
        {
            "kind": "payment",
            "at": event["at"],
            "event": event["type"],
            "amount": event.get("amount"),
            "currency": event.get("currency"),
            "reason": event.get("reason"),
            "provider": event.get("provider"),
        }
        for event in payment_events
    ]
    order = {"status": 0, "payment": 1}
    return sorted(entries, key=lambda entry: (_instant(entry["at"]), order[entry["kind"]]))


def _status_entry(entry: StatusChangeRecord | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(entry, Mapping):
        at, fields = entry["created_at"], entry
    else:
        at = iso(entry.created_at)
        fields = {
            k: getattr(entry, k) for k in ("from_status", "to_status", "changed_by", "reason")
        }
    return {
        "kind": "status",
        "at": at,
        "from_status": fields.get("from_status"),
        "to_status": fields["to_status"],
        "changed_by": fields.get("changed_by"),
        "reason": fields.get("reason"),
    }


def _instant(moment_iso: str | None) -> datetime:
    if not moment_iso:
        return datetime.min.replace(tzinfo=UTC)
    moment = datetime.fromisoformat(moment_iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def order_visible(
    order_user_id: str,
    line_sellers: Iterable[str | None],
    user_id: str | None,
    is_staff: bool,
    actor: Actor,
) -> bool:
    """Who sees an order: its customer; staff, except that a seller sees only orders holding a
    line of their products (another order is not found, as for a customer)."""
    if user_id is not None and order_user_id == user_id:
        return True
    if not is_staff:
        return False
    return not actor.is_seller or actor.user_id in set(line_sellers)


# --- checkout -----------------------------------------------------------------------------

MONEY_COLUMNS = ("subtotal", "discount", "tax", "shipping", "total")


def check_quote(cart_id: str, quote: Mapping[str, Any], money_max: int) -> None:
    """A cart may become an order: `CartEmpty` without lines; `ValidationFailed` naming cartId
    when its money would not fit the order's money columns (`money_max`, the repository's: each
    price is bounded, MAX_AMOUNT, a cart of many dear lines is not: such an order would fail its
    insert)."""
    if not quote.get("lines"):
        raise CartEmpty("the cart is empty", {"cart_id": cart_id})
    if max(quote.get(key) or 0 for key in MONEY_COLUMNS) > money_max:
        raise ValidationFailed(
            "the order is too large to place",
            {"fields": {"cartId": [f"The total must stay within {money_max} minor units."]}},
        )


def parse_time(value: Any) -> datetime | None:
    """A peer's ISO 8601 time (a trailing Z allowed), a datetime, or None when empty."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def payment_details(payment: Mapping[str, Any]) -> dict[str, Any]:
    """What a card checkout's answer carries of its payment intent (`payment`)."""
    return {
        "intent_id": payment.get("intent_id"),
        "client_secret": payment.get("client_secret"),
        "provider": payment.get("provider"),
        "status": payment.get("status"),
    }


# --- an order and its status changes ------------------------------------------------------


class OrderLineRecord(Protocol):
    product_id: str
    name: str
    price: int
    quantity: int
    image: str | None
    line_total: int
    seller_id: str | None


class OrderRecord(Protocol):
    """What the rules read and change of a stored order (models.Order; plain objects in tests)."""

    id: str
    user_id: str
    cart_id: str | None
    status: str
    subtotal: int
    discount: int
    tax: int
    shipping: int
    total: int
    currency: str
    coupon_code: str | None
    shipping_address: dict
    payment_method: str
    payment_intent_id: str | None
    payment_status: str
    refunded_amount: int
    tracking: dict | None
    cancel_reason: str | None
    reservation_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime
    lines: Any  # a sequence of OrderLineRecord


def change_status(order: OrderRecord, target: str, reason: str | None, now: datetime) -> str:
    """Move `order` to `target` (`IllegalTransition` unless legal); returns the status it left.
    A cancellation keeps its reason."""
    check_transition(order.status, target)
    previous = order.status
    order.status = target
    order.updated_at = now
    if target == CANCELLED:
        order.cancel_reason = reason
    return previous


def status_events(
    order: OrderRecord, previous: str, reason: str | None
) -> list[tuple[str, dict[str, Any]]]:
    """The events of `order`'s move from `previous` to its status, in dispatch order:
    order_status_changed, then order_confirmed (the cart service empties `cart_id` on it; its
    `lines` [{product_id, quantity, price}], price the unit price in minor units, tell what was
    bought), order_cancelled or order_delivered (payments settles cash on delivery on it)."""
    target = order.status
    common = {
        "order_id": order.id,
        "user_id": order.user_id,
        "total": order.total,
        "currency": order.currency,
    }
    events: list[tuple[str, dict[str, Any]]] = [
        (
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
    ]
    if target == CONFIRMED:
        events.append(
            (
                "order_confirmed",
                {
                    **common,
                    "payment_method": order.payment_method,
                    "cart_id": order.cart_id,
                    "lines": [
                        {
                            "product_id": line.product_id,
                            "quantity": line.quantity,
                            "price": line.price,
                        }
                        for line in order.lines
                    ],
                },
            )
        )
    elif target == CANCELLED:
        events.append(("order_cancelled", {**common, "reason": reason}))
    elif target == DELIVERED:
        events.append(("order_delivered", {**common, "payment_method": order.payment_method}))
    return events


def check_trackable(current: str) -> None:
    """Raise `IllegalTransition` unless an order in `current` may take tracking."""
    if current not in TRACKABLE:
        raise IllegalTransition(
            f"an order {current} cannot take tracking", {"from": current, "to": SHIPPED}
        )


def tracking_event(order: OrderRecord, tracking: Mapping[str, Any]) -> dict[str, Any]:
    """order_status_changed for new tracking on an order that keeps its status."""
    return {
        "order_id": order.id,
        "user_id": order.user_id,
        "from_status": order.status,
        "to_status": order.status,
        "tracking": tracking,
        "reason": "tracking updated",
        "total": order.total,
        "currency": order.currency,
        "payment_method": order.payment_method,
    }


def tracking_note(tracking: Mapping[str, Any]) -> str:
    return f"tracking {tracking['carrier']} {tracking['number']}"


# --- payments and refunds -----------------------------------------------------------------


def is_paid(payment_status: str) -> bool:
    """Whether the order holds the customer's money (a cancellation then refunds it)."""
    return payment_status in PAID


# What a payment that succeeded means for an order (`payment_outcome`).
IGNORE_PAYMENT = "ignore"  # a refund overtook its payment: never go back to paid
CONFIRM_PAYMENT = "confirm"  # unpaid and open: commit the stock and confirm
REFUND_PAYMENT = "refund"  # cancelled meanwhile: the money is given back
NOTE_PAYMENT = "note"  # already past payment: only noted in the history


def payment_outcome(status: str, payment_status: str) -> str:
    """The policy for money arriving (events arrive in any order): ignored once a refund was
    seen; confirms an unpaid open order; refunded for a cancelled order; noted otherwise."""
    if payment_status in ("refunded", "partially_refunded"):
        return IGNORE_PAYMENT
    if status in UNPAID_OPEN:
        return CONFIRM_PAYMENT
    if status == CANCELLED:
        return REFUND_PAYMENT
    return NOTE_PAYMENT


@dataclass(frozen=True)
class Refund:
    """An order's refund state after a payment_refunded event."""

    refunded_amount: int
    full: bool

    @property
    def payment_status(self) -> str:
        return "refunded" if self.full else "partially_refunded"


def apply_refund(
    total: int,
    refunded_amount: int,
    amount: int,
    refunded_total: int | None = None,
    fully_refunded: bool | None = None,
) -> Refund:
    """The refunded amount never goes down (events may arrive out of order): the event's
    `refunded_total` (else its `amount`) when higher. Full when payments says so, else when the
    refunded amount reaches the order's total."""
    refunded = max(refunded_amount, refunded_total if refunded_total is not None else amount)
    full = fully_refunded if fully_refunded is not None else refunded >= total
    return Refund(refunded, full)


def refund_note(amount: int, currency: str) -> str:
    return f"refunded {amount} {currency}"


def payment_failed_reason(detail: str | None) -> str:
    """The history's reason for a failed payment: payment_failed, with payments' detail."""
    return f"{PAYMENT_FAILED}: {detail}" if detail else PAYMENT_FAILED


# --- listing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderQuery:
    """A page of orders, newest first: one customer's (`user_id`), those holding a line of one
    seller's products (`seller_id`), by status and creation time (`date_from` <= created <
    `date_to`)."""

    user_id: str | None = None
    status: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    page: int = 1
    limit: int = 20
    seller_id: str | None = None


def seller_filter(actor: Actor, seller_id: str | None) -> str | None:
    """The seller whose orders a listing narrows to: always the actor's own for a seller."""
    return actor.user_id if actor.is_seller else seller_id


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    limit: int


@dataclass
class AdminOrder:
    """The staff view of an order (`Orders.admin_order`)."""

    order: Any
    allowed_transitions: list[str]
    refundable_amount: int
    timeline: list[dict[str, Any]]
    payment_events_unavailable: bool


# --- ports --------------------------------------------------------------------------------


class PeerRefusal(Exception):
    """Another service refused a request (not: did not answer, which is ServiceUnavailable);
    `details` is its machine-readable context, when it gave one."""

    def __init__(self, message: str = "", details: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})


class StockShortage(PeerRefusal):
    """inventory has not enough stock for a reservation; details: product_id, requested,
    available (when inventory named them)."""


class StockGone(PeerRefusal):
    """inventory cannot commit the reservation any more (expired and released)."""


class CouponRefused(PeerRefusal):
    """cart refused to redeem the coupon; `message` is its reason."""


class AddressMissing(PeerRefusal):
    """accounts has no such saved address for the buyer."""


class AddressIncomplete(PeerRefusal):
    """The saved address lacks what shipping needs; details.fields names the bad fields."""


class Peers(ABC):
    """The other services the saga asks (cart, inventory, payments, accounts), each call with a
    timeout. One that does not answer raises ServiceUnavailable; other errors arrive as they
    came, except the refusals each verb names."""

    @abstractmethod
    def saved_address(self, user_id: str, address_id: str) -> dict[str, Any]:
        """accounts: the buyer's saved address as a shipping address (schemas.AddressSchema);
        `AddressMissing` when there is none, `AddressIncomplete` when it cannot ship."""

    @abstractmethod
    def quote_cart(self, cart_id: str, user_id: str) -> dict[str, Any]:
        """cart: {lines (each with its seller), coupon, subtotal, discount, tax, shipping,
        total, currency}."""

    @abstractmethod
    def redeem_coupon(self, code: str, order_id: str, user_id: str) -> None:
        """cart: `CouponRefused` when the coupon can no longer be used."""

    @abstractmethod
    def release_coupon(self, order_id: str) -> None: ...

    @abstractmethod
    def reserve_stock(self, order_id: str, lines: list[dict[str, Any]], ttl: int) -> dict:
        """inventory: all lines or none -> {expires_at, ...}; `StockShortage` when short."""

    @abstractmethod
    def commit_stock(self, order_id: str) -> None:
        """inventory: make the reservation final (inventory's errors as they come)."""

    @abstractmethod
    def commit_paid_stock(self, order_id: str) -> None:
        """inventory: as `commit_stock`, for a paid order: `StockGone` when inventory refuses."""

    @abstractmethod
    def release_stock(self, order_id: str) -> None: ...

    @abstractmethod
    def create_intent(
        self,
        order_id: str,
        amount: int,
        currency: str,
        user_id: str,
        idempotency_key: str,
        method: str,
    ) -> dict[str, Any]:
        """payments: {intent_id, client_secret, provider, status, ...}."""

    @abstractmethod
    def refund(self, order_id: str) -> None:
        """payments: refund what is left of the order's payment (idempotent)."""

    @abstractmethod
    def payment_events(self, order_id: str) -> list[dict[str, Any]]:
        """payments: the order's payment events, with a short timeout (ServiceUnavailable)."""


class OrdersRepository(Transactional):
    """Storage of orders, their history and outbox rows (`record_event`). The saga commits step
    by step (`commit`), each step before the next remote call."""

    # the largest amount (minor units) an order's money columns hold
    money_max: int

    @abstractmethod
    def add_order(
        self,
        order_id: str,
        user_id: str,
        cart_id: str,
        quote: Mapping[str, Any],
        lines: list[dict[str, Any]],
        address: dict[str, Any],
        payment_method: str,
    ) -> Any:
        """A new `pending` order with its lines and its first history row."""

    @abstractmethod
    def get(self, order_id: str, lock: bool = False) -> Any:
        """The order (locked for update, reloaded, with `lock`); OrderNotFound otherwise."""

    @abstractmethod
    def find(self, order_id: str, lock: bool = False) -> Any | None: ...

    @abstractmethod
    def lock(self, order: Any) -> Any:
        """Lock a loaded order's row; reload it only if its status changed meanwhile."""

    @abstractmethod
    def record_change(
        self,
        order_id: str,
        from_status: str | None,
        to_status: str,
        changed_by: str | None,
        reason: str | None,
    ) -> None: ...

    @abstractmethod
    def history(self, order_id: str) -> list[StatusChangeRecord]:
        """The order's status changes, oldest first."""

    @abstractmethod
    def list_orders(self, query: OrderQuery) -> tuple[list[Any], int]:
        """One page of the orders `query` selects, newest first, and how many it selects."""

    @abstractmethod
    def stale(self, statuses: Iterable[str], older_than: datetime) -> list[str]: ...

    @abstractmethod
    def expired_unpaid(self, at: datetime) -> list[str]: ...

    @abstractmethod
    def cancelled_but_paid(self, older_than: datetime) -> list[str]: ...

    @abstractmethod
    def has_purchased(self, user_id: str, product_id: str) -> bool: ...

    @abstractmethod
    def sales(self, first_day: date, top: int) -> Sales:
        """The dashboard's counts: revenue per day from `first_day`, the `top` products."""

    @abstractmethod
    def run_once(
        self,
        user_id: str | None,
        key: str | None,
        operation: str,
        request_hash: str | None,
        action: Callable[[], Any],
        resource_id: str | None = None,
        on_stale: Callable[[str], Any] | None = None,
    ) -> Any:
        """`action()` at most once per (user, Idempotency-Key): see common.idempotency."""

    @abstractmethod
    def first_delivery(self, event_id: str | None, consumer: str) -> bool:
        """Claim an event for `consumer`; False when it was handled before."""

    @abstractmethod
    def purge(self, keys_before: datetime, events_before: datetime) -> None:
        """Forget completed Idempotency-Keys and processed event ids older than these."""
