"""The recommendations tables (PostgreSQL `bazaar_recommendations`, docs/design/recommendations.md
§1.2), as SQLAlchemy Core tables: the repository reads and writes them with set-based statements
(upserts over `unnest`, one window-function query for trending), never row by row.

- `rec_products`: this service's copy of each product's card (catalog and inventory events).
- `rec_categories`: the catalog's categories, `path` the ids from the root down.
- `customer_pairs`: one row per customer per pair bought (a < b), which makes one vote each.
- `co_purchases`: both directions of every pair, `score` the sum of forward-decay weights.
- `sales_daily`: units and orders per product per day, with the category and root at sale time.
- `trending`: the top products per scope (`all`, `cat:<id>`), replaced by each recompute.
- and the shared `outbox`, `processed_events` and `dead_letters`.
"""

from __future__ import annotations

from sqlalchemy import (
    REAL,
    BigInteger,
    Column,
    Date,
    DateTime,
    Double,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    text,
)
from sqlalchemy.orm import DeclarativeBase

from services.common.deadletter import DeadLetters
from services.common.idempotency import ProcessedEvents
from services.common.models import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata(outbox=True)


# the similar-products reads look only at active cards: partial indexes stay small
_ACTIVE = text("status = 'active'")

rec_products = Table(
    "rec_products",
    Base.metadata,
    Column("product_id", String(64), primary_key=True),
    Column("category_id", String(64), nullable=False),
    Column("brand", String(100)),
    Column("price", Integer, nullable=False),
    Column("currency", String(3)),
    Column("price_band", SmallInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("available", Integer, nullable=False, server_default=text("0")),
    Column("stock_version", BigInteger, nullable=False, server_default=text("0")),
    Column("name", String(200), nullable=False),
    Column("slug", String(200), nullable=False),
    Column("image", String(500)),
    Column("rating_average", REAL),
    Column("rating_count", Integer),
    Column("updated_at", DateTime(timezone=True)),
    # similar products, read tier by tier in the order the ranking wants (repository.py
    # _SIMILAR_*): each tier is an index range already sorted by ratings, read up to its limit
    Index(
        "ix_rec_products_similar",
        "category_id",
        "price_band",
        text("rating_count DESC NULLS LAST"),
        "product_id",
        postgresql_where=_ACTIVE,
    ),
    Index(
        "ix_rec_products_similar_brand",
        "category_id",
        text("lower(brand)"),
        "price_band",
        text("rating_count DESC NULLS LAST"),
        "product_id",
        postgresql_where=_ACTIVE,
    ),
    Index(
        "ix_rec_products_brand_band",
        text("lower(brand)"),
        "price_band",
        text("rating_count DESC NULLS LAST"),
        "product_id",
        postgresql_where=_ACTIVE,
    ),
)

rec_categories = Table(
    "rec_categories",
    Base.metadata,
    Column("category_id", String(64), primary_key=True),
    Column("parent_id", String(64)),
    Column("slug", String(120), nullable=False),
    Column("path", String(1000), nullable=False),
    Index("uq_rec_categories_slug", "slug", unique=True),
    Index("ix_rec_categories_parent_id", "parent_id"),
)

customer_pairs = Table(
    "customer_pairs",
    Base.metadata,
    Column("user_id", String(36), primary_key=True),
    Column("product_a", String(64), primary_key=True),
    Column("product_b", String(64), primary_key=True),
    Column("first_at", DateTime(timezone=True), nullable=False),
)

co_purchases = Table(
    "co_purchases",
    Base.metadata,
    Column("product_id", String(64), primary_key=True),
    Column("other_id", String(64), primary_key=True),
    Column("score", Double, nullable=False),
    Column("votes", Integer, nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False),
    Index("ix_co_purchases_product_score", "product_id", text("score DESC")),
)

sales_daily = Table(
    "sales_daily",
    Base.metadata,
    Column("day", Date, primary_key=True),
    Column("product_id", String(64), primary_key=True),
    Column("category_id", String(64), nullable=False),
    Column("root_category_id", String(64), nullable=False),
    Column("units", Integer, nullable=False),
    Column("orders", Integer, nullable=False),
    Index("ix_sales_daily_day_category", "day", "category_id"),
    Index("ix_sales_daily_day_root", "day", "root_category_id"),
)

trending = Table(
    "trending",
    Base.metadata,
    Column("scope", String(80), primary_key=True),
    Column("rank", SmallInteger, primary_key=True),
    Column("product_id", String(64), nullable=False),
    Column("score", Double, nullable=False),
)

# order_confirmed is applied once per event id, in the transaction of its votes
processed_events = ProcessedEvents(Base.metadata)
# events whose handler failed every retry (listed and replayed by an admin)
dead_letters = DeadLetters(Base.metadata)
