"""Orders, their line snapshots and status history; plus the common tables: outbox, processed
events, dead letters and Idempotency-Keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.deadletter import DeadLetters
from services.common.idempotency import IdempotencyKeys, ProcessedEvents
from services.common.models import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata(outbox=True)


processed_events = ProcessedEvents(Base.metadata)
dead_letters = DeadLetters(Base.metadata)
idempotency_keys = IdempotencyKeys(Base.metadata)


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    cart_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), index=True)
    subtotal: Mapped[int] = mapped_column(Integer)
    discount: Mapped[int] = mapped_column(Integer)
    tax: Mapped[int] = mapped_column(Integer)
    shipping: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    coupon_code: Mapped[str | None] = mapped_column(String(64))
    shipping_address: Mapped[dict] = mapped_column(JSON)
    payment_method: Mapped[str] = mapped_column(String(10))
    payment_intent_id: Mapped[str | None] = mapped_column(String(120))
    payment_status: Mapped[str] = mapped_column(String(20), default="unpaid")
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)
    tracking: Mapped[dict | None] = mapped_column(JSON)
    cancel_reason: Mapped[str | None] = mapped_column(String(60))
    reservation_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order",
        order_by="OrderLine.position",
        lazy="selectin",
        cascade="all, delete-orphan",
    )


class OrderLine(Base):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(300))
    price: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    image: Mapped[str | None] = mapped_column(Text)
    line_total: Mapped[int] = mapped_column(Integer)
    # the product's seller at checkout (catalog's seller_id); None: the shop's own product
    seller_id: Mapped[str | None] = mapped_column(String(64))

    order: Mapped[Order] = relationship(back_populates="lines")


class StatusChange(Base):
    __tablename__ = "order_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


Index("ix_orders_status_created_at", Order.status, Order.created_at)
Index("ix_order_lines_seller_id_order_id", OrderLine.seller_id, OrderLine.order_id)
