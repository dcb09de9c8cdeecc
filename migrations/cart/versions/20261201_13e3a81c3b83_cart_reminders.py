"""cart: cart_reminders (the reminders idle owned carts issued, and the orders that recovered them)

Revision ID: 13e3a81c3b83
Revises: 5d2e8c1f0a47
Create Date: 2026-12-01 16:52:54
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "13e3a81c3b83"
down_revision: str | None = "5d2e8c1f0a47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cart_reminders",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cart_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("touched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=True),
        sa.Column("subtotal", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("recovered_order_id", sa.String(length=36), nullable=True),
        sa.Column("recovered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cart_reminders")),
        sa.UniqueConstraint("cart_id", "touched_at", name="uq_cart_reminders_cart_id_touched_at"),
    )
    op.create_index(
        "ix_cart_reminders_cart_id_created_at",
        "cart_reminders",
        ["cart_id", sa.literal_column("created_at DESC")],
        unique=False,
    )
    op.create_index("ix_cart_reminders_created_at", "cart_reminders", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_cart_reminders_created_at", table_name="cart_reminders")
    op.drop_index("ix_cart_reminders_cart_id_created_at", table_name="cart_reminders")
    op.drop_table("cart_reminders")
