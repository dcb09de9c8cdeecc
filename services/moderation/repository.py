"""SQL of the moderation service: the decisions audit trail and the events it publishes."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from services.common import pagination
from services.common.clock import utcnow
from services.common.database import SqlRepository
from services.moderation import domain
from services.moderation.domain import Decision as Verdict
from services.moderation.models import Decision, processed_events


class SqlDecisionRepository(SqlRepository, domain.DecisionRepository):
    """Decisions of one worker's session. `record` writes the decision, the processed-event claim
    and the `content_moderated` outbox row in the caller's transaction."""

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
    ) -> Decision | None:
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
            created_at=utcnow(),
        )
        self.session.add(row)
        self.session.flush()
        self.record_event(
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
        return row

    def latest(self, subject_type: str, subject_id: str) -> Decision | None:
        return self.session.scalars(
            select(Decision)
            .where(Decision.subject_type == subject_type, Decision.subject_id == subject_id)
            .order_by(Decision.created_at.desc())
            .limit(1)
        ).first()

    def page(
        self, subject_type: str | None, verdict: str | None, page: int, limit: int
    ) -> tuple[list[Decision], int]:
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
        return list(rows), total
