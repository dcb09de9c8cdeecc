"""What the media service's entrypoints are given: settings, storage, an off-hub image processor,
and the repository of media rows."""

from __future__ import annotations

import uuid
from datetime import timedelta

from eventlet import tpool
from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider
from sqlalchemy import select

from services.common.clock import utcnow
from services.media import domain
from services.media.exceptions import MediaNotFound
from services.media.models import Media
from services.media.settings import MediaSettings
from services.media.storage import LocalStorage, Storage


class Settings(DependencyProvider):
    """The MEDIA config block as `MediaSettings`."""

    def setup(self):
        self.settings = MediaSettings.from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.settings


class MediaStorage(DependencyProvider):
    """The configured `Storage` (local disk under MEDIA.root)."""

    def setup(self):
        settings = MediaSettings.from_config(self.container.config)
        self.storage: Storage = LocalStorage(settings.root, settings.base_url)

    def get_dependency(self, worker_ctx):
        return self.storage


class Processor:
    """Pillow work in eventlet's thread pool, at most `workers` images at a time per process, so
    decoding never blocks the hub (AMQP heartbeats) nor exhausts memory."""

    def __init__(self, settings: MediaSettings, gate: Semaphore):
        self.settings = settings
        self.gate = gate

    def _run(self, func, *args, **kwargs):
        with self.gate:
            return tpool.execute(func, *args, **kwargs)

    def inspect(self, content: bytes) -> domain.ImageInfo:
        return self._run(domain.inspect_image, content, self.settings.limits)

    def render(self, content: bytes) -> list[domain.Variant]:
        return self._run(
            domain.render_variants,
            content,
            self.settings.limits,
            self.settings.variants,
            self.settings.quality,
        )


class ImageProcessor(DependencyProvider):
    def setup(self):
        self.settings = MediaSettings.from_config(self.container.config)
        domain.configure_pillow(self.settings.limits)
        self.gate = Semaphore(max(1, self.settings.workers))

    def get_dependency(self, worker_ctx):
        return Processor(self.settings, self.gate)


class MediaRepository:
    """Media rows in one session; the caller commits."""

    def __init__(self, session):
        self.session = session

    def add(
        self, *, product_id: str, user_id: str | None, filename: str | None, info: domain.ImageInfo
    ) -> Media:
        media_id = str(uuid.uuid4())
        stamp = utcnow()
        media = Media(
            id=media_id,
            product_id=product_id,
            uploaded_by=user_id,
            filename=filename,
            status=domain.PENDING,
            moderation=domain.AWAITING,
            published=False,
            original_key=domain.original_key(media_id, info.extension),
            content_type=info.content_type,
            size_bytes=info.size_bytes,
            width=info.width,
            height=info.height,
            variants={},
            created_at=stamp,
            updated_at=stamp,
        )
        self.session.add(media)
        return media

    def get(self, media_id: str, *, lock: bool = False) -> Media:
        query = select(Media).where(Media.id == media_id)
        if lock:
            query = query.with_for_update()
        media = self.session.execute(query).scalar_one_or_none()
        if media is None:
            raise MediaNotFound(f"no media {media_id}", {"media_id": media_id})
        return media

    def list_for_product(self, product_id: str) -> list[Media]:
        query = select(Media).where(Media.product_id == product_id).order_by(Media.created_at)
        return list(self.session.execute(query).scalars())

    def stalled(self, age: timedelta, limit: int = 20) -> list[Media]:
        """Uploads still pending `age` after their last change (rows another worker holds are
        skipped), locked until the caller commits."""
        query = (
            select(Media)
            .where(Media.status == domain.PENDING, Media.updated_at < utcnow() - age)
            .order_by(Media.updated_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.session.execute(query).scalars())

    @staticmethod
    def touch(media: Media) -> None:
        media.updated_at = utcnow()


def serialize(media: Media, storage: Storage) -> dict:
    """The RPC shape of a media row; variant URLs only while it is not rejected."""
    variants = {}
    if media.status == domain.PROCESSED:
        variants = {name: storage.url(v["key"]) for name, v in (media.variants or {}).items()}
    return {
        "id": media.id,
        "product_id": media.product_id,
        "status": media.status,
        "moderation": media.moderation,
        "published": media.published,
        "content_type": media.content_type,
        "size_bytes": media.size_bytes,
        "width": media.width,
        "height": media.height,
        "variants": variants,
        "error": media.error,
        "created_at": media.created_at.isoformat(),
        "updated_at": media.updated_at.isoformat(),
    }
