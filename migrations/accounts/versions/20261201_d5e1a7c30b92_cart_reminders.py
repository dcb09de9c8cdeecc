"""accounts: users.cart_reminders, whether a user gets abandoned-cart reminder emails

Revision ID: d5e1a7c30b92
Revises: c41069877da3
Create Date: 2026-12-01

Every existing user is opted in (server default true): the reminders are service emails about a
cart they filled, each carrying a one-click unsubscribe link, and the profile has the switch.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d5e1a7c30b92"
down_revision: str | None = "c41069877da3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("cart_reminders", sa.Boolean(), server_default=sa.text("true"), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("users", "cart_reminders")
