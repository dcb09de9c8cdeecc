"""The moderation audit trail: every decision, with its scores and the model that made it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.deadletter import DeadLetters
from services.common.idempotency import ProcessedEvents
from services.common.models import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata(outbox=True)


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_subject", "subject_type", "subject_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(20), index=True)
    scores: Mapped[dict] = mapped_column(JSON)
    reasons: Mapped[list] = mapped_column(JSON)
    model: Mapped[str] = mapped_column(String(60))
    model_version: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str | None] = mapped_column(String(64))
    duration_ms: Mapped[float] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


processed_events = ProcessedEvents(Base.metadata)
dead_letters = DeadLetters(Base.metadata)
