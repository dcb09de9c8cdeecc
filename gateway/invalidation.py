"""Response-cache invalidation: catalog events bump the "catalog" namespace, the recommendations
service's `recommendations_changed` the "recommendations" one.

Mixed into the gateway service (which has `redis = Redis()`). Every public catalog GET is cached
under the "catalog" namespace; any change readers could see (a product, its price or images, its
availability, a category) makes all those entries stale at once, well within a second of the
change's commit (outbox relay tick + one event hop). Handlers are idempotent: a repeated event
only bumps the generation again.

Availability is invalidated on catalog's `availability_changed` (sent after catalog applied
inventory's `stock_changed` to its denormalised column), not on `stock_changed` itself, so that a
reader cannot re-cache the old availability between the two.

Recommendations follow the same rule one step further: no catalog, order or stock event bumps
their namespace here, since a reader could re-cache old cards before the recommendations service
applied the change. The service announces `recommendations_changed` once per publish interval when
something readers see changed (debounced: one bump per interval at most, so a sale's stream of
orders leaves the cache useful); the interval is the staleness bound.
"""

from gateway.cache import ResponseCache
from services.common.messaging import event_handler

NAMESPACE = "catalog"
RECOMMENDATIONS = "recommendations"


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


class RecommendationsCacheInvalidation:
    @event_handler("recommendations", "recommendations_changed")
    def handle_recommendations_changed(self, payload):
        ResponseCache(self.redis, ttl=0).invalidate(RECOMMENDATIONS)
