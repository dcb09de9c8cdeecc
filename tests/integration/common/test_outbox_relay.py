"""The outbox relay against real Postgres and RabbitMQ, on the accounts test database."""

import time
from unittest import mock

import pytest
from nameko.events import EventDispatcher, event_handler
from nameko.rpc import rpc
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.utils import get_extension
from sqlalchemy import MetaData, text
from sqlalchemy.orm import DeclarativeBase, Session

from services.common.database import Database, naming_convention
from services.common.outbox import Outbox, OutboxRelay, OutboxTrigger, add_event, outbox_table
from tests.helpers import engine_for, truncate_tables, wait_for

# the relay is exercised on the accounts test database (it has an outbox table)
DATABASES = ("accounts",)

received: list[dict] = []


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=naming_convention())


outbox_table(Base.metadata)


class OutboxProbe(OutboxRelay):
    name = "outbox_probe"
    db = Database(Base)
    outbox = Outbox()

    @rpc
    def emit(self, n, commit=True):
        self.outbox.add(self.db.session, "thing_happened", {"n": n})
        if commit:
            self.db.session.commit()
        else:
            self.db.session.rollback()


class Consumer:
    name = "outbox_consumer"

    @event_handler("outbox_probe", "thing_happened")
    def handle_thing_happened(self, payload):
        received.append(payload)


@pytest.fixture(autouse=True)
def clean(config):
    truncate_tables(config, "accounts")
    received.clear()
    yield
    truncate_tables(config, "accounts")


@pytest.fixture
def probe_config(service_config):
    uris = {**service_config["DB_URIS"]}
    uris["outbox_probe:Base"] = uris["accounts:Base"]
    return {**service_config, "DB_URIS": uris, "OUTBOX": {"interval": 0.05}}


@pytest.fixture
def consumer(container_factory, probe_config):
    container = container_factory(Consumer, probe_config)
    container.start()
    return container


@pytest.fixture
def probe(container_factory, probe_config, consumer):
    container = container_factory(OutboxProbe, probe_config)
    container.start()
    return container


@pytest.fixture
def engine(config):
    return engine_for(config, "accounts")


def outbox_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM outbox")).scalar()


def write_events(engine, *numbers):
    with Session(engine) as session:
        for n in numbers:
            add_event(session, "thing_happened", {"n": n})
        session.commit()


def test_committed_events_are_published_in_order_with_id_and_time_then_deleted(
    probe, probe_config, engine
):
    with ServiceRpcProxy("outbox_probe", probe_config, timeout=10) as proxy:
        proxy.emit(1, commit=False)  # rolled back: never published
        proxy.emit(2)
        proxy.emit(3)
    wait_for(lambda: len(received) >= 2)
    assert [p["n"] for p in received] == [2, 3]
    assert all(p["event_id"] and p["occurred_at"].endswith("+00:00") for p in received)
    wait_for(lambda: outbox_rows(engine) == 0)


def test_events_stay_in_the_outbox_while_publishing_fails_and_go_out_later(probe, engine):
    dispatcher = next(ext for ext in probe.dependencies if isinstance(ext, EventDispatcher))
    with mock.patch.object(
        dispatcher.publisher, "publish", side_effect=ConnectionError("broker down")
    ) as publish:
        write_events(engine, 1, 2)
        wait_for(lambda: publish.call_count >= 3)  # several ticks tried and failed
        assert outbox_rows(engine) == 2
        assert received == []
    wait_for(lambda: len(received) >= 2)
    assert [p["n"] for p in received] == [1, 2]
    wait_for(lambda: outbox_rows(engine) == 0)


def test_a_row_claimed_by_another_relay_is_skipped_not_published_twice(
    container_factory, probe_config, consumer, engine
):
    write_events(engine, 1)
    with Session(engine) as other_relay:
        # another relay process has claimed row 1 and not finished yet
        other_relay.execute(text("SELECT id FROM outbox FOR UPDATE")).all()
        container_factory(OutboxProbe, probe_config).start()
        write_events(engine, 2)
        wait_for(lambda: [p["n"] for p in received] == [2])
        wait_for(lambda: outbox_rows(engine) == 1)  # the relay deletes after publishing
        assert [p["n"] for p in received] == [2]
        other_relay.rollback()  # that relay failed: the row is free again
    wait_for(lambda: [p["n"] for p in received] == [2, 1])
    wait_for(lambda: outbox_rows(engine) == 0)


@pytest.fixture
def slow_poll_config(probe_config):
    """Passes only on commit notifications (and at start): the poll would come after the test."""
    return {**probe_config, "OUTBOX": {"interval": 60, "batch_size": 10}}


def start_probe(container_factory, config):
    container = container_factory(OutboxProbe, config)
    container.start()
    return container


def test_a_committed_event_leaves_at_once_not_at_the_next_poll(
    container_factory, slow_poll_config, consumer, engine
):
    start_probe(container_factory, slow_poll_config)
    started = time.monotonic()
    write_events(engine, 1)
    wait_for(lambda: [p["n"] for p in received] == [1], timeout=5)
    assert time.monotonic() - started < 2  # the poll is 60 s away
    wait_for(lambda: outbox_rows(engine) == 0)


def test_a_backlog_of_several_batches_is_drained_at_once(
    container_factory, slow_poll_config, consumer, engine
):
    start_probe(container_factory, slow_poll_config)
    write_events(engine, *range(35))  # one commit, one notification, four batches of ten
    wait_for(lambda: len(received) == 35, timeout=10)
    assert [p["n"] for p in received] == list(range(35))
    wait_for(lambda: outbox_rows(engine) == 0)


def test_events_still_leave_when_the_listening_connection_is_cut(
    container_factory, probe_config, consumer, engine
):
    start_probe(container_factory, {**probe_config, "OUTBOX": {"interval": 0.5}})
    wait_for(lambda: listeners(engine) == 1)
    with engine.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query = 'LISTEN bazaar_outbox' AND datname = current_database()"
            )
        )
        conn.commit()
    write_events(engine, 1)
    wait_for(lambda: [p["n"] for p in received] == [1], timeout=10)
    wait_for(lambda: listeners(engine) == 1, timeout=10)  # and it listens again
    write_events(engine, 2)
    wait_for(lambda: [p["n"] for p in received] == [1, 2], timeout=5)


def listeners(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE query = 'LISTEN bazaar_outbox' AND datname = current_database()"
            )
        ).scalar()


def test_an_event_after_a_rolled_back_savepoint_is_still_notified(
    container_factory, slow_poll_config, consumer, engine
):
    start_probe(container_factory, slow_poll_config)
    with Session(engine) as session:
        savepoint = session.begin_nested()
        add_event(session, "thing_happened", {"n": 1})
        savepoint.rollback()  # its event and its notification are gone
        add_event(session, "thing_happened", {"n": 2})
        session.commit()
    wait_for(lambda: [p["n"] for p in received] == [2], timeout=5)  # the poll is 60 s away


def test_a_container_stops_promptly_and_cleanly(container_factory, slow_poll_config, engine):
    container = start_probe(container_factory, slow_poll_config)
    trigger = get_extension(container, OutboxTrigger)
    wait_for(lambda: trigger._waiting)  # idle, listening: stopping cuts that wait short
    started = time.monotonic()
    container.stop()  # nameko run's SIGTERM path; an exception here used to skip the shutdown
    assert container._died.ready()
    assert time.monotonic() - started < 5
    wait_for(lambda: listeners(engine) == 0)  # the listening connection was closed
