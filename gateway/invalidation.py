"""Response-cache invalidation: catalog events bump the "catalog" namespace.

Mixed into the gateway service (which has `redis = Redis()`). Every public catalog GET is cached
under the "catalog" namespace; any change readers could see (a product, its price or images, its
availability, a category) makes all those entries stale at once, well within a second of the
change's commit (outbox relay tick + one event hop). Handlers are idempotent: a repeated event
only bumps the generation again.

Availability is invalidated on catalog's `availability_changed` (sent after catalog applied
inventory's `stock_changed` to its denormalised column), not on `stock_changed` itself, so that a
reader cannot re-cache the old availability between the two.
"""

from gateway.cache import ResponseCache
from services.common.messaging import event_handler

NAMESPACE = "catalog"


class CatalogCacheInvalidation:
    def _invalidate_catalog(self) -> None:
        # the TTL only matters for storing; invalidation bumps the namespace generation
        ResponseCache(self.redis, ttl=0).invalidate(NAMESPACE)

    @event_handler("catalog", "product_created")
    def handle_product_created(self, payload):
        self._invalidate_catalog()

    @event_handler("catalog", "product_updated")
    def handle_product_updated(self, payload):
        self._invalidate_catalog()

    @event_handler("catalog", "product_archived")
    def handle_product_archived(self, payload):
        self._invalidate_catalog()

    @event_handler("catalog", "category_changed")
    def handle_category_changed(self, payload):
        self._invalidate_catalog()

    @event_handler("catalog", "availability_changed")
    def handle_availability_changed(self, payload):
        self._invalidate_catalog()
