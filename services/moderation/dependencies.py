"""SQL of the moderation service: the decisions audit trail and the events it publishes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common import pagination
from services.common.outbox import add_event
from services.moderation.domain import Decision as Verdict
from services.moderation.exceptions import DecisionNotFound
from services.moderation.models import Decision, processed_events


def decision_as_dict(row: Decision) -> dict[str, Any]:
    return {
        "id": row.id,
        "subject_type": row.subject_type,
        "subject_id": row.subject_id,
        "verdict": row.verdict,
        "scores": row.scores,
        "reasons": row.reasons,
        "model": row.model,
        "model_version": row.model_version,
        "duration_ms": row.duration_ms,
        "created_at": row.created_at.astimezone(UTC).isoformat(),
    }


class DecisionRepository:
    """Decisions of one worker's session. `record` writes the decision, the processed-event claim
    and the `content_moderated` outbox row in the caller's transaction."""

    def __init__(self, session: Session):
        self.session = session

    def seen(self, event_id: str | None, consumer: str) -> bool:
        if not event_id:
            return False
        table = processed_events.table
        found = self.session.execute(
            select(table.c.event_id).where(
                table.c.event_id == event_id, table.c.consumer == consumer
            )
        ).first()
        return found is not None

    def record(
        self,
        *,
        subject_type: str,
        subject_id: str,
        verdict: Verdict,
        model: str,
        model_version: str,
        event_id: str | None,
        consumer: str,
        duration_ms: float,
        extra: dict[str, Any],
    ) -> dict[str, Any] | None:
        """The stored decision, or None when this event was recorded before (a redelivery)."""
        if not processed_events.first_delivery(self.session, event_id, consumer):
            return None
        row = Decision(
            id=str(uuid.uuid4()),
            subject_type=subject_type,
            subject_id=subject_id,
            verdict=verdict.verdict,
            scores=verdict.scores,
            reasons=verdict.reasons,
            model=model,
            model_version=model_version,
            event_id=event_id,
            duration_ms=round(duration_ms, 2),
            created_at=datetime.now(UTC),
        )
        self.session.add(row)
        self.session.flush()
        add_event(
            self.session,
            "content_moderated",
            {
                "decision_id": row.id,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "verdict": verdict.verdict,
                "scores": verdict.scores,
                "reasons": verdict.reasons,
                "model": model,
                "model_version": model_version,
                **extra,
            },
        )
        return decision_as_dict(row)

    def latest(self, subject_type: str, subject_id: str) -> dict[str, Any]:
        row = self.session.scalars(
            select(Decision)
            .where(Decision.subject_type == subject_type, Decision.subject_id == subject_id)
            .order_by(Decision.created_at.desc())
            .limit(1)
        ).first()
        if row is None:
            raise DecisionNotFound(
                f"no decision for {subject_type} {subject_id}",
                {"subject_type": subject_type, "subject_id": subject_id},
            )
        return decision_as_dict(row)

    def page(
        self, subject_type: str | None, verdict: str | None, page: int, limit: int
    ) -> dict[str, Any]:
        query = select(Decision)
        if subject_type:
            query = query.where(Decision.subject_type == subject_type)
        if verdict:
            query = query.where(Decision.verdict == verdict)
        total = self.session.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        rows = self.session.scalars(
            query.order_by(Decision.created_at.desc())
            .offset(pagination.offset(page, limit))
            .limit(limit)
        ).all()
        return {
            "data": [decision_as_dict(row) for row in rows],
            "meta": pagination.page_meta(page, limit, total),
        }
