"""Response cache for public GETs, invalidated by bumping a namespace generation.

A cached body lives under `cache:<ns>:<generation>:<path>?<query>`. Events that change what a
namespace shows (a product's price, a stock level) `INCR` its generation, so every older entry stops
being read at once, and TTL reclaims them. A lookup is one round trip (a Lua script), which also
counts the request against its rate limit when asked to.
"""

from __future__ import annotations

from gateway.metrics import CACHE_LOOKUPS
from gateway.ratelimit import SLIDING_WINDOW_LUA, Limit, RateLimiter

# KEYS: the namespace's generation[, a rate-limit key]; ARGV: key prefix, resource[, the limit's
# script arguments (`Limit.args`)]. Returns {generation, body or nil, the limit's verdict or nil};
# a refused request reads no body (false, not nil, keeps the reply's later elements).
_LOOKUP = """
local verdict = false
if KEYS[2] then
  verdict = slide(KEYS[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
  if verdict[1] == 0 then return {false, false, verdict} end
end
local gen = redis.call('GET', KEYS[1]) or '0'
return {gen, redis.call('GET', ARGV[1] .. gen .. ':' .. ARGV[2]), verdict}
"""
_GET = SLIDING_WINDOW_LUA + _LOOKUP


class ResponseCache:
    def __init__(self, redis_client, ttl: int):
        self.redis = redis_client
        self.ttl = ttl
        self._get = redis_client.register_script(_GET)

    def lookup(
        self, namespace: str, resource: str, limit: Limit | None = None, now_us: int | None = None
    ) -> tuple[str, str | None]:
        """(generation, cached body or None). With a rate `limit`, the request is counted
        against it in the same round trip and judged (`RateLimited`) before anything returns: a
        public read costs one Redis call, hit or miss. `now_us`: see `RateLimiter.now_us`."""
        keys, args = [f"cache:gen:{namespace}"], [f"cache:{namespace}:", resource]
        if limit is not None:
            keys.append(limit.key)
            args.extend(limit.args(now_us))
        generation, body, verdict = self._get(keys=keys, args=args)
        if limit is not None:
            RateLimiter.judge(limit, verdict)
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
