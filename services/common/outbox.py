"""Transactional outbox: events written in the same transaction as the change, published after.

A service adds the table to its metadata (its migration creates it), writes events in the session
of the change (`record_event` of its repository, a `services.common.database.SqlRepository`), and
inherits `OutboxRelay`, whose timer publishes committed rows through nameko's ordinary event
dispatch (source = the service's name, event type = the row's `event_type`), so
`event_handler("<service>", "<event_type>")` consumers receive them:

    class Base(DeclarativeBase):
        metadata = service_metadata(outbox=True)       # services/common/models.py

    class OrdersService(OutboxRelay, BazaarService):
        name = "orders"
        db = Database(Base)                            # the relay uses `self.db`
        repo = Repository(SqlOrdersRepository)         # on the worker's session

        @rpc
        def place_order(self, ...):
            with unit_of_work(self.db.session):        # the row commits with the order
                ...
                self.repo.record_event("order_created", {"order_id": order.id})

Delivery is at least once: every payload gets `event_id` (the row's id) and `occurred_at`, and
consumers deduplicate on `event_id`. A row is claimed with `FOR UPDATE SKIP LOCKED`, so two relay
processes never publish it concurrently; it is deleted in the transaction that claimed it once
published (payloads may carry secrets such as reset tokens, so sent rows are not kept). A failed
publish (broker down) leaves that row and the rest of the batch for the next pass.

When the relay runs: a transaction that writes events also sends `NOTIFY bazaar_outbox`, which
PostgreSQL delivers when (and only if) it commits; the relay LISTENs on its own connection and runs
at once, so an event leaves within milliseconds of its commit. It also runs every
`OUTBOX.interval` seconds (default 1) whatever happens, for rows whose notification was missed
(the listening connection was down) or whose publish failed, and again at once while a pass found
a full batch. Polling alone (the first design, every 0.2 s) cost the idle platform a tenth of a
core across ten services and delayed each event by up to one interval (docs/benchmarks.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import eventlet
from eventlet.event import Event
from eventlet.hubs import trampoline
from greenlet import GreenletExit
from nameko.events import EventDispatcher
from nameko.extensions import DependencyProvider, Entrypoint
from nameko_sqlalchemy import Database
from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, delete, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from services.common.config import OUTBOX
from services.common.serialization import dumps as wire_dumps

log = logging.getLogger(__name__)

# config: {interval: seconds between passes when nothing is notified, batch_size: rows per pass,
#          listen: run on commit notifications (false leaves only the interval)}
DEFAULT_INTERVAL = 1.0
DEFAULT_BATCH_SIZE = 100
TABLE_NAME = "outbox"
CHANNEL = "bazaar_outbox"  # LISTEN/NOTIFY channel; notifications stay within one database
_NOTIFIED = "bazaar_outbox_notified"  # session.info: the transaction that already notified


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

    Raises TypeError when the payload is not JSON (times must be ISO strings, money integers)
    or cannot travel (services.common.serialization): such a row would block the relay.
    """
    json.dumps(payload)
    wire_dumps(payload)
    event_id = str(uuid.uuid4())
    session.execute(
        _outbox.insert().values(
            id=event_id, event_type=event_type, payload=payload, created_at=datetime.now(UTC)
        )
    )
    # once per transaction is enough (PostgreSQL folds repeats anyway; this saves the round
    # trips), except inside a savepoint, whose rollback would take the notification with it
    transaction = session.get_transaction()
    nested = session.in_nested_transaction()
    if nested or session.info.get(_NOTIFIED) is not transaction:
        session.execute(text(f"NOTIFY {CHANNEL}"))
        if not nested:
            session.info[_NOTIFIED] = transaction
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


class _Quiet(Exception):
    """Nothing was notified within the interval."""


