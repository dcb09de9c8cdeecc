"""Recently viewed products and the dirty flag, in Redis (`RedisViewHistory`, the `ViewHistory`
of the use cases): one Lua script or command per method, registered once per container
(`register_scripts`).

Redis keys (all owned by the recommendations service, prefix `reco:`):
  reco:viewed:u:<user_id>   ZSET product_id -> viewed_at (ms), a signed-in user's history
  reco:viewed:g:<cart_id>   ZSET, a guest's history (their cart id is the capability)
  reco:dirty                "1": readers may see stale results since the last
                            recommendations_changed (deleted by the publisher)
  reco:lock:trending        redis-py Lock: one trending recompute at a time across instances
Each history keeps the newest `viewed_max` products and expires `user_ttl` / `guest_ttl` after its
last write.

The flag is set only once the worker's transaction has committed (a SQLAlchemy `after_commit`
listener on its session): a publisher that saw it earlier could announce a change that a reader
then misses and caches stale. A flag taken by the publisher is put back if its transaction (the
outbox row) rolls back, so the announcement is not lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redis.exceptions import LockError, RedisError
from sqlalchemy import event

from services.recommendations.domain import Settings, Viewer, ViewHistory

log = logging.getLogger(__name__)

PREFIX = "reco:"
DIRTY_KEY = f"{PREFIX}dirty"
TRENDING_LOCK_KEY = f"{PREFIX}lock:trending"

# KEYS[1] the history. ARGV: viewed_at ms, product id, how many to keep, TTL (s).
_VIEW = """
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""

# KEYS[1] the user's history, KEYS[2] the guest's. ARGV: how many to keep, TTL (s). The later
# view of a product wins; the guest history is deleted. 0 when there was none (a repeat).
_MERGE = """
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[1], KEYS[2], 'AGGREGATE', 'MAX')
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[1]) + 1))
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[2])
return 1
"""

SCRIPTS = {"view": _VIEW, "merge": _MERGE}


def register_scripts(client) -> dict[str, Any]:
    """The Lua scripts `RedisViewHistory` runs, registered with the client (sent once, then by
    digest)."""
    return {name: client.register_script(source) for name, source in SCRIPTS.items()}


@dataclass(frozen=True)
class ViewSettings:
    """How long and how much of a history is kept (config `RECOMMENDATIONS`)."""

    viewed_max: int = Settings.viewed_max
    user_ttl: int = 90 * 24 * 3600
    guest_ttl: int = 7 * 24 * 3600  # = CART.guest_ttl: a guest's history lives as their cart


def history_key(viewer: Viewer) -> str:
    if viewer.user_id is not None:
        return f"{PREFIX}viewed:u:{viewer.user_id}"
    return f"{PREFIX}viewed:g:{viewer.cart_id}"


class RedisViewHistory(ViewHistory):
    """The view histories and the dirty flag in Redis; `session` is the worker's SQLAlchemy
    session, whose commit (or rollback) decides when the flag is written (see module)."""

    def __init__(self, client, scripts: dict[str, Any], settings: ViewSettings, session=None):
        self.client = client
        self.scripts = scripts
        self.settings = settings
        self.session = session
        self._dirty = False  # marked in the open transaction
        self._taken = False  # taken by the publisher in the open transaction
        self._listening = False

    def record(self, viewer: Viewer, product_id: str, at: datetime) -> None:
        ttl = self.settings.user_ttl if viewer.user_id is not None else self.settings.guest_ttl
        self.scripts["view"](
            keys=[history_key(viewer)],
            args=[int(at.timestamp() * 1000), product_id, self.settings.viewed_max, ttl],
        )

    def recent(self, viewer: Viewer, limit: int) -> list[str]:
        if limit <= 0:
            return []
        return list(self.client.zrevrange(history_key(viewer), 0, limit - 1))

    def merge(self, guest_cart_id: str, user_id: str) -> bool:
        merged = self.scripts["merge"](
            keys=[history_key(Viewer(user_id=user_id)), history_key(Viewer(cart_id=guest_cart_id))],
            args=[self.settings.viewed_max, self.settings.user_ttl],
        )
        return merged == 1

    def mark_dirty(self) -> None:
        if self.session is None:
            self._set_flag()
            return
        self._listen()
        self._dirty = True

    def take_dirty(self) -> bool:
        taken = self.client.getdel(DIRTY_KEY) is not None
        if taken and self.session is not None:
            self._listen()
            self._taken = True
        return taken

    @contextmanager
    def trending_turn(self, seconds: float) -> Iterator[bool]:
        """Whether this instance recomputes trending now: redis-py's `Lock` on
        reco:lock:trending (a token in the key, released by its holder only), held while the
        recompute runs and lapsing after `seconds` (at least 1) if the holder dies. Held for
        the work, not for the interval: nameko's timer fires at exact multiples of it, so a
        lock kept for the interval was often still there at the next tick, which then skipped."""
        lock = self.client.lock(TRENDING_LOCK_KEY, timeout=max(1.0, seconds), blocking=False)
        if not lock.acquire(blocking=False):
            yield False
            return
        try:
            yield True
        finally:
            try:
                lock.release()
            except LockError:  # it lapsed meanwhile and another instance may hold it: not ours
                log.warning("the trending lock lapsed before the recompute ended")

    # the transaction's outcome

    def _listen(self) -> None:
        if not self._listening:
            event.listen(self.session, "after_commit", self._committed)
            event.listen(self.session, "after_rollback", self._rolled_back)
            self._listening = True

    def _committed(self, session) -> None:
        if self._dirty:
            self._set_flag()
        self._dirty = self._taken = False

    def _rolled_back(self, session) -> None:
        if self._taken:
            self._set_flag()  # the announcement did not commit: the next tick makes it
        self._dirty = self._taken = False

    def _set_flag(self) -> None:
        # Runs after the commit, inside SQLAlchemy's event: raising would fail a worker whose
        # change is already durable (and a retry would find its event processed). A lost flag
        # leaves readers' cache stale until its TTL (CACHE.ttl), which the log says.
        try:
            self.client.set(DIRTY_KEY, "1")
        except RedisError as exc:
            log.warning(
                "could not set %s, cached reads stay stale until their TTL: %s", DIRTY_KEY, exc
            )
