"""Fixed-window rate limits in Redis, per client and route class (and per account on auth routes).

One round trip per check: INCR the window's counter and set its expiry only when it is new. A
public cached GET counts in the cache lookup's round trip instead (`ResponseCache.lookup`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from gateway.errors import RateLimited
from gateway.metrics import RATE_LIMITED

_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


@dataclass(frozen=True)
class Window:
    """The counter one request increments: its route class, key, lifetime (s) and the limit it
    is held to."""

    route_class: str
    key: str
    seconds: int
    limit: int
    ends_at: float


class RateLimiter:
    def __init__(self, redis_client, limits: dict[str, dict]):
        self.limits = limits
        self._script = redis_client.register_script(_SCRIPT)

    def hit(self, route_class: str, subject: str) -> None:
        """Count one request of `subject` (an IP or account) on `route_class`; raise
        `RateLimited` once the window's limit is exceeded."""
        window = self.window(route_class, subject)
        if window is not None:
            self.judge(window, self._script(keys=[window.key], args=[window.seconds]))

    def window(self, route_class: str, subject: str) -> Window | None:
        """The counter a request of `subject` on `route_class` increments; None when the class
        has no limit. For callers that count in a round trip of their own (`ResponseCache`)."""
        rule = self.limits.get(route_class)
        if not rule:
            return None
        limit, seconds = int(rule["limit"]), int(rule["window"])
        index = int(time.time() // seconds)
        key = f"rl:{route_class}:{subject}:{index}"
        return Window(route_class, key, seconds, limit, (index + 1) * seconds)

    @staticmethod
    def judge(window: Window, count: int) -> None:
        """Raise `RateLimited` (and count it in /metrics) when `count`, the counter after this
        request, is over the limit."""
        if count > window.limit:
            RATE_LIMITED.labels(window.route_class).inc()
            retry_after = max(1, int(window.ends_at - time.time() + 0.999))
            raise RateLimited(
                f"too many requests; retry in {retry_after}s",
                {"retryAfter": retry_after, "limit": window.limit, "window": window.seconds},
            )
