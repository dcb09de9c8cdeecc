"""The carts in Redis (`RedisCarts`, the `CartStorage` of the use cases): atomic Lua scripts,
registered once per container (`register_scripts`, which registers the snapshots' too).

Redis keys (all owned by the cart service, prefix `cart:`):
  cart:<cart_id>        hash: user_id, created_at, coupon, seq, touched (an owned cart: epoch
                        seconds of its owner's last change), and per line
                        q:<product_id> quantity, p:<product_id> unit price when last set,
                        s:<product_id> position (order in which lines were added)
  cart:user:<user_id>   the id of the user's one active cart
  cart:touched          sorted set, owned carts with lines only: cart id -> mark, the epoch
                        second from which its idle time counts (its last change, or later once
                        the reminder sweeper postponed it); the `ReminderIndex`
  cart:reminder:lock    the reminder sweep running now (`SET NX EX`, token; deleted at its end)
  cart:event:<id>       an `order_confirmed` event that emptied its cart (kept 7 days)
  cart:product:<id>, cart:stock:<id>   product and stock snapshots (`snapshots.py`)
The cart and its user index expire after the cart's TTL, refreshed together whenever the cart is
read or changed. Every change is one Lua script, so concurrent changes to one cart never lose an
update; the scripts that change an owned cart keep `cart:touched` in the same call (no extra
round trip): a change marks it, the last line removed, clearing and deleting take it out,
reading leaves it alone. Guest carts are never in it. A member whose cart expired stays until
the sweeper peeks at it and finds it gone; a cart last changed before the index existed joins it
at its next change (there is no backfill).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from services.cart import snapshots
from services.cart.domain import (
    Cart,
    CartLine,
    CartSettings,
    CartStorage,
    IndexedCart,
    PricingSettings,
    ReminderIndex,
)
from services.cart.exceptions import CartItemNotFound, CartNotFound
from services.cart.snapshots import ProductSnapshots
from services.common.clock import iso, utcnow

PREFIX = "cart:"
TOUCHED = f"{PREFIX}touched"
SWEEP_LOCK = f"{PREFIX}reminder:lock"
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

# KEYS[1] the cart, KEYS[2] the reminder index. mode add: quantity += n; mode set: quantity = n
# (the line must exist). The new quantity must not exceed ARGV[4] (min of per-line maximum and
# stock). ARGV[7] now (epoch s), ARGV[8] the cart id: an owned cart is marked in the index.
# Returns {status, quantity, cart hash}: 1 done, -1 no cart, -2 over the limit (quantity =
# current), -3 no such line.
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
local owner = redis.call('HGET', KEYS[1], 'user_id')
if owner and owner ~= '' then
  redis.call('HSET', KEYS[1], 'touched', ARGV[7])
  redis.call('ZADD', KEYS[2], ARGV[7], ARGV[8])
end
return {1, wanted, redis.call('HGETALL', KEYS[1])}
"""

# Lua shared by the scripts that keep the index (KEYS[1] the cart, KEYS[2] the index): an owned
# cart with lines is marked at `now`, one without lines taken out; a guest cart is left alone.
_MARK = """
local function has_lines(key)
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if string.sub(field, 1, 2) == 'q:' then return true end
  end
  return false
end
local function mark(key, index, cart_id, now)
  local owner = redis.call('HGET', key, 'user_id')
  if not owner or owner == '' then return end
  if has_lines(key) then
    redis.call('HSET', key, 'touched', now)
    redis.call('ZADD', index, now, cart_id)
  else
    redis.call('ZREM', index, cart_id)
  end
end
"""

# ARGV: product id, ttl, now, cart id. Returns the number of fields removed (0: no such line,
# nothing changed), -1 no cart.
_REMOVE_LINE = (
    _MARK
    + """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local removed = redis.call('HDEL', KEYS[1], 'q:' .. ARGV[1], 'p:' .. ARGV[1], 's:' .. ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
if removed > 0 then mark(KEYS[1], KEYS[2], ARGV[4], ARGV[3]) end
return removed
"""
)

# Sets (ARGV[1] non-empty) or clears the coupon field of an existing cart. ARGV: code, ttl, now,
# cart id; a cart with lines is marked (a coupon is a change its owner made).
_SET_COUPON = (
    _MARK
    + """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[1] == '' then redis.call('HDEL', KEYS[1], 'coupon')
else redis.call('HSET', KEYS[1], 'coupon', ARGV[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
mark(KEYS[1], KEYS[2], ARGV[4], ARGV[3])
return 1
"""
)

