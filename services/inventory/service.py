"""The inventory service: stock levels, reservations with expiry, the movements ledger."""

from __future__ import annotations

import logging

from nameko.dependency_providers import Config
from nameko.timer import Timer

from services.common import outbox as transactional_outbox
from services.common import service as common
from services.common.actor import Actor, require_changeable
from services.common.config import INVENTORY
from services.common.database import Database
from services.common.errors import BazaarError
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load
from services.inventory import schemas
from services.inventory.dependencies import InventoryStore
from services.inventory.exceptions import ProductNotFound
from services.inventory.models import Base

log = logging.getLogger(__name__)

DEFAULT_TTL = 900
EXPECTED = (BazaarError,)


class ExpiryTimer(Timer):
    """A timer whose interval is read from config INVENTORY.expiry_interval at setup."""

    def setup(self):
        settings = self.container.config.get(INVENTORY) or {}
        self.interval = float(settings.get("expiry_interval", self.interval))
        super().setup()


class InventoryService(transactional_outbox.OutboxRelay, common.BazaarService):
    name = "inventory"

    db = Database(Base)
    outbox = transactional_outbox.Outbox()
    config = Config()
    catalog_rpc = RpcProxy("catalog")

    def _settings(self) -> dict:
        return self.config.get(INVENTORY) or {}

    def _finish(self, store: InventoryStore) -> None:
        """Write what changed to the outbox in the same transaction, then commit."""
        for event_type, payload in store.events:
            self.outbox.add(self.db.session, event_type, payload)
        store.events.clear()
        self.db.session.commit()

    @rpc
    def get_stock(self, product_ids: list[str]) -> dict:
        """{product_id: {on_hand, reserved, available, low_stock_threshold, version}} for the
        ids that have stock."""
        return InventoryStore(self.db.session).get_stock(list(product_ids or [])[:1000])

    @rpc(expected_exceptions=EXPECTED)
    def get_product_stock(self, product_id: str) -> dict:
        """One product's stock with its id; StockNotFound (404) when it has none."""
        return InventoryStore(self.db.session).product_stock(product_id)

    def _require_changeable(self, product_id: str, who: Actor) -> None:
        """A seller stocks only their own products (ProductNotFound otherwise); the catalog owns
        who that is. Admins and internal callers skip the RPC."""
        if not who.sees_everything:
            owners = self.catalog_rpc.get_owners([product_id])
            require_changeable(who, product_id, owners, ProductNotFound)

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
        ({user_id, role}, None: the shop) must own the product unless an admin."""
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
        self._require_changeable(args["product_id"], who)
        store = InventoryStore(self.db.session)
        level = store.set_stock(
            args["product_id"],
            args["quantity"],
            args["reason"],
            args["user_id"],
            args["low_stock_threshold"],
        )
        self._finish(store)
        return {"product_id": product_id, **level}

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
        self._require_changeable(args["product_id"], who)
        store = InventoryStore(self.db.session)
        level = store.adjust_stock(
            args["product_id"], args["delta"], args["reason"], args["user_id"]
        )
        self._finish(store)
        return {"product_id": product_id, **level}

    @rpc(expected_exceptions=EXPECTED)
    def set_low_stock_threshold(self, product_id: str, threshold: int) -> dict:
        store = InventoryStore(self.db.session)
        level = store.set_threshold(product_id, int(threshold))
        self._finish(store)
        return {"product_id": product_id, **level}

    @rpc(expected_exceptions=EXPECTED)
    def low_stock(self, page: int = 1, limit: int = 20, actor: dict | None = None) -> dict:
        """Page of low stock, lowest first; a seller's own products only (their ids from the
        catalog, one RPC; admins skip it)."""
        who = Actor.load(actor)
        product_ids = None
        if not who.sees_everything:
            product_ids = self.catalog_rpc.list_seller_product_ids(who.user_id)
        return InventoryStore(self.db.session).low_stock(
            max(1, page), max(1, min(limit, 100)), product_ids
        )

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
        ttl = args["ttl_seconds"] or int(self._settings().get("reservation_ttl", DEFAULT_TTL))
        store = InventoryStore(self.db.session)
        reservation = store.reserve(args["order_id"], args["lines"], ttl)
        self._finish(store)
        return reservation

    @rpc(expected_exceptions=EXPECTED)
    def get_reservation(self, order_id: str) -> dict:
        return InventoryStore(self.db.session).reservation(order_id)

    @rpc(expected_exceptions=EXPECTED)
    def commit(self, order_id: str) -> None:
        """The reservation becomes a sale. Idempotent; ReservationNotActive if it was released."""
        store = InventoryStore(self.db.session)
        store.commit(order_id)
        self._finish(store)

    @rpc(expected_exceptions=EXPECTED)
    def release(self, order_id: str) -> None:
        """The reserved units return to sale (a committed reservation is restocked). Idempotent."""
        store = InventoryStore(self.db.session)
        store.release(order_id)
        self._finish(store)

    @ExpiryTimer.decorator(interval=5)
    def expire_reservations(self) -> None:
        """Release reservations past their expiry, one transaction each; reservation_expired."""
        batch = int(self._settings().get("expiry_batch", 100))
        store = InventoryStore(self.db.session)
        for order_id in store.due_reservations(batch):
            try:
                store.expire(order_id)
                self._finish(store)
            except Exception:
                self.db.session.rollback()
                store.events.clear()
                log.exception("could not expire reservation %s", order_id)
