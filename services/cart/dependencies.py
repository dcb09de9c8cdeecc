"""Where carts and coupons are kept: `CartStore` (Redis, atomic Lua scripts) and
`CouponRepository` (SQL on the worker's session).

Redis keys (all owned by the cart service, prefix `cart:`):
  cart:<cart_id>        hash: user_id, created_at, coupon, seq, and per line
                        q:<product_id> quantity, p:<product_id> unit price when last set,
                        s:<product_id> position (order in which lines were added)
  cart:user:<user_id>   the id of the user's one active cart
  cart:product:<id>     a snapshot of a catalog product (id, name, price, currency, status,
                        image, seller_id); replaced by a 30 s drop marker when catalog
                        announces a change
  cart:stock:<id>       "<version>:<available>", the product's stock as inventory last announced
                        it (`stock_changed`); a write never replaces a newer version
  cart:event:<id>       an `order_confirmed` event that emptied its cart (kept 7 days)
The cart and its user index expire after the cart's TTL, refreshed together whenever the cart is
read or changed; snapshots live at most `product_cache_ttl` seconds. Every change is one Lua
script, so concurrent changes to one cart never lose an update.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from nameko.extensions import DependencyProvider
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from services.cart.domain import CartLine, CartSettings, Coupon, PricingSettings, normalize_code
from services.cart.exceptions import (
    CartItemNotFound,
    CartNotFound,
    CouponAlreadyUsed,
    CouponExhausted,
    CouponNotFound,
)
from services.cart.models import CouponRecord, RedemptionRecord
from services.common import pagination
from services.common.config import CART, PRICING
from services.common.redis import RedisClient

PREFIX = "cart:"
# how long an event that emptied a cart is remembered: far beyond any redelivery (the outbox
# relay retries within seconds; a broker redelivers on reconnection)
EVENT_MARKER_TTL = 7 * 24 * 3600

# Refreshes both TTLs and returns the hash (empty when the cart does not exist).
_READ = """
local data = redis.call('HGETALL', KEYS[1])
if #data == 0 then return data end
local owner = redis.call('HGET', KEYS[1], 'user_id')
local ttl = ARGV[1]
if owner and owner ~= '' then
  ttl = ARGV[2]
  local index = ARGV[3] .. owner
  if redis.call('GET', index) == ARGV[4] then redis.call('EXPIRE', index, ttl) end
end
redis.call('EXPIRE', KEYS[1], ttl)
return data
"""

# mode add: quantity += n; mode set: quantity = n (the line must exist). The new quantity must not
# exceed ARGV[4] (min of per-line maximum and stock). Returns {status, quantity, cart hash}:
# 1 done, -1 no cart, -2 over the limit (quantity = current), -3 no such line.
_SET_LINE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, 0, {}} end
local pid = ARGV[1]
local current = tonumber(redis.call('HGET', KEYS[1], 'q:' .. pid) or '0')
local wanted = tonumber(ARGV[3])
if ARGV[2] == 'add' then wanted = current + wanted
elseif current == 0 then return {-3, 0, {}} end
if wanted > tonumber(ARGV[4]) then return {-2, current, redis.call('HGETALL', KEYS[1])} end
if current == 0 then
  redis.call('HSET', KEYS[1], 's:' .. pid, redis.call('HINCRBY', KEYS[1], 'seq', 1))
end
redis.call('HSET', KEYS[1], 'q:' .. pid, wanted, 'p:' .. pid, ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[6])
return {1, wanted, redis.call('HGETALL', KEYS[1])}
"""

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

_REMOVE_LINE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local removed = redis.call('HDEL', KEYS[1], 'q:' .. ARGV[1], 'p:' .. ARGV[1], 's:' .. ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return removed
"""

# Sets (ARGV[2] non-empty) or clears the coupon field of an existing cart.
_SET_COUPON = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[1] == '' then redis.call('HDEL', KEYS[1], 'coupon')
else redis.call('HSET', KEYS[1], 'coupon', ARGV[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""

# Removes every line and the coupon; the cart itself stays. With KEYS[2] (an event's marker), only
# once per event: a marker already set means this event emptied the cart before (0), and lines
# added since must stay. ARGV[1] is the marker's lifetime.
_CLEAR = """
if KEYS[2] then
  if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) == false then return 0 end
