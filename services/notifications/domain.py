"""What each consumed event means: who is told, by which channel, in which words; and the ports
(abstract classes) the use cases deliver through.

Plain functions and data only (no nameko, SQLAlchemy, Redis or SMTP): `usecases.Notifications`
resolves the recipients and performs the deliveries this module plans.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.common.money import to_decimal_string
from services.common.ports import Transactional

# audiences
PAYLOAD = "payload"  # the payload names the person (user_id, email, first_name)
USER = "user"  # payload.user_id (or the order's owner), looked up in accounts
ADMINS = "admins"  # every admin account


@dataclass(frozen=True)
class Plan:
    audience: str
    email: str | None  # email template kind, or None
    inbox: str | None  # inbox message kind, or None
    push: bool  # live push to the audience
    admin_push: bool = False  # also a live alert to every admin (new orders)


def plan(event_type: str, payload: dict[str, Any]) -> Plan:
    """The deliveries an event calls for (KeyError for an event this service does not handle)."""
    if event_type == "order_status_changed":
        shipped = payload.get("to_status") == "shipped"
        return Plan(USER, "order_shipped" if shipped else None, "order_status_changed", True)
    return PLANS[event_type]


PLANS: dict[str, Plan] = {
    "user_registered": Plan(PAYLOAD, "welcome", "welcome", False),
    "password_reset_requested": Plan(PAYLOAD, "password_reset", None, False),
    "order_created": Plan(USER, None, None, True),
    "order_confirmed": Plan(USER, "order_confirmed", "order_confirmed", True, admin_push=True),
    "order_cancelled": Plan(USER, "order_cancelled", "order_cancelled", True),
    "payment_succeeded": Plan(USER, None, None, True),
    "payment_failed": Plan(USER, "payment_failed", "payment_failed", True),
    "payment_refunded": Plan(USER, "payment_refunded", "payment_refunded", True),
    "stock_low": Plan(ADMINS, "stock_low", "stock_low", True),
}

# fields never pushed to a browser or kept in an inbox entry
# (a guest cart's id is the key to it)
PRIVATE_FIELDS = frozenset({"token", "password", "email", "client_secret", "cart_id"})


def event_key(event_type: str, payload: dict[str, Any]) -> str:
    """The identity of one event: its outbox `event_id`, else a digest of its content (so a
    redelivered copy of an event sent without the outbox is still recognised)."""
    if payload.get("event_id"):
        return f"{event_type}:{payload['event_id']}"
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return f"{event_type}:sha256:{hashlib.sha256(canonical.encode()).hexdigest()[:40]}"


def dedupe_key(key: str, channel: str, recipient: str) -> str:
    """One delivery of one event on one channel to one recipient (the sent log's unique key)."""
    digest = hashlib.sha256(f"{key}|{channel}|{recipient.lower()}".encode()).hexdigest()
    return f"{channel}:{digest}"


def public_data(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in PRIVATE_FIELDS}


def short_id(value: Any) -> str:
    return str(value or "")[:8].upper()


def money(minor: Any, currency: str | None = "USD") -> str:
    if minor is None:
        return ""
    return f"{to_decimal_string(int(minor), currency or 'USD')} {currency or 'USD'}"


def absolute_url(base: str, url: Any) -> str | None:
    """A link an email can carry: absolute URLs as they are, paths (media's `/media/...`) under
    the storefront's origin `base`; None for nothing."""
    if not url:
        return None
    text = str(url)
    if text.startswith(("http://", "https://")):
        return text
    return f"{base.rstrip('/')}/{text.lstrip('/')}"


def reminder_lines(cart: dict[str, Any], storefront: str) -> list[dict[str, Any]]:
    """The lines a cart reminder shows: those still on sale, at the cart's current price (the
    cart prices from catalog's latest snapshots), with an absolute image URL."""
    return [
        {
            "product_id": line.get("product_id"),
            "name": line.get("name") or line.get("product_id"),
            "quantity": int(line.get("quantity") or 0),
            "price": line.get("price"),
            "line_total": line.get("line_total"),
            "image": absolute_url(storefront, line.get("image")),
        }
        for line in cart.get("lines") or []
        if line.get("available", True) and int(line.get("quantity") or 0) > 0
    ]


def wants_cart_reminders(user: dict[str, Any]) -> bool:
    """An active user who has not turned cart reminders off (an account without the flag yet
    counts as opted in: the cart asked accounts before it announced the reminder)."""
    return user.get("is_active", True) is not False and user.get("cart_reminders") is not False


def inbox_message(kind: str, data: dict[str, Any]) -> tuple[str, str]:
    """(title, body) of an inbox entry."""
    order = short_id(data.get("order_id"))
    amount = money(data.get("amount", data.get("total")), data.get("currency"))
    status = str(data.get("to_status", "")).replace("_", " ")
    product = data.get("product_name") or data.get("product_id")
    messages = {
        "welcome": ("Welcome to Bazaar", "Your account is ready. Happy shopping!"),
        "order_confirmed": (f"Order {order} confirmed", "We have received your order."),
        "order_cancelled": (
            f"Order {order} cancelled",
            f"Your order was cancelled{': ' + str(data['reason']) if data.get('reason') else ''}.",
        ),
        "order_status_changed": (f"Order {order} is {status}", f"Your order is now {status}."),
        "payment_failed": (
            f"Payment for order {order} failed",
            "Your payment did not go through; the order was not charged.",
        ),
        "payment_refunded": (f"Refund for order {order}", f"{amount} has been refunded.".strip()),
        "stock_low": (
            f"Low stock: {product}",
            f"{data.get('available')} left (threshold {data.get('threshold')}).",
        ),
    }
    return messages[kind]


def retry_delay(attempts: int, base: float, cap: float) -> float:
    """Seconds to wait after `attempts` failed ones: base * 2^(attempts-1), at most `cap`."""
    return float(min(cap, base * (2 ** max(0, attempts - 1))))


@dataclass
class InboxPage:
    """One page of a user's inbox, newest first, and how many of their entries are unread."""

    rows: list[Any]
    total: int
    unread: int
    page: int
    limit: int


def mark_read(notification: Any, now: datetime) -> None:
    """Read once: an entry read before keeps the moment it was first read."""
    if notification.read_at is None:
        notification.read_at = now


# -- ports ---------------------------------------------------------------------------------------


class EmailLog(Transactional):
    """The sent log: one row per email; its unique dedupe key makes recording idempotent.
    Emails are records with id, kind, attempts, to_address, subject, bodies, message_id.

    It carries the worker's transaction (`Transactional`), which the inbox shares: its `commit`
    makes the inbox's writes durable too. (This service publishes no events: it has no outbox,
    and nothing records one.)"""

    @abstractmethod
    def record(
        self,
        *,
        dedupe_key: str,
        event_type: str,
        kind: str,
        user_id: str | None,
        to_address: str,
        rendered: Any,
    ) -> str | None:
        """Log a rendered email to send: its id, or None when this delivery was logged before."""

    @abstractmethod
    def claim(self, email_id: str) -> Any | None:
        """Take a pending (or stale sending) email for one attempt; None if another has it."""

    @abstractmethod
    def due(self, limit: int = 20) -> list[str]:
        """Ids of the emails whose next attempt is due."""

    @abstractmethod
    def mark_sent(self, email_id: str) -> None: ...

    @abstractmethod
    def mark_failed(
        self, email_id: str, attempts: int, error: str, max_attempts: int, delay: float
    ) -> None:
        """Back to pending for a later attempt, or `failed` once the attempts are used up."""


class Inbox(ABC):
    """In-app notifications of users: records with id, user_id, kind, title, body, data,
    read_at, created_at; written in the sent log's transaction (`EmailLog.commit`)."""

    @abstractmethod
    def add(
        self, *, dedupe_key: str, user_id: str, kind: str, title: str, body: str, data: dict
    ) -> Any | None:
        """Add an entry: the new entry, or None when this delivery was added before."""

    @abstractmethod
    def page(self, user_id: str, page: int, limit: int, unread_only: bool) -> tuple[list, int]:
        """(a page of the user's entries newest first, how many there are in all)."""

    @abstractmethod
    def unread(self, user_id: str) -> int: ...

    @abstractmethod
    def get(self, user_id: str, notification_id: str) -> Any | None:
        """One of the user's entries (another user's is None)."""

    @abstractmethod
    def mark_all_read(self, user_id: str, now: datetime) -> int:
        """Mark every unread entry of the user read at `now`; how many were."""


class Postman(ABC):
    """Renders email kinds and delivers logged emails (templates and transport)."""

    storefront_url: str  # without a trailing slash
    max_attempts: int

    @abstractmethod
    def render(self, kind: str, context: dict) -> Any:
        """The rendered email (subject, text, html) of a kind."""

    @abstractmethod
    def deliver(self, email: Any) -> None:
        """Send a logged email; raises whatever the transport raises."""

    @abstractmethod
    def retry_delay(self, attempts: int) -> float:
        """Seconds to wait after `attempts` failed ones."""


class Pusher(ABC):
    """Live updates to browsers, on the channels of services/common/push.py."""

    @abstractmethod
    def push(
        self, channel: str, event_type: str, data: dict, entry: Any | None, dedupe: str | None
    ) -> bool:
        """Publish the event's public `data` with its new inbox entry (or None); with a
        `dedupe` key, only the first time (for pushes no row records)."""


class Directory(ABC):
    """The records of other services the messages need: users and unsubscribe links (accounts),
    orders, products (catalog), carts. Raises NotFound or ServiceUnavailable as those services
    do."""

    @abstractmethod
    def admins(self) -> dict:
        """The first page (100) of admin accounts: {"data": [user, ...], ...}."""

    @abstractmethod
    def user(self, user_id: str) -> dict: ...

    @abstractmethod
    def order(self, order_id: str) -> dict | None:
        """The order as staff see it."""

    @abstractmethod
    def product(self, product_id: str) -> dict: ...

    @abstractmethod
    def cart(self, cart_id: str, user_id: str) -> dict | None:
        """The user's cart priced now (cart.get_cart), or None when it is gone."""

    @abstractmethod
    def unsubscribe_token(self, user_id: str) -> str:
        """The token of the user's cart-reminder unsubscribe link (accounts signs it)."""
