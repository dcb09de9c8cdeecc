"""Hand-written fakes of the media ports: an in-memory repository with its outbox and commits,
a storage, and the catalog's lookups."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from services.media import domain
from services.media.exceptions import MediaNotFound, ProductNotFound
from services.media.storage import Storage


class FakeMediaRepository(domain.MediaRepository):
    """Rows and events become visible to `committed_*` only at commit; a rollback forgets the
    events written since the last commit (rows are live objects, as in an ORM session)."""

    def __init__(self):
        self.rows: dict[str, Any] = {}
        self.pending_events: list[tuple[str, dict[str, Any]]] = []
        self.commits: list[list[tuple[str, dict[str, Any]]]] = []  # the events of each commit
        self.recorded: list[tuple[str, dict[str, Any]]] = []  # every event ever written
        self.rollbacks = 0
        self.locked: list[str] = []
        self.fail_commit: Exception | None = None

    def add(self, **fields):
        media = SimpleNamespace(error=None, **fields)
        self.rows[media.id] = media
        return media

    def get(self, media_id, *, lock=False):
        media = self.rows.get(media_id)
        if media is None:
            raise MediaNotFound(f"no media {media_id}", {"media_id": media_id})
        if lock:
            self.locked.append(media_id)
        return media

    def list_for_product(self, product_id):
        rows = [m for m in self.rows.values() if m.product_id == product_id]
        return sorted(rows, key=lambda m: m.created_at)

    def stalled(self, before, limit=20):
        rows = [
            m for m in self.rows.values() if m.status == domain.PENDING and m.updated_at < before
        ]
        return sorted(rows, key=lambda m: m.updated_at)[:limit]

    def record_event(self, event_type, payload):
        self.pending_events.append((event_type, copy.deepcopy(payload)))
        self.recorded.append((event_type, copy.deepcopy(payload)))

    def commit(self):
        if self.fail_commit is not None:
            raise self.fail_commit
        self.commits.append(self.pending_events)
        self.pending_events = []

    def rollback(self):
        self.rollbacks += 1
        self.pending_events = []

    def committed_events(self) -> list[tuple[str, dict[str, Any]]]:
        return [event for events in self.commits for event in events]


class FakeStorage(Storage):
    def __init__(self):
        self.files: dict[str, bytes] = {}

    def save(self, key, content, content_type):
        self.files[key] = content

    def read(self, key):
        if key not in self.files:
            raise FileNotFoundError(key)
        return self.files[key]

    def delete(self, key):
        self.files.pop(key, None)

    def exists(self, key):
        return key in self.files

    def url(self, key):
        return f"/media/{key}"

    def locate(self, key):
        return f"/srv/media/{key}"


class FakeCatalog(domain.CatalogLookups):
    """Products by id -> seller id; records detach calls."""

    def __init__(self, products: dict[str, str | None] | None = None):
        self.products = dict(products or {})
        self.detached: list[tuple[str, str]] = []

    def product_seller(self, product_id):
        if product_id not in self.products:
            raise ProductNotFound(f"no product {product_id}", {"product_id": product_id})
        return self.products[product_id]

    def detach_media(self, product_id, media_id):
        self.detached.append((product_id, media_id))


class FakeClock:
    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


class SequentialIds:
    def __init__(self):
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"{self.count:08d}-0000-4000-8000-000000000000"


class InlineImages(domain.ImageWork):
    """The image functions run inline (no thread pool)."""

    def __init__(self, limits: domain.ImageLimits | None = None):
        self.limits = limits or domain.ImageLimits()

    def inspect(self, content):
        return domain.inspect_image(content, self.limits)

    def render(self, content):
        return domain.render_variants(content, self.limits, {"thumbnail": 20, "large": 40})
