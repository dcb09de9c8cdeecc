"""Helpers the test tiers share: database cleaning and waiting on conditions."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine, text

from services.common.config import service_databases

_engines: dict[str, Any] = {}


def engine_for(config: dict, service: str):
    uri = service_databases(config)[service]
    if uri not in _engines:
        _engines[uri] = create_engine(uri, pool_size=2)
    return _engines[uri]


def truncate_tables(config: dict, service: str) -> None:
    """Empty every table of a service's test database except Alembic's version table."""
    engine = engine_for(config, service)
    with engine.begin() as conn:
        tables = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        if tables:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


def migrate_test_databases(config: dict, services: set[str] | None = None) -> None:
    """Create every test database and migrate `services` (all that have migrations if None)."""
    from scripts.manage import createdb, migrate

    createdb(config)
    migrate(config, services)


def wait_for(condition: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {condition}")
        time.sleep(interval)
