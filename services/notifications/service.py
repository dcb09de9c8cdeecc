"""The notifications service: tells people what happened, once per event.

Consumes accounts (user_registered, password_reset_requested), orders (order_created,
order_confirmed, order_cancelled, order_status_changed), payments (payment_succeeded,
payment_failed, payment_refunded), inventory (stock_low) and cart (cart_abandoned: the reminder
email, `usecases.Notifications.remind_cart`) events. For each, `domain.plan` says
who hears of it and how: an email (Jinja2 templates, logged in `emails` under a unique dedupe key
so a redelivered event sends nothing more, retried with backoff by a timer), an inbox entry, and a
live push on Redis pub/sub (services/common/push.py) that the gateway's /ws relays.

Entrypoints only: each loads its arguments, runs one use case of `usecases.Notifications` on the
worker's session (which the use case commits step by step through the sent log, see there) and
dumps the result.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nameko.timer import timer

from services.common.database import Database, Repository, unit_of_work
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.errors import ValidationFailed
from services.common.messaging import event_handler
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load
from services.common.service import BazaarService
from services.notifications import schemas
from services.notifications.dependencies import LivePush, PostOffice, RpcDirectory
from services.notifications.exceptions import NotificationNotFound
from services.notifications.models import Base, dead_letters
from services.notifications.repository import SqlEmailLog, SqlInbox
from services.notifications.usecases import Notifications


class NotificationsService(DeadLetterAdmin, BazaarService):
    name = "notifications"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    emails = Repository(SqlEmailLog)
    inbox = Repository(SqlInbox)
    postman = PostOffice()
    pusher = LivePush()
    accounts_rpc = RpcProxy("accounts")
    orders_rpc = RpcProxy("orders")
    catalog_rpc = RpcProxy("catalog")
    cart_rpc = RpcProxy("cart")

    @contextmanager
    def _notifications(self) -> Iterator[Notifications]:
        """The use cases over the worker's session, in one unit of work."""
        notifications = Notifications(
            emails=self.emails,
            inbox=self.inbox,
            postman=self.postman,
            pusher=self.pusher,
            directory=RpcDirectory(
                self.accounts_rpc, self.orders_rpc, self.catalog_rpc, self.cart_rpc
            ),
        )
        with unit_of_work(self.db.session):
            yield notifications

    # -- RPC ---------------------------------------------------------------------------------

    @rpc(expected_exceptions=(ValidationFailed,))
    def list_inbox(self, user_id, page=1, limit=20, unread_only=False):
        """A user's notifications, newest first: Page + meta.unread."""
        args = load(
            schemas.InboxArgs(),
            {"user_id": user_id, "page": page, "limit": limit, "unread_only": unread_only},
        )
        with self._notifications() as notifications:
            return schemas.dump_inbox_page(notifications.list_inbox(**args))

    @rpc(expected_exceptions=(NotificationNotFound, ValidationFailed))
    def mark_read(self, user_id, notification_id):
        """Mark one of the user's notifications read (idempotent); another user's -> not found."""
        args = load(
            schemas.MarkReadArgs(), {"user_id": user_id, "notification_id": notification_id}
        )
        with self._notifications() as notifications:
            return schemas.dump_notification(notifications.mark_read(**args))

    @rpc
    def mark_all_read(self, user_id):
        """Mark every notification of the user read: {"updated": n}."""
        with self._notifications() as notifications:
            return {"updated": notifications.mark_all_read(str(user_id))}

    # -- events ------------------------------------------------------------------------------

    @event_handler("accounts", "user_registered")
    @dead_lettered(dead_letters, "accounts", "user_registered")
    def handle_user_registered(self, payload):
        self._notify("user_registered", payload)

    @event_handler("accounts", "password_reset_requested")
    @dead_lettered(dead_letters, "accounts", "password_reset_requested")
    def handle_password_reset_requested(self, payload):
        self._notify("password_reset_requested", payload)

    @event_handler("orders", "order_created")
    @dead_lettered(dead_letters, "orders", "order_created")
    def handle_order_created(self, payload):
        self._notify("order_created", payload)

    @event_handler("orders", "order_confirmed")
    @dead_lettered(dead_letters, "orders", "order_confirmed")
    def handle_order_confirmed(self, payload):
        self._notify("order_confirmed", payload)

    @event_handler("orders", "order_cancelled")
    @dead_lettered(dead_letters, "orders", "order_cancelled")
    def handle_order_cancelled(self, payload):
        self._notify("order_cancelled", payload)

    @event_handler("orders", "order_status_changed")
    @dead_lettered(dead_letters, "orders", "order_status_changed")
    def handle_order_status_changed(self, payload):
        self._notify("order_status_changed", payload)

    @event_handler("payments", "payment_succeeded")
    @dead_lettered(dead_letters, "payments", "payment_succeeded")
    def handle_payment_succeeded(self, payload):
        self._notify("payment_succeeded", payload)

    @event_handler("payments", "payment_failed")
    @dead_lettered(dead_letters, "payments", "payment_failed")
    def handle_payment_failed(self, payload):
        self._notify("payment_failed", payload)

    @event_handler("payments", "payment_refunded")
    @dead_lettered(dead_letters, "payments", "payment_refunded")
    def handle_payment_refunded(self, payload):
        self._notify("payment_refunded", payload)

    @event_handler("inventory", "stock_low")
    @dead_lettered(dead_letters, "inventory", "stock_low")
    def handle_stock_low(self, payload):
        self._notify("stock_low", payload)

    @event_handler("cart", "cart_abandoned")
    @dead_lettered(dead_letters, "cart", "cart_abandoned")
    def handle_cart_abandoned(self, payload):
        """The reminder email of an abandoned cart, unless it was ordered, emptied or opted out
        of meanwhile; once per reminder."""
        payload = load(schemas.CartAbandoned(), payload)
        with self._notifications() as notifications:
            notifications.remind_cart(payload)

    @timer(interval=1)
    def retry_emails(self):
        """Send the emails whose (re)try is due: first attempts a crash interrupted, and failed
        ones after their backoff."""
        with self._notifications() as notifications:
            notifications.retry_due_emails()

    def _notify(self, event_type: str, payload) -> None:
        """What every handler does: validate the payload, tell whom the event concerns."""
        payload = load(schemas.EventPayload(), payload)
        with self._notifications() as notifications:
            notifications.notify(event_type, payload)