class OutboxTrigger(Entrypoint):
    """Runs the decorated relay method when a transaction that wrote events commits (LISTEN on a
    connection of its own to the service's database), every `OUTBOX.interval` seconds, once at
    start (rows left by the last run), and again at once while a pass returns a full batch. One
    pass at a time; notifications that arrive during a pass cause one more pass."""

    def __init__(self, **kwargs):
        self.interval = DEFAULT_INTERVAL
        self.batch_size = DEFAULT_BATCH_SIZE
        self.listen = True
        self.gt = None
        self._connection = None
        self._waiting = False
        self._stopping = False
        self._done: Event | None = None
        super().__init__(**kwargs)

    def setup(self):
        settings = self.container.config.get(OUTBOX) or {}
        self.interval = float(settings.get("interval", DEFAULT_INTERVAL))
        self.batch_size = int(settings.get("batch_size", DEFAULT_BATCH_SIZE))
        self.listen = bool(settings.get("listen", True))

    def start(self):
        self.gt = self.container.spawn_managed_thread(self._run, identifier="outbox_trigger")

    def stop(self):
        """Let a pass in progress finish; an idle wait is cut short."""
        self._stopping = True
        if self.gt is None:
            return
        if self._waiting:
            self.gt.kill()  # idle: nothing to finish
        # waiting on a killed greenthread re-raises its GreenletExit in eventlet
        with contextlib.suppress(GreenletExit):
            self.gt.wait()

    def kill(self):
        if self.gt is not None:
            self.gt.kill()

    def _run(self):
        try:
            while not self._stopping:
                if self.listen and self._connection is None:
                    # listen before the pass: a commit after this is notified, one before it is
                    # found by the pass (at start, and after the listening connection was lost)
                    self._connection = self._open()
                self._relay_until_drained()
                if self._stopping:
                    break
                self._waiting = True
                try:
                    self._wait()
                finally:
                    self._waiting = False
        finally:
            self._close()

    def _relay_until_drained(self):
        while not self._stopping:
            self._done = Event()
            self.container.spawn_worker(
                self, (self.batch_size,), {}, handle_result=self._handle_result
            )
            published = self._done.wait()
            if not (isinstance(published, int) and published >= self.batch_size):
                return

    def _handle_result(self, worker_ctx, result, exc_info):
        assert self._done is not None
        self._done.send(result)
        return result, exc_info

    def _wait(self):
        """Until a notification or the interval; whatever arrived is consumed."""
        if self._connection is None:
            eventlet.sleep(self.interval)
            return
        try:
            trampoline(
                self._connection.fileno(), read=True, timeout=self.interval, timeout_exc=_Quiet
            )
            self._connection.poll()
            self._connection.notifies.clear()
        except _Quiet:
            pass
        except Exception as exc:  # the database went away: poll until it is back
            log.warning(
                "outbox: stopped listening for commits (%r); polling every %gs", exc, self.interval
            )
            self._close()

    def _open(self):
        """A connection of its own (the pool holds exactly max_workers) listening on CHANNEL."""
        databases = [d for d in self.container.dependencies if isinstance(d, Database)]
        if not databases:
            return None
        engine = databases[0].engine
        connection = None
        try:
            cargs, cparams = engine.dialect.create_connect_args(engine.url)
            # bounded connect (stop waits for it); TCP keepalives notice a connection that died
            # silently (failover, network), which would otherwise leave only the poll
            cparams = {
                "connect_timeout": 5,
                "keepalives": 1,
                "keepalives_idle": 30,
                "keepalives_interval": 10,
                "keepalives_count": 3,
                **cparams,
            }
            connection = engine.dialect.connect(*cargs, **cparams)
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f"LISTEN {CHANNEL}")
            return connection
        except Exception as exc:
            log.warning(
                "outbox: cannot listen for commits (%r); polling every %gs", exc, self.interval
            )
            if connection is not None:
                connection.close()
            return None

    def _close(self):
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # already broken: nothing to release
                log.debug("outbox: closing the listening connection failed", exc_info=True)
            self._connection = None


class OutboxRelay:
    """Mixin for a service class with `db = Database(Base)` whose metadata has the outbox table."""

    outbox_dispatch = EventDispatcher()

    @OutboxTrigger.decorator
    def relay_outbox(self, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
        """Publish one batch of committed events (see `relay_batch`); `OutboxTrigger` runs it
        with `OUTBOX.batch_size`, the size it also judges a full batch by."""
        session = self.db.session
        try:
            return relay_batch(session, self.outbox_dispatch, batch_size)
        finally:
            session.close()
