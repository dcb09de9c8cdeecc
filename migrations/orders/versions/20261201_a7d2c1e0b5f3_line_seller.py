"""orders: each line records the seller of its product (seller_id), existing lines backfilled

Revision ID: a7d2c1e0b5f3
Revises: 0fc70a386656
Create Date: 2026-12-01

A seller's back office lists the orders holding their products, so a line keeps the product's
seller as the catalog had it at checkout. Lines of orders placed before this revision get the
seller the catalog records now (one read of the catalog database: a migration may read another
service's tables once, from the shell, before any service runs; at runtime orders asks the
catalog by RPC). When the catalog database cannot be read or has no seller_id yet (it is migrated
first by `make migrate`; a lone `migrate orders` may run before it), the lines stay without a
seller: they are still every admin's to see.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7d2c1e0b5f3"
down_revision: str | None = "0fc70a386656"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    op.add_column("order_lines", sa.Column("seller_id", sa.String(64), nullable=True))
    # a seller's order list: EXISTS (a line of theirs) per order
    op.create_index("ix_order_lines_seller_id_order_id", "order_lines", ["seller_id", "order_id"])
    backfill_sellers(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_order_lines_seller_id_order_id", table_name="order_lines")
    op.drop_column("order_lines", "seller_id")


def catalog_owners(product_ids: list[str]) -> dict[str, str]:
    """{product_id: seller_id} of the products that have a seller, read from the catalog
    database; {} when it cannot be read."""
    from services.common.config import db_uri, load_config

    owners: dict[str, str] = {}
    try:
        engine = sa.create_engine(db_uri(load_config(), "catalog"), poolclass=sa.pool.NullPool)
        with engine.connect() as catalog:
            for start in range(0, len(product_ids), BATCH):
                rows = catalog.execute(
                    sa.text(
                        "SELECT id, seller_id FROM products "
                        "WHERE id = ANY(:ids) AND seller_id IS NOT NULL"
                    ),
                    {"ids": product_ids[start : start + BATCH]},
                )
                owners.update({row.id: row.seller_id for row in rows})
    except sa.exc.SQLAlchemyError:  # no catalog database, or not migrated to c0a2 yet
        return {}
    return owners


def backfill_sellers(orders) -> None:
    product_ids = list(
        orders.execute(sa.text("SELECT DISTINCT product_id FROM order_lines")).scalars()
    )
    owners = catalog_owners(product_ids) if product_ids else {}
    if owners:
        orders.execute(
            sa.text("UPDATE order_lines SET seller_id = :seller WHERE product_id = :product"),
            [{"seller": seller, "product": product} for product, seller in owners.items()],
        )
