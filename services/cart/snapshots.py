"""Product and stock snapshots in Redis (`ProductSnapshots`), so that displaying a cart and adding
to it make no RPC call (hot paths must not fan out: docs/architecture.md#stack-facts).

Redis keys (owned by the cart service):
  cart:product:<id>     a snapshot of a catalog product (id, name, price, currency, status,
                        image, seller_id); replaced by a 30 s drop marker when catalog
                        announces a change
  cart:stock:<id>       "<version>:<available>", the product's stock as inventory last announced
                        it (`stock_changed`); a write never replaces a newer version
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from services.cart.domain import Snapshots

PRODUCT_PREFIX = "cart:product:"
STOCK_PREFIX = "cart:stock:"

# KEYS[1] a product snapshot. ARGV: snapshot, ttl, drop marker. Written unless the product was
# dropped a moment ago (its marker stands): an answer from before the change stays out.
_PUT_PRODUCT = """
if redis.call('GET', KEYS[1]) == ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""

# KEYS[1] a stock snapshot. ARGV: version, available, ttl. Written unless the snapshot already
# holds a newer version (events and lookups may arrive in any order).
_PUT_STOCK = """
local held = tonumber(string.match(redis.call('GET', KEYS[1]) or '', '^(%-?%d+):') or '')
if held and held > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'EX', ARGV[3])
return 1
"""

# the snapshots' Lua scripts, registered with the carts' (`carts.register_scripts`)
SCRIPTS = {
    "put_stock": _PUT_STOCK,
    "put_product": _PUT_PRODUCT,
}

_SNAPSHOT_FIELDS = ("id", "name", "price", "currency", "status", "image", "seller_id")
# A dropped product snapshot: longer than any catalog answer can be in flight (RPC timeouts are
# seconds), so an answer from before the change is never written after it.
_DROPPED = "dropped"
DROP_MARKER_TTL = 30


class ProductSnapshots(Snapshots):
    """Catalog products and inventory stock levels as last seen.

    A product snapshot is dropped as soon as catalog announces a change (`product_updated`,
    `product_archived`); a stock snapshot is replaced by each `stock_changed`, in version order.
    Both live `ttl` seconds at most; ttl 0 disables them. Prices that reach an order never come
    from here: `quote` asks the catalog, and inventory's reservation is the authority on stock.
    """

    def __init__(self, client, scripts: dict[str, Any], ttl: int):
        self.client = client
        self.scripts = scripts
        self.ttl = ttl

    @staticmethod
    def key(product_id: str) -> str:
        return f"{PRODUCT_PREFIX}{product_id}"

    @staticmethod
    def stock_key(product_id: str) -> str:
        return f"{STOCK_PREFIX}{product_id}"

    def get_many(
        self, product_ids: Sequence[str], stock_ids: Sequence[str] = ()
    ) -> tuple[dict[str, dict], dict[str, dict]]:
        """(products, stock) snapshots found among the ids, in one round trip; stock in
        inventory's `get_stock` shape ({id: {"available": n, "version": v}})."""
        if not self.ttl or not (product_ids or stock_ids):
            return {}, {}
        keys = [self.key(p) for p in product_ids] + [self.stock_key(p) for p in stock_ids]
        raws = self.client.mget(keys)
        products = {
            pid: json.loads(raw)
            for pid, raw in zip(product_ids, raws[: len(product_ids)], strict=True)
            if raw is not None and raw != _DROPPED
        }
        stock = {}
        for pid, raw in zip(stock_ids, raws[len(product_ids) :], strict=True):
            if raw is not None:
                version, _, available = raw.partition(":")
                stock[pid] = {"available": int(available), "version": int(version)}
        return products, stock

    def put_many(self, products: dict[str, dict], stock: dict[str, dict] | None = None) -> None:
        """Keep what the catalog and inventory just answered (stock without a version counts
        as the oldest, so any announced level wins over it)."""
        if not self.ttl or not (products or stock):
            return
        pipe = self.client.pipeline(transaction=False)
        for product_id, product in products.items():
            snapshot = {field: product.get(field) for field in _SNAPSHOT_FIELDS}
            # never over a drop marker: an answer the catalog gave before a change may arrive
            # after the change's announcement, and must not bring the old product back
            self.scripts["put_product"](
                keys=[self.key(product_id)],
                args=[json.dumps(snapshot), self.ttl, _DROPPED],
                client=pipe,
            )
        for product_id, level in (stock or {}).items():
            self._put_stock(product_id, level, pipe)
        pipe.execute()

    def stock_changed(self, product_id: str, available: int, version: int) -> bool:
        """Apply inventory's announcement; False when a newer level is already held."""
        if not self.ttl:
            return False
        return self._put_stock(product_id, {"available": available, "version": version}) == 1

    def _put_stock(self, product_id: str, level: dict, client=None):
        return self.scripts["put_stock"](
            keys=[self.stock_key(product_id)],
            args=[int(level.get("version") or 0), int(level.get("available") or 0), self.ttl],
            client=client,
        )

    def drop(self, product_id: str) -> None:
        """Forget the product after catalog announced a change. For `DROP_MARKER_TTL` seconds a
        marker stands in its place: lookups ask the catalog, and no snapshot is written."""
        self.client.set(self.key(product_id), _DROPPED, ex=DROP_MARKER_TTL)
