"""The shared Redis client waits for a free connection instead of failing when demand exceeds
its pool: the gateway touches Redis before a worker slot bounds concurrency."""

from types import SimpleNamespace

import eventlet

from services.common.redis import RedisClient


def test_more_concurrent_commands_than_pooled_connections_all_complete(config, redis_client):
    shared = RedisClient()
    shared.container = SimpleNamespace(config={**config, "max_workers": 1})
    client = shared.client
    pool_size = client.connection_pool.max_connections
    callers = pool_size + 16

    def hold_a_connection(i):
        # BLPOP keeps its connection busy for the whole timeout
        return client.blpop(f"test:pool:{i}", timeout=0.3)

    pile = eventlet.GreenPile(callers)
    for i in range(callers):
        pile.spawn(hold_a_connection, i)
    results = list(pile)  # a MaxConnectionsError in any caller would be raised here

    assert results == [None] * callers
    shared.stop()


def test_replies_are_parsed_by_hiredis(config):
    # pyproject pins hiredis: without it redis-py falls back to its pure-Python parser, about
    # three times the client CPU per cart read (docs/benchmarks.md)
    from redis._parsers import _HiredisParser

    shared = RedisClient()
    shared.container = SimpleNamespace(config=config)
    connection = shared.client.connection_pool.get_connection()
    try:
        assert isinstance(connection._parser, _HiredisParser)
    finally:
        shared.client.connection_pool.release(connection)
        shared.stop()
