"""The notifications service: tells people what happened, once per event.

Consumes accounts (user_registered, password_reset_requested), orders (order_created,
order_confirmed, order_cancelled, order_status_changed), payments (payment_succeeded,
payment_failed, payment_refunded) and inventory (stock_low) events. For each, `domain.plan` says
who hears of it and how: an email (Jinja2 templates, logged in `emails` under a unique dedupe key
so a redelivered event sends nothing more, retried with backoff by a timer), an inbox entry, and a
live push on Redis pub/sub (`push:user:<id>`, `push:admins`) that the gateway's /ws relays.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

import eventlet
from nameko.timer import timer

from services.common.database import Database
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.errors import NotFound, ServiceUnavailable, ValidationFailed
from services.common.messaging import event_handler
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load
from services.common.service import BazaarService
from services.notifications import domain
from services.notifications.dependencies import (
    PUSH_ADMINS,
    PUSH_USER,
    EmailLog,
    Inbox,
    LivePush,
    PostOffice,
)
from services.notifications.exceptions import NotificationNotFound
from services.notifications.models import Base, dead_letters
from services.notifications.schemas import EventPayload, InboxArgs, MarkReadArgs

log = logging.getLogger(__name__)
RPC_ATTEMPTS = 3


class NotificationsService(DeadLetterAdmin, BazaarService):
    name = "notifications"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    postman = PostOffice()
    pusher = LivePush()
    accounts_rpc = RpcProxy("accounts")
    orders_rpc = RpcProxy("orders")
    catalog_rpc = RpcProxy("catalog")

    # -- RPC ---------------------------------------------------------------------------------

    @rpc(expected_exceptions=(ValidationFailed,))
    def list_inbox(self, user_id, page=1, limit=20, unread_only=False):
        """A user's notifications, newest first: Page + meta.unread."""
        args = load(
            InboxArgs(),
            {"user_id": user_id, "page": page, "limit": limit, "unread_only": unread_only},
        )
        return Inbox(self.db.session).page(**args)

    @rpc(expected_exceptions=(NotificationNotFound, ValidationFailed))
    def mark_read(self, user_id, notification_id):
        """Mark one of the user's notifications read (idempotent); another user's -> not found."""
        args = load(MarkReadArgs(), {"user_id": user_id, "notification_id": notification_id})
        notification = Inbox(self.db.session).mark_read(**args)
        self.db.session.commit()
        return notification

    @rpc
    def mark_all_read(self, user_id):
        """Mark every notification of the user read: {"updated": n}."""
        updated = Inbox(self.db.session).mark_all_read(str(user_id))
        self.db.session.commit()
        return {"updated": updated}

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

    @timer(interval=1)
    def retry_emails(self):
        """Send the emails whose (re)try is due: first attempts a crash interrupted, and failed
        ones after their backoff."""
        due = EmailLog(self.db.session).due()
        self.db.session.commit()
        for email_id in due:
            self._send(email_id)

    # -- the work ----------------------------------------------------------------------------

    def _notify(self, event_type: str, payload) -> None:
        payload = load(EventPayload(), payload)
        plan = domain.plan(event_type, payload)
        key = domain.event_key(event_type, payload)
        recipients = self._recipients(plan, payload)
        context = self._context(event_type, payload, plan) if plan.email or plan.inbox else {}
        data = domain.public_data({**payload, **context.get("extra", {})})

        emails, inbox, pushes = EmailLog(self.db.session), Inbox(self.db.session), []
        new_emails, new_entries = [], 0
        for person in recipients:
            entry = None
            if plan.email and person.get("email"):
                rendered = self.postman.render(plan.email, {**context, "recipient": person})
                email_id = emails.record(
                    dedupe_key=domain.dedupe_key(key, "email", person["email"]),
                    event_type=event_type,
                    kind=plan.email,
                    user_id=person.get("user_id"),
                    to_address=person["email"],
                    rendered=rendered,
                )
                if email_id:
                    new_emails.append(email_id)
            if plan.inbox and person.get("user_id"):
                title, body = domain.inbox_message(plan.inbox, data)
                entry = inbox.add(
                    dedupe_key=domain.dedupe_key(key, "inbox", person["user_id"]),
                    user_id=person["user_id"],
                    kind=plan.inbox,
                    title=title,
                    body=body,
                    data=data,
                )
                new_entries += entry is not None
                if entry is None:
                    continue  # seen before: this person was told already
            if plan.push and plan.audience != domain.ADMINS and person.get("user_id"):
                pushes.append(
                    (
                        PUSH_USER.format(person["user_id"]),
                        {"type": event_type, "data": data, "notification": entry},
                    )
                )
        wants_admins = (plan.push and plan.audience == domain.ADMINS) or plan.admin_push
        if wants_admins and (new_entries or not plan.inbox):
            pushes.append((PUSH_ADMINS, {"type": event_type, "data": data, "notification": None}))
        self.db.session.commit()

        # live updates first (email may be slow); a new inbox entry already proves a first
        # delivery, pushes that leave no row are deduplicated in Redis
        dedupe = None if plan.inbox else key
        for channel, message in pushes:
            self.pusher.push(channel, message, dedupe)
        for email_id in new_emails:
            self._send(email_id)

    def _send(self, email_id: str) -> None:
        emails = EmailLog(self.db.session)
        email = emails.claim(email_id)
        self.db.session.commit()
        if email is None:
            return
        try:
            self.postman.deliver(email)
        except Exception as exc:
            delay = self.postman.retry_delay(email.attempts)
            emails.mark_failed(
                email.id,
                email.attempts,
                f"{type(exc).__name__}: {exc}",
                self.postman.max_attempts,
                delay,
            )
            self.db.session.commit()
            log.warning(
                "email %s (%s) attempt %d failed: %s", email.id, email.kind, email.attempts, exc
            )
            return
        emails.mark_sent(email.id)
        self.db.session.commit()

    def _recipients(self, plan: domain.Plan, payload: dict) -> list[dict]:
        if plan.audience == domain.PAYLOAD:
            return [
                {
                    "user_id": payload.get("user_id"),
                    "email": payload.get("email"),
                    "first_name": payload.get("first_name"),
                }
            ]
        if plan.audience == domain.ADMINS:
            admins = self._call(self.accounts_rpc.list_users, page=1, limit=100, role="admin")
            return [
                {
                    "user_id": user["id"],
                    "email": user.get("email"),
                    "first_name": user.get("first_name"),
                }
                for user in admins.get("data", [])
                if user.get("is_active", True)
            ]
        user_id = payload.get("user_id") or self._order(payload, required=True).get("user_id")
        if not user_id:
            return []
        if not plan.email:
            return [{"user_id": user_id}]
        user = self._call(self.accounts_rpc.get_user, user_id)
        return [
            {"user_id": user_id, "email": user.get("email"), "first_name": user.get("first_name")}
        ]

    def _context(self, event_type: str, payload: dict, plan: domain.Plan) -> dict:
        """What the email templates and inbox messages need beyond the payload. The order is
        looked up only for an email: inbox entries and pushes are written from the payload, and
        a checkout's status changes would otherwise each cost an RPC to orders."""
        storefront = self.postman.storefront_url
        links = {"storefront": storefront}
        context: dict = {"data": payload, "links": links, "order": {}, "tracking": {}, "extra": {}}
        if payload.get("order_id"):
            links["order"] = f"{storefront}/orders/{quote(str(payload['order_id']))}"
        if payload.get("token"):
            token = quote(str(payload["token"]), safe="")
            links["reset"] = f"{storefront}/reset-password?token={token}"
        if event_type == "stock_low" and payload.get("product_id"):
            product = quote(str(payload["product_id"]), safe="")
            links["restock"] = f"{storefront}/admin/inventory?product={product}"
        if plan.email and event_type in ("order_confirmed", "order_status_changed"):
            context["order"] = self._order(payload, required=False)
            context["tracking"] = payload.get("tracking") or context["order"].get("tracking") or {}
        if event_type == "stock_low":
            name = self._product_name(payload.get("product_id"))
            context["product_name"] = name
            context["extra"] = {"product_name": name}
        return context

    def _order(self, payload: dict, required: bool) -> dict:
        if not payload.get("order_id"):
            return {}
        try:
            return self._call(self.orders_rpc.get_order, payload["order_id"], is_admin=True) or {}
        except (NotFound, ServiceUnavailable):
            if required:
                raise
            log.warning("order %s unavailable for the email", payload["order_id"])
            return {}

    def _product_name(self, product_id) -> str:
        if not product_id:
            return ""
        try:
            return self._call(self.catalog_rpc.get_product, product_id).get("name") or product_id
        except Exception as exc:
            log.warning("product %s name unavailable: %s", product_id, exc)
            return str(product_id)

    @staticmethod
    def _call(method, *args, **kwargs):
        """An RPC that a slow or restarting service gets a few chances to answer."""
        for attempt in range(1, RPC_ATTEMPTS + 1):
            try:
                return method(*args, **kwargs)
            except ServiceUnavailable:
                if attempt == RPC_ATTEMPTS:
                    raise
                eventlet.sleep(0.2 * attempt)
        raise AssertionError("unreachable")
