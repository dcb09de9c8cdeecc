"""A pooled connection whose server side died while it sat idle (a Postgres restart, a dropped
backend) is replaced at checkout, so the next worker's query succeeds."""

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from services.common.database import ping_idle_connections

URI = "postgresql://postgres@127.0.0.1:5432/postgres"


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(pid: int) -> None:
    admin = create_engine(URI)
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    time.sleep(0.1)


@pytest.fixture
def engine():
    engine = create_engine(URI, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def test_an_idle_connection_that_died_is_replaced_at_checkout(engine):
    ping_idle_connections(engine, idle=0.2)
    first = _backend_pid(engine)
    _terminate(first)
    time.sleep(0.3)

    second = _backend_pid(engine)  # would raise if the dead connection were handed out

    assert second != first


def test_without_the_ping_the_dead_connection_fails_the_query(engine):
    # the control: what the ping prevents
    first = _backend_pid(engine)
    _terminate(first)
    with pytest.raises(OperationalError):
        _backend_pid(engine)


def test_a_connection_back_a_moment_ago_is_not_pinged(engine):
    ping_idle_connections(engine, idle=60)
    pings = []
    original = engine.dialect.do_ping
    engine.dialect.do_ping = lambda dbapi_connection: pings.append(1) or original(dbapi_connection)

    for _ in range(5):
        _backend_pid(engine)

    assert pings == []
