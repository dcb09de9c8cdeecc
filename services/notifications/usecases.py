"""The notifications use cases: one class, `Notifications`, over the ports of `domain` (the sent
log, which carries the worker's transaction, the inbox, the postman, the live pusher, the
directory of other services' records). The transaction is committed where a step must stick
before the next one (a slow SMTP server never holds a transaction open).

Pure like the domain (no nameko, SQLAlchemy or redis): unit-tested with the fakes in
`tests/unit/notifications/fakes.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from services.common.clock import utcnow
from services.common.errors import NotFound, ServiceUnavailable
from services.common.push import ADMINS_CHANNEL, user_channel
from services.notifications import domain
from services.notifications.domain import Directory, EmailLog, Inbox, InboxPage, Postman, Pusher
from services.notifications.exceptions import NotificationNotFound

log = logging.getLogger(__name__)


@dataclass
class Notifications:
    """The notifications use cases over one worker's transaction (`emails.commit`, which the
    inbox's writes share)."""

    emails: EmailLog
    inbox: Inbox
    postman: Postman
    pusher: Pusher
    directory: Directory
    clock: Callable[[], datetime] = utcnow

    # -- the inbox -------------------------------------------------------------------------------

    def list_inbox(self, user_id: str, page: int, limit: int, unread_only: bool) -> InboxPage:
        """A page of the user's entries, newest first, with their unread count."""
        rows, total = self.inbox.page(user_id, page, limit, unread_only)
        return InboxPage(rows, total, self.inbox.unread(user_id), page, limit)

    def mark_read(self, user_id: str, notification_id: str) -> Any:
        """Mark one of the user's entries read (idempotent); raises NotificationNotFound, for
        another user's too."""
        notification = self.inbox.get(user_id, notification_id)
        if notification is None:
            raise NotificationNotFound(
                f"no notification {notification_id}", {"notification_id": notification_id}
            )
        domain.mark_read(notification, self.clock())
        return notification

    def mark_all_read(self, user_id: str) -> int:
        """Mark every unread entry of the user read; how many were."""
        return self.inbox.mark_all_read(user_id, self.clock())

    # -- events ----------------------------------------------------------------------------------

    def notify(self, event_type: str, payload: dict) -> None:
        """Tell the people `domain.plan` names of a (validated) event: log their emails and add
        their inbox entries in one transaction, then push live updates and send the emails.
        A redelivered event adds, pushes and sends nothing more. Raises NotFound or
        ServiceUnavailable when a recipient cannot be looked up (nothing is written then)."""
        plan = domain.plan(event_type, payload)
        key = domain.event_key(event_type, payload)
        recipients = self._recipients(plan, payload)
        context = self.context(event_type, payload, plan) if plan.email or plan.inbox else {}
        data = domain.public_data({**payload, **context.get("extra", {})})

        pushes: list[tuple[str, Any]] = []  # (channel, the new inbox entry or None)
        new_emails: list[str] = []
        new_entries = 0
        for person in recipients:
            entry = None
            if plan.email and person.get("email"):
                rendered = self.postman.render(plan.email, {**context, "recipient": person})
                email_id = self.emails.record(
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
                entry = self.inbox.add(
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
                pushes.append((user_channel(person["user_id"]), entry))
        wants_admins = (plan.push and plan.audience == domain.ADMINS) or plan.admin_push
        if wants_admins and (new_entries or not plan.inbox):
            pushes.append((ADMINS_CHANNEL, None))
        self.emails.commit()

        # live updates first (email may be slow); a new inbox entry already proves a first
        # delivery, pushes that leave no row are deduplicated by the pusher
        dedupe = None if plan.inbox else key
        for channel, entry in pushes:
            self.pusher.push(channel, event_type, data, entry, dedupe)
        for email_id in new_emails:
            self.send(email_id)

    def remind_cart(self, payload: dict) -> str | None:
        """Email the owner of an abandoned cart (a validated `cart_abandoned`: reminder_id,
        cart_id, user_id) what is left in it, at today's prices, with links to the cart and to
        unsubscribe. Sends nothing when the user is inactive or has opted out since the cart
        checked, or when the cart is gone, empty or holds nothing on sale any more (ordered or
        emptied meanwhile). One email per reminder_id: a redelivered event sends nothing more.
        Returns the email's id, or None when none was (newly) logged. Raises NotFound or
        ServiceUnavailable as the directory does (the handler retries, then dead-letters)."""
        user_id, cart_id = payload["user_id"], payload["cart_id"]
        try:
            user = self.directory.user(user_id)
        except NotFound:
            log.info("cart reminder %s: user %s is gone", payload["reminder_id"], user_id)
            return None
        if not domain.wants_cart_reminders(user) or not user.get("email"):
            return None
        cart = self.directory.cart(cart_id, user_id) or {}
        storefront = self.postman.storefront_url
        lines = domain.reminder_lines(cart, storefront)
        if not lines:
            return None
        token = quote(self.directory.unsubscribe_token(user_id), safe="")
        person = {"user_id": user_id, "email": user["email"], "first_name": user.get("first_name")}
        context = {
            "data": payload,
            "recipient": person,
            "cart": {
                "lines": lines,
                "subtotal": cart.get("subtotal"),
                "currency": cart.get("currency"),
            },
            "links": {
                "storefront": storefront,
                "cart": f"{storefront}/cart",
                "unsubscribe": f"{storefront}/unsubscribe?token={token}",
            },
        }
        rendered = self.postman.render("cart_reminder", context)
        email_id = self.emails.record(
            dedupe_key=domain.dedupe_key(
                f"cart_reminder:{payload['reminder_id']}", "email", person["email"]
            ),
            event_type="cart_abandoned",
            kind="cart_reminder",
            user_id=user_id,
            to_address=person["email"],
            rendered=rendered,
        )
        self.emails.commit()
        if email_id:
            self.send(email_id)
        return email_id

    def retry_due_emails(self) -> None:
        """Send the emails whose (re)try is due: first attempts a crash interrupted, and failed
        ones after their backoff."""
        due = self.emails.due()
        self.emails.commit()
        for email_id in due:
            self.send(email_id)

    def send(self, email_id: str) -> None:
        """One attempt at a logged email, claimed in its own transaction first (so two workers
        never send it twice); a failure schedules the next attempt, or gives up."""
        email = self.emails.claim(email_id)
        self.emails.commit()
        if email is None:
            return
        try:
            self.postman.deliver(email)
        except Exception as exc:
            delay = self.postman.retry_delay(email.attempts)
            self.emails.mark_failed(
                email.id,
                email.attempts,
                f"{type(exc).__name__}: {exc}",
                self.postman.max_attempts,
                delay,
            )
            self.emails.commit()
            log.warning(
                "email %s (%s) attempt %d failed: %s", email.id, email.kind, email.attempts, exc
            )
            return
        self.emails.mark_sent(email.id)
        self.emails.commit()

    # -- who and what ----------------------------------------------------------------------------

    def context(self, event_type: str, payload: dict, plan: domain.Plan) -> dict:
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
            admins = self.directory.admins()
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
        user = self.directory.user(user_id)
        return [
            {"user_id": user_id, "email": user.get("email"), "first_name": user.get("first_name")}
        ]

    def _order(self, payload: dict, required: bool) -> dict:
        if not payload.get("order_id"):
            return {}
        try:
            return self.directory.order(payload["order_id"]) or {}
        except (NotFound, ServiceUnavailable):
            if required:
                raise
            log.warning("order %s unavailable for the email", payload["order_id"])
            return {}

    def _product_name(self, product_id: Any) -> str:
        if not product_id:
            return ""
        try:
            return self.directory.product(product_id).get("name") or product_id
        except Exception as exc:
            log.warning("product %s name unavailable: %s", product_id, exc)
            return str(product_id)
