"""The recommendations service's DependencyProviders and its adapter of the catalog's RPC proxy.

`ViewStore` injects the view histories in Redis (`views.RedisViewHistory`, its scripts registered
once per container) on the worker's session, whose commit sets the dirty flag; `Tunables` injects
the `RECOMMENDATIONS` settings, read once per container; `RpcProductSource` asks the catalog, on
this service's events only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from nameko.exceptions import RemoteError
from nameko.extensions import DependencyProvider

from services.common.config import RECOMMENDATIONS
from services.common.database import worker_database
from services.common.errors import BazaarError
from services.common.redis import RedisClient
from services.common.rpc import remote_error_name
from services.recommendations import domain
from services.recommendations.views import RedisViewHistory, ViewSettings, register_scripts

GET_PRODUCTS_MAX = 500  # catalog.get_products takes at most this many ids per call


@dataclass(frozen=True)
class RecommendationsSettings:
    """Config `RECOMMENDATIONS`: the use cases' rules, the histories' bounds, and the timers'
    intervals (seconds)."""

    rules: domain.Settings = field(default_factory=domain.Settings)
    views: ViewSettings = field(default_factory=ViewSettings)
    trending_interval: float = 300.0
    publish_interval: float = 10.0


def settings_from_config(config: dict[str, Any]) -> RecommendationsSettings:
    values = config.get(RECOMMENDATIONS) or {}
    rules, views = domain.Settings(), ViewSettings()
    viewed_max = int(values.get("viewed_max", rules.viewed_max))
    return RecommendationsSettings(
        rules=domain.Settings(
            half_life=timedelta(
                seconds=float(values.get("half_life", rules.half_life.total_seconds()))
            ),
            max_lines=int(values.get("max_lines", rules.max_lines)),
            trending_days=int(values.get("trending_days", rules.trending_days)),
            viewed_max=viewed_max,
        ),
        views=ViewSettings(
            viewed_max=viewed_max,
            user_ttl=int(values.get("viewed_user_ttl", views.user_ttl)),
            guest_ttl=int(values.get("viewed_guest_ttl", views.guest_ttl)),
        ),
        trending_interval=float(values.get("trending_interval", 300)),
        publish_interval=float(values.get("publish_interval", 10)),
    )


class Tunables(DependencyProvider):
    """Injects the container's `RecommendationsSettings` (read once, in setup)."""

    def setup(self):
        self.settings = settings_from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.settings


class ViewStore(DependencyProvider):
    """Injects a `RedisViewHistory` per worker: the container's Redis client, the Lua scripts
    registered once, the `RECOMMENDATIONS` bounds, and the worker's database session (the dirty
    flag waits for its commit). Unit tests inject a fake in its place."""

    redis = RedisClient()

    def setup(self):
        self.settings = settings_from_config(self.container.config).views
        self.database = worker_database(self.container, "the ViewStore")

    def start(self):
        self.scripts = register_scripts(self.redis.client)

    def get_dependency(self, worker_ctx):
        session = self.database.get_dependency(worker_ctx).session
        return RedisViewHistory(self.redis.client, self.scripts, self.settings, session)


class RpcProductSource(domain.ProductSource):
    """Products from the catalog's `get_products` (in calls of at most 500 ids) and a category
    from its `get_category`; the catalog's CategoryNotFound is None."""

    def __init__(self, catalog_rpc):
        self.catalog_rpc = catalog_rpc

    def cards(self, product_ids: Sequence[str]) -> list[domain.ProductCard]:
        ids = list(dict.fromkeys(product_ids))
        cards = []
        for start in range(0, len(ids), GET_PRODUCTS_MAX):
            found = self.catalog_rpc.get_products(ids[start : start + GET_PRODUCTS_MAX])
            cards += [domain.card_from_catalog(product) for product in found]
        return cards

    def category(self, category_id: str) -> domain.Category | None:
        try:
            found = self.catalog_rpc.get_category(category_id)
        except (BazaarError, RemoteError) as exc:
            # the catalog's errors reach this service as RemoteError (not registered here)
            if remote_error_name(exc) != "CategoryNotFound":
                raise
            return None
        return domain.category_from_catalog(found)
