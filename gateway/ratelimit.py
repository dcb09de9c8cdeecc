"""Fixed-window rate limits in Redis, per client and route class (and per account on auth routes).

One round trip per check: INCR the window's counter and set its expiry only when it is new.
"""

from __future__ import annotations

import time

from gateway.errors import RateLimited

_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class RateLimiter:
    def __init__(self, redis_client, limits: dict[str, dict]):
        self.limits = limits
        self._script = redis_client.register_script(_SCRIPT)

    def hit(self, route_class: str, subject: str) -> None:
        """Count one request of `subject` (an IP or account) on `route_class`; raise
        `RateLimited` once the window's limit is exceeded."""
        rule = self.limits.get(route_class)
        if not rule:
            return
        limit, window = int(rule["limit"]), int(rule["window"])
        now = time.time()
        index = int(now // window)
        count = self._script(keys=[f"rl:{route_class}:{subject}:{index}"], args=[window])
        if count > limit:
            retry_after = max(1, int((index + 1) * window - now + 0.999))
            raise RateLimited(
                f"too many requests; retry in {retry_after}s",
                {"retryAfter": retry_after, "limit": limit, "window": window},
            )
