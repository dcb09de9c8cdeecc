"""The inventory use cases: one class, `Inventory`, over the ports of `domain` (the repository,
the catalog): stock levels, reservations with expiry, the movements ledger.

Each change of stock writes a ledger row, keeps the low-stock alert, and sends stock_changed (and
stock_low when available stock falls to the threshold); a use case's events are recorded after
its last statement, so one that fails records none. The service runs each use case in a unit of
work (reads too) and commits it.

Pure like the domain (no nameko, SQLAlchemy or redis): unit-tested with the fakes in
`tests/unit/inventory/fakes.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from services.common.actor import SYSTEM, Actor, require_changeable
from services.common.clock import utcnow
from services.common.errors import ValidationFailed
from services.inventory import domain
from services.inventory.domain import (
    Catalog,
    InventoryRepository,
    ReservationView,
    StockLevel,
    StockPage,
)
from services.inventory.exceptions import (
    NegativeStock,
    OutOfStock,
    ProductNotFound,
    ReservationNotActive,
    ReservationNotFound,
    StockNotFound,
)

DEFAULT_TTL = 900  # seconds a reservation holds its units (config INVENTORY.reservation_ttl)
DEFAULT_EXPIRY_BATCH = 100  # reservations expired per timer run (INVENTORY.expiry_batch)
MAX_PRODUCT_IDS = 1000  # product ids one get_stock reads

Events = list[tuple[str, dict]]


@dataclass
class Inventory:
    """The inventory use cases over one worker's repository; `settings` is config INVENTORY."""

    repo: InventoryRepository
    catalog: Catalog
    settings: Mapping[str, Any] = field(default_factory=dict)
    clock: Callable[[], datetime] = utcnow

    # -- reads --------------------------------------------------------------------------------

    def get_stock(self, product_ids: list[str]) -> list[StockLevel]:
        """The levels of the ids that have stock (the first 1000 ids asked)."""
        return self.repo.stock_levels(list(product_ids or [])[:MAX_PRODUCT_IDS])

    def product_stock(self, product_id: str) -> StockLevel:
        """Raises StockNotFound when the product has no stock."""
        level = self.repo.get_level(product_id)
        if level is None:
            raise StockNotFound(f"no stock for {product_id}", {"product_id": product_id})
        return level

    def low_stock(self, page: int, limit: int, who: Actor) -> StockPage:
        """A page of products at or below their threshold, lowest first; a seller's own only
        (their ids from the catalog; admins and internal callers skip it)."""
        product_ids = None
        if not who.sees_everything:
            product_ids = self.catalog.seller_product_ids(who.user_id)
        page, limit = max(1, page), max(1, min(limit, 100))
        levels, total = self.repo.low_stock(page, limit, product_ids)
        return StockPage(levels, page, limit, total)

    # -- stock changes ------------------------------------------------------------------------

    def require_changeable(self, product_id: str, who: Actor) -> None:
        """A seller stocks only their own products (ProductNotFound otherwise); the catalog owns
        who that is. Admins and internal callers skip the catalog. Asked before the first
        statement, so a refused change never reaches the database."""
        if not who.sees_everything:
            owners = self.catalog.owners([product_id])
            require_changeable(who, product_id, owners, ProductNotFound)

    def set_stock(
        self,
        product_id: str,
        quantity: int,
        reason: str,
        user_id: str | None,
        low_stock_threshold: int | None = None,
        who: Actor = SYSTEM,
    ) -> StockLevel:
        """On-hand becomes `quantity` (creating the record); NegativeStock below what is
        reserved. `who` must be allowed to change the product (`require_changeable`, asked
        first)."""
        self.require_changeable(product_id, who)
        events: Events = []
        level = self._set_stock(product_id, quantity, reason, user_id, low_stock_threshold, events)
        self._record(events)
        return level

    def adjust_stock(
        self, product_id: str, delta: int, reason: str, user_id: str | None, who: Actor = SYSTEM
    ) -> StockLevel:
        """On-hand += delta (a first positive delta creates the record). Raises ProductNotFound
        (`who` may not change it, asked first), StockNotFound, NegativeStock (below what is
        reserved), ValidationFailed (above the most a row holds)."""
        self.require_changeable(product_id, who)
        events: Events = []
        level = self.repo.add_on_hand(product_id, delta)
        if level is None:
            current = self.repo.get_level(product_id)
            if current is None and delta > 0:
                level = self._set_stock(product_id, delta, reason, user_id, None, events)
                self._record(events)
                return level
            if current is None:
                raise StockNotFound(f"no stock for {product_id}", {"product_id": product_id})
            most = self.repo.max_on_hand
            if current.on_hand + delta > most:
                # repeated adjustments would otherwise overflow the INTEGER column (a 500)
                raise ValidationFailed(
                    "stock on hand would exceed its limit",
                    {"fields": {"delta": [f"On hand would exceed {most}."]}},
                )
            raise NegativeStock(
                "not enough unreserved stock to remove",
                {
                    "product_id": product_id,
                    "requested": delta,
                    "available": current.on_hand - current.reserved,
                },
            )
        self._changed(level, delta, 0, reason, events, user_id=user_id)
        self._record(events)
        return level

    def set_low_stock_threshold(self, product_id: str, threshold: int) -> StockLevel:
        """A new threshold re-arms stock_low; raises StockNotFound."""
        level = self.repo.set_threshold(product_id, threshold)
        if level is None:
            raise StockNotFound(f"no stock for {product_id}", {"product_id": product_id})
        return level

    def _set_stock(
        self,
        product_id: str,
        quantity: int,
        reason: str,
        user_id: str | None,
        threshold: int | None,
        events: Events,
    ) -> StockLevel:
        self.repo.create_stock(product_id, threshold)
        on_hand, reserved = self.repo.lock_stock(product_id)
        if quantity < reserved:
            raise NegativeStock(
                f"{reserved} units are reserved",
                {"product_id": product_id, "reserved": reserved, "requested": quantity},
            )
        level = self.repo.set_on_hand(product_id, quantity, threshold)
        self._changed(level, quantity - on_hand, 0, reason, events, user_id=user_id)
        return level

    def _changed(
        self,
        level: StockLevel,
        on_hand_delta: int,
        reserved_delta: int,
        reason: str,
        events: Events,
        order_id: str | None = None,
        user_id: str | None = None,
    ) -> None:
        """Ledger row, low-stock bookkeeping and events for one changed stock row."""
        self.repo.record_movement(level, on_hand_delta, reserved_delta, reason, order_id, user_id)
        alerted, fire = domain.low_stock_transition(level)
        if alerted != level.low_stock_alerted:
            self.repo.set_low_stock_alerted(level.product_id, alerted)
        events.append(("stock_changed", domain.stock_changed(level)))
        if fire:
            events.append(("stock_low", domain.stock_low(level)))

    def _record(self, events: Events) -> None:
        for event_type, payload in events:
            self.repo.record_event(event_type, payload)

    # -- reservations -------------------------------------------------------------------------

    def reservation(self, order_id: str) -> ReservationView:
        """Raises ReservationNotFound."""
        found = self.repo.get_reservation(order_id)
        if found is None:
            raise ReservationNotFound(f"no reservation for {order_id}", {"order_id": order_id})
        return ReservationView(
            order_id, found.status, found.expires_at, self.repo.reservation_lines(order_id)
        )

    def reserve(
        self, order_id: str, lines: list[dict], ttl_seconds: int | None = None
    ) -> ReservationView:
        """All lines or none (OutOfStock with {product_id, requested, available}); the same
        order id again returns the existing reservation and changes nothing."""
        ttl = ttl_seconds or int(self.settings.get("reservation_ttl", DEFAULT_TTL))
        expires_at = self.clock() + timedelta(seconds=ttl)
        if not self.repo.create_reservation(order_id, expires_at):
            return self.reservation(order_id)
        events: Events = []
        for product_id, quantity in domain.merge_lines(lines):
            level = self.repo.reserve_units(product_id, quantity)
            if level is None:
                current = self.repo.get_level(product_id)
                available = current.on_hand - current.reserved if current else 0
                raise OutOfStock(
                    f"only {available} of {product_id} available",
                    {"product_id": product_id, "requested": quantity, "available": available},
                )
            self.repo.add_reservation_line(order_id, product_id, quantity)
            self._changed(level, 0, quantity, "reserved", events, order_id=order_id)
        self.repo.flush()
        view = self.reservation(order_id)
        self._record(events)
        return view

    def commit(self, order_id: str) -> bool:
        """Reserved units become sold (leave on-hand). Idempotent (False: nothing changed);
        raises ReservationNotFound, ReservationNotActive (released or expired)."""
        reservation = self.repo.lock_reservation(order_id)
        if reservation is None:
            raise ReservationNotFound(f"no reservation for {order_id}", {"order_id": order_id})
        if reservation.status == domain.COMMITTED:
            return False
        if reservation.status != domain.ACTIVE:
            raise ReservationNotActive(
                f"reservation {order_id} is {reservation.status}",
                {"order_id": order_id, "status": reservation.status},
            )
        events: Events = []
        for product_id, quantity in self.repo.lines_to_change(order_id):
            level = self.repo.sell_units(product_id, quantity)
            self._changed(level, -quantity, -quantity, "sold", events, order_id=order_id)
        reservation.status = domain.COMMITTED
        reservation.updated_at = self.clock()
        self._record(events)
        return True

    def release(self, order_id: str) -> bool:
        """Reserved units return to sale; a committed reservation is restocked. Idempotent
        (False: nothing changed); an unknown order id changes nothing."""
        events: Events = []
        released = self._release(order_id, domain.RELEASED, events)
        self._record(events)
        return released

    def _release(self, order_id: str, status: str, events: Events) -> bool:
        reservation = self.repo.lock_reservation(order_id)
        if reservation is None or reservation.status in (domain.RELEASED, domain.EXPIRED):
            return False
        restock = reservation.status == domain.COMMITTED
        for product_id, quantity in self.repo.lines_to_change(order_id):
            if restock:
                level = self.repo.restock_units(product_id, quantity)
                self._changed(level, quantity, 0, "restocked", events, order_id=order_id)
            else:
                level = self.repo.unreserve_units(product_id, quantity)
                self._changed(level, 0, -quantity, status, events, order_id=order_id)
        reservation.status = status
        reservation.updated_at = self.clock()
        return True

    def due_reservations(self) -> list[str]:
        """Order ids of active reservations past their expiry, oldest first (one batch)."""
        batch = int(self.settings.get("expiry_batch", DEFAULT_EXPIRY_BATCH))
        return self.repo.due_reservations(batch)

    def expire(self, order_id: str) -> bool:
        """Release one reservation if it is still active and past its expiry; event
        reservation_expired {order_id}."""
        reservation = self.repo.lock_reservation(order_id)
        if reservation is None or reservation.status != domain.ACTIVE:
            return False
        if reservation.expires_at > self.clock():
            return False
        events: Events = []
        self._release(order_id, domain.EXPIRED, events)
        events.append(("reservation_expired", {"order_id": order_id}))
        self._record(events)
        return True
