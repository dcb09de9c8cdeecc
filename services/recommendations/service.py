"""The recommendations service: "customers also bought", similar products, trending and recently
viewed (docs/design/recommendations.md §1).

Entrypoints only: each RPC, handler or timer loads its arguments, runs one use case of
`usecases.Recommendations` in a unit of work on the worker's session, and dumps the result. The
service keeps its own copy of the product cards (catalog and inventory events) and of the
confirmed orders' pairs and sales, so a read is one RPC and SQL, never a call to the catalog.

Readers' caches (the gateway's `recommendations` namespace) learn of changes only through the
debounced `recommendations_changed`: every handler that changes what a reader sees marks the
dirty flag, and `publish_changes` announces it at most once per `publish_interval`, so a sale
costs the cache one invalidation per interval, not one per order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nameko.timer import timer

from services.common.config import RECOMMENDATIONS
from services.common.database import Database, Repository, unit_of_work
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.errors import ValidationFailed
from services.common.messaging import event_handler
from services.common.outbox import OutboxRelay, OutboxWriter
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load, load_event
from services.common.service import BazaarService
from services.common.timer import configured_timer
from services.recommendations import schemas
from services.recommendations.dependencies import RpcProductSource, Tunables, ViewStore
from services.recommendations.exceptions import RecommendationsError
from services.recommendations.models import Base, dead_letters
from services.recommendations.repository import SqlRecommendationsRepository
from services.recommendations.usecases import Recommendations

EXPECTED = (RecommendationsError, ValidationFailed)


class RecommendationsService(DeadLetterAdmin, OutboxRelay, BazaarService):
    name = "recommendations"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    repo = Repository(lambda session: SqlRecommendationsRepository(session, OutboxWriter()))
    views = ViewStore()
    tunables = Tunables()
    catalog_rpc = RpcProxy("catalog")

    @contextmanager
    def _work(self) -> Iterator[Recommendations]:
        """The use cases over the worker's repository, view history and the catalog, in one
        unit of work (the dirty flag follows its commit)."""
        use_cases = Recommendations(
            repo=self.repo,
            views=self.views,
            products=RpcProductSource(self.catalog_rpc),
            settings=self.tunables.rules,
        )
        with unit_of_work(self.db.session):
            yield use_cases

    # -- reads ----------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def recommend(
        self,
        product_id: str,
        kind: str = "also_bought",
        limit: int = 8,
        include_out_of_stock: bool = False,
    ) -> dict:
        """{"data": [Card], "meta": {source, kind, limit}}: products to show with this one.
        also_bought falls back to similar, then trending (its category, then all); `source`
        names the one that answered. Limit 1..24. Raises ProductUnknown, ValidationFailed."""
        args = load(
            schemas.RecommendArgs(),
            {
                "product_id": product_id,
                "kind": kind,
                "limit": limit,
                "include_out_of_stock": include_out_of_stock,
            },
        )
        with self._work() as reco:
            found = reco.recommend(**args)
        return schemas.dump_recommendations(found, args["kind"], args["limit"])

    @rpc(expected_exceptions=EXPECTED)
    def trending(self, category: str | None = None, limit: int = 12) -> dict:
        """The same shape, meta.source "trending": the shop's (or a category's, by id or slug,
        a root's including its leaves') best-selling products of late. Raises CategoryUnknown."""
        args = load(schemas.TrendingArgs(), {"category": category, "limit": limit})
        with self._work() as reco:
            found = reco.trending(**args)
        return schemas.dump_trending(found, args["limit"])

    # -- recently viewed ------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def record_view(
        self, product_id: str, user_id: str | None = None, cart_id: str | None = None
    ) -> None:
        """Put the product first in the viewer's history (exactly one of user_id and cart_id).
        Raises ProductUnknown, ValidationFailed."""
        args = load(
            schemas.ViewArgs(), {"product_id": product_id, "user_id": user_id, "cart_id": cart_id}
        )
        with self._work() as reco:
            reco.record_view(**args)

    @rpc(expected_exceptions=EXPECTED)
    def recently_viewed(
        self, user_id: str | None = None, cart_id: str | None = None, limit: int = 20
    ) -> dict:
        """{"data": [Card]}, most recent first: archived products dropped, out of stock ones
        kept (available 0)."""
        args = load(
            schemas.RecentlyViewedArgs(), {"user_id": user_id, "cart_id": cart_id, "limit": limit}
        )
        with self._work() as reco:
            return schemas.dump_viewed(reco.recently_viewed(**args))

    # -- events (each idempotent: docs/design/recommendations.md §1.5) --------------------------

    @event_handler("orders", "order_confirmed")
    @dead_lettered(dead_letters, "orders", "order_confirmed")
    def handle_order_confirmed(self, payload: dict) -> None:
        """One vote per new pair per customer and the day's sales, once per event id."""
        event = load_event(schemas.OrderConfirmed(), payload, "order_confirmed")
        if event is not None:
            with self._work() as reco:
                reco.record_order(event)

    @event_handler("catalog", "product_created")
    @dead_lettered(dead_letters, "catalog", "product_created")
    def handle_product_created(self, payload: dict) -> None:
        """Copy the new product's card from the catalog (one get_products call)."""
        self._refresh_product(payload, "product_created")

    @event_handler("catalog", "product_updated")
    @dead_lettered(dead_letters, "catalog", "product_updated")
    def handle_product_updated(self, payload: dict) -> None:
        """Refresh the card (price, name, rating, image...): an upsert, so idempotent."""
        self._refresh_product(payload, "product_updated")

    @event_handler("catalog", "product_archived")
    @dead_lettered(dead_letters, "catalog", "product_archived")
    def handle_product_archived(self, payload: dict) -> None:
        event = load_event(schemas.ProductEvent(), payload, "product_archived")
        if event is not None:
            with self._work() as reco:
                reco.archive_product(event["product_id"])

    @event_handler("catalog", "category_changed")
    @dead_lettered(dead_letters, "catalog", "category_changed")
    def handle_category_changed(self, payload: dict) -> None:
        """Copy the category from the catalog, or forget a deleted one."""
        event = load_event(schemas.CategoryChanged(), payload, "category_changed")
        if event is not None:
            with self._work() as reco:
                reco.refresh_category(event["category_id"], event["action"])

    @event_handler("inventory", "stock_changed")
    @dead_lettered(dead_letters, "inventory", "stock_changed")
    def handle_stock_changed(self, payload: dict) -> None:
        """The card's availability at inventory's newest version; an older or repeated event
        changes nothing."""
        event = load_event(schemas.StockChanged(), payload, "stock_changed")
        if event is not None:
            with self._work() as reco:
                reco.apply_stock(event["product_id"], event["available"], event["version"])

    @event_handler("cart", "cart_merged")
    @dead_lettered(dead_letters, "cart", "cart_merged")
    def handle_cart_merged(self, payload: dict) -> None:
        """The guest's recently viewed joins the user's (once: the guest history is gone)."""
        event = load_event(schemas.CartMerged(), payload, "cart_merged")
        if event is not None:
            with self._work() as reco:
                reco.merge_views(event["guest_cart_id"], event["user_id"])

    def _refresh_product(self, payload: dict, event_type: str) -> None:
        event = load_event(schemas.ProductEvent(), payload, event_type)
        if event is not None:
            with self._work() as reco:
                reco.refresh_products([event["product_id"]])

    # -- timers ---------------------------------------------------------------------------------

    @configured_timer(RECOMMENDATIONS, "trending_interval", 300)
    def recompute_trending(self) -> int | None:
        """Replace the trending rows from the recent sales; one instance at a time (a Redis
        lock held for the recompute, lapsing after five intervals if its holder dies). Returns
        the rows written, None when another instance holds the lock."""
        with self.views.trending_turn(5 * self.tunables.trending_interval) as mine:
            if not mine:
                return None
            with self._work() as reco:
                return reco.recompute_trending()

    @configured_timer(RECOMMENDATIONS, "publish_interval", 10)
    def publish_changes(self) -> bool:
        """Announce recommendations_changed {at} (outbox) when something readers see changed
        since the last announcement."""
        with self._work() as reco:
            return reco.publish_changes()

    @timer(interval=3600)
    def purge(self) -> int:
        """Hourly: forget old order event ids and the co-purchases past each product's 200
        best."""
        with self._work() as reco:
            return reco.purge()
