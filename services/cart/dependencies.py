"""The cart service's DependencyProviders and its adapters of other services' RPC proxies.

`CartStore` injects the carts in Redis (`carts.RedisCarts`, with the product snapshots and the
reminder index); the coupon repository and the reminder log are injected by
`services.common.database.Repository` (see service.py); `RpcProductSource` asks catalog and
inventory, `RpcPeers` accounts, through the service's proxies.
"""

from __future__ import annotations

from collections.abc import Sequence

from nameko.extensions import DependencyProvider

from services.cart.carts import RedisCarts, register_scripts
from services.cart.domain import CartSettings, Peers, PricingSettings, ProductSource
from services.common.config import CART, PRICING
from services.common.redis import RedisClient


class CartStore(DependencyProvider):
    """Injects `RedisCarts`: the container's Redis client, the Lua scripts registered once, and
    the `CART` and `PRICING` settings."""

    redis = RedisClient()

    def setup(self):
        self.settings = CartSettings.from_config(self.container.config.get(CART))
        self.pricing = PricingSettings.from_config(self.container.config.get(PRICING))

    def start(self):
        self.scripts = register_scripts(self.redis.client)

    def get_dependency(self, worker_ctx):
        return RedisCarts(self.redis.client, self.scripts, self.settings, self.pricing)


class RpcProductSource(ProductSource):
    """Products from catalog's `get_products` and stock from inventory's `get_stock`, the two
    calls in flight together; a service is not asked about an empty list."""

    def __init__(self, catalog_rpc, inventory_rpc):
        self.catalog_rpc = catalog_rpc
        self.inventory_rpc = inventory_rpc

    def fetch(
        self, product_ids: Sequence[str], stock_ids: Sequence[str]
    ) -> tuple[dict[str, dict], dict[str, dict]]:
        products_call = (
            self.catalog_rpc.get_products.call_async(product_ids) if product_ids else None
        )
        stock_call = self.inventory_rpc.get_stock.call_async(stock_ids) if stock_ids else None
        found = products_call.result() if products_call else []
        if isinstance(found, dict):
            found = found.get("data", [])
        products = {product["id"]: product for product in found}
        stock = stock_call.result() if stock_call else {}
        return products, stock


# the most ids accounts' `reminder_preferences` takes in one call
PREFERENCES_BATCH = 500


class RpcPeers(Peers):
    """Accounts through the service's proxy (every call times out: services/common/rpc.py);
    `reminder_preferences` asked in calls of at most `PREFERENCES_BATCH` ids."""

    def __init__(self, accounts_rpc):
        self.accounts_rpc = accounts_rpc

    def reminder_preferences(self, user_ids: Sequence[str]) -> set[str]:
        ids = list(user_ids)
        accepting: set[str] = set()
        for start in range(0, len(ids), PREFERENCES_BATCH):
            chunk = ids[start : start + PREFERENCES_BATCH]
            accepting.update(self.accounts_rpc.reminder_preferences(chunk))
        return accepting
