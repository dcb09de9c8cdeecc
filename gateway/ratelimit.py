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
# The key is a hash: `n`, `t` the newest bucket's count and newest request; `past` the older
# buckets, a MessagePack array {count, newest, ...} oldest first; `sum` their total and `head` the
# newest request of the oldest (when it leaves). A request in the newest bucket reads and writes
# only the small fields; `past` is unpacked when a bucket closes or leaves the window (once a
# bucket width per subject) or for a refusal's Retry-After. A bucket's index is its newest
# request's time // width. Times are µs since the epoch (< 2^53: exact in Lua's doubles and as
# MessagePack integers).
SLIDING_WINDOW_LUA = """
local function now_us(override)
  if override ~= nil and override ~= '' then return tonumber(override) end
  -- Redis server time, so gateway processes with skewed clocks agree. Writing after TIME is safe:
  -- Redis 7 replicates a script by its effects (the HSET it ran, with the values it computed),
  -- never by re-running it, so a replica or the AOF never reads its own clock.
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

-- the older buckets still inside the window (their newest request after `since`)
local function live_past(key, since)
  local packed = redis.call('HGET', key, 'past')
  local b = packed and cmsgpack.unpack(packed) or {}
  local first = 1
  while first < #b and b[first + 1] <= since do first = first + 2 end
  if first == 1 then return b end
  local live = {}
  for i = first, #b do live[#live + 1] = b[i] end
  return live
end

local function save_past(key, b)
  if #b == 0 then
    redis.call('HDEL', key, 'past', 'sum', 'head')
    return
  end
  local sum = 0
  for i = 1, #b, 2 do sum = sum + b[i] end
  redis.call('HSET', key, 'past', cmsgpack.pack(b), 'sum', sum, 'head', string.format('%d', b[2]))
end

local function slide(key, limit, window, width, override)
  limit, window, width = tonumber(limit), tonumber(window), tonumber(width)
  local now = now_us(override)
  local since = now - window
  local index = math.floor(now / width)
  local f = redis.call('HMGET', key, 'n', 't', 'sum', 'head')
  local n, t = tonumber(f[1]) or 0, tonumber(f[2]) or 0
  local sum, head = tonumber(f[3]) or 0, tonumber(f[4])
  local past = nil  -- loaded only when it changes or a refusal needs it
  if t <= since then  -- the newest request has left: all have
    if head then past = {} end
    n, sum = 0, 0
  elseif head and head <= since then
    past = live_past(key, since)
    sum = 0
    for i = 1, #past, 2 do sum = sum + past[i] end
  end
  if sum + n >= limit then
    -- the next request fits once the oldest buckets holding (total - limit + 1) have left the
    -- window, which a bucket does when its newest request does
    local b = past or live_past(key, since)
    if n > 0 then b[#b + 1], b[#b + 2] = n, t end
    local excess = sum + n - limit + 1
    for i = 1, #b, 2 do
      excess = excess - b[i]
      if excess <= 0 then return {0, b[i + 1] + window - now} end
    end
    return {0, window}  -- a limit of 0: closed
  end
  if n > 0 and math.floor(t / width) ~= index then  -- the newest bucket closes
    past = past or live_past(key, since)
    past[#past + 1], past[#past + 2] = n, t
    sum, n = sum + n, 0
  end
  if past then save_past(key, past) end
  if now > t then t = now end
  redis.call('HSET', key, 'n', n + 1, 't', string.format('%d', t))
  redis.call('PEXPIRE', key, math.ceil(window / 1000))
  return {1, index, limit - sum - n - 1}
end
"""

# KEYS: the subject's key; ARGV: limit, window (µs), bucket width (µs), now (µs, '' = Redis time)
_HIT = SLIDING_WINDOW_LUA + "return slide(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])"

# KEYS: the subject's key; ARGV: the bucket a request was counted in, the bucket width (µs). Takes
# that request back; the bucket keeps its newest time (it leaves no earlier than it would have).
_TAKE_BACK = """
local index, width = tonumber(ARGV[1]), tonumber(ARGV[2])
local f = redis.call('HMGET', KEYS[1], 'n', 't')
local n, t = tonumber(f[1]), tonumber(f[2])
if n and n > 0 and math.floor(t / width) == index then
  redis.call('HSET', KEYS[1], 'n', n - 1)
  return
end
local packed = redis.call('HGET', KEYS[1], 'past')
if not packed then return end
local b = cmsgpack.unpack(packed)
for i = 1, #b, 2 do
  if math.floor(b[i + 1] / width) == index then
    b[i] = b[i] - 1
    if b[i] <= 0 then
      table.remove(b, i)
      table.remove(b, i)
    end
    save_past(KEYS[1], b)
    return
  end
end
"""
_REFUND = SLIDING_WINDOW_LUA + _TAKE_BACK


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