end
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local fields = redis.call('HKEYS', KEYS[1])
for _, field in ipairs(fields) do
  local kind = string.sub(field, 1, 2)
  if kind == 'q:' or kind == 'p:' or kind == 's:' or field == 'coupon' then
    redis.call('HDEL', KEYS[1], field)
  end
end
return 1
"""

# KEYS[1] the user index. Returns the user's live cart id, creating cart ARGV[1] when none.
_USER_CART = """
local id = redis.call('GET', KEYS[1])
if id and redis.call('EXISTS', ARGV[5] .. id) == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  redis.call('EXPIRE', ARGV[5] .. id, ARGV[4])
  return id
end
id = ARGV[1]
redis.call('HSET', ARGV[5] .. id, 'user_id', ARGV[2], 'created_at', ARGV[3], 'seq', 0)
redis.call('EXPIRE', ARGV[5] .. id, ARGV[4])
redis.call('SET', KEYS[1], id, 'EX', ARGV[4])
return id
"""

# KEYS[1] guest cart, KEYS[2] user cart. ARGV: ttl, coupon ('' = none), then product id / cap
# pairs. Each guest line is added to the user's, the sum capped at the product's cap (never
# lowering a quantity the user already had); the coupon is set if the user cart has none; the
# guest cart is deleted. Returns 0 when there was no guest cart (nothing to do), else 1.
_MERGE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local caps = {}
for i = 3, #ARGV, 2 do caps[ARGV[i]] = tonumber(ARGV[i + 1]) end
local data = redis.call('HGETALL', KEYS[1])
local guest = {}
for i = 1, #data, 2 do guest[data[i]] = data[i + 1] end
local order = {}
for field, value in pairs(guest) do
  if string.sub(field, 1, 2) == 'q:' then
    local pid = string.sub(field, 3)
    table.insert(order, {tonumber(guest['s:' .. pid] or '0'), pid})
  end
end
table.sort(order, function(a, b) return a[1] < b[1] end)
for _, entry in ipairs(order) do
  local pid = entry[2]
  local cap = caps[pid] or 0
  local current = tonumber(redis.call('HGET', KEYS[2], 'q:' .. pid) or '0')
  local merged = math.max(current, math.min(current + tonumber(guest['q:' .. pid]), cap))
  if merged > current then
    if current == 0 then
      redis.call('HSET', KEYS[2], 's:' .. pid, redis.call('HINCRBY', KEYS[2], 'seq', 1))
      redis.call('HSET', KEYS[2], 'p:' .. pid, guest['p:' .. pid])
    end
    redis.call('HSET', KEYS[2], 'q:' .. pid, merged)
  end
end
if ARGV[2] ~= '' and not redis.call('HGET', KEYS[2], 'coupon') then
  redis.call('HSET', KEYS[2], 'coupon', ARGV[2])
end
redis.call('DEL', KEYS[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
"""

_DELETE = """
local owner = redis.call('HGET', KEYS[1], 'user_id')
if owner and owner ~= '' and redis.call('GET', ARGV[1] .. owner) == ARGV[2] then
  redis.call('DEL', ARGV[1] .. owner)
end
return redis.call('DEL', KEYS[1])
"""


class StoredCart:
    """A cart as read from Redis."""

    def __init__(self, cart_id: str, data: dict[str, str], ttl: int):
        self.id = cart_id
        self.user_id = data.get("user_id") or None
        self.coupon_code = data.get("coupon") or None
        self.created_at = data.get("created_at")
        self.expires_at = (datetime.now(UTC) + timedelta(seconds=ttl)).isoformat()
        self.lines = [
            CartLine(
                product_id=field[2:],
                quantity=int(value),
                price_at_add=int(data.get("p:" + field[2:], 0)),
                position=int(data.get("s:" + field[2:], 0)),
            )
            for field, value in data.items()
            if field.startswith("q:")
        ]

    def quantity_of(self, product_id: str) -> int:
        return next((line.quantity for line in self.lines if line.product_id == product_id), 0)


