"""Sliding-window rate limits in Redis, per client and route class, and per account where a route
declares it (`AccountLimit`).

A rule of config RATE_LIMITS, `{limit: L, window: W}`, means exactly what it says: a subject gets
at most L requests in ANY W seconds, and may send them all at once. The old fixed window let 2L
through around its edge (L just before, L just after); here, after L requests the next one waits
until the oldest of them has left the window.

Why not GCRA: with a burst equal to the limit, GCRA admits L at once and then one every W/L, which
is 2L - 1 within W seconds, the boundary burst again, only spread out; and any GCRA that holds L
per W keeps either its burst or its sustained rate well under L.

How: each subject's key holds its requests in buckets of `W / BUCKETS`, each a count and the time
of its newest request. A bucket leaves the window when its newest request does, so no request is
ever forgotten early: no W seconds hold more than L. A request is admitted while the live buckets
hold fewer than L; a refusal answers exactly when the oldest buckets holding the excess leave
(`Retry-After`): W after a burst, never later than W, and a bucket's earlier requests wait for its
newest one (at most W / BUCKETS of slack each). Memory is at most BUCKETS + 1 buckets per subject
whatever L is, and a check is one EVALSHA. A public cached GET runs the same Lua inside the
response cache's lookup (`gateway/cache.py`), still one round trip.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.errors import RateLimited
from gateway.metrics import RATE_LIMITED
from services.accounts.domain import normalise_email

BUCKETS = 20

# The Lua both scripts share: `slide(key, limit, window_us, width_us, now_us)` counts one request
# of the subject at `key` and returns {1, bucket, remaining}, or refuses with {0, retry_after_us}.
# The value is one MessagePack array, {count, newest, count, newest, ...}, oldest bucket first (a
# bucket's index is its newest request's time // width): one GET and one SET, unpacked in C, costs
# about half of a hash of "count:newest" fields parsed in Lua (docs/benchmarks.md). Times are µs
# since the epoch (< 2^53: exact in Lua's doubles and as MessagePack integers).
SLIDING_WINDOW_LUA = """
local function now_us(override)
  if override ~= nil and override ~= '' then return tonumber(override) end
  -- Redis server time, so gateway processes with skewed clocks agree. Writing after TIME is safe:
  -- Redis 7 replicates a script by its effects (the SET it ran, with the value it computed),
  -- never by re-running it, so a replica or the AOF never reads its own clock.
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local function slide(key, limit, window, width, override)
  limit, window, width = tonumber(limit), tonumber(window), tonumber(width)
  local now = now_us(override)
  local packed = redis.call('GET', key)
  local b = packed and cmsgpack.unpack(packed) or {}
  local n, first, total = #b, 1, 0
  -- a bucket has left the window when its newest request has
  while first < n and b[first + 1] <= now - window do first = first + 2 end
  for i = first, n, 2 do total = total + b[i] end
  if total >= limit then
    -- the next request fits once the oldest buckets holding (total - limit + 1) have left
    local excess = total - limit + 1
    for i = first, n, 2 do
      excess = excess - b[i]
      if excess <= 0 then return {0, b[i + 1] + window - now} end
    end
    return {0, window}  -- a limit of 0: closed
  end
  if first > 1 then
    local live = {}
    for i = first, n do live[#live + 1] = b[i] end
    b, n = live, #live
  end
  local index = math.floor(now / width)
  if n > 0 and math.floor(b[n] / width) == index then
    b[n - 1] = b[n - 1] + 1
    if now > b[n] then b[n] = now end
  else
    b[n + 1], b[n + 2] = 1, now
  end
  redis.call('SET', key, cmsgpack.pack(b), 'PX', math.ceil(window / 1000))
  return {1, index, limit - total - 1}
end
"""

# KEYS: the subject's key; ARGV: limit, window (µs), bucket width (µs), now (µs, '' = Redis time)
_HIT = SLIDING_WINDOW_LUA + "return slide(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])"

# KEYS: the subject's key; ARGV: the bucket a request was counted in, the bucket width (µs). Takes
# that request back; the bucket keeps its newest time (it leaves no earlier than it would have).
_REFUND = """
local packed = redis.call('GET', KEYS[1])
if not packed then return end
local b = cmsgpack.unpack(packed)
local index, width = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = #b - 1, 1, -2 do
  if math.floor(b[i + 1] / width) == index then
    b[i] = b[i] - 1
    if b[i] <= 0 then
      table.remove(b, i)
      table.remove(b, i)
    end
    if #b == 0 then
      redis.call('DEL', KEYS[1])
    else
      redis.call('SET', KEYS[1], cmsgpack.pack(b), 'KEEPTTL')
    end
    return
  end
end
"""


@dataclass(frozen=True)
class Limit:
    """What one request of a subject on a route class is held to: `limit` requests in any
    `window` seconds, counted at `key` in buckets of `width_us`."""

    route_class: str
    key: str
    limit: int
    window: int
    width_us: int
    scope: str  # "client" or "account", for the refusal's message

    def args(self, now_us: int | None = None) -> list:
        """The script arguments of a check (`now_us` None: Redis server time)."""
        window = self.window * 1_000_000
        return [self.limit, window, self.width_us, "" if now_us is None else now_us]


@dataclass(frozen=True)
class Admission:
    """An admitted request: the bucket it was counted in and how many more fit right now."""

    limit: Limit
    bucket: str
    remaining: int


@dataclass(frozen=True)
class AccountLimit:
    """A route's limit per account, the normalised `email` of its body, whatever the client's
    address: `route_class` names the rule in RATE_LIMITS. With `counts`, only attempts that end in
    one of those exceptions stay counted (a successful sign-in is taken back); without, every
    attempt counts."""

    route_class: str
    counts: tuple[type[BaseException], ...] | None = None


def account_subject(email: str) -> str:
    """The subject of an account's limit: a digest of its normalised email, so keys hold no
    address and have a bounded length."""
    digest = hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]
    return f"account:{digest}"


class RateLimiter:
    def __init__(
        self, redis_client, limits: dict[str, dict], clock: Callable[[], int] | None = None
    ):
        """`limits`: config RATE_LIMITS. `clock` (µs since the epoch) replaces Redis server time,
        for tests that place requests on both sides of a window's edge."""
        self.limits = limits
        self.clock = clock
        self._hit = redis_client.register_script(_HIT)
        self._refund = redis_client.register_script(_REFUND)

    def now_us(self) -> int | None:
        return self.clock() if self.clock is not None else None

    def limit(self, route_class: str, subject: str) -> Limit | None:
        """What a request of `subject` (an IP or account) on `route_class` is held to; None when
        the class has no rule. Also for callers that check in a round trip of their own
        (`ResponseCache.lookup`)."""
        rule = self.limits.get(route_class)
        if not rule:
            return None
        limit, window = int(rule["limit"]), int(rule["window"])
        width = math.ceil(window * 1_000_000 / BUCKETS)
        scope = "account" if subject.startswith("account:") else "client"
        return Limit(route_class, f"rl:{route_class}:{subject}", limit, window, width, scope)

    def hit(self, route_class: str, subject: str) -> Admission | None:
        """Count one request of `subject` on `route_class` (one round trip); raise `RateLimited`
        when the window already holds its limit."""
        limit = self.limit(route_class, subject)
        if limit is None:
            return None
        return self.judge(limit, self._hit(keys=[limit.key], args=limit.args(self.now_us())))

    def refund(self, admission: Admission) -> None:
        """Take back an admitted request (one that turned out not to count)."""
        self._refund(keys=[admission.limit.key], args=[admission.bucket, admission.limit.width_us])

    def attempt(self, rule: AccountLimit, body: dict, run: Callable[[], Any]):
        """Run `run()` (the route's method) as one attempt on the account `body["email"]` names:
        refused with `RateLimited` before it runs when the account's window is full, and taken
        back afterwards unless it raised one of `rule.counts`. Counting first keeps concurrent
        attempts from overtaking the limit while the first ones are still being verified."""
        email = body.get("email") if isinstance(body, dict) else None
        admission = self.hit(rule.route_class, account_subject(email)) if email else None
        if admission is None or rule.counts is None:
            return run()
        try:
            result = run()
        except BaseException as exc:
            if not isinstance(exc, rule.counts):
                self.refund(admission)
            raise
        self.refund(admission)
        return result

    @staticmethod
    def judge(limit: Limit, verdict: list) -> Admission:
        """The admission the script's `verdict` grants, or `RateLimited` (counted in /metrics)
        saying when the next request will fit: whole seconds, rounded up, at least 1."""
        if int(verdict[0]) == 1:
            return Admission(limit, str(verdict[1]), int(verdict[2]))
        RATE_LIMITED.labels(limit.route_class).inc()
        retry_after = max(1, math.ceil(int(verdict[1]) / 1_000_000))
        raise RateLimited(
            f"too many requests for this {limit.scope}; retry in {retry_after}s",
            {
                "retryAfter": retry_after,
                "limit": limit.limit,
                "window": limit.window,
                "scope": limit.scope,
                "policy": limit.route_class,
            },
        )


def refusal_headers(details: dict) -> dict[str, str]:
    """The headers of a 429 (`RateLimited.details`): Retry-After, and the same answer in the
    IETF draft's fields (draft-ietf-httpapi-ratelimit-headers: the policy's quota `q` per `w`
    seconds, none remaining `r`, `t` seconds until the next request fits)."""
    wait, policy = details["retryAfter"], details.get("policy")
    if policy is None:  # a refusal raised elsewhere than `RateLimiter.judge`
        return {"Retry-After": str(wait)}
    return {
        "Retry-After": str(wait),
        "RateLimit-Policy": f'"{policy}";q={details["limit"]};w={details["window"]}',
        "RateLimit": f'"{policy}";r=0;t={wait}',
    }
