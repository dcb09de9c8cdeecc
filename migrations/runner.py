"""Shared body of every service's Alembic `env.py`: `run(Base.metadata)`.

The database URL comes from the Alembic config (`sqlalchemy.url`), which `scripts/manage.py migrate`
fills from `config/bazaar.yaml` for the service being migrated.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData, engine_from_config, pool


def run(target_metadata: MetaData) -> None:
    config = context.config
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=target_metadata,
            literal_binds=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
