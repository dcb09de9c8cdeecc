"""similar products read by tier: indexes sorted by ratings within category, brand and band

Revision ID: 5b7c2d9e4f10
Revises: a21809f50eee
Create Date: 2026-12-01 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b7c2d9e4f10"
down_revision: str | None = "a21809f50eee"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status = 'active'")
RATINGS = sa.text("rating_count DESC NULLS LAST")


def upgrade() -> None:
    op.drop_index("ix_rec_products_category_band", table_name="rec_products")
    op.drop_index("ix_rec_products_brand_band", table_name="rec_products")
    op.create_index(
        "ix_rec_products_similar",
        "rec_products",
        ["category_id", "price_band", RATINGS, "product_id"],
        postgresql_where=ACTIVE,
    )
    op.create_index(
        "ix_rec_products_similar_brand",
        "rec_products",
        ["category_id", sa.text("lower(brand)"), "price_band", RATINGS, "product_id"],
        postgresql_where=ACTIVE,
    )
    op.create_index(
        "ix_rec_products_brand_band",
        "rec_products",
        [sa.text("lower(brand)"), "price_band", RATINGS, "product_id"],
        postgresql_where=ACTIVE,
    )


def downgrade() -> None:
    op.drop_index("ix_rec_products_brand_band", table_name="rec_products")
    op.drop_index("ix_rec_products_similar_brand", table_name="rec_products")
    op.drop_index("ix_rec_products_similar", table_name="rec_products")
    op.create_index(
        "ix_rec_products_brand_band",
        "rec_products",
        ["brand", "price_band"],
        postgresql_where=ACTIVE,
    )
    op.create_index(
        "ix_rec_products_category_band",
        "rec_products",
        ["category_id", "price_band"],
        postgresql_where=ACTIVE,
    )
