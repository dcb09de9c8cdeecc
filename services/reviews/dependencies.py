"""What the reviews service's use cases ask other services, over its RPC proxies (the repository
is in repository.py)."""

from __future__ import annotations

from typing import Any

from services.reviews.domain import ShopLookups


class RpcShop(ShopLookups):
    """`ShopLookups` over the service's `orders_rpc` and `catalog_rpc` proxies."""

    def __init__(self, orders_rpc, catalog_rpc):
        self.orders_rpc = orders_rpc
        self.catalog_rpc = catalog_rpc

    def get_products(self, product_ids: list[str]) -> list[dict[str, Any]]:
        return self.catalog_rpc.get_products(product_ids)

    def has_purchased(self, user_id: str, product_id: str) -> bool:
        return bool(self.orders_rpc.has_purchased(user_id, product_id))