class Carts:
    """Domain verbs over the carts in Redis; every change is atomic (one Lua script)."""

    def __init__(
        self, client, scripts: dict[str, Any], settings: CartSettings, pricing: PricingSettings
    ):
        self.client = client
        self.scripts = scripts
        self.settings = settings
        self.pricing = pricing
        self.products = ProductSnapshots(client, scripts, settings.product_cache_ttl)

    @staticmethod
    def key(cart_id: str) -> str:
        return f"{PREFIX}{cart_id}"

    @staticmethod
    def user_key(user_id: str) -> str:
        return f"{PREFIX}user:{user_id}"

    def _ttl(self, user_id: str | None) -> int:
        return self.settings.ttl_for(user_id)

    def create(self) -> StoredCart:
        cart_id = str(uuid.uuid4())
        now = datetime.now(UTC).isoformat()
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.key(cart_id), mapping={"user_id": "", "created_at": now, "seq": 0})
        pipe.expire(self.key(cart_id), self.settings.guest_ttl)
        pipe.execute()
        return self.read(cart_id)

    def user_cart_id(self, user_id: str) -> str:
        """The user's one active cart, created when there is none (safe under concurrency)."""
        return self.scripts["user_cart"](
            keys=[self.user_key(user_id)],
            args=[
                str(uuid.uuid4()),
                user_id,
                datetime.now(UTC).isoformat(),
                self.settings.user_ttl,
                PREFIX,
            ],
        )

    def read(self, cart_id: str) -> StoredCart:
        """The cart, its TTL refreshed; `CartNotFound` when it does not exist (or expired)."""
        if not _plausible_id(cart_id):
            raise CartNotFound("cart not found", {"cart_id": cart_id})
        flat = self.scripts["read"](
            keys=[self.key(cart_id)],
            args=[self.settings.guest_ttl, self.settings.user_ttl, f"{PREFIX}user:", cart_id],
        )
        if not flat:
            raise CartNotFound("cart not found", {"cart_id": cart_id})
        return self._stored(cart_id, flat)

    def _stored(self, cart_id: str, flat: list) -> StoredCart:
        data = dict(zip(flat[::2], flat[1::2], strict=True))
        return StoredCart(cart_id, data, self._ttl(data.get("user_id") or None))

    def set_line(
        self, cart: StoredCart, product_id: str, quantity: int, limit: int, price: int, add: bool
    ) -> tuple[int, int, StoredCart]:
        """Add `quantity` units (add=True) or set the line to `quantity`; the result must not
        exceed `limit`. Returns (status, quantity) as the `_SET_LINE` script does, and the cart
        as it is after the change (one round trip)."""
        status, current, flat = self.scripts["set_line"](
            keys=[self.key(cart.id)],
            args=[
                product_id,
                "add" if add else "set",
                quantity,
                limit,
                price,
                self._ttl(cart.user_id),
            ],
        )
        if status == -1:
            raise CartNotFound("cart not found", {"cart_id": cart.id})
        if status == -3:
            raise CartItemNotFound(
                "the cart has no such item", {"cart_id": cart.id, "product_id": product_id}
            )
        return int(status), int(current), self._stored(cart.id, flat)

    def remove_line(self, cart: StoredCart, product_id: str) -> None:
        removed = self.scripts["remove_line"](
            keys=[self.key(cart.id)], args=[product_id, self._ttl(cart.user_id)]
        )
        if removed == -1:
            raise CartNotFound("cart not found", {"cart_id": cart.id})
        if removed == 0:
            raise CartItemNotFound(
                "the cart has no such item", {"cart_id": cart.id, "product_id": product_id}
            )

    def set_coupon(self, cart: StoredCart, code: str | None) -> None:
        done = self.scripts["set_coupon"](
            keys=[self.key(cart.id)], args=[code or "", self._ttl(cart.user_id)]
        )
        if done == -1:
            raise CartNotFound("cart not found", {"cart_id": cart.id})

    def clear(self, cart_id: str, event_id: str | None = None) -> bool:
        """Empty the cart (lines and coupon); with `event_id`, at most once for that event (a
        redelivered confirmation must not empty what was added after the first). True when the
        cart was emptied by this call. The event's marker is set in the same script as the
        clear, which `ProcessedEvents` (a PostgreSQL row committed apart from the Redis change)
        could not make atomic."""
        if not _plausible_id(cart_id):
            return False
        if event_id is None:
            return self.scripts["clear"](keys=[self.key(cart_id)], args=[]) == 1
        marker = f"{PREFIX}event:{event_id}"
        return self.scripts["clear"](keys=[self.key(cart_id), marker], args=[EVENT_MARKER_TTL]) == 1

    def delete(self, cart_id: str) -> bool:
        if not _plausible_id(cart_id):
            return False
        return bool(
            self.scripts["delete"](keys=[self.key(cart_id)], args=[f"{PREFIX}user:", cart_id])
        )

    def merge(
        self, guest_id: str, user_cart_id: str, caps: dict[str, int], coupon: str | None
    ) -> bool:
        """Fold the guest cart into the user's and delete it; False when the guest cart was
        already gone (a repeated merge changes nothing)."""
        args: list[Any] = [self.settings.user_ttl, coupon or ""]
        for product_id, cap in caps.items():
            args += [product_id, cap]
        result = self.scripts["merge"](keys=[self.key(guest_id), self.key(user_cart_id)], args=args)
        if result == -1:
            raise CartNotFound("cart not found", {"cart_id": user_cart_id})
        return result == 1


