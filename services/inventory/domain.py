"""Inventory rules: line merging, the low-stock transition, event payloads; and the ports the
use cases (`usecases.Inventory`) reach the database and the catalog through.

No nameko, SQLAlchemy or Redis here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from services.common.ports import Transactional

ACTIVE = "active"
COMMITTED = "committed"
RELEASED = "released"
EXPIRED = "expired"


@dataclass(frozen=True)
class StockLevel:
    product_id: str
    on_hand: int
    reserved: int
    low_stock_threshold: int
    low_stock_alerted: bool
    version: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def as_dict(self) -> dict:
        return {
            "on_hand": self.on_hand,
            "reserved": self.reserved,
            "available": self.available,
            "low_stock_threshold": self.low_stock_threshold,
        }


def merge_lines(lines: Iterable[Mapping]) -> list[tuple[str, int]]:
    """Sum quantities per product and order by product id, the lock order every transaction
    follows so that two reservations never wait on each other in a cycle."""
    totals: dict[str, int] = {}
    for line in lines:
        totals[line["product_id"]] = totals.get(line["product_id"], 0) + int(line["quantity"])
    return sorted(totals.items())


def low_stock_transition(level: StockLevel) -> tuple[bool, bool]:
    """(alerted flag to store, whether to send stock_low now).

    stock_low fires once when available stock falls to the threshold or below; it re-arms only
    after stock rises above the threshold again.
    """
    if level.available <= level.low_stock_threshold:
        return True, not level.low_stock_alerted
    return False, False


def stock_changed(level: StockLevel) -> dict:
    return {
        "product_id": level.product_id,
        "available": level.available,
        "on_hand": level.on_hand,
        "reserved": level.reserved,
        "version": level.version,
    }


def stock_low(level: StockLevel) -> dict:
    return {
        "product_id": level.product_id,
        "available": level.available,
        "threshold": level.low_stock_threshold,
    }


# -- views, records and ports -----------------------------------------------------------------


@dataclass(frozen=True)
class ReservationView:
    """A reservation as callers see it: its lines by product id."""

    order_id: str
    status: str
    expires_at: datetime
    lines: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class StockPage:
    """One page of stock levels and how many there are in all."""

    levels: list[StockLevel]
    page: int
    limit: int
    total: int


class ReservationRecord(Protocol):
    """A stored reservation (the ORM row in production, a plain object in tests)."""

    order_id: str
    status: str
    expires_at: datetime
    updated_at: datetime


class InventoryRepository(Transactional):
    """Stock rows, reservations and the movements ledger, in the caller's transaction (events,
    commit and rollback: `Transactional`).

    Stock changes are conditional UPDATEs returning the new level (None: the condition did not
    hold); the row lock plus the re-checked WHERE clause make concurrent reservations of the
    last units safe."""

    max_on_hand: int  # the most units one stock row holds

    # reads

    @abstractmethod
    def stock_levels(self, product_ids: list[str]) -> list[StockLevel]: ...

    @abstractmethod
    def get_level(self, product_id: str) -> StockLevel | None: ...

    @abstractmethod
    def low_stock(
        self, page: int, limit: int, product_ids: list[str] | None
    ) -> tuple[list[StockLevel], int]:
        """A page of levels at or below their threshold, lowest available first, and the total;
        only those of `product_ids` when given."""

    # stock changes

    @abstractmethod
    def create_stock(self, product_id: str, threshold: int | None) -> None:
        """A stock row with nothing on hand, unless the product has one."""

    @abstractmethod
    def lock_stock(self, product_id: str) -> tuple[int, int]:
        """(on_hand, reserved) of an existing row, locked for update."""

    @abstractmethod
    def set_on_hand(self, product_id: str, quantity: int, threshold: int | None) -> StockLevel:
        """On hand becomes `quantity`, and the threshold `threshold` unless None."""

    @abstractmethod
    def add_on_hand(self, product_id: str, delta: int) -> StockLevel | None:
        """On hand += delta unless below what is reserved or above `max_on_hand`."""

    @abstractmethod
    def set_threshold(self, product_id: str, threshold: int) -> StockLevel | None:
        """New threshold, its alert re-armed; None without a stock row."""

    @abstractmethod
    def reserve_units(self, product_id: str, quantity: int) -> StockLevel | None:
        """reserved += quantity if that many are available."""

    @abstractmethod
    def sell_units(self, product_id: str, quantity: int) -> StockLevel:
        """Reserved units leave: on hand and reserved -= quantity."""

    @abstractmethod
    def unreserve_units(self, product_id: str, quantity: int) -> StockLevel:
        """reserved -= quantity."""

    @abstractmethod
    def restock_units(self, product_id: str, quantity: int) -> StockLevel:
        """on hand += quantity (sold units come back)."""

    @abstractmethod
    def record_movement(
        self,
        level: StockLevel,
        on_hand_delta: int,
        reserved_delta: int,
        reason: str,
        order_id: str | None,
        user_id: str | None,
    ) -> None:
        """A ledger row for a change that left stock at `level`."""

    @abstractmethod
    def set_low_stock_alerted(self, product_id: str, alerted: bool) -> None: ...

    # reservations

    @abstractmethod
    def create_reservation(self, order_id: str, expires_at: datetime) -> bool:
        """An active reservation; False when the order has one already."""

    @abstractmethod
    def add_reservation_line(self, order_id: str, product_id: str, quantity: int) -> None: ...

    @abstractmethod
    def flush(self) -> None:
        """Write pending lines now."""

    @abstractmethod
    def get_reservation(self, order_id: str) -> ReservationRecord | None: ...

    @abstractmethod
    def reservation_lines(self, order_id: str) -> list[tuple[str, int]]:
        """(product_id, quantity) of the reservation, by product id, as callers see them."""

    @abstractmethod
    def lock_reservation(self, order_id: str) -> ReservationRecord | None: ...

    @abstractmethod
    def lines_to_change(self, order_id: str) -> list[tuple[str, int]]:
        """(product_id, quantity) by product id (the lock order), for a change of the stock."""

    @abstractmethod
    def due_reservations(self, limit: int) -> list[str]:
        """Order ids of active reservations past their expiry, oldest first."""


class Catalog(ABC):
    """The catalog, which owns who sells each product."""

    @abstractmethod
    def owners(self, product_ids: list[str]) -> Mapping[str, str | None]:
        """{product_id: seller id, None for the shop's own}; unknown products are left out."""

    @abstractmethod
    def seller_product_ids(self, seller_id: str | None) -> list[str]: ...
