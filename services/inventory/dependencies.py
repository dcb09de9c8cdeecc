"""The inventory repository: every SQL statement of the inventory, behind domain verbs.

`InventoryStore(session)` changes stock with conditional UPDATEs (the row lock plus the
re-checked WHERE clause make concurrent reservations of the last units safe), writes each change
to the movements ledger, and collects the events to send in `events`; the service commits, then
sends them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.common import pagination
from services.common.errors import ValidationFailed
from services.common.fields import MAX_STOCK
from services.inventory import domain
from services.inventory.exceptions import (
    NegativeStock,
    OutOfStock,
    ReservationNotActive,
    ReservationNotFound,
    StockNotFound,
)
from services.inventory.models import Reservation, ReservationLine, Stock

RETURNING = (
    "RETURNING product_id, on_hand, reserved, low_stock_threshold, low_stock_alerted, version"
)
BUMP = "version = version + 1, updated_at = now()"


def level_of(row) -> domain.StockLevel:
    return domain.StockLevel(
        row.product_id,
        row.on_hand,
        row.reserved,
        row.low_stock_threshold,
        row.low_stock_alerted,
        row.version,
    )


class InventoryStore:
    def __init__(self, session: Session):
        self.session = session
        self.events: list[tuple[str, dict]] = []

    # -- reads --------------------------------------------------------------------------------

    def get_stock(self, product_ids: list[str]) -> dict[str, dict]:
        rows = self.session.execute(
            select(Stock).where(Stock.product_id.in_(list(product_ids)))
        ).scalars()
        # the version lets a caller that keeps the level order it against `stock_changed` events
        return {row.product_id: {**level_of(row).as_dict(), "version": row.version} for row in rows}

    def product_stock(self, product_id: str) -> dict:
        row = self.session.get(Stock, product_id)
        if row is None:
            raise StockNotFound(f"no stock for {product_id}", {"product_id": product_id})
        return {"product_id": product_id, **level_of(row).as_dict()}

    def low_stock(self, page: int, limit: int, product_ids: list[str] | None = None) -> dict:
        """A page of products at or below their threshold, lowest first; only those of
        `product_ids` when given (a seller's)."""
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
        return {
            "data": [{"product_id": r.product_id, **level_of(r).as_dict()} for r in rows],
            "meta": pagination.page_meta(page, limit, total),
        }

    # -- stock changes ------------------------------------------------------------------------

    def _changed(
        self,
        row,
        on_hand_delta: int,
        reserved_delta: int,
        reason: str,
        order_id: str | None = None,
        user_id: str | None = None,
    ) -> domain.StockLevel:
        """Ledger row, low-stock bookkeeping and events for one changed stock row."""
        level = level_of(row)
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
        alerted, fire = domain.low_stock_transition(level)
        if alerted != level.low_stock_alerted:
            self.session.execute(
                text("UPDATE stock SET low_stock_alerted = :a WHERE product_id = :p"),
                {"a": alerted, "p": level.product_id},
            )
        self.events.append(("stock_changed", domain.stock_changed(level)))
        if fire:
            self.events.append(("stock_low", domain.stock_low(level)))
        return level

    def set_stock(
        self,
        product_id: str,
        quantity: int,
        reason: str,
        user_id: str | None,
        threshold: int | None = None,
    ) -> dict:
        """On-hand becomes `quantity` (creating the record); never below what is reserved."""
        self.session.execute(
            text(
                "INSERT INTO stock (product_id, on_hand, low_stock_threshold) "
                "VALUES (:p, 0, COALESCE(:t, 5)) ON CONFLICT (product_id) DO NOTHING"
            ),
            {"p": product_id, "t": threshold},
        )
        before = self.session.execute(
            text("SELECT on_hand, reserved FROM stock WHERE product_id = :p FOR UPDATE"),
            {"p": product_id},
        ).one()
        if quantity < before.reserved:
            raise NegativeStock(
                f"{before.reserved} units are reserved",
                {"product_id": product_id, "reserved": before.reserved, "requested": quantity},
            )
        row = self.session.execute(
            text(
                "UPDATE stock SET on_hand = :q, "  # noqa: S608
                "low_stock_threshold = COALESCE(:t, low_stock_threshold), "
                f"{BUMP} WHERE product_id = :p {RETURNING}"
            ),
            {"p": product_id, "q": quantity, "t": threshold},
        ).one()
        return self._changed(row, quantity - before.on_hand, 0, reason, user_id=user_id).as_dict()

    def adjust_stock(self, product_id: str, delta: int, reason: str, user_id: str | None) -> dict:
        row = self.session.execute(
            text(
                f"UPDATE stock SET on_hand = on_hand + :d, {BUMP} "  # noqa: S608
                f"WHERE product_id = :p AND on_hand + :d >= reserved "
                f"AND on_hand + :d <= :most {RETURNING}"
            ),
            {"p": product_id, "d": delta, "most": MAX_STOCK},
        ).one_or_none()
        if row is None:
            current = self.session.get(Stock, product_id)
            if current is None and delta > 0:
                return self.set_stock(product_id, delta, reason, user_id)
            if current is None:
                raise StockNotFound(f"no stock for {product_id}", {"product_id": product_id})
            if current.on_hand + delta > MAX_STOCK:
                # repeated adjustments would otherwise overflow the INTEGER column (a 500)
                raise ValidationFailed(
                    "stock on hand would exceed its limit",
                    {"fields": {"delta": [f"On hand would exceed {MAX_STOCK}."]}},
                )
            raise NegativeStock(
                "not enough unreserved stock to remove",
                {
                    "product_id": product_id,
                    "requested": delta,
                    "available": current.on_hand - current.reserved,
                },
            )
        return self._changed(row, delta, 0, reason, user_id=user_id).as_dict()

    def set_threshold(self, product_id: str, threshold: int) -> dict:
        row = self.session.execute(
            text(
                "UPDATE stock SET low_stock_threshold = :t, low_stock_alerted = false "  # noqa: S608
                f"WHERE product_id = :p {RETURNING}"
            ),
            {"p": product_id, "t": threshold},
        ).one_or_none()
        if row is None:
            raise StockNotFound(f"no stock for {product_id}", {"product_id": product_id})
        return level_of(row).as_dict()

    # -- reservations -------------------------------------------------------------------------

    def reservation(self, order_id: str) -> dict:
        found = self.session.get(Reservation, order_id)
        if found is None:
            raise ReservationNotFound(f"no reservation for {order_id}", {"order_id": order_id})
        lines = self.session.execute(
            select(ReservationLine)
            .where(ReservationLine.order_id == order_id)
            .order_by(ReservationLine.product_id)
        ).scalars()
        return {
            "order_id": order_id,
            "status": found.status,
            "expires_at": found.expires_at.astimezone(UTC).isoformat(),
            "lines": [{"product_id": x.product_id, "quantity": x.quantity} for x in lines],
        }

    def reserve(self, order_id: str, lines: list[dict], ttl_seconds: int) -> dict:
        """All lines or none; the same order id again returns the existing reservation."""
        expires_at = datetime.now(UTC) + timedelta(seconds=ttl_seconds)
        created = self.session.execute(
            text(
                "INSERT INTO reservations (order_id, status, expires_at) "
                "VALUES (:o, 'active', :e) ON CONFLICT (order_id) DO NOTHING RETURNING order_id"
            ),
            {"o": order_id, "e": expires_at},
        ).one_or_none()
        if created is None:
            return self.reservation(order_id)
        for product_id, quantity in domain.merge_lines(lines):
            row = self.session.execute(
                text(
                    f"UPDATE stock SET reserved = reserved + :q, {BUMP} "  # noqa: S608
                    f"WHERE product_id = :p AND on_hand - reserved >= :q {RETURNING}"
                ),
                {"p": product_id, "q": quantity},
            ).one_or_none()
            if row is None:
                current = self.session.get(Stock, product_id)
                available = current.on_hand - current.reserved if current else 0
                self.session.rollback()
                self.events.clear()
                raise OutOfStock(
                    f"only {available} of {product_id} available",
                    {"product_id": product_id, "requested": quantity, "available": available},
                )
            self.session.add(
                ReservationLine(order_id=order_id, product_id=product_id, quantity=quantity)
            )
            self._changed(row, 0, quantity, "reserved", order_id=order_id)
        self.session.flush()
        return self.reservation(order_id)

    def _lock(self, order_id: str) -> Reservation | None:
        return self.session.execute(
            select(Reservation).where(Reservation.order_id == order_id).with_for_update()
        ).scalar_one_or_none()

    def _lines(self, order_id: str) -> list[tuple[str, int]]:
        rows = self.session.execute(
            select(ReservationLine.product_id, ReservationLine.quantity)
            .where(ReservationLine.order_id == order_id)
            .order_by(ReservationLine.product_id)
        ).all()
        return [(r.product_id, r.quantity) for r in rows]

    def commit(self, order_id: str) -> bool:
        """Reserved units become sold (leave on-hand). Idempotent; False if nothing changed."""
        reservation = self._lock(order_id)
        if reservation is None:
            raise ReservationNotFound(f"no reservation for {order_id}", {"order_id": order_id})
        if reservation.status == "committed":
            return False
        if reservation.status != "active":
            raise ReservationNotActive(
                f"reservation {order_id} is {reservation.status}",
                {"order_id": order_id, "status": reservation.status},
            )
        for product_id, quantity in self._lines(order_id):
            row = self.session.execute(
                text(
                    "UPDATE stock SET on_hand = on_hand - :q, reserved = reserved - :q, "  # noqa: S608
                    f"{BUMP} WHERE product_id = :p {RETURNING}"
                ),
                {"p": product_id, "q": quantity},
            ).one()
            self._changed(row, -quantity, -quantity, "sold", order_id=order_id)
        reservation.status = "committed"
        reservation.updated_at = datetime.now(UTC)
        return True

    def release(self, order_id: str, status: str = "released") -> bool:
        """Reserved units return to sale; a committed reservation is restocked. Idempotent;
        an unknown order id changes nothing."""
        reservation = self._lock(order_id)
        if reservation is None or reservation.status in ("released", "expired"):
            return False
        restock = reservation.status == "committed"
        for product_id, quantity in self._lines(order_id):
            if restock:
                sql = f"UPDATE stock SET on_hand = on_hand + :q, {BUMP} WHERE product_id = :p "  # noqa: S608
                deltas, reason = (quantity, 0), "restocked"
            else:
                sql = f"UPDATE stock SET reserved = reserved - :q, {BUMP} WHERE product_id = :p "  # noqa: S608
                deltas, reason = (0, -quantity), status
            row = self.session.execute(
                text(sql + RETURNING), {"p": product_id, "q": quantity}
            ).one()
            self._changed(row, *deltas, reason, order_id=order_id)
        reservation.status = status
        reservation.updated_at = datetime.now(UTC)
        return True

    def due_reservations(self, limit: int = 100) -> list[str]:
        """Order ids of active reservations past their expiry, oldest first."""
        return list(
            self.session.execute(
                text(
                    "SELECT order_id FROM reservations WHERE status = 'active' "
                    "AND expires_at < now() ORDER BY expires_at LIMIT :n"
                ),
                {"n": limit},
            ).scalars()
        )

    def expire(self, order_id: str) -> bool:
        """Release one reservation if it is still active and past its expiry."""
        reservation = self._lock(order_id)
        if reservation is None or reservation.status != "active":
            return False
        if reservation.expires_at > datetime.now(UTC):
            return False
        self.release(order_id, status="expired")
        self.events.append(("reservation_expired", {"order_id": order_id}))
        return True
