"""Idempotency: consumers that apply an event once, and the Idempotency-Key store of HTTP writes.

Idempotent consumers: a `processed_events` table and the check that applies an event once.

Every event that leaves through the outbox carries `event_id`. A handler claims the id in the SAME
transaction as its state change:

    processed = ProcessedEvents(Base.metadata)          # models.py, once
    ...
    if not processed.first_delivery(session, payload["event_id"], "handle_payment_succeeded"):
        return                      # seen before: the earlier delivery already changed state
    ... change state ...
    session.commit()                # the claim and the change commit (or roll back) together

Two concurrent deliveries of one event: the second INSERT waits on the first one's uncommitted row
and then finds the conflict, so exactly one of them changes state.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    delete,
    select,
    update,
)

from services.common.database import insert
from services.common.errors import BazaarError, Conflict, ServiceUnavailable

TABLE_NAME = "processed_events"


def processed_events_table(metadata: MetaData) -> Table:
    """Add the `processed_events` table (event id + consumer) to a service's metadata."""
    if TABLE_NAME in metadata.tables:
        return metadata.tables[TABLE_NAME]
    return Table(
        TABLE_NAME,
        metadata,
        Column("event_id", String(64), primary_key=True),
        Column("consumer", String(120), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False),
    )


class ProcessedEvents:
    """The processed-events table of one service's metadata."""

    def __init__(self, metadata: MetaData):
        self.table = processed_events_table(metadata)

    def first_delivery(self, session, event_id: str | None, consumer: str) -> bool:
        """Record that `consumer` handles `event_id` in the session's transaction; False when it
        was recorded before (a duplicate the caller must ignore). An event without an id (sent
        outside the outbox) cannot be deduplicated and counts as a first delivery."""
        if not event_id:
            return True
        inserted = session.execute(
            insert(self.table)
            .values(event_id=str(event_id), consumer=consumer, processed_at=datetime.now(UTC))
            .on_conflict_do_nothing()
            .returning(self.table.c.event_id)
        ).first()
        return inserted is not None

    def purge(self, session, older_than: datetime) -> int:
        """Forget ids older than any redelivery could be (call from a periodic task)."""
        result = session.execute(delete(self.table).where(self.table.c.processed_at < older_than))
        return result.rowcount or 0


# -- Idempotency-Key store for mutating HTTP requests ----------------------------------------

KEYS_TABLE = "idempotency_keys"
STALE_IN_FLIGHT = timedelta(seconds=60)


class IdempotencyKeyReused(Conflict):
    """This Idempotency-Key was used before with a different request."""


class RequestInFlight(Conflict):
    """A request with this Idempotency-Key is still being processed."""


