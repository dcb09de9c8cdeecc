"""Transactional outbox: events written in the same transaction as the change, published after.

A service adds the table to its metadata (its migration creates it), writes events with the
`Outbox` dependency in the session of the change, and inherits `OutboxRelay`, whose timer publishes
committed rows through nameko's ordinary event dispatch (source = the service's name, event type =
the row's `event_type`), so `event_handler("<service>", "<event_type>")` consumers receive them:

    class Base(DeclarativeBase): ...
    outbox_table(Base.metadata)

    class OrdersService(OutboxRelay, BazaarService):
        name = "orders"
        db = Database(Base)          # the relay uses `self.db`
        outbox = Outbox()

        @rpc
        def place_order(self, ...):
            ...
            self.outbox.add(self.db.session, "order_created", {"order_id": order.id})
            self.db.session.commit()

Delivery is at least once: every payload gets `event_id` (the row's id) and `occurred_at`, and
consumers deduplicate on `event_id`. A row is claimed with `FOR UPDATE SKIP LOCKED`, so two relay
processes never publish it concurrently; it is deleted in the transaction that claimed it once
published (payloads may carry secrets such as reset tokens, so sent rows are not kept). A failed
publish (broker down) leaves that row and the rest of the batch for the next tick.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from nameko.dependency_providers import Config
from nameko.events import EventDispatcher
from nameko.extensions import DependencyProvider
from nameko.timer import Timer
from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, delete, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

OUTBOX = "OUTBOX"  # config: {interval: seconds between relay ticks, batch_size: rows per tick}
DEFAULT_INTERVAL = 0.2
DEFAULT_BATCH_SIZE = 100
TABLE_NAME = "outbox"


def outbox_table(metadata: MetaData) -> Table:
    """Add the `outbox` table to a service's metadata (its Alembic migration creates it)."""
    if TABLE_NAME in metadata.tables:
        return metadata.tables[TABLE_NAME]
    return Table(
        TABLE_NAME,
        metadata,
        Column("id", String(36), primary_key=True),
        Column("event_type", String(100), nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Index("ix_outbox_created_at", "created_at"),
    )


# The same table for DML, whatever metadata the service declared it on.
_outbox = outbox_table(MetaData())


def add_event(session: Session, event_type: str, payload: dict[str, Any]) -> str:
    """Write one event row in `session`'s transaction; returns its event id.

    Raises TypeError when the payload is not JSON (times must be ISO strings, money integers).
    """
    json.dumps(payload)
    event_id = str(uuid.uuid4())
    session.execute(
        _outbox.insert().values(
            id=event_id, event_type=event_type, payload=payload, created_at=datetime.now(UTC)
        )
    )
    return event_id


class OutboxWriter:
    """What `Outbox` injects: `add(session, event_type, payload)`."""

    def add(self, session: Session, event_type: str, payload: dict[str, Any]) -> str:
        return add_event(session, event_type, payload)


class Outbox(DependencyProvider):
    """Injects an `OutboxWriter`; rows become events only if the caller's transaction commits."""

    def get_dependency(self, worker_ctx):
        return OutboxWriter()


def publish_rows(rows, dispatch) -> list[str]:
    """Dispatch each row (event_type, payload + event_id + occurred_at) in order; returns the ids
    published. A failed publish stops there: that row and the ones after it are not published."""
    sent: list[str] = []
    for row in rows:
        payload = {
            **row.payload,
            "event_id": row.id,
            "occurred_at": row.created_at.astimezone(UTC).isoformat(),
        }
        try:
            dispatch(row.event_type, payload)
        except Exception:
            log.warning(
                "outbox: publishing %s failed; %d event(s) left for the next tick",
                row.event_type,
                len(rows) - len(sent),
                exc_info=True,
            )
            break
        sent.append(row.id)
    return sent


def relay_batch(session: Session, dispatch, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Publish up to `batch_size` committed rows in creation order and delete them; returns how
    many were published. Rows locked by another relay are skipped (SKIP LOCKED), so two relay
    processes never publish one row concurrently; rows that failed stay for the next tick."""
    rows = session.execute(
        select(_outbox)
        .order_by(_outbox.c.created_at)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    ).all()
    sent = publish_rows(rows, dispatch)
    if sent:
        session.execute(delete(_outbox).where(_outbox.c.id.in_(sent)))
    session.commit()
    return len(sent)


class OutboxTimer(Timer):
    """A timer whose interval comes from config `OUTBOX.interval` (default 0.2 s)."""

    def __init__(self, interval: float | None = None, **kwargs):
        super().__init__(interval if interval is not None else DEFAULT_INTERVAL, **kwargs)

    def setup(self):
        settings = self.container.config.get(OUTBOX) or {}
        self.interval = float(settings.get("interval", self.interval))
        super().setup()


class OutboxRelay:
    """Mixin for a service class with `db = Database(Base)` whose metadata has the outbox table."""

    outbox_dispatch = EventDispatcher()
    outbox_config = Config()

    @OutboxTimer.decorator
    def relay_outbox(self) -> int:
        """Timer entrypoint: publish one batch of committed events (see `relay_batch`)."""
        settings = self.outbox_config.get(OUTBOX) or {}
        session = self.db.session
        try:
            return relay_batch(
                session,
                self.outbox_dispatch,
                int(settings.get("batch_size", DEFAULT_BATCH_SIZE)),
            )
        finally:
            session.close()
