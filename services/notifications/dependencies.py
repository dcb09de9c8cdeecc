"""What the notifications service's entrypoints are given: the postman (templates + transport),
the live-push publisher, and the repositories of the sent log and the inbox."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from email.utils import make_msgid

from nameko.extensions import DependencyProvider
from sqlalchemy import func, or_, select, update

from services.common import pagination
from services.common.clock import utcnow
from services.common.config import MAIL
from services.common.database import insert
from services.common.redis import RedisClient
from services.notifications import domain
from services.notifications.exceptions import NotificationNotFound
from services.notifications.mail import (
    Rendered,
    Templates,
    build_message,
    sender_from_config,
    storefront_url,
    transport_from_config,
)
from services.notifications.models import Email, Notification

PUSH_USER = "push:user:{}"  # the gateway's /ws subscribes each user to their channel
PUSH_ADMINS = "push:admins"
PUSH_DEDUPE_TTL = 24 * 3600
STALE_SENDING = timedelta(minutes=10)  # a send that crashed mid-way is tried again after this


class Postman:
    """Renders an email kind and delivers a logged email through the configured transport."""

    def __init__(
        self, templates: Templates, transport, sender: str, settings: dict, storefront_url: str
    ):
        self.templates = templates
        self.transport = transport
        self.sender = sender
        self.max_attempts = int(settings.get("max_attempts", 6))
        self.retry_base = float(settings.get("retry_base", 2))
        self.retry_cap = float(settings.get("retry_cap", 600))
        self.storefront_url = storefront_url.rstrip("/")

    def render(self, kind: str, context: dict) -> Rendered:
        return self.templates.render(kind, context)

    def deliver(self, email: Email) -> None:
        message = build_message(
            sender=self.sender,
            to=email.to_address,
            rendered=Rendered(email.subject, email.text_body, email.html_body),
            message_id=email.message_id,
            headers={"X-Bazaar-Event": email.event_type},
        )
        self.transport.send(message)

    def retry_delay(self, attempts: int) -> float:
        return domain.retry_delay(attempts, self.retry_base, self.retry_cap)


class PostOffice(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.postman = Postman(
            Templates(),
            transport_from_config(config),
            sender_from_config(config),
            config.get(MAIL) or {},
            storefront_url(config),
        )

    def get_dependency(self, worker_ctx):
        return self.postman


class Pusher:
    """Publishes live updates on Redis pub/sub, once per (event, channel)."""

    def __init__(self, client):
        self.client = client

    def push(self, channel: str, message: dict, dedupe: str | None) -> bool:
        """Publish; with a `dedupe` key, only the first time (for pushes no row records)."""
        key = f"push:sent:{dedupe}:{channel}"
        if dedupe and not self.client.set(key, 1, nx=True, ex=PUSH_DEDUPE_TTL):
            return False
        self.client.publish(channel, json.dumps(message, default=str))
        return True


class LivePush(DependencyProvider):
    shared = RedisClient()

    def get_dependency(self, worker_ctx):
        return Pusher(self.shared.client)


class EmailLog:
    """The sent log: one row per email; the unique dedupe key makes recording idempotent."""

    def __init__(self, session):
        self.session = session

    def record(
        self,
        *,
        dedupe_key: str,
        event_type: str,
        kind: str,
        user_id: str | None,
        to_address: str,
        rendered: Rendered,
    ) -> str | None:
        """Log an email to send; None when this delivery was logged before."""
        stamp = utcnow()
        email_id = str(uuid.uuid4())
        row = self.session.execute(
            insert(Email)
            .values(
                id=email_id,
                dedupe_key=dedupe_key,
                event_type=event_type,
                kind=kind,
                user_id=user_id,
                to_address=to_address,
                subject=rendered.subject[:255],
                text_body=rendered.text,
                html_body=rendered.html,
                status="pending",
                attempts=0,
                next_attempt_at=stamp,
                message_id=make_msgid(domain="bazaar.dev"),
                created_at=stamp,
                updated_at=stamp,
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(Email.id)
        ).first()
        return row[0] if row else None

    def claim(self, email_id: str) -> Email | None:
        """Take a pending (or stale sending) email for one attempt; None if another has it."""
        claimed = self.session.execute(
            update(Email)
            .where(Email.id == email_id, self._claimable())
            .values(status="sending", attempts=Email.attempts + 1, updated_at=utcnow())
            .returning(Email)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        return claimed

    def due(self, limit: int = 20) -> list[str]:
        """Ids of emails whose next attempt is due (rows locked by another worker skipped)."""
        query = (
            select(Email.id)
            .where(self._claimable(), Email.next_attempt_at <= utcnow())
            .order_by(Email.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.session.execute(query).scalars())

    @staticmethod
    def _claimable():
        return or_(
            Email.status == "pending",
            (Email.status == "sending") & (Email.updated_at < utcnow() - STALE_SENDING),
        )

    def mark_sent(self, email_id: str) -> None:
        self.session.execute(
            update(Email)
            .where(Email.id == email_id)
            .values(status="sent", sent_at=utcnow(), last_error=None, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )

    def mark_failed(
        self, email_id: str, attempts: int, error: str, max_attempts: int, delay: float
    ) -> None:
        """Back to pending for a later attempt, or `failed` once the attempts are used up."""
        gave_up = attempts >= max_attempts
        self.session.execute(
            update(Email)
            .where(Email.id == email_id)
            .values(
                status="failed" if gave_up else "pending",
                last_error=error[:2000],
                next_attempt_at=utcnow() + timedelta(seconds=delay),
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )


class Inbox:
    """In-app notifications of users."""

    def __init__(self, session):
        self.session = session

    def add(
        self, *, dedupe_key: str, user_id: str, kind: str, title: str, body: str, data: dict
    ) -> dict | None:
        """Add an entry; None when this delivery was added before."""
        row = self.session.execute(
            insert(Notification)
            .values(
                id=str(uuid.uuid4()),
                dedupe_key=dedupe_key,
                user_id=user_id,
                kind=kind,
                title=title,
                body=body,
                data=data,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(Notification)
        ).scalar_one_or_none()
        return serialize(row) if row is not None else None

    def page(self, user_id: str, page: int, limit: int, unread_only: bool) -> dict:
        where = [Notification.user_id == user_id]
        if unread_only:
            where.append(Notification.read_at.is_(None))
        total = self.session.execute(
            select(func.count()).select_from(Notification).where(*where)
        ).scalar_one()
        rows = self.session.execute(
            select(Notification)
            .where(*where)
            .order_by(Notification.created_at.desc(), Notification.id)
            .offset(pagination.offset(page, limit))
            .limit(limit)
        ).scalars()
        return {
            "data": [serialize(row) for row in rows],
            "meta": {**pagination.page_meta(page, limit, total), "unread": self.unread(user_id)},
        }

    def unread(self, user_id: str) -> int:
        return self.session.execute(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        ).scalar_one()

    def mark_read(self, user_id: str, notification_id: str) -> dict:
        row = self.session.execute(
            select(Notification).where(
                Notification.id == notification_id, Notification.user_id == user_id
            )
        ).scalar_one_or_none()
        if row is None:
            raise NotificationNotFound(
                f"no notification {notification_id}", {"notification_id": notification_id}
            )
        if row.read_at is None:
            row.read_at = utcnow()
        return serialize(row)

    def mark_all_read(self, user_id: str) -> int:
        result = self.session.execute(
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return result.rowcount or 0


def serialize(row: Notification) -> dict:
    return {
        "id": row.id,
        "user_id": row.user_id,
        "kind": row.kind,
        "title": row.title,
        "body": row.body,
        "data": row.data or {},
        "read": row.read_at is not None,
        "read_at": row.read_at.isoformat() if row.read_at else None,
        "created_at": row.created_at.isoformat(),
    }
