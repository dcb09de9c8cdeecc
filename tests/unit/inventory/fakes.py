"""Hand-written fakes of the inventory ports: an in-memory repository and catalog (the clock and
the recorded transaction from tests/unit/fakes.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.inventory import domain
from services.inventory.usecases import Inventory
from tests.unit.fakes import FakeClock, RecordedTransaction


@dataclass
class Row:
    product_id: str
    on_hand: int = 0
    reserved: int = 0
    low_stock_threshold: int = 5
    low_stock_alerted: bool = False
    version: int = 0

    def level(self) -> domain.StockLevel:
        return domain.StockLevel(
            self.product_id,
            self.on_hand,
            self.reserved,
            self.low_stock_threshold,
            self.low_stock_alerted,
            self.version,
        )


@dataclass(eq=False)
class FakeReservation:
    order_id: str
    status: str
    expires_at: datetime
    updated_at: datetime


class FakeRepository(RecordedTransaction, domain.InventoryRepository):
    """The conditional updates of the SQL adapter, on dicts. Events are `recorded` (the use cases
    never commit); rows are not rolled back: a use case that raises is rolled back by the
    service's unit of work, not here."""

    max_on_hand = 1000

    def __init__(self, clock: FakeClock):
        super().__init__()
        self.clock = clock
        self.rows: dict[str, Row] = {}
        self.reservations: dict[str, FakeReservation] = {}
        self.lines: dict[str, dict[str, int]] = {}
        self.movements: list[tuple[str, int, int, int, str, str | None, str | None]] = []

    def _bump(self, row: Row) -> domain.StockLevel:
        row.version += 1
        return row.level()

    def stock_levels(self, product_ids):
        return [self.rows[p].level() for p in product_ids if p in self.rows]

    def get_level(self, product_id):
        row = self.rows.get(product_id)
        return row.level() if row else None

    def low_stock(self, page, limit, product_ids):
        low = [
            r.level()
            for r in self.rows.values()
            if r.on_hand - r.reserved <= r.low_stock_threshold
            and (product_ids is None or r.product_id in product_ids)
        ]
        low.sort(key=lambda level: (level.available, level.product_id))
        return low[(page - 1) * limit : page * limit], len(low)

    def create_stock(self, product_id, threshold):
        if product_id not in self.rows:
            self.rows[product_id] = Row(product_id, low_stock_threshold=threshold or 5)

    def lock_stock(self, product_id):
        row = self.rows[product_id]
        return row.on_hand, row.reserved

    def set_on_hand(self, product_id, quantity, threshold):
        row = self.rows[product_id]
        row.on_hand = quantity
        if threshold is not None:
            row.low_stock_threshold = threshold
        return self._bump(row)

    def add_on_hand(self, product_id, delta):
        row = self.rows.get(product_id)
        if row is None or not (row.reserved <= row.on_hand + delta <= self.max_on_hand):
            return None
        row.on_hand += delta
        return self._bump(row)

    def set_threshold(self, product_id, threshold):
        row = self.rows.get(product_id)
        if row is None:
            return None
        row.low_stock_threshold, row.low_stock_alerted = threshold, False
        return row.level()

    def reserve_units(self, product_id, quantity):
        row = self.rows.get(product_id)
        if row is None or row.on_hand - row.reserved < quantity:
            return None
        row.reserved += quantity
        return self._bump(row)

    def sell_units(self, product_id, quantity):
        row = self.rows[product_id]
        row.on_hand -= quantity
        row.reserved -= quantity
        return self._bump(row)

    def unreserve_units(self, product_id, quantity):
        row = self.rows[product_id]
        row.reserved -= quantity
        return self._bump(row)

    def restock_units(self, product_id, quantity):
        row = self.rows[product_id]
        row.on_hand += quantity
        return self._bump(row)

    def record_movement(self, level, on_hand_delta, reserved_delta, reason, order_id, user_id):
        self.movements.append(
            (
                level.product_id,
                on_hand_delta,
                reserved_delta,
                level.on_hand,
                reason,
                order_id,
                user_id,
            )
        )

    def set_low_stock_alerted(self, product_id, alerted):
        self.rows[product_id].low_stock_alerted = alerted

    def create_reservation(self, order_id, expires_at):
        if order_id in self.reservations:
            return False
        self.reservations[order_id] = FakeReservation(
            order_id, domain.ACTIVE, expires_at, self.clock()
        )
        self.lines[order_id] = {}
        return True

    def add_reservation_line(self, order_id, product_id, quantity):
        self.lines[order_id][product_id] = quantity

    def flush(self):
        pass

    def get_reservation(self, order_id):
        return self.reservations.get(order_id)

    def reservation_lines(self, order_id):
        return sorted(self.lines.get(order_id, {}).items())

    def lock_reservation(self, order_id):
        return self.reservations.get(order_id)

    def lines_to_change(self, order_id):
        return sorted(self.lines.get(order_id, {}).items())

    def due_reservations(self, limit):
        due = [
            r
            for r in self.reservations.values()
            if r.status == domain.ACTIVE and r.expires_at < self.clock()
        ]
        return [r.order_id for r in sorted(due, key=lambda r: r.expires_at)][:limit]

    def event_types(self) -> list[str]:
        return [event_type for event_type, _ in self.recorded]


class FakeCatalog(domain.Catalog):
    def __init__(self, owners: dict[str, str | None] | None = None):
        self.owner_of = owners or {}
        self.asked = 0

    def owners(self, product_ids):
        self.asked += 1
        return {p: self.owner_of[p] for p in product_ids if p in self.owner_of}

    def seller_product_ids(self, seller_id):
        self.asked += 1
        return [p for p, owner in self.owner_of.items() if owner == seller_id]


def make_inventory(**settings) -> tuple[Inventory, FakeRepository, FakeCatalog, FakeClock]:
    clock = FakeClock()
    repo = FakeRepository(clock)
    catalog = FakeCatalog()
    inventory = Inventory(repo=repo, catalog=catalog, settings=settings, clock=clock)
    return inventory, repo, catalog, clock
