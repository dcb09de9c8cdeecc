"""`dead_lettered` on plain objects: an event's own error is retried three times and then kept as
a dead letter; an error that says a peer or the broker is away is retried for the transient
window (a restart delays the event, it does not make it dead); the session is rolled back after
every failed attempt."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from services.common import deadletter
from services.common.rpc import RpcTimeout


class Session:
    def __init__(self):
        self.rollbacks = 0
        self.commits = 0

    def rollback(self):
        self.rollbacks += 1

    def commit(self):
        self.commits += 1


class Letters:
    def __init__(self):
        self.stored = []

    def store(self, session, handler, source, event_type, payload, error, attempts):
        self.stored.append((handler, event_type, error.split(":")[0], attempts))


class Db:
    def __init__(self):
        self.session = Session()


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch):
    pauses = []
    monkeypatch.setattr(deadletter.eventlet, "sleep", pauses.append)
    return pauses


def service(letters, failures, window=60.0):
    """A service whose handler raises each of `failures` in turn, then succeeds."""

    class Service:
        db = Db()
        calls = 0

        @deadletter.dead_lettered(letters, "orders", "thing_happened", transient_window=window)
        def handle(self, payload):
            Service.calls += 1
            if failures:
                raise failures.pop(0)
            return "handled"

    return Service()


def test_an_events_own_error_is_dead_lettered_after_three_attempts(no_pauses):
    letters = Letters()
    svc = service(letters, [ValueError("bad")] * 5)
    assert svc.handle({}) is None
    assert type(svc).calls == 3
    assert letters.stored == [("handle", "thing_happened", "ValueError", 3)]
    assert (svc.db.session.rollbacks, svc.db.session.commits) == (3, 1)
    assert no_pauses == [0.2, 0.4]


def test_a_peer_away_for_a_while_delays_the_event_and_does_not_kill_it(no_pauses):
    letters = Letters()
    away = [RpcTimeout("inventory.commit did not answer within 5s")] * 5
    away += [OperationalError("SELECT 1", {}, Exception("server closed the connection"))]
    away += [ConnectionResetError("reset by peer")]
    svc = service(letters, away)
    assert svc.handle({}) == "handled"
    assert type(svc).calls == 8 and letters.stored == []
    assert no_pauses == [0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0]  # doubling, at most 5 s


def test_a_peer_away_past_the_window_is_dead_lettered(monkeypatch):
    letters = Letters()
    clock = iter(range(0, 1000, 30))  # the start, then 30 s more each time the clock is read
    monkeypatch.setattr(deadletter.time, "monotonic", lambda: next(clock))
    svc = service(letters, [RpcTimeout("down")] * 10, window=60.0)
    assert svc.handle({}) is None
    # attempts 1 and 2 are the ordinary three's; the third fails 30 s in, the fourth 60 s in
    assert letters.stored == [("handle", "thing_happened", "RpcTimeout", 4)]
