"""The notifications' SQL: the sent log of emails and the inbox, on the worker's session (which
the use cases commit)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from email.utils import make_msgid

from sqlalchemy import func, or_, select, update

from services.common import pagination
from services.common.clock import utcnow
from services.common.database import SqlRepository, insert
from services.notifications import domain
from services.notifications.mail import Rendered
from services.notifications.models import Email, Notification

STALE_SENDING = timedelta(minutes=10)  # a send that crashed mid-way is tried again after this


class SqlEmailLog(SqlRepository, domain.EmailLog):
    """The `emails` table: one row per (event, kind, recipient), with a retry schedule; its
    `commit` ends the worker's transaction, the inbox's writes included."""

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
                list_unsubscribe=rendered.list_unsubscribe,
                created_at=stamp,
                updated_at=stamp,
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(Email.id)
        ).first()
        return row[0] if row else None

    def claim(self, email_id: str) -> Email | None:
        claimed = self.session.execute(
            update(Email)
            .where(Email.id == email_id, self._claimable())
            .values(status="sending", attempts=Email.attempts + 1, updated_at=utcnow())
            .returning(Email)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        return claimed

    def due(self, limit: int = 20) -> list[str]:
        """Rows locked by another worker are skipped."""
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


class SqlInbox(SqlRepository, domain.Inbox):
    """The `notifications` table: users' in-app entries, in the worker's session."""

    def add(
        self, *, dedupe_key: str, user_id: str, kind: str, title: str, body: str, data: dict
    ) -> Notification | None:
        return self.session.execute(
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

    def page(
        self, user_id: str, page: int, limit: int, unread_only: bool
    ) -> tuple[list[Notification], int]:
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
        return list(rows), total

    def unread(self, user_id: str) -> int:
        return self.session.execute(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        ).scalar_one()

    def get(self, user_id: str, notification_id: str) -> Notification | None:
        return self.session.execute(
            select(Notification).where(
                Notification.id == notification_id, Notification.user_id == user_id
            )
        ).scalar_one_or_none()

    def mark_all_read(self, user_id: str, now: datetime) -> int:
        result = self.session.execute(
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .values(read_at=now)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount or 0
