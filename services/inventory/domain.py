"""Inventory rules: line merging, the low-stock transition, event payloads.

No nameko, SQLAlchemy or Redis here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


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