# Removes every line and the coupon; the cart itself stays, out of the index (KEYS[2]; ARGV[1] the
# cart id). With KEYS[3] (an event's marker), only once per event: a marker already set means
# this event emptied the cart before (0), and lines added since must stay. ARGV[2] is the
# marker's lifetime.
_CLEAR = """
if KEYS[3] then
  if redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[2]) == false then return 0 end
end
redis.call('ZREM', KEYS[2], ARGV[1])
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

# KEYS[1] guest cart, KEYS[2] user cart, KEYS[3] the index. ARGV: ttl, coupon ('' = none), now,
# user cart id, then product id / cap pairs. Each guest line is added to the user's, the sum
# capped at the product's cap (never lowering a quantity the user already had); the coupon is
# set if the user cart has none; the guest cart is deleted; the user cart is marked (if it has
# lines). Returns 0 when there was no guest cart (nothing to do), else 1.
_MERGE = (
    _MARK
    + """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local caps = {}
for i = 5, #ARGV, 2 do caps[ARGV[i]] = tonumber(ARGV[i + 1]) end
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
mark(KEYS[2], KEYS[3], ARGV[4], ARGV[3])
return 1
"""
)

# KEYS[1] the cart, KEYS[2] the index; ARGV: the user index prefix, the cart id.
_DELETE = """
local owner = redis.call('HGET', KEYS[1], 'user_id')
if owner and owner ~= '' and redis.call('GET', ARGV[1] .. owner) == ARGV[2] then
  redis.call('DEL', ARGV[1] .. owner)
