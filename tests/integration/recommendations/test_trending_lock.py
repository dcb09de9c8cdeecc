"""The trending lock on real Redis: one recompute at a time across instances, free again as soon
as the holder is done (the next tick must not find it taken), and lapsing if the holder dies."""

import time

from services.recommendations.views import (
    TRENDING_LOCK_KEY,
    RedisViewHistory,
    ViewSettings,
    register_scripts,
)


def views(client):
    return RedisViewHistory(client, register_scripts(client), ViewSettings())


def test_one_turn_at_a_time_and_free_once_done(redis_client):
    one, other = views(redis_client), views(redis_client)
    with one.trending_turn(60) as mine:
        assert mine
        with other.trending_turn(60) as theirs:
            assert not theirs  # another instance during the recompute
    assert not redis_client.exists(TRENDING_LOCK_KEY)
    for _ in range(2):  # consecutive ticks both get their turn
        with one.trending_turn(60) as mine:
            assert mine


def test_a_dead_holders_turn_lapses(redis_client):
    one, other = views(redis_client), views(redis_client)
    lock = redis_client.lock(TRENDING_LOCK_KEY, timeout=1)  # a holder that never releases
    assert lock.acquire(blocking=False)
    with other.trending_turn(60) as theirs:
        assert not theirs
    time.sleep(1.2)
    with one.trending_turn(60) as mine:
        assert mine
