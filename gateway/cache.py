"""Response cache for public GETs, invalidated by bumping a namespace generation.

A cached body lives under `cache:<ns>:<generation>:<path>?<query>`. Events that change what a
namespace shows (a product's price, a stock level) `INCR` its generation, so every older entry stops
being read at once, and TTL reclaims them. A lookup is one round trip (a Lua script).
"""

from __future__ import annotations

from gateway.metrics import CACHE_LOOKUPS

_GET = """
local gen = redis.call('GET', KEYS[1]) or '0'
return {gen, redis.call('GET', ARGV[1] .. gen .. ':' .. ARGV[2])}
"""


class ResponseCache:
    def __init__(self, redis_client, ttl: int):
        self.redis = redis_client
        self.ttl = ttl
        self._get = redis_client.register_script(_GET)

    def lookup(self, namespace: str, resource: str) -> tuple[str, str | None]:
        """(generation, cached body or None)."""
        generation, body = self._get(
            keys=[f"cache:gen:{namespace}"], args=[f"cache:{namespace}:", resource]
        )
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
