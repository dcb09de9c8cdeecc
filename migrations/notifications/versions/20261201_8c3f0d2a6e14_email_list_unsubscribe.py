"""notifications: emails.list_unsubscribe, the List-Unsubscribe page an email is sent with

Revision ID: 8c3f0d2a6e14
Revises: 4ef8956d4260
Create Date: 2026-12-01

The header is built when the email is delivered, which may be a retry long after it was rendered,
so the logged row keeps it (null for the kinds without one).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8c3f0d2a6e14"
down_revision: str | None = "4ef8956d4260"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("emails", sa.Column("list_unsubscribe", sa.String(length=1000), nullable=True))


def downgrade() -> None:
    op.drop_column("emails", "list_unsubscribe")
