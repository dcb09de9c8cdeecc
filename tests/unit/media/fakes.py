"""Hand-written fakes of the media ports: an in-memory repository with its outbox and commits,
a storage, the catalog's lookups, and the image work run inline. The clock and ids are the shared
ones (tests/unit/fakes.py). The repository keeps its own record of the `Transactional` verbs,
not `RecordedTransaction`'s: its `recorded` is every event ever written (rolled back ones too),
its payloads are copies, and its commit can be made to fail."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

from services.media import domain, imaging
from services.media.exceptions import MediaNotFound, ProductNotFound


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


class FakeStorage(domain.Storage):
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


class InlineImages(domain.ImageWork):
    """The image functions run inline (no thread pool)."""

    def __init__(self, limits: domain.ImageLimits | None = None):
        self.limits = limits or domain.ImageLimits()

    def inspect(self, content):
        return imaging.inspect_image(content, self.limits)

    def render(self, content):
        return imaging.render_variants(content, self.limits, {"thumbnail": 20, "large": 40})
