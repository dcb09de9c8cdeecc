"""The database dependency: nameko-sqlalchemy's `Database`, with its pool sized to `max_workers`.

Each concurrent worker may hold one connection, so the pool holds exactly `max_workers` of them
(docs/architecture.md#stack-facts). The worker's session is closed (and anything uncommitted
rolled back) when the worker ends.

A connection that sat idle in the pool for more than `PING_AFTER_IDLE` seconds is pinged before a
worker gets it; a dead one makes the pool drop every connection older than it (as SQLAlchemy's
`pool_pre_ping` does), so a Postgres restart during a quiet spell costs no failed request.
SQLAlchemy's own `pool_pre_ping` pings on every checkout: one extra round trip per worker, about
7% of a one-query RPC's CPU under load (docs/benchmarks.md). A connection returned to the pool a
moment ago has just answered; under load every checkout is such a one. A restart in the middle of
a burst fails the statements that were in flight on it, ping or no ping.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from nameko.constants import DEFAULT_MAX_WORKERS
from nameko.extensions import DependencyProvider
from nameko_sqlalchemy import Database as NamekoDatabase
from nameko_sqlalchemy.database import DatabaseWrapper
from sqlalchemy import event, exc
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql.dml import OnConflictDoNothing, OnConflictDoUpdate
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.sql.visitors import InternalTraversal

from services.common.config import MAX_WORKERS
from services.common.outbox import OutboxWriter
from services.common.ports import Transactional

PING_AFTER_IDLE = 2.0  # seconds
_CHECKED_IN = "bazaar_checked_in"


class Database(NamekoDatabase):
    def setup(self):
        workers = int(self.container.config.get(MAX_WORKERS, DEFAULT_MAX_WORKERS))
        self.engine_options = {
            "pool_size": workers,
            # exactly max_workers, opened only as workers need them: eleven services at full
            # concurrency hold ~121 (with the outbox listeners), past Postgres' default 100, so
            # docker-compose and .ci/run give it max_connections 300 (README, make run)
            "max_overflow": 0,
            "pool_timeout": 10,
            **self.engine_options,
        }
        self.session_options = {"expire_on_commit": False, **self.session_options}
        super().setup()
        ping_idle_connections(self.engine)

    def get_dependency(self, worker_ctx) -> DatabaseWrapper:
        """The worker's one `DatabaseWrapper`, whichever provider asks first: this one, when the
        container injects `db`, or a `Repository` built on the same worker's session (nameko
        injects a service's providers in no fixed order)."""
        wrapper = self.dbs.get(worker_ctx)
        if wrapper is None:
            wrapper = self.dbs[worker_ctx] = DatabaseWrapper(self.Session)
        return wrapper


def worker_database(container, user: str) -> Database:
    """The service's one `Database` provider, for another provider (`user`, named in the error)
    that works in the worker's session."""
    found = [d for d in container.dependencies if isinstance(d, Database)]
    if len(found) != 1:
        raise TypeError(f"{container.service_name}: {user} needs one Database")
    return found[0]


class SqlRepository(Transactional):
    """The base of every SQL adapter: the worker's session, the outbox writer, and the
    `Transactional` verbs of `services/common/ports.py` over them."""

    def __init__(self, session: Session, outbox: OutboxWriter | None = None):
        self.session = session
        self.outbox = outbox or OutboxWriter()

    def record_event(self, event_type: str, payload: dict[str, Any]) -> None:
        self.outbox.add(self.session, event_type, payload)

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


class Repository(DependencyProvider):
    """Injects `factory(session)`: a repository (an adapter of a domain port) on the worker's
    session, the same session `self.db.session` is, so the service's unit of work commits what
    the repository wrote. The service class needs a `Database` provider; unit tests inject a
    fake in its place (`worker_factory(Service, repo=FakeRepository())`).

    Building it costs a SQLAlchemy `Session` object (about 5 us, no connection until the first
    statement) on every worker of the service, which nearly every worker uses anyway.
    """

    def __init__(self, factory: Callable[[Any], Any]):
        self.factory = factory

    def setup(self):
        self.database = worker_database(self.container, "a Repository")

    def get_dependency(self, worker_ctx):
        return self.factory(self.database.get_dependency(worker_ctx).session)