def idempotency_keys_table(metadata: MetaData) -> Table:
    """Add the `idempotency_keys` table to a service's metadata: one row per (user, key),
    `in_flight` while the first request runs, then `completed` with its stored response."""
    if KEYS_TABLE in metadata.tables:
        return metadata.tables[KEYS_TABLE]
    return Table(
        KEYS_TABLE,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("user_id", String(64), nullable=False),
        Column("key", String(255), nullable=False),
        Column("operation", String(60), nullable=False),
        Column("request_hash", String(128), nullable=False),
        Column("state", String(20), nullable=False),
        Column("resource_id", String(64), nullable=True),
        Column("response", JSON, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("user_id", "key"),
    )


class IdempotencyKeys:
    """Run a mutating operation at most once per (user, Idempotency-Key):

        return keys.run(session, user_id, key, "cancel_order", request_hash, lambda: ...)

    The first request claims the key (`in_flight`, committed at once) and its outcome is stored:
    a result, or an expected error (`BazaarError`, except `ServiceUnavailable`), which a repeat
    receives again. An unexpected failure or a timeout frees the key so the client may retry.
    A repeat with another body (hash) or operation raises `IdempotencyKeyReused`; one that
    arrives while the first still runs raises `RequestInFlight`. An `in_flight` row older than a
    minute belongs to a request that died: `on_stale(resource_id)` may answer for it (returning
    the resource's current state), else the key is freed. The action may leave its last changes
    uncommitted: they commit in one transaction with the stored response.
    """

    def __init__(self, metadata: MetaData):
        self.table = idempotency_keys_table(metadata)

    def run(
        self,
        session,
        user_id,
        key,
        operation,
        request_hash,
        action: Callable[[], Any],
        resource_id: str | None = None,
        on_stale: Callable[[str], Any] | None = None,
    ) -> Any:
        if not key:
            result = action()
            session.commit()
            return result
        user_id, request_hash = str(user_id or "anonymous"), request_hash or ""
        existing = self._claim(session, user_id, key, operation, request_hash, resource_id)
        session.commit()
        if existing is not None:
            return self._replay(session, existing, operation, request_hash, on_stale)
        try:
            result = action()
        except ServiceUnavailable:
            self._forget(session, user_id, key)
            raise
        except BazaarError as exc:
            session.rollback()
            self._complete(session, user_id, key, {"error": _error_record(exc)})
            session.commit()
            raise
        except Exception:
            # Not BaseException: a killed worker (GreenletExit) keeps its in_flight row, so a
            # retry resolves it through `on_stale` instead of running a second checkout.
            self._forget(session, user_id, key)
            raise
        self._complete(session, user_id, key, {"result": result})
        session.commit()
        return result

    def purge(self, session, older_than: datetime) -> int:
        result = session.execute(
            delete(self.table).where(
                self.table.c.updated_at < older_than, self.table.c.state == "completed"
            )
        )
        return result.rowcount or 0

    def _claim(self, session, user_id, key, operation, request_hash, resource_id):
        stamp = datetime.now(UTC)
        inserted = session.execute(
            insert(self.table)
            .values(
                user_id=user_id,
                key=key,
                operation=operation,
                request_hash=request_hash,
                state="in_flight",
                resource_id=resource_id,
                created_at=stamp,
                updated_at=stamp,
            )
            .on_conflict_do_nothing()
            .returning(self.table.c.id)
        ).first()
        if inserted is not None:
            return None
        return (
            session.execute(
                select(self.table).where(self.table.c.user_id == user_id, self.table.c.key == key)
            )
            .mappings()
            .one()
        )

    def _replay(self, session, row, operation, request_hash, on_stale):
        if row["request_hash"] != request_hash or row["operation"] != operation:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was used with a different request",
                {"idempotency_key": row["key"]},
            )
        if row["state"] == "completed":
            if "error" in row["response"]:
                raise _error_from_record(row["response"]["error"])
            return row["response"]["result"]
        if datetime.now(UTC) - row["updated_at"] > STALE_IN_FLIGHT:
            answer = on_stale(row["resource_id"]) if on_stale and row["resource_id"] else None
            if answer is not None:
                return answer
            self._forget(session, row["user_id"], row["key"])
        raise RequestInFlight(
            "a request with this Idempotency-Key is still in progress",
            {"idempotency_key": row["key"]},
        )

    def _complete(self, session, user_id, key, response) -> None:
        session.execute(
            update(self.table)
            .where(self.table.c.user_id == user_id, self.table.c.key == key)
            .values(state="completed", response=response, updated_at=datetime.now(UTC))
        )

    def _forget(self, session, user_id, key) -> None:
        session.rollback()
        session.execute(
            delete(self.table).where(self.table.c.user_id == user_id, self.table.c.key == key)
        )
        session.commit()


def _error_record(exc: BazaarError) -> dict:
    klass = type(exc)
    return {
        "type": f"{klass.__module__}.{klass.__qualname__}",
        "message": exc.message,
        "details": exc.details,
    }


def _error_from_record(record: dict) -> BazaarError:
    module_name, _, name = record.get("type", "").rpartition(".")
    klass: Any = BazaarError
    with contextlib.suppress(ImportError, ValueError):
        found = getattr(importlib.import_module(module_name), name, None)
        if isinstance(found, type) and issubclass(found, BazaarError):
            klass = found
    return klass(record.get("message", ""), record.get("details") or {})