end
redis.call('ZREM', KEYS[2], ARGV[2])
return redis.call('DEL', KEYS[1])
"""

# The sweeper's look at a cart of the index: {mark (false when not in the index), cart hash}, no
# time to live refreshed. KEYS[1] the cart, KEYS[2] the index; ARGV[1] the cart id.
_PEEK = """
return {redis.call('ZSCORE', KEYS[2], ARGV[1]), redis.call('HGETALL', KEYS[1])}
"""

# The sweeper moves a cart's mark to ARGV[3] ('' takes it out), only if it is still ARGV[2], the
# mark it peeked: a change since then marked it anew and wins. KEYS[1] the index; ARGV[1] the
# cart id. Returns 1 when changed, 0 when not.
_RESCHEDULE = """
local mark = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not mark or tonumber(mark) ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[1])
else redis.call('ZADD', KEYS[1], 'XX', ARGV[3], ARGV[1]) end
return 1
"""

# Ends a sweep's claim (KEYS[1]) only if it is still this worker's (ARGV[1], its token): a claim
# that lapsed and was taken by another sweep is theirs.
_END_SWEEP = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class StoredCart(Cart):
    """A cart as read from Redis (its hash's fields); it expires `ttl` seconds from now."""

    def __init__(self, cart_id: str, data: dict[str, str], ttl: int):
        super().__init__(
            id=cart_id,
            user_id=data.get("user_id") or None,
            coupon_code=data.get("coupon") or None,
            created_at=data.get("created_at"),
            expires_at=iso(utcnow() + timedelta(seconds=ttl)),
            lines=[
                CartLine(
                    product_id=field[2:],
                    quantity=int(value),
                    price_at_add=int(data.get("p:" + field[2:], 0)),
                    position=int(data.get("s:" + field[2:], 0)),
                )
                for field, value in data.items()
                if field.startswith("q:")
            ],
        )


class RedisCarts(CartStorage, ReminderIndex):
    """The carts in Redis, and their reminder index; every change is atomic (one Lua script).
    `products` holds the snapshots on the same client, `settings` and `pricing` the `CART` and
    `PRICING` config; `clock` gives the time the index marks a change with."""

    def __init__(
        self,
        client,
        scripts: dict[str, Any],
        settings: CartSettings,
        pricing: PricingSettings,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.client = client
        self.scripts = scripts
        self.settings = settings
        self.pricing = pricing
        self.clock = clock
        self.products = ProductSnapshots(client, scripts, settings.product_cache_ttl)
        self._sweep_token: str | None = None

    @staticmethod
    def key(cart_id: str) -> str:
        return f"{PREFIX}{cart_id}"

    @staticmethod
    def user_key(user_id: str) -> str:
        return f"{PREFIX}user:{user_id}"

    def _ttl(self, user_id: str | None) -> int:
        return self.settings.ttl_for(user_id)

    def _now(self) -> int:
        """The index's marks are whole epoch seconds."""
        return int(self.clock().timestamp())

    def create(self) -> StoredCart:
        cart_id = str(uuid.uuid4())
        now = iso(utcnow())
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
                iso(utcnow()),
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
        self, cart: Cart, product_id: str, quantity: int, limit: int, price: int, add: bool
    ) -> tuple[int, int, Cart]:
        """Add `quantity` units (add=True) or set the line to `quantity`; the result must not
        exceed `limit`. Returns (status, quantity) as the `_SET_LINE` script does, and the cart
        as it is after the change (one round trip)."""
        status, current, flat = self.scripts["set_line"](
            keys=[self.key(cart.id), TOUCHED],
            args=[
                product_id,
                "add" if add else "set",
                quantity,
                limit,
                price,
                self._ttl(cart.user_id),
                self._now(),
                cart.id,
            ],
        )
        if status == -1:
            raise CartNotFound("cart not found", {"cart_id": cart.id})
        if status == -3:
            raise CartItemNotFound(
                "the cart has no such item", {"cart_id": cart.id, "product_id": product_id}
            )
        return int(status), int(current), self._stored(cart.id, flat)

    def remove_line(self, cart: Cart, product_id: str) -> None:
        removed = self.scripts["remove_line"](
            keys=[self.key(cart.id), TOUCHED],
            args=[product_id, self._ttl(cart.user_id), self._now(), cart.id],
        )
        if removed == -1:
            raise CartNotFound("cart not found", {"cart_id": cart.id})
        if removed == 0:
            raise CartItemNotFound(
                "the cart has no such item", {"cart_id": cart.id, "product_id": product_id}
            )

    def set_coupon(self, cart: Cart, code: str | None) -> None:
        done = self.scripts["set_coupon"](
            keys=[self.key(cart.id), TOUCHED],
            args=[code or "", self._ttl(cart.user_id), self._now(), cart.id],
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
            return self.scripts["clear"](keys=[self.key(cart_id), TOUCHED], args=[cart_id]) == 1
        marker = f"{PREFIX}event:{event_id}"
        return (
            self.scripts["clear"](
                keys=[self.key(cart_id), TOUCHED, marker], args=[cart_id, EVENT_MARKER_TTL]
            )
            == 1
        )

    def delete(self, cart_id: str) -> bool:
        if not _plausible_id(cart_id):
            return False
        return bool(
            self.scripts["delete"](
                keys=[self.key(cart_id), TOUCHED], args=[f"{PREFIX}user:", cart_id]
            )
        )

    def merge(
        self, guest_id: str, user_cart_id: str, caps: dict[str, int], coupon: str | None
    ) -> bool:
        """Fold the guest cart into the user's and delete it; False when the guest cart was
        already gone (a repeated merge changes nothing)."""
        args: list[Any] = [self.settings.user_ttl, coupon or "", self._now(), user_cart_id]
        for product_id, cap in caps.items():
            args += [product_id, cap]
        result = self.scripts["merge"](
            keys=[self.key(guest_id), self.key(user_cart_id), TOUCHED], args=args
        )
        if result == -1:
            raise CartNotFound("cart not found", {"cart_id": user_cart_id})
        return result == 1

    # -- the reminder index (`ReminderIndex`) ---------------------------------------------------

    def claim_sweep(self, seconds: int) -> bool:
        token = str(uuid.uuid4())
        if not self.client.set(SWEEP_LOCK, token, nx=True, ex=max(1, int(seconds))):
            return False
        self._sweep_token = token
        return True

    def end_sweep(self) -> None:
        if self._sweep_token is not None:
            self.scripts["end_sweep"](keys=[SWEEP_LOCK], args=[self._sweep_token])
            self._sweep_token = None

    def idle_since(self, before: datetime, limit: int) -> list[str]:
        return self.client.zrangebyscore(
            TOUCHED, "-inf", int(before.timestamp()), start=0, num=limit
        )

    def peek(self, cart_ids: Sequence[str]) -> list[IndexedCart]:
        """One round trip for the batch (the `_PEEK` scripts pipelined, not as a transaction:
        each is atomic on its own cart, and that is all a decision needs)."""
        ids = [cart_id for cart_id in cart_ids if _plausible_id(cart_id)]
        if not ids:
            return []
        pipe = self.client.pipeline(transaction=False)
        for cart_id in ids:
            self.scripts["peek"](keys=[self.key(cart_id), TOUCHED], args=[cart_id], client=pipe)
        return [
            self._indexed(cart_id, mark, flat)
            for cart_id, (mark, flat) in zip(ids, pipe.execute(), strict=True)
        ]

    def _indexed(self, cart_id: str, mark: Any, flat: list) -> IndexedCart:
        if not mark:
            return IndexedCart(cart_id, None)
        if not flat:
            return IndexedCart(cart_id, int(float(mark)))
        cart = self._stored(cart_id, flat)
        touched = dict(zip(flat[::2], flat[1::2], strict=True)).get("touched") or mark
        return IndexedCart(
            cart_id, int(float(mark)), cart, datetime.fromtimestamp(int(float(touched)), UTC)
        )

    def reschedule(self, entry: IndexedCart, mark: datetime) -> bool:
        return self._move(entry, str(int(mark.timestamp())))

    def forget(self, entry: IndexedCart) -> bool:
        return self._move(entry, "")

    def _move(self, entry: IndexedCart, mark: str) -> bool:
        if entry.mark is None:
            return False
        return (
            self.scripts["reschedule"](keys=[TOUCHED], args=[entry.cart_id, entry.mark, mark]) == 1
        )


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
    "peek": _PEEK,
    "reschedule": _RESCHEDULE,
    "end_sweep": _END_SWEEP,
    **snapshots.SCRIPTS,
}


def register_scripts(client) -> dict[str, Any]:
    """The Lua scripts `RedisCarts` and `ProductSnapshots` run, registered with the client (sent
    once, then by digest)."""
    return {name: client.register_script(source) for name, source in SCRIPTS.items()}
