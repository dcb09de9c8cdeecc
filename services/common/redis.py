"""Redis for services and the gateway: one connection pool per container, made in `setup()`."""

from __future__ import annotations

import redis
from nameko.extensions import DependencyProvider, SharedExtension

from services.common.config import MAX_WORKERS, REDIS_URL


class RedisClient(SharedExtension):
    """The container's Redis client; entrypoints and dependencies share its pool."""

    _client: redis.Redis | None = None

    @property
    def client(self) -> redis.Redis:
        # Built on first use, not in setup(): nameko sets extensions up concurrently, so an
        # entrypoint's setup() may run before this one's. Building the client does not connect.
        if self._client is None:
            self._client = self._build()
        return self._client

    def _build(self) -> redis.Redis:
        # A blocking pool: the gateway touches Redis before a worker slot is taken (rate limits,
        # cache), so demand is not bounded by max_workers; past the pool size a caller waits for
        # a free connection (cooperatively, under eventlet) instead of failing with
        # MaxConnectionsError.
        workers = int(self.container.config.get(MAX_WORKERS, 10))
        pool = redis.BlockingConnectionPool.from_url(
            self.container.config[REDIS_URL],
            decode_responses=True,
            max_connections=max(64, workers * 2),
            timeout=5,
            socket_timeout=5,
            socket_connect_timeout=3,
            health_check_interval=30,
        )
        return redis.Redis(connection_pool=pool)

    def stop(self):
        if self._client is not None:
            self._client.close()

    def kill(self):
        self.stop()


class Redis(DependencyProvider):
    """Injects the container's `redis.Redis` client (decoded strings)."""

    shared = RedisClient()

    def get_dependency(self, worker_ctx):
        return self.shared.client
