"""Coupons and their redemptions, and the abandoned-cart reminders the carts issued (PostgreSQL
`bazaar_cart`). Carts themselves live in Redis."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.clock import utcnow
from services.common.deadletter import DeadLetters
from services.common.models import service_metadata


def _uuid() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = service_metadata(outbox=True)


# order_confirmed events whose handler failed every retry (listed and replayed by an admin)
dead_letters = DeadLetters(Base.metadata)


class CouponRecord(Base):
    """A coupon. `value`: whole percent for `percent`, minor units for `fixed`. `times_used`
    counts live redemptions (released ones give their use back). Deleting a coupon that was ever
    redeemed only marks it `deleted_at` (redemptions keep their history); codes are unique among
    coupons not deleted."""

    __tablename__ = "coupons"
    __table_args__ = (
        CheckConstraint("type IN ('percent', 'fixed')", name="type"),
        CheckConstraint("value > 0", name="value_positive"),
        CheckConstraint("type <> 'percent' OR value <= 100", name="percent_at_most_100"),
        CheckConstraint("times_used >= 0", name="times_used_not_negative"),
        Index(
            "uq_coupons_code_live", "code", unique=True, postgresql_where=text("deleted_at IS NULL")
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    code: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(255), default="")
    type: Mapped[str] = mapped_column(String(16))
    value: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    min_subtotal: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    usage_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    per_customer_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    times_used: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class RedemptionRecord(Base):
    """One use of a coupon by one order (unique per order: redeeming is idempotent).
    `status`: redeemed, or released when the order was cancelled before payment."""

    __tablename__ = "coupon_redemptions"
    __table_args__ = (
        CheckConstraint("status IN ('redeemed', 'released')", name="status"),
        Index("ix_coupon_redemptions_coupon_user", "coupon_id", "user_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    coupon_id: Mapped[str] = mapped_column(ForeignKey("coupons.id"))
    code: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="redeemed")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class ReminderRecord(Base):
    """A reminder an idle owned cart issued (`cart_abandoned`): once per cart and idle spell
    (unique `(cart_id, touched_at)`: a sweep repeated after a crash stores and announces
    nothing twice). `lines` and `subtotal` are the cart's when it was reminded (subtotal at the
    lines' own prices, minor units). An order placed from the cart within the reminder period
    recovers its latest reminder once (`recovered_order_id` set only while NULL)."""

    __tablename__ = "cart_reminders"
    __table_args__ = (
        UniqueConstraint("cart_id", "touched_at", name="uq_cart_reminders_cart_id_touched_at"),
        Index("ix_cart_reminders_cart_id_created_at", "cart_id", text("created_at DESC")),
        Index("ix_cart_reminders_created_at", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    cart_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(36))
    touched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lines: Mapped[int | None] = mapped_column(Integer, nullable=True)
    subtotal: Mapped[int | None] = mapped_column(Integer, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    recovered_order_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    recovered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
