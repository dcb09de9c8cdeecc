"""The inventory repository: every SQL statement of the inventory, on the worker's session (the
service's unit of work commits it).

Stock changes are conditional UPDATEs ... RETURNING the new level: the row lock plus the
re-checked WHERE clause make concurrent reservations of the last units safe.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text

from services.common import pagination
from services.common.database import SqlRepository
from services.common.fields import MAX_STOCK
from services.inventory import domain
from services.inventory.models import Reservation, ReservationLine, Stock

RETURNING = (
    "RETURNING product_id, on_hand, reserved, low_stock_threshold, low_stock_alerted, version"
)
BUMP = "version = version + 1, updated_at = now()"


def level_of(row) -> domain.StockLevel:
    """The level of a stock row (ORM object or RETURNING row)."""
    return domain.StockLevel(
        row.product_id,
        row.on_hand,
        row.reserved,
        row.low_stock_threshold,
        row.low_stock_alerted,
        row.version,
    )


def _level(row) -> domain.StockLevel | None:
    return None if row is None else level_of(row)


class SqlInventoryRepository(SqlRepository, domain.InventoryRepository):
    """`domain.InventoryRepository` on the worker's session; events, commit and rollback from
    `SqlRepository`."""

    max_on_hand = MAX_STOCK  # the INTEGER column's bound, which every API bound stays under

    # -- reads --------------------------------------------------------------------------------

    def stock_levels(self, product_ids: list[str]) -> list[domain.StockLevel]:
        rows = self.session.execute(
            select(Stock).where(Stock.product_id.in_(list(product_ids)))
        ).scalars()
        return [level_of(row) for row in rows]

    def get_level(self, product_id: str) -> domain.StockLevel | None:
        return _level(self.session.get(Stock, product_id))

    def low_stock(
        self, page: int, limit: int, product_ids: list[str] | None
    ) -> tuple[list[domain.StockLevel], int]:
        where = "on_hand - reserved <= low_stock_threshold"
        params: dict = {"limit": limit, "offset": pagination.offset(page, limit)}
        if product_ids is not None:
            where += " AND product_id = ANY(:ids)"
            params["ids"] = list(product_ids)
        total = self.session.execute(
            text(f"SELECT count(*) FROM stock WHERE {where}"),  # noqa: S608
            params,
        ).scalar_one()
        rows = self.session.execute(
            text(
                f"SELECT * FROM stock WHERE {where} ORDER BY on_hand - reserved, product_id "  # noqa: S608
                "LIMIT :limit OFFSET :offset"
            ),
            params,
        ).all()
        return [level_of(r) for r in rows], total

    # -- stock changes ------------------------------------------------------------------------

    def create_stock(self, product_id: str, threshold: int | None) -> None:
        self.session.execute(
            text(
                "INSERT INTO stock (product_id, on_hand, low_stock_threshold) "
                "VALUES (:p, 0, COALESCE(:t, 5)) ON CONFLICT (product_id) DO NOTHING"
            ),
            {"p": product_id, "t": threshold},
        )

    def lock_stock(self, product_id: str) -> tuple[int, int]:
        row = self.session.execute(
            text("SELECT on_hand, reserved FROM stock WHERE product_id = :p FOR UPDATE"),
            {"p": product_id},
        ).one()
        return row.on_hand, row.reserved

    def set_on_hand(
        self, product_id: str, quantity: int, threshold: int | None
    ) -> domain.StockLevel:
        row = self.session.execute(
            text(
                "UPDATE stock SET on_hand = :q, "  # noqa: S608
                "low_stock_threshold = COALESCE(:t, low_stock_threshold), "
                f"{BUMP} WHERE product_id = :p {RETURNING}"
            ),
            {"p": product_id, "q": quantity, "t": threshold},
        ).one()
        return level_of(row)

    def add_on_hand(self, product_id: str, delta: int) -> domain.StockLevel | None:
        row = self.session.execute(
            text(
                f"UPDATE stock SET on_hand = on_hand + :d, {BUMP} "  # noqa: S608
                f"WHERE product_id = :p AND on_hand + :d >= reserved "
                f"AND on_hand + :d <= :most {RETURNING}"
            ),
            {"p": product_id, "d": delta, "most": self.max_on_hand},
        ).one_or_none()
        return _level(row)

    def set_threshold(self, product_id: str, threshold: int) -> domain.StockLevel | None:
        row = self.session.execute(
            text(
                "UPDATE stock SET low_stock_threshold = :t, low_stock_alerted = false "  # noqa: S608
                f"WHERE product_id = :p {RETURNING}"
            ),
            {"p": product_id, "t": threshold},
        ).one_or_none()
        return _level(row)

    def reserve_units(self, product_id: str, quantity: int) -> domain.StockLevel | None:
        row = self.session.execute(
            text(
                f"UPDATE stock SET reserved = reserved + :q, {BUMP} "  # noqa: S608
                f"WHERE product_id = :p AND on_hand - reserved >= :q {RETURNING}"
            ),
            {"p": product_id, "q": quantity},
        ).one_or_none()
        return _level(row)

    def sell_units(self, product_id: str, quantity: int) -> domain.StockLevel:
        row = self.session.execute(
            text(
                "UPDATE stock SET on_hand = on_hand - :q, reserved = reserved - :q, "  # noqa: S608
                f"{BUMP} WHERE product_id = :p {RETURNING}"
            ),
            {"p": product_id, "q": quantity},
        ).one()
        return level_of(row)

    def unreserve_units(self, product_id: str, quantity: int) -> domain.StockLevel:
        sql = f"UPDATE stock SET reserved = reserved - :q, {BUMP} WHERE product_id = :p "  # noqa: S608
        row = self.session.execute(text(sql + RETURNING), {"p": product_id, "q": quantity}).one()
        return level_of(row)

    def restock_units(self, product_id: str, quantity: int) -> domain.StockLevel:
        sql = f"UPDATE stock SET on_hand = on_hand + :q, {BUMP} WHERE product_id = :p "  # noqa: S608
        row = self.session.execute(text(sql + RETURNING), {"p": product_id, "q": quantity}).one()
        return level_of(row)

    def record_movement(
        self,
        level: domain.StockLevel,
        on_hand_delta: int,
        reserved_delta: int,
        reason: str,
        order_id: str | None,
        user_id: str | None,
    ) -> None:
        self.session.execute(
            text(
                "INSERT INTO stock_movements (product_id, on_hand_delta, reserved_delta, "
                "on_hand_after, reason, order_id, user_id) "
                "VALUES (:p, :oh, :rd, :after, :reason, :order_id, :user_id)"
            ),
            {
                "p": level.product_id,
                "oh": on_hand_delta,
                "rd": reserved_delta,
                "after": level.on_hand,
                "reason": reason,
                "order_id": order_id,
                "user_id": user_id,
            },
        )

    def set_low_stock_alerted(self, product_id: str, alerted: bool) -> None:
        self.session.execute(
            text("UPDATE stock SET low_stock_alerted = :a WHERE product_id = :p"),
            {"a": alerted, "p": product_id},
        )

    # -- reservations -------------------------------------------------------------------------

    def create_reservation(self, order_id: str, expires_at: datetime) -> bool:
        created = self.session.execute(
            text(
                "INSERT INTO reservations (order_id, status, expires_at) "
                "VALUES (:o, 'active', :e) ON CONFLICT (order_id) DO NOTHING RETURNING order_id"
            ),
            {"o": order_id, "e": expires_at},
        ).one_or_none()
        return created is not None

    def add_reservation_line(self, order_id: str, product_id: str, quantity: int) -> None:
        self.session.add(
            ReservationLine(order_id=order_id, product_id=product_id, quantity=quantity)
        )

    def flush(self) -> None:
        self.session.flush()

    def get_reservation(self, order_id: str) -> Reservation | None:
        return self.session.get(Reservation, order_id)

    def reservation_lines(self, order_id: str) -> list[tuple[str, int]]:
        lines = self.session.execute(
            select(ReservationLine)
            .where(ReservationLine.order_id == order_id)
            .order_by(ReservationLine.product_id)
        ).scalars()
        return [(line.product_id, line.quantity) for line in lines]

    def lock_reservation(self, order_id: str) -> Reservation | None:
        return self.session.execute(
            select(Reservation).where(Reservation.order_id == order_id).with_for_update()
        ).scalar_one_or_none()

    def lines_to_change(self, order_id: str) -> list[tuple[str, int]]:
        rows = self.session.execute(
            select(ReservationLine.product_id, ReservationLine.quantity)
            .where(ReservationLine.order_id == order_id)
            .order_by(ReservationLine.product_id)
        ).all()
        return [(r.product_id, r.quantity) for r in rows]

    def due_reservations(self, limit: int) -> list[str]:
        return list(
            self.session.execute(
                text(
                    "SELECT order_id FROM reservations WHERE status = 'active' "
                    "AND expires_at < now() ORDER BY expires_at LIMIT :n"
                ),
                {"n": limit},
            ).scalars()
        )
