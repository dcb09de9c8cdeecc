"""Dead-letter path for event handlers: bounded retries, then a stored letter an admin can replay.

nameko acks and drops a message whose handler raises (docs/architecture.md#stack-facts).
Wrapping the handler with `dead_lettered` retries it a few times (rolling the worker's session
back in between; for up to a minute while the error says a peer or the broker is away); when
every attempt failed the event is written to the service's `dead_letters`
table instead of vanishing, and the handler returns normally, so the message is acked once and never
loops. An admin lists the letters and replays one (`replay`), which calls the original handler once
more with the payload.

    dead_letters = DeadLetters(Base.metadata)           # models.py

    @event_handler("payments", "payment_succeeded")
    @dead_lettered(dead_letters, "payments", "payment_succeeded")
    def handle_payment_succeeded(self, payload): ...

The service's session is `self.db.session` (nameko-sqlalchemy `Database`).
"""

from __future__ import annotations

import functools
import logging
import time
import uuid
from datetime import UTC, datetime

import eventlet
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
)
from sqlalchemy.exc import OperationalError

from services.common import pagination
from services.common.errors import NotFound, ServiceUnavailable
from services.common.messaging import CONNECTION_LOST
from services.common.rpc import rpc

log = logging.getLogger(__name__)
TABLE_NAME = "dead_letters"


class DeadLetterNotFound(NotFound):
    """No dead letter with this id."""


def dead_letters_table(metadata: MetaData) -> Table:
    if TABLE_NAME in metadata.tables:
        return metadata.tables[TABLE_NAME]
    return Table(
        TABLE_NAME,
        metadata,
        Column("id", String(36), primary_key=True),
        Column("handler", String(120), nullable=False),
        Column("source_service", String(60), nullable=False),
        Column("event_type", String(80), nullable=False),
        Column("payload", JSON, nullable=False),
        Column("error", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("replayed_at", DateTime(timezone=True), nullable=True),
    )


class DeadLetters:
    """The dead-letter table of one service's metadata, with the queries admins need."""

    def __init__(self, metadata: MetaData):
        self.table = dead_letters_table(metadata)

    def store(self, session, handler, source_service, event_type, payload, error, attempts) -> str:
        letter_id = str(uuid.uuid4())
        session.execute(
            self.table.insert().values(
                id=letter_id,
                handler=handler,
                source_service=source_service,
                event_type=event_type,
                payload=payload,
                error=error[:4000],
                attempts=attempts,
                created_at=datetime.now(UTC),
            )
        )
        return letter_id

    def list(self, session, page: int = 1, limit: int = 20, include_replayed: bool = False) -> dict:
        query = select(self.table)
        count = select(func.count()).select_from(self.table)
        if not include_replayed:
            query = query.where(self.table.c.replayed_at.is_(None))
            count = count.where(self.table.c.replayed_at.is_(None))
        total = session.execute(count).scalar_one()
        rows = session.execute(
            query.order_by(self.table.c.created_at)
            .offset(pagination.offset(page, limit))
            .limit(limit)
        ).mappings()
        return {
            "data": [_as_dict(row) for row in rows],
            "meta": pagination.page_meta(page, limit, total),
        }

    def get(self, session, letter_id: str) -> dict:
        row = (
            session.execute(select(self.table).where(self.table.c.id == letter_id))
            .mappings()
            .first()
        )
        if row is None:
            raise DeadLetterNotFound(f"no dead letter {letter_id}", {"id": letter_id})
        return _as_dict(row)

    def mark_replayed(self, session, letter_id: str) -> None:
        session.execute(
            self.table.update()
            .where(self.table.c.id == letter_id)
            .values(replayed_at=datetime.now(UTC))
        )


def _as_dict(row) -> dict:
    data = dict(row)
    for key in ("created_at", "replayed_at"):
        if data[key] is not None:
            data[key] = data[key].isoformat()
    return data


# How long a handler keeps retrying an error that says a peer or the broker is away (an RPC that
# timed out, a lost connection, a database that went away) before the event is dead-lettered: a
# broker or database restart takes tens of seconds to recover from, and three quick attempts
# (each an RPC timeout of 5 s) dead-lettered a payment_succeeded that a restart had only delayed
# (tests/e2e/test_resilience.py). Other errors are the event's own: three attempts.
TRANSIENT_WINDOW = 60.0
MAX_DELAY = 5.0


def transient(exc: BaseException) -> bool:
    """An error that says something else is away for now, not that the event is bad."""
    return isinstance(exc, (ServiceUnavailable, OperationalError, *CONNECTION_LOST))


def dead_lettered(
    dead_letters: DeadLetters,
    source_service: str,
    event_type: str,
    attempts: int = 3,
    backoff: float = 0.2,
    transient_window: float | None = None,
):
    """Retry the handler `attempts` times, or for `transient_window` seconds (default
    TRANSIENT_WINDOW, read when the handler runs) while the errors are `transient` (with
    doubling pauses of at most MAX_DELAY), then store the event as a dead letter (see module)."""

    def decorate(handler):
        @functools.wraps(handler)
        def wrapper(self, payload):
            window = TRANSIENT_WINDOW if transient_window is None else transient_window
            started = time.monotonic()
            attempt = 0
            while True:
                attempt += 1
                try:
                    return handler(self, payload)
                except Exception as exc:
                    self.db.session.rollback()
                    away = transient(exc)
                    if attempt < attempts or (away and time.monotonic() - started < window):
                        delay = min(backoff * 2**attempt, MAX_DELAY) if away else backoff * attempt
                        log.warning(
                            "%s failed (attempt %d), again in %.1fs: %s",
                            handler.__name__,
                            attempt,
                            delay,
                            exc,
                        )
                        eventlet.sleep(delay)
                        continue
                    log.error(
                        "%s failed %d times, dead-lettered", handler.__name__, attempt, exc_info=exc
                    )
                    dead_letters.store(
                        self.db.session,
                        handler.__name__,
                        source_service,
                        event_type,
                        payload,
                        f"{type(exc).__name__}: {exc}",
                        attempt,
                    )
                    self.db.session.commit()
                    return None

        wrapper.dead_letter_handler = handler
        return wrapper

    return decorate


def replay(service, dead_letters: DeadLetters, letter_id: str) -> dict:
    """Run a dead letter's handler once more on `service` (errors reach the caller and the letter
    stays); on success the letter is marked replayed."""
    session = service.db.session
    letter = dead_letters.get(session, letter_id)
    if letter["replayed_at"] is not None:
        return letter
    method = getattr(type(service), letter["handler"])
    handler = getattr(method, "dead_letter_handler", method)
    session.rollback()
    handler(service, letter["payload"])
    dead_letters.mark_replayed(session, letter_id)
    session.commit()
    return dead_letters.get(session, letter_id)


class DeadLetterAdmin:
    """The admin RPCs of a service whose handlers are `dead_lettered`: list and replay its letters.
    The service class sets `dead_letters` (its `DeadLetters`) and has `db`."""

    dead_letters: DeadLetters

    @rpc
    def list_dead_letters(self, page=1, limit=20, include_replayed=False) -> dict:
        """Events whose handler failed every retry: Page of letters (newest first)."""
        return self.dead_letters.list(
            self.db.session, int(page), int(limit), bool(include_replayed)
        )

    @rpc(expected_exceptions=(DeadLetterNotFound,))
    def replay_dead_letter(self, letter_id) -> dict:
        """Run a dead letter's handler once more; raises DeadLetterNotFound."""
        return replay(self, self.dead_letters, letter_id)
