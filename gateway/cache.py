"""Response cache for public GETs, invalidated by bumping a namespace generation.

A cached body lives under `cache:<ns>:<generation>:<path>?<query>`. Events that change what a
namespace shows (a product's price, a stock level) `INCR` its generation, so every older entry stops
being read at once, and TTL reclaims them. A lookup is one round trip (a Lua script), which also
counts the request against its rate limit when asked to.
"""

from __future__ import annotations

from gateway.metrics import CACHE_LOOKUPS
from gateway.ratelimit import RateLimiter, Window

# KEYS: the namespace's generation[, a rate-limit counter]; ARGV: key prefix, resource[, the
# counter's lifetime]. Returns {generation, body or nil[, count]}.
_GET = """
local count = false
if KEYS[2] then
  count = redis.call('INCR', KEYS[2])
  if count == 1 then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
end
local gen = redis.call('GET', KEYS[1]) or '0'
return {gen, redis.call('GET', ARGV[1] .. gen .. ':' .. ARGV[2]), count}
"""


class ResponseCache:
    def __init__(self, redis_client, ttl: int):
        self.redis = redis_client
        self.ttl = ttl
        self._get = redis_client.register_script(_GET)

    def lookup(
        self, namespace: str, resource: str, window: Window | None = None
    ) -> tuple[str, str | None]:
        """(generation, cached body or None). With a rate-limit `window`, its counter is
        incremented in the same round trip and judged (`RateLimited`) before anything returns:
        a public read costs one Redis call, hit or miss."""
        keys, args = [f"cache:gen:{namespace}"], [f"cache:{namespace}:", resource]
        if window is not None:
            keys.append(window.key)
            args.append(window.seconds)
        generation, body, *counted = self._get(keys=keys, args=args)
        if window is not None:
            RateLimiter.judge(window, counted[0])
        CACHE_LOOKUPS.labels(
            namespace=namespace, result="hit" if body is not None else "miss"
        ).inc()
        return generation, body

    def store(self, namespace: str, generation: str, resource: str, body: str) -> None:
        self.redis.set(f"cache:{namespace}:{generation}:{resource}", body, ex=self.ttl)

    def invalidate(self, *namespaces: str) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for namespace in namespaces:
            pipe.incr(f"cache:gen:{namespace}")
        pipe.execute()
