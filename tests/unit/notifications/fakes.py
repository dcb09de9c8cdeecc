"""Hand-written fakes of the notifications ports: in-memory sent log (carrying the transaction:
tests/unit/fakes.py's `RecordedTransaction`) and inbox, a postman that renders a line and records
what it sends, a pusher that records (and deduplicates) the messages it would publish, and a
directory of users, orders, products, carts and unsubscribe links."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from services.common.errors import NotFound
from services.notifications import domain
from services.notifications.schemas import dump_push
from tests.unit.fakes import RecordedTransaction

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@dataclass
class FakeEmail:
    id: str
    dedupe_key: str
    event_type: str
    kind: str
    user_id: str | None
    to_address: str
    rendered: Any
    status: str = "pending"
    attempts: int = 0
    last_error: str | None = None


class FakeEmailLog(RecordedTransaction, domain.EmailLog):
    def __init__(self):
        super().__init__()
        self.rows: dict[str, FakeEmail] = {}

    def record(self, *, dedupe_key, event_type, kind, user_id, to_address, rendered):
        if any(e.dedupe_key == dedupe_key for e in self.rows.values()):
            return None
        email_id = f"email-{len(self.rows) + 1}"
        self.rows[email_id] = FakeEmail(
            email_id, dedupe_key, event_type, kind, user_id, to_address, rendered
        )
        return email_id

    def claim(self, email_id):
        email = self.rows.get(email_id)
        if email is None or email.status != "pending":
            return None
        email.status, email.attempts = "sending", email.attempts + 1
        return email

    def due(self, limit=20):
        return [e.id for e in self.rows.values() if e.status == "pending"][:limit]

    def mark_sent(self, email_id):
        self.rows[email_id].status = "sent"

    def mark_failed(self, email_id, attempts, error, max_attempts, delay):
        email = self.rows[email_id]
        email.status = "failed" if attempts >= max_attempts else "pending"
        email.last_error = error


class FakeInbox(domain.Inbox):
    def __init__(self):
        self.rows: list[SimpleNamespace] = []

    def add(self, *, dedupe_key, user_id, kind, title, body, data):
        if any(r.dedupe_key == dedupe_key for r in self.rows):
            return None
        row = SimpleNamespace(
            id=f"n-{len(self.rows) + 1}",
            dedupe_key=dedupe_key,
            user_id=user_id,
            kind=kind,
            title=title,
            body=body,
            data=data,
            read_at=None,
            created_at=NOW,
        )
        self.rows.append(row)
        return row

    def _of(self, user_id, unread_only=False):
        rows = [r for r in reversed(self.rows) if r.user_id == user_id]
        return [r for r in rows if r.read_at is None] if unread_only else rows

    def page(self, user_id, page, limit, unread_only):
        rows = self._of(user_id, unread_only)
        return rows[(page - 1) * limit : page * limit], len(rows)

    def unread(self, user_id):
        return len(self._of(user_id, unread_only=True))

    def get(self, user_id, notification_id):
        return next((r for r in self._of(user_id) if r.id == notification_id), None)

    def mark_all_read(self, user_id, now):
        unread = self._of(user_id, unread_only=True)
        for row in unread:
            row.read_at = now
        return len(unread)


class FakePostman(domain.Postman):
    storefront_url = "https://shop.example"

    def __init__(self, failures: int = 0, max_attempts: int = 3):
        self.failures = failures  # deliveries that raise before one succeeds
        self.max_attempts = max_attempts
        self.sent: list[FakeEmail] = []

    def render(self, kind, context):
        recipient = context.get("recipient", {})
        return SimpleNamespace(subject=f"{kind} for {recipient.get('first_name')}", context=context)

    def deliver(self, email):
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("smtp down")
        self.sent.append(email)

    def retry_delay(self, attempts):
        return float(attempts)


class FakePusher(domain.Pusher):
    def __init__(self):
        self.pushed: list[tuple[str, dict]] = []
        self.keys: set[str] = set()

    def push(self, channel, event_type, data, entry, dedupe):
        key = f"{dedupe}:{channel}"
        if dedupe and key in self.keys:
            return False
        self.keys.add(key)
        self.pushed.append((channel, dump_push(event_type, data, entry)))
        return True


@dataclass
class FakeDirectory(domain.Directory):
    users: dict[str, dict] = field(default_factory=dict)
    orders: dict[str, dict] = field(default_factory=dict)
    products: dict[str, dict] = field(default_factory=dict)
    carts: dict[str, dict] = field(default_factory=dict)  # cart_id -> Cart (with its user_id)
    calls: list[tuple[str, str]] = field(default_factory=list)

    def admins(self):
        self.calls.append(("admins", ""))
        return {"data": [u for u in self.users.values() if u.get("role") == "admin"]}

    def user(self, user_id):
        self.calls.append(("user", user_id))
        return self._find(self.users, user_id)

    def order(self, order_id):
        self.calls.append(("order", order_id))
        return self._find(self.orders, order_id)

    def product(self, product_id):
        self.calls.append(("product", product_id))
        return self._find(self.products, product_id)

    def cart(self, cart_id, user_id):
        self.calls.append(("cart", cart_id))
        cart = self.carts.get(cart_id)
        return cart if cart is not None and cart.get("user_id") == user_id else None

    def unsubscribe_token(self, user_id):
        self.calls.append(("unsubscribe_token", user_id))
        return f"signed.{user_id}/x+y="

    @staticmethod
    def _find(records, key):
        if key not in records:
            raise NotFound(f"no {key}")
        return records[key]
