"""Order rules: the status machine, line snapshots and the shape of an order. No infrastructure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.common.actor import Actor
from services.orders.exceptions import IllegalTransition, NotCancellable, ProductUnavailable

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


REFUNDABLE_PAYMENTS = frozenset({"paid", "partially_refunded"})


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


def order_timeline(
    history: Iterable[Mapping[str, Any]], payment_events: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Status changes and payment events as one list, oldest first (a status change before a
    payment event of the same instant: the order exists before it is paid)."""
    entries = [
        {
            "kind": "status",
            "at": entry["created_at"],
            "from_status": entry.get("from_status"),
            "to_status": entry["to_status"],
            "changed_by": entry.get("changed_by"),
            "reason": entry.get("reason"),
        }
        for entry in history
    ]
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


def _instant(iso: str | None) -> datetime:
    if not iso:
        return datetime.min.replace(tzinfo=UTC)
    moment = datetime.fromisoformat(iso)
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
