"""The inventory service: stock levels, reservations with expiry, the movements ledger.

Entrypoints only: each RPC validates its arguments, runs one use case of `usecases.Inventory`
in a unit of work on the worker's session (reads too), and returns JSON; the one event handler
(orders' `order_cancelled`) likewise. Events go through the transactional outbox, published by
the `OutboxRelay` timer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from nameko.dependency_providers import Config

from services.common import outbox as transactional_outbox
from services.common import service as common
from services.common.actor import Actor
from services.common.config import INVENTORY
from services.common.database import Database, Repository, unit_of_work
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.errors import BazaarError
from services.common.messaging import event_handler
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load, load_event
from services.common.timer import configured_timer
from services.inventory import schemas
from services.inventory.dependencies import RpcCatalog
from services.inventory.models import Base, dead_letters
from services.inventory.repository import SqlInventoryRepository
from services.inventory.usecases import Inventory

log = logging.getLogger(__name__)

EXPECTED = (BazaarError,)


class InventoryService(DeadLetterAdmin, transactional_outbox.OutboxRelay, common.BazaarService):
    name = "inventory"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    repo = Repository(
        lambda session: SqlInventoryRepository(session, transactional_outbox.OutboxWriter())
    )
    config = Config()
    catalog_rpc = RpcProxy("catalog")

    def _use_cases(self) -> Inventory:
        """The use cases over the worker's repository."""
        return Inventory(
            repo=self.repo,
            catalog=RpcCatalog(self.catalog_rpc),
            settings=self.config.get(INVENTORY) or {},
        )

    @contextmanager
    def _inventory(self) -> Iterator[Inventory]:
        """The use cases in one unit of work: committed, or rolled back if the block raises."""
        inventory = self._use_cases()
        with unit_of_work(self.db.session):
            yield inventory

    @rpc
    def get_stock(self, product_ids: list[str]) -> dict:
        """{product_id: {on_hand, reserved, available, low_stock_threshold, version}} for the
        ids that have stock."""
        with self._inventory() as inventory:
            return schemas.dump_stock_levels(inventory.get_stock(product_ids))

    @rpc(expected_exceptions=EXPECTED)
    def get_product_stock(self, product_id: str) -> dict:
        """One product's stock with its id; StockNotFound (404) when it has none."""
        with self._inventory() as inventory:
            return schemas.dump_level(inventory.product_stock(product_id))

    @rpc(expected_exceptions=EXPECTED)
    def set_stock(
        self,
        product_id: str,
        quantity: int,
        reason: str = "set",
        actor: dict | None = None,
        low_stock_threshold: int | None = None,
    ) -> dict:
        """On-hand becomes `quantity`; NegativeStock (409) if below what is reserved. `actor`
        ({user_id, role}, None: the shop) must own the product unless an admin (ProductNotFound,
        asked of the catalog before the first statement)."""
        who = Actor.load(actor)
        args = load(
            schemas.SetStockInput(),
            {
                "product_id": product_id,
                "quantity": quantity,
                "reason": reason,
                "user_id": who.user_id,
                "low_stock_threshold": low_stock_threshold,
            },
        )
        with self._inventory() as inventory:
            return schemas.dump_level(inventory.set_stock(**args, who=who))

    @rpc(expected_exceptions=EXPECTED)
    def adjust_stock(
        self, product_id: str, delta: int, reason: str, actor: dict | None = None
    ) -> dict:
        """On-hand += delta, with the reason written to the ledger; `actor` as for set_stock."""
        who = Actor.load(actor)
        args = load(
            schemas.AdjustStockInput(),
            {
                "product_id": product_id,
                "delta": delta,
                "reason": reason,
                "user_id": who.user_id,
            },
        )
        with self._inventory() as inventory:
            return schemas.dump_level(inventory.adjust_stock(**args, who=who))

    @rpc(expected_exceptions=EXPECTED)
    def set_low_stock_threshold(self, product_id: str, threshold: int) -> dict:
        with self._inventory() as inventory:
            return schemas.dump_level(inventory.set_low_stock_threshold(product_id, int(threshold)))

    @rpc(expected_exceptions=EXPECTED)
    def low_stock(self, page: int = 1, limit: int = 20, actor: dict | None = None) -> dict:
        """Page of low stock, lowest first; a seller's own products only (their ids from the
        catalog, one RPC; admins skip it)."""
        who = Actor.load(actor)
        with self._inventory() as inventory:
            return schemas.dump_low_stock(inventory.low_stock(page, limit, who))

    @rpc(expected_exceptions=EXPECTED)
    def reserve(self, order_id: str, lines: list[dict], ttl_seconds: int | None = None) -> dict:
        """All lines or none -> {order_id, status, expires_at, lines}; OutOfStock (409) with
        details {product_id, requested, available}. The same order id again returns the existing
        reservation and changes nothing."""
        args = load(
            schemas.ReserveInput(),
            {
                "order_id": order_id,
                "lines": lines,
                "ttl_seconds": ttl_seconds,
            },
        )
        with self._inventory() as inventory:
            return schemas.dump_reservation(inventory.reserve(**args))

    @rpc(expected_exceptions=EXPECTED)
    def get_reservation(self, order_id: str) -> dict:
        with self._inventory() as inventory:
            return schemas.dump_reservation(inventory.reservation(order_id))

    @rpc(expected_exceptions=EXPECTED)
    def commit(self, order_id: str) -> None:
        """The reservation becomes a sale. Idempotent; ReservationNotActive if it was released."""
        with self._inventory() as inventory:
            inventory.commit(order_id)

    @rpc(expected_exceptions=EXPECTED)
    def release(self, order_id: str) -> None:
        """The reserved units return to sale (a committed reservation is restocked). Idempotent."""
        with self._inventory() as inventory:
            inventory.release(order_id)

    @event_handler("orders", "order_cancelled")
    @dead_lettered(dead_letters, "orders", "order_cancelled")
    def handle_order_cancelled(self, payload: dict) -> None:
        """Release a cancelled order's reservation: the durable half of orders' compensation.

        orders' `release_stock` RPC stays the fast path, but orders calls it best effort on a
        failed checkout (`_best_effort` in services/orders/usecases.py) and it fails whenever the
        broker is away: a reserve whose reply was lost in a RabbitMQ restart left its units
        reserved until expiry (reservation_ttl, 900 s) for an order already cancelled. This
        event comes through orders' transactional outbox, so it arrives once the broker is back.
        Either may come first: `release` changes a reservation once (released, expired or
        unknown -> nothing; committed -> restocked, once).

        It never releases what orders would not have. Every move to `cancelled` in orders' use
        cases also calls `release_stock`: a failed checkout (no stock answer, coupon refused or
        unreachable, payment intent or cash-on-delivery commit failed), the sweeper's stuck
        `pending` orders, a customer's or staff's cancel (a committed reservation restocked, as
        here), `payment_failed` and an expired reservation. The two exceptions are no-ops here:
        `out_of_stock` (inventory refused the reserve; a reserve is all lines or none and, for an
        order it already holds, answers that reservation instead of refusing, so there is none)
        and a payment whose stock was gone (`commit_paid_stock` failed: on a reservation that was
        released, expired or unknown, a no-op here; on any other failure orders leaves the
        reservation to its expiry, which frees the same units later, so this only frees them
        sooner, for an order refunded and cancelled). A cancelled order moves only to
        `refunded`, so nothing would commit a reservation this released.

        Not covered: a reserve request that inventory handles only after this event (it would
        find no reservation yet); the reservation's expiry still frees those units.
        """
        event = load_event(schemas.OrderCancelled(), payload, "order_cancelled")
        if event is not None:
            with self._inventory() as inventory:
                inventory.release(event["order_id"])

    @configured_timer(INVENTORY, "expiry_interval", 5)
    def expire_reservations(self) -> None:
        """Release reservations past their expiry, one transaction each; reservation_expired.
        One that fails is rolled back and logged; the others go on. The batch is read in the
        first expiry's transaction (one transaction per reservation, none for the read)."""
        for order_id in self._use_cases().due_reservations():
            try:
                with self._inventory() as inventory:
                    inventory.expire(order_id)
            except Exception:
                log.exception("could not expire reservation %s", order_id)
