"""inventory: stock, reservations, reservation lines, stock movements

Revision ID: i0a1
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "i0a1"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE stock (
            product_id varchar(64) NOT NULL,
            on_hand integer NOT NULL DEFAULT 0,
            reserved integer NOT NULL DEFAULT 0,
            low_stock_threshold integer NOT NULL DEFAULT 5,
            low_stock_alerted boolean NOT NULL DEFAULT false,
            version bigint NOT NULL DEFAULT 0,
            updated_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_stock PRIMARY KEY (product_id),
            CONSTRAINT ck_stock_on_hand_non_negative CHECK (on_hand >= 0),
            CONSTRAINT ck_stock_reserved_non_negative CHECK (reserved >= 0),
            CONSTRAINT ck_stock_reserved_within_on_hand CHECK (reserved <= on_hand)
        );
        CREATE TABLE reservations (
            order_id varchar(64) NOT NULL,
            status varchar(16) NOT NULL DEFAULT 'active',
            expires_at timestamptz NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_reservations PRIMARY KEY (order_id)
        );
        CREATE INDEX ix_reservations_active_expiry ON reservations (expires_at)
            WHERE status = 'active';
        CREATE TABLE reservation_lines (
            order_id varchar(64) NOT NULL,
            product_id varchar(64) NOT NULL,
            quantity integer NOT NULL,
            CONSTRAINT pk_reservation_lines PRIMARY KEY (order_id, product_id),
            CONSTRAINT fk_reservation_lines_order_id_reservations FOREIGN KEY (order_id)
                REFERENCES reservations (order_id) ON DELETE CASCADE
        );
        CREATE TABLE outbox (
            id varchar(36) NOT NULL,
            event_type varchar(100) NOT NULL,
            payload jsonb NOT NULL,
            created_at timestamptz NOT NULL,
            CONSTRAINT pk_outbox PRIMARY KEY (id)
        );
        CREATE INDEX ix_outbox_created_at ON outbox (created_at);

        CREATE TABLE stock_movements (
            id bigserial NOT NULL,
            product_id varchar(64) NOT NULL,
            on_hand_delta integer NOT NULL DEFAULT 0,
            reserved_delta integer NOT NULL DEFAULT 0,
            on_hand_after integer NOT NULL,
            reason text NOT NULL,
            order_id varchar(64),
            user_id varchar(64),
            created_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_stock_movements PRIMARY KEY (id)
        );
        CREATE INDEX ix_stock_movements_product_id ON stock_movements (product_id);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE outbox, stock_movements, reservation_lines, reservations, stock")