@contextmanager
def unit_of_work(session, commit_despite: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
    """Commit what the block wrote, or roll it all back if it raises. An exception listed in
    `commit_despite` still commits first: a refusal that must leave a trace (a reused refresh
    token revokes its family, then the caller is told)."""
    try:
        yield
    except commit_despite:
        session.commit()
        raise
    except BaseException:
        session.rollback()
        raise
    session.commit()


def ping_idle_connections(engine, idle: float = PING_AFTER_IDLE) -> None:
    """Ping a pooled connection at checkout when it has been idle longer than `idle` seconds."""

    @event.listens_for(engine, "checkin")
    def remember_checkin(dbapi_connection, record):
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, proxy):
        checked_in = record.info.get(_CHECKED_IN)
        if checked_in is None or time.monotonic() - checked_in <= idle:
            return  # a new connection, or one that has just answered
        try:
            engine.dialect.do_ping(dbapi_connection)  # outside any transaction (autocommit)
        except Exception as error:
            # the pool reconnects this one and recycles every connection older than it
            raise exc.InvalidatePoolError(str(error)) from error


class _CachedDoNothing(OnConflictDoNothing):
    """ON CONFLICT DO NOTHING with a cache key: its target (constraint name, or index columns and
    predicate) is all that distinguishes one such clause from another."""

    _traverse_internals = [
        ("constraint_target", InternalTraversal.dp_string),
        ("inferred_target_elements", InternalTraversal.dp_multi_list),
        ("inferred_target_whereclause", InternalTraversal.dp_clauseelement),
    ]


class _UncachedDoUpdate(OnConflictDoUpdate):
    """DO UPDATE as SQLAlchemy has it, declared uncacheable (no warning at each first use)."""

    inherit_cache = False


class Insert(postgresql.Insert):
    """PostgreSQL's INSERT whose ON CONFLICT DO NOTHING form is compiled once, not per execution.

    Workaround (SQLAlchemy 2.0.x): `postgresql.Insert` sets `inherit_cache = False` because its
    ON CONFLICT clauses carry no cache key, so every such statement was compiled anew each time
    it ran ("[no key]" in the engine log). Compiling the notifications' INSERTs took 16% of that
    service's CPU in a checkout. With a keyed DO NOTHING clause, the base INSERT's cache key
    (which covers `_post_values_clause`) is complete. DO UPDATE keeps SQLAlchemy's uncached
    clause, declared uncacheable: its missing key makes the whole statement uncached, as before.
    """

    inherit_cache = True

    def on_conflict_do_nothing(self, constraint=None, index_elements=None, index_where=None):
        if index_elements is not None:
            index_elements = list(index_elements)  # read twice below: no one-shot iterators
            if not index_elements:
                # the cache key skips empty lists: () would share "no target"'s compiled form
                raise ValueError("index_elements must name at least one column")
        statement = super().on_conflict_do_nothing(constraint, index_elements, index_where)
        statement._post_values_clause = _CachedDoNothing(constraint, index_elements, index_where)
        return statement

    def on_conflict_do_update(
        self, constraint=None, index_elements=None, index_where=None, set_=None, where=None
    ):
        statement = super().on_conflict_do_update(
            constraint, index_elements, index_where, set_, where
        )
        statement._post_values_clause = _UncachedDoUpdate(
            constraint, index_elements, index_where, set_, where
        )
        return statement


def insert(table) -> Insert:
    """`sqlalchemy.dialects.postgresql.insert`, with ON CONFLICT DO NOTHING cached (`Insert`)."""
    return Insert(table)


def naming_convention() -> dict[str, str]:
    """Constraint names Alembic can diff and drop predictably."""
    return {
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }


__all__ = [
    "Database",
    "DeclarativeBase",
    "Insert",
    "Repository",
    "SqlRepository",
    "insert",
    "naming_convention",
    "unit_of_work",
    "worker_database",
]
