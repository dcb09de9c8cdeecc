"""The time of day every service stamps and sends: aware datetimes in UTC, ISO 8601 on the wire.

Pure (no nameko, SQLAlchemy or redis), so domain modules import it too. Models pass `utcnow`
as a column default; use cases that test a rule at a moment take the moment as an argument.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    """`value` in UTC as ISO 8601 ("2026-01-02T03:04:05.000006+00:00"), None for None: a
    timestamptz read back in a session of another time zone still goes out in UTC."""
    return value.astimezone(UTC).isoformat() if value is not None else None
