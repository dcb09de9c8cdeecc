"""catalog: products record their owning seller (seller_id), existing ones assigned

Revision ID: c0a2
Revises: c0a1
Create Date: 2026-12-01

The data step assigns products that existed before sellers owned anything:
- a product a seller created (created_by is a seller's id) belongs to that seller;
- the demo products the seed created (ids `prod-N`, no creator) belong to the demo seller
  (seller@bazaar.dev);
- everything else stays the shop's own (seller_id NULL: only admins change it).

Sellers and their ids live in the accounts database. Services never read another's tables; a
migration may, once: it runs from the shell before any service starts, with the same config, and
the alternative (an RPC) needs the whole platform running during `make migrate`. When the accounts
database is absent or not migrated yet (a shop installed without accounts data, or a fresh install,
where the seeds set owners themselves), the step assigns nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0a2"
down_revision: str | None = "c0a1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEMO_SELLER_EMAIL = "seller@bazaar.dev"


def upgrade() -> None:
    op.add_column("products", sa.Column("seller_id", sa.String(64), nullable=True))
    # a seller's back-office list: their products, newest first
    op.create_index("ix_products_seller_created", "products", ["seller_id", "created_at"])
    assign_existing_products(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_products_seller_created", table_name="products")
    op.drop_column("products", "seller_id")


def accounts_sellers() -> tuple[list[str], str | None]:
    """(every seller's id, the demo seller's id or None), read once from the accounts database;
    ([], None) when it cannot be read."""
    from services.common.config import db_uri, load_config

    try:
        engine = sa.create_engine(db_uri(load_config(), "accounts"), poolclass=sa.pool.NullPool)
        with engine.connect() as accounts:
            rows = accounts.execute(
                sa.text("SELECT id, lower(email) = :demo AS demo FROM users WHERE role = 'seller'"),
                {"demo": DEMO_SELLER_EMAIL},
            ).all()
    except sa.exc.SQLAlchemyError:  # no accounts database, or no users table yet
        return [], None
    return [r.id for r in rows], next((r.id for r in rows if r.demo), None)


def assign_existing_products(catalog) -> None:
    sellers, demo_seller = accounts_sellers()
    if sellers:
        catalog.execute(
            sa.text(
                "UPDATE products SET seller_id = created_by "
                "WHERE seller_id IS NULL AND created_by = ANY(:sellers)"
            ),
            {"sellers": sellers},
        )
    if demo_seller:
        catalog.execute(
            sa.text(
                "UPDATE products SET seller_id = :seller "
                "WHERE seller_id IS NULL AND created_by IS NULL AND id LIKE 'prod-%'"
            ),
            {"seller": demo_seller},
        )
