"""Fakes every service's unit tests share: a clock, ids in sequence, and the `Transactional`
verbs of services/common/ports.py recorded in memory. Each service's own fakes
(`tests/unit/<service>/fakes.py`) build on these."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from services.common.errors import BazaarError, ServiceUnavailable

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    """`now()` as a callable: the same instant until `advance(...)`; with `tick`, each call first
    moves on by that much (for code that needs every timestamp distinct)."""

    def __init__(self, start: datetime | None = None, tick: timedelta | None = None):
        self.now = start or START
        self.tick = tick

    def __call__(self) -> datetime:
        if self.tick:
            self.now += self.tick
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


class SequentialIds:
    """UUID-shaped ids, 00000001-..., 00000002-..., in the order they are asked for."""

    def __init__(self):
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"{self.count:08d}-0000-4000-8000-000000000000"


class RecordedTransaction:
    """The `Transactional` port in memory: `recorded` holds the events of the open unit of work,
    `commits` each committed unit's events, `rollbacks` counts the rollbacks. A subclass
    snapshots and restores its own rows in `_snapshot`/`_restore` to roll back like a database."""

    def __init__(self):
        self.recorded: list[tuple[str, dict[str, Any]]] = []
        self.commits: list[list[tuple[str, dict[str, Any]]]] = []
        self.rollbacks = 0

    def record_event(self, event_type: str, payload: dict[str, Any]) -> None:
        self.recorded.append((event_type, payload))

    def commit(self) -> None:
        self.commits.append(self.recorded)
        self.recorded = []
        self._snapshot()

    def rollback(self) -> None:
        self.recorded = []
        self.rollbacks += 1
        self._restore()

    def _snapshot(self) -> None:
        """Remember the committed state (subclasses with rows)."""

    def _restore(self) -> None:
        """Go back to the committed state (subclasses with rows)."""

    @property
    def events(self) -> list[tuple[str, dict[str, Any]]]:
        """Every event committed so far, in order."""
        return [event for unit in self.commits for event in unit]


class CountingSession:
    """The worker's session as `unit_of_work` sees it: counts commits and rollbacks, and passes
    them on to `repo` (a fake repository whose rows should commit and roll back with it)."""

    def __init__(self, repo: Any = None):
        self.repo = repo
        self.commits = 0
        self.rollbacks = 0

    def commit(self) -> None:
        self.commits += 1
        if self.repo is not None:
            self.repo.commit()

    def rollback(self) -> None:
        self.rollbacks += 1
        if self.repo is not None:
            self.repo.rollback()


class FakeDatabase:
    """Stands in for the `db` provider of a service whose repository is a fake: the use cases
    touch only the repository, the unit of work only this session."""

    def __init__(self, session: Any = None):
        self.session = session if session is not None else CountingSession()


def run_once_in_memory(
    store: Any, keys: dict, user_id: Any, key: str | None, action, *, claim_commits: bool = False
) -> Any:
    """services/common/idempotency.py's `run` over a dict, for fake repositories: without a key
    the action runs and commits; a stored answer or expected error (a `BazaarError`) is replayed;
    a `ServiceUnavailable` frees the key. `claim_commits`: the claim is its own commit first (as
    payments', whose provider call must not run inside an open transaction)."""
    if not key:
        result = action()
        store.commit()
        return result
    stored = keys.get((str(user_id), key))
    if stored is not None:
        if "error" in stored:
            raise stored["error"]
        return stored["result"]
    if claim_commits:
        store.commit()
    try:
        result = action()
    except ServiceUnavailable:
        raise
    except BazaarError as exc:
        store.rollback()
        keys[(str(user_id), key)] = {"error": exc}
        store.commit()
        raise
    keys[(str(user_id), key)] = {"result": result}
    store.commit()
    return result
