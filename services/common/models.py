"""What every service's models share: the declarative base's metadata, with Bazaar's constraint
naming (which Alembic diffs and drops by name), and the tables the common machinery keeps in each
service's own database: the transactional outbox (services/common/outbox.py) and the dead letters
(services/common/deadletter.py).

    class Base(DeclarativeBase):
        metadata = service_metadata(outbox=True)

    dead_letters = DeadLetters(Base.metadata)   # a service whose consumers dead-letter
"""

from __future__ import annotations

from sqlalchemy import MetaData

from services.common.database import naming_convention
from services.common.outbox import outbox_table


def service_metadata(*, outbox: bool) -> MetaData:
    """A service's `MetaData`: the naming convention, and the `outbox` table when the service
    publishes events through the outbox (its first migration creates the table)."""
    metadata = MetaData(naming_convention=naming_convention())
    if outbox:
        outbox_table(metadata)
    return metadata
