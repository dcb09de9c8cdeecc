"""The accounts tables, mapped imperatively onto the domain's dataclasses (domain.py)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    text,
)
from sqlalchemy.orm import DeclarativeBase

from services.accounts import domain
from services.common.models import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata(outbox=True)


def _timestamps() -> list[Column]:
    return [
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    ]


users = Table(
    "users",
    Base.metadata,
    Column("id", String(36), primary_key=True),
    Column("email", String(320), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("phone", String(32)),
    Column("role", String(16), nullable=False, server_default="customer"),
    Column("is_active", Boolean, nullable=False, server_default=text("true")),
    # emails about items left in the cart (abandoned-cart reminders); the profile and the
    # unsubscribe link turn them off
    Column("cart_reminders", Boolean, nullable=False, server_default=text("true")),
    *_timestamps(),
    CheckConstraint("role IN ('customer', 'seller', 'admin')", name="role"),
    Index("uq_users_email", "email", unique=True),
    Index("ix_users_created_at", "created_at"),
)

addresses = Table(
    "addresses",
    Base.metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("address1", String(200), nullable=False),
    Column("address2", String(200)),
    Column("city", String(100), nullable=False),
    Column("state", String(100)),
    Column("postal_code", String(20), nullable=False),
    Column("country", String(2), nullable=False),
    Column("phone", String(32)),
    Column("is_default", Boolean, nullable=False, server_default=text("false")),
    *_timestamps(),
    Index("ix_addresses_user_id", "user_id"),
    # at most one default address per user
    Index(
        "uq_addresses_default_per_user",
        "user_id",
        unique=True,
        postgresql_where=text("is_default"),
    ),
)

refresh_token_families = Table(
    "refresh_token_families",
    Base.metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_reason", String(32)),
    Index("ix_refresh_token_families_user_id", "user_id"),
)

refresh_tokens = Table(
    "refresh_tokens",
    Base.metadata,
    Column("id", String(36), primary_key=True),
    Column(
        "family_id",
        String(36),
        ForeignKey("refresh_token_families.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("token_hash", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Index("uq_refresh_tokens_token_hash", "token_hash", unique=True),
    Index("ix_refresh_tokens_family_id", "family_id"),
)

password_resets = Table(
    "password_resets",
    Base.metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Index("uq_password_resets_token_hash", "token_hash", unique=True),
    Index("ix_password_resets_user_id", "user_id"),
)


_registry = Base.registry
_registry.map_imperatively(domain.User, users)
_registry.map_imperatively(domain.Address, addresses)
_registry.map_imperatively(domain.TokenFamily, refresh_token_families)
_registry.map_imperatively(domain.RefreshToken, refresh_tokens)
_registry.map_imperatively(domain.PasswordReset, password_resets)
