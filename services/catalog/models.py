"""Catalog tables: categories (a tree with a materialised path), products, their images, and the
search lexicon (the distinct words of product names and brands, for typo correction)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Computed,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.clock import utcnow
from services.common.models import service_metadata

SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(brand, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'C')"
)
SEARCH_TEXT_SQL = "lower(coalesce(name, '') || ' ' || coalesce(brand, ''))"


class Base(DeclarativeBase):
    metadata = service_metadata(outbox=True)


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # "/<root id>/<child id>/.../<own id>/": descendants are the rows whose path starts with it
    path: Mapped[str] = mapped_column(Text, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        Index("ix_products_search_vector", "search_vector", postgresql_using="gin"),
        Index(
            "ix_products_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
        Index("ix_products_status_created", "status", "created_at"),
        Index("ix_products_status_price", "status", "price"),
        Index(
            "ix_products_status_rating",
            "status",
            text("rating_average DESC"),
            text("rating_count DESC"),
        ),
        Index("ix_products_category", "category_id"),
        Index("ix_products_brand", text("lower(brand)")),
        Index("ix_products_featured", "featured", postgresql_where="featured"),
        Index("ix_products_seller_created", "seller_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    brand: Mapped[str] = mapped_column(String(100), default="")
    category_id: Mapped[str] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    price: Mapped[int] = mapped_column(BigInteger)
    compare_at_price: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    attributes: Mapped[dict] = mapped_column(JSONB, default=dict)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="active")
    rating_average: Mapped[float] = mapped_column(Float, default=0.0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    # denormalised from inventory's stock_changed; stock_version orders those events
    available: Mapped[int] = mapped_column(Integer, default=0)
    stock_version: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by: Mapped[str | None] = mapped_column(String(64))
    # the seller who owns it (accounts user id); None: the shop's own, which only admins change
    seller_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    search_vector = mapped_column(TSVECTOR, Computed(SEARCH_VECTOR_SQL, persisted=True))
    search_text = mapped_column(Text, Computed(SEARCH_TEXT_SQL, persisted=True))

    category: Mapped[Category] = relationship(lazy="joined")
    images: Mapped[list[ProductImage]] = relationship(
        order_by="ProductImage.position", lazy="selectin", cascade="all, delete-orphan"
    )


class ProductImage(Base):
    __tablename__ = "product_images"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    product_id: Mapped[str] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    thumbnail_url: Mapped[str | None] = mapped_column(Text)
    medium_url: Mapped[str | None] = mapped_column(Text)
    large_url: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SearchTerm(Base):
    """A word of some product's name or brand: the dictionary typos are corrected against."""

    __tablename__ = "search_terms"
    __table_args__ = (
        Index(
            "ix_search_terms_word_trgm",
            "word",
            postgresql_using="gin",
            postgresql_ops={"word": "gin_trgm_ops"},
        ),
        Index("ix_search_terms_word_prefix", "word", postgresql_ops={"word": "text_pattern_ops"}),
    )

    word: Mapped[str] = mapped_column(String(64), primary_key=True)
