"""The database dependency: nameko-sqlalchemy's `Database`, with its pool sized to `max_workers`.

Each concurrent worker may hold one connection, so the pool holds exactly `max_workers` of them
(ARCHITECTURE §6) and is checked before use, so a Postgres restart costs no failed request.
The worker's session is closed (and anything uncommitted rolled back) when the worker ends.
"""

from __future__ import annotations

from nameko.constants import DEFAULT_MAX_WORKERS
from nameko_sqlalchemy import Database as NamekoDatabase
from sqlalchemy.orm import DeclarativeBase


class Database(NamekoDatabase):
    def setup(self):
        workers = int(self.container.config.get("max_workers", DEFAULT_MAX_WORKERS))
        self.engine_options = {
            "pool_size": workers,
            # exactly max_workers: ten services on one dev Postgres stay under its default
            # max_connections of 100
            "max_overflow": 0,
            "pool_pre_ping": True,
            "pool_timeout": 10,
            **self.engine_options,
        }
        self.session_options = {"expire_on_commit": False, **self.session_options}
        super().setup()


def naming_convention() -> dict[str, str]:
    """Constraint names Alembic can diff and drop predictably."""
    return {
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }


__all__ = ["Database", "DeclarativeBase", "naming_convention"]
