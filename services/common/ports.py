"""Ports every service's use cases share (pure: no nameko, SQLAlchemy or redis).

A service's repository port extends `Transactional`: the use cases record events and, where a
saga step must be durable before the next remote call, commit or roll back mid-way. The SQL
adapters get all three from `services.common.database.SqlRepository`; the unit tests' fakes
from `tests/unit/fakes.py`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class Transactional(ABC):
    """The unit of work as the use cases see it."""

    @abstractmethod
    def record_event(self, event_type: str, payload: dict[str, Any]) -> None:
        """Write an event to the outbox: published only if this unit of work commits."""

    @abstractmethod
    def commit(self) -> None:
        """Make everything so far durable (a saga step before its next remote call)."""

    @abstractmethod
    def rollback(self) -> None:
        """Forget everything since the last commit."""