_SNAPSHOT_FIELDS = ("id", "name", "price", "currency", "status", "image", "seller_id")
# A dropped product snapshot: longer than any catalog answer can be in flight (RPC timeouts are
# seconds), so an answer from before the change is never written after it.
_DROPPED = "dropped"
DROP_MARKER_TTL = 30


class ProductSnapshots:
    """Catalog products and inventory stock levels as last seen, so that displaying a cart and
    adding to it make no RPC call (hot paths must not fan out: docs/architecture.md#stack-facts).

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
        return f"{PREFIX}product:{product_id}"

    @staticmethod
    def stock_key(product_id: str) -> str:
        return f"{PREFIX}stock:{product_id}"

    def get_many(
        self, product_ids: list[str], stock_ids: list[str] = ()
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


def _plausible_id(cart_id: Any) -> bool:
    return isinstance(cart_id, str) and 0 < len(cart_id) <= 64 and ":" not in cart_id


SCRIPTS = {
    "read": _READ,
    "set_line": _SET_LINE,
    "remove_line": _REMOVE_LINE,
    "set_coupon": _SET_COUPON,
    "clear": _CLEAR,
    "user_cart": _USER_CART,
    "merge": _MERGE,
    "delete": _DELETE,
    "put_stock": _PUT_STOCK,
    "put_product": _PUT_PRODUCT,
}


def register_scripts(client) -> dict[str, Any]:
    """The Lua scripts `Carts` runs, registered with the client (sent once, then by digest)."""
    return {name: client.register_script(source) for name, source in SCRIPTS.items()}


class CartStore(DependencyProvider):
    """Injects `Carts`: the container's Redis client, the Lua scripts registered once, and the
    `CART` and `PRICING` settings."""

    redis = RedisClient()

    def setup(self):
        self.settings = CartSettings.from_config(self.container.config.get(CART))
        self.pricing = PricingSettings.from_config(self.container.config.get(PRICING))

    def start(self):
        self.scripts = register_scripts(self.redis.client)

    def get_dependency(self, worker_ctx):
        return Carts(self.redis.client, self.scripts, self.settings, self.pricing)


# -- coupons -----------------------------------------------------------------------------------


def to_coupon(record: CouponRecord) -> Coupon:
    return Coupon(
        code=record.code,
        type=record.type,
        value=record.value,
        currency=record.currency,
        min_subtotal=record.min_subtotal,
        starts_at=record.starts_at,
        ends_at=record.ends_at,
        usage_limit=record.usage_limit,
        per_customer_limit=record.per_customer_limit,
        times_used=record.times_used,
        active=record.active,
    )


def coupon_to_dict(record: CouponRecord) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": record.id,
        "code": record.code,
        "description": record.description,
        "type": record.type,
        "value": record.value,
        "currency": record.currency,
        "min_subtotal": record.min_subtotal,
        "starts_at": iso(record.starts_at),
        "ends_at": iso(record.ends_at),
        "usage_limit": record.usage_limit,
        "per_customer_limit": record.per_customer_limit,
        "times_used": record.times_used,
        "active": record.active,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
    }


class CouponRepository:
    """Coupons and redemptions on one SQLAlchemy session; the caller commits."""

    def __init__(self, session: Session):
        self.session = session

    def _live(self):
        return select(CouponRecord).where(CouponRecord.deleted_at.is_(None))

    def find(self, code: str, lock: bool = False) -> CouponRecord | None:
        query = self._live().where(CouponRecord.code == normalize_code(code))
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalar(query)

    def get(self, code: str, lock: bool = False) -> CouponRecord:
        record = self.find(code, lock=lock)
        if record is None:
            raise CouponNotFound(
                f"no coupon {normalize_code(code)}", {"code": normalize_code(code)}
            )
        return record

    def customer_uses(self, coupon_id: str, user_id: str | None) -> int:
        if not user_id:
            return 0
        return (
            self.session.scalar(
                select(func.count())
                .select_from(RedemptionRecord)
                .where(
                    RedemptionRecord.coupon_id == coupon_id,
                    RedemptionRecord.user_id == user_id,
                    RedemptionRecord.status == "redeemed",
                )
            )
            or 0
        )

    def list(
        self, page: int, limit: int, q: str | None = None, active: bool | None = None
    ) -> tuple[list[CouponRecord], int]:
        query = self._live()
        if q:
            pattern = f"%{q.strip()}%"
            query = query.where(
                or_(CouponRecord.code.ilike(pattern), CouponRecord.description.ilike(pattern))
            )
        if active is not None:
            query = query.where(CouponRecord.active.is_(active))
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(CouponRecord.created_at.desc(), CouponRecord.code)
            .offset(pagination.offset(page, limit))
            .limit(limit)
        ).all()
        return list(rows), total

    def add(self, data: dict[str, Any]) -> CouponRecord:
        record = CouponRecord(**{**data, "code": normalize_code(data["code"])})
        self.session.add(record)
        self.session.flush()
        return record

    def remove(self, record: CouponRecord) -> None:
        """Hard delete when never redeemed; else keep it (and its history) as deleted."""
        used = self.session.scalar(
            select(func.count())
            .select_from(RedemptionRecord)
            .where(RedemptionRecord.coupon_id == record.id)
        )
        if used:
            record.deleted_at = datetime.now(UTC)
            record.active = False
        else:
            self.session.delete(record)
        self.session.flush()

    def redeem(self, code: str, order_id: str, user_id: str | None) -> tuple[CouponRecord, bool]:
        """Record one use of the coupon by `order_id`. The coupon row is locked for the
        transaction, so concurrent redemptions are serialised and never exceed a limit.
        Returns (coupon, created); a repeated order_id returns created=False and changes nothing.
        Raises CouponNotFound, CouponExhausted, CouponAlreadyUsed."""
        coupon = self.get(code, lock=True)
        existing = self.session.scalar(
            select(RedemptionRecord).where(RedemptionRecord.order_id == order_id)
        )
        if existing is not None and existing.status == "redeemed":
            return coupon, False
        if coupon.usage_limit is not None and coupon.times_used >= coupon.usage_limit:
            raise CouponExhausted(
                f"coupon {coupon.code} has been used up",
                {"code": coupon.code, "usage_limit": coupon.usage_limit},
            )
        if (
            coupon.per_customer_limit is not None
            and self.customer_uses(coupon.id, user_id) >= coupon.per_customer_limit
        ):
            raise CouponAlreadyUsed(
                f"coupon {coupon.code} already used",
                {"code": coupon.code, "per_customer_limit": coupon.per_customer_limit},
            )
        if existing is not None:
            existing.status = "redeemed"
            existing.coupon_id, existing.code, existing.user_id = coupon.id, coupon.code, user_id
        else:
            self.session.add(
                RedemptionRecord(
                    coupon_id=coupon.id, code=coupon.code, order_id=order_id, user_id=user_id
                )
            )
        coupon.times_used += 1
        self.session.flush()
        return coupon, True

    def release(self, order_id: str) -> bool:
        """Give back the use of a redemption; False when there was none live (idempotent)."""
        found = self.session.scalar(
            select(RedemptionRecord).where(RedemptionRecord.order_id == order_id)
        )
        if found is None:
            return False
        # Lock the coupon first, as redeem() does, so the two never wait on each other.
        self.session.scalar(
            select(CouponRecord.id).where(CouponRecord.id == found.coupon_id).with_for_update()
        )
        redemption = self.session.scalar(
            select(RedemptionRecord)
            .where(RedemptionRecord.order_id == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if redemption is None or redemption.status != "redeemed":
            return False
        redemption.status = "released"
        self.session.execute(
            update(CouponRecord)
            .where(CouponRecord.id == redemption.coupon_id, CouponRecord.times_used > 0)
            .values(times_used=CouponRecord.times_used - 1)
        )
        self.session.flush()
        return True
