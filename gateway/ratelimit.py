"""Sliding-window rate limits in Redis, per client and route class, and per account where a route
declares it (`AccountLimit`).

A rule of config RATE_LIMITS, `{limit: L, window: W}`, means exactly what it says: a subject gets
at most L requests in ANY W seconds, and may send them all at once. The old fixed window let 2L
through around its edge (L just before, L just after); here, after L requests the next one waits
until the oldest of them has left the window.

Why not GCRA: with a burst equal to the limit, GCRA admits L at once and then one every W/L, which
is 2L - 1 within W seconds, the boundary burst again, only spread out; and any GCRA that holds L
per W keeps either its burst or its sustained rate well under L.

How: each subject's key is a hash of buckets of `W / BUCKETS` (bucket index -> "count:newest",
the time of its newest request). A bucket leaves the window when its newest request does, so no
request is ever forgotten early: no W seconds hold more than L. A request is admitted while the live
buckets hold fewer than L; a refusal answers exactly when the oldest buckets holding the excess
leave (`Retry-After`): W after a burst, never later than W, and a bucket's earlier requests wait for
its newest one (at most W / BUCKETS of slack each). Memory is at most BUCKETS + 1 fields per
subject whatever L is, and a check is one EVALSHA. A public cached GET runs the same Lua inside the
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

# The Lua both scripts share: `slide(key, limit, width_us, buckets, now_us)` counts one request in
# the hash at `key` and returns {1, bucket, remaining}, or refuses with {0, retry_after_us}.
# Numbers are µs since the epoch (< 2^53, exact in Lua's doubles); bucket indexes are formatted
# with %d because Lua prints numbers beyond 14 digits in exponent notation.
SLIDING_WINDOW_LUA = """
local function now_us(override)
  if override ~= nil and override ~= '' then return tonumber(override) end
  -- Redis server time, so gateway processes with skewed clocks agree. Writing after TIME is safe:
  -- Redis 7 replicates a script by its effects (the HSET it ran, with the values it computed),
  -- never by re-running it, so a replica or the AOF never reads its own clock.
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

-- the buckets of `key` whose newest request is still inside the window ending at `now`, oldest
-- first ({index, count, newest}), their total, and the fields of those that left it
local function buckets_of(key, since)
  local live, gone, total = {}, {}, 0
  local flat = redis.call('HGETALL', key)
  for i = 1, #flat, 2 do
    local count, newest = string.match(flat[i + 1], '^(%d+):(%d+)$')
    count, newest = tonumber(count), tonumber(newest)
    if newest <= since then
      gone[#gone + 1] = flat[i]
    else
      live[#live + 1] = {tonumber(flat[i]), count, newest}
      total = total + count
    end
  end
  table.sort(live, function(a, b) return a[1] < b[1] end)
  return live, total, gone
end

local function slide(key, limit, window, width, override)
  limit, window, width = tonumber(limit), tonumber(window), tonumber(width)
  local now = now_us(override)
  local live, total, gone = buckets_of(key, now - window)
  if #gone > 0 then redis.call('HDEL', key, unpack(gone)) end
  if total >= limit then
    -- the next request fits once the oldest buckets holding (total - limit + 1) requests have
    -- left the window, which a bucket does when its newest request does
    local excess = total - limit + 1
    for _, bucket in ipairs(live) do
      excess = excess - bucket[2]
      if excess <= 0 then return {0, bucket[3] + window - now} end
    end
    return {0, window}  -- a limit of 0: closed
  end
  local index = math.floor(now / width)
  local count, newest = 0, now
  local last = live[#live]
  if last and last[1] == index then
    count, newest = last[2], math.max(last[3], now)
  end
  local field = string.format('%d', index)
  redis.call('HSET', key, field, string.format('%d:%d', count + 1, newest))
  redis.call('PEXPIRE', key, math.ceil(window / 1000))
  return {1, field, limit - total - 1}
end
"""

# KEYS: the subject's hash; ARGV: limit, window (µs), bucket width (µs), now (µs, '' = Redis time)
_HIT = SLIDING_WINDOW_LUA + "return slide(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])"

# KEYS: the subject's hash; ARGV: the bucket a request was counted in. Takes that request back
# (the bucket keeps its newest time: it leaves the window no earlier than it would have).
_REFUND = """
local value = redis.call('HGET', KEYS[1], ARGV[1])
if not value then return end
local count, newest = string.match(value, '^(%d+):(%d+)$')
if tonumber(count) <= 1 then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], string.format('%d:%s', tonumber(count) - 1, newest))
end
"""


@dataclass(frozen=True)
class Limit:
    """What one request of a subject on a route class is held to: `limit` requests in any
    `window` seconds, counted in the hash at `key` in buckets of `width_us`."""

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
        self._refund(keys=[admission.limit.key], args=[admission.bucket])

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
    policy, wait = details["policy"], details["retryAfter"]
    return {
        "Retry-After": str(wait),
        "RateLimit-Policy": f'"{policy}";q={details["limit"]};w={details["window"]}',
        "RateLimit": f'"{policy}";r=0;t={wait}',
    }
