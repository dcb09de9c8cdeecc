"""The media service: validates and stores uploads, makes WebP variants off the hub, and publishes
an image to its product once it is processed (and approved, when moderation is awaited).

Entrypoints only: each one loads its arguments and runs one use case of `usecases.Media` in a
unit of work on the worker's session (committed when it returns, rolled back when it raises);
the use cases commit mid-way themselves where a file or the catalog waits on a durable change
(see their docstring). Results are dumped by `schemas`.

Events (through the transactional outbox, written in the transaction of the change; the relay
adds event_id and occurred_at):
    media_uploaded  {media_id, product_id, path (a file path for local storage), key, content_type}
                    -> moderation, and our own worker
    media_processed {media_id, product_id, variants: {thumbnail, medium, large}, url,
                     thumbnail_url, medium_url, large_url, width, height}   -> catalog attaches
    media_rejected  {media_id, product_id}                              -> catalog detaches
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from nameko.timer import timer

from services.common.actor import Actor
from services.common.database import Database, Repository, unit_of_work
from services.common.errors import ValidationFailed
from services.common.messaging import event_handler
from services.common.outbox import OutboxRelay, OutboxWriter
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load
from services.common.service import BazaarService
from services.media import schemas
from services.media.dependencies import ImageProcessor, MediaStorage, RpcCatalog, Settings
from services.media.exceptions import MediaError, MediaNotFound
from services.media.models import Base
from services.media.repository import SqlMediaRepository
from services.media.usecases import Media

log = logging.getLogger(__name__)


class MediaService(OutboxRelay, BazaarService):
    name = "media"

    db = Database(Base)
    repo = Repository(lambda session: SqlMediaRepository(session, OutboxWriter()))
    settings = Settings()
    storage = MediaStorage()
    images = ImageProcessor()
    catalog_rpc = RpcProxy("catalog")

    @contextmanager
    def _media(self) -> Iterator[Media]:
        """The use cases over the worker's repository, storage, image work and catalog, in one
        unit of work."""
        media = Media(
            repo=self.repo,
            storage=self.storage,
            images=self.images,
            catalog=RpcCatalog(self.catalog_rpc),
            settings=self.settings,
        )
        with unit_of_work(self.db.session):
            yield media

    # -- RPC ---------------------------------------------------------------------------------

    @rpc(expected_exceptions=(MediaError, ValidationFailed))
    def register_upload(self, product_id, filename, content_b64, actor=None):
        """Validate (by decoding) and store an upload for a product; returns {"id", "status",
        "product_id"} at once, the variants follow. `actor` ({user_id, role}, None: the shop): a
        seller uploads for their own products only. Raises ImageTooLarge, UnsupportedImageType,
        ImageTooManyPixels, ImageUnreadable, EmptyUpload, ProductNotFound (nothing stored; also
        for another seller's product)."""
        who = Actor.load(actor)
        args = load(
            schemas.RegisterUploadArgs(),
            {
                "product_id": product_id,
                "filename": filename,
                "content_b64": content_b64,
                "user_id": who.user_id,
            },
        )
        with self._media() as media:
            row = media.register_upload(who, **args)
        return schemas.dump_upload(row)

    @rpc(expected_exceptions=(MediaNotFound,))
    def get_media(self, media_id):
        """One media row (see schemas.dump_media); raises MediaNotFound."""
        with self._media() as media:
            row = media.get_media(str(media_id))
        return schemas.dump_media(row, self.storage)

    @rpc
    def list_media(self, product_id):
        """Every image uploaded for a product, oldest first, rejected ones included."""
        with self._media() as media:
            rows = media.list_media(str(product_id))
        return [schemas.dump_media(m, self.storage) for m in rows]

    @rpc(expected_exceptions=(MediaNotFound, ValidationFailed))
    def review_media(self, media_id, verdict):
        """An admin's verdict on an image (approved | rejected), e.g. one moderation flagged."""
        args = load(schemas.ReviewArgs(), {"media_id": media_id, "verdict": verdict})
        with self._media() as media:
            media.apply_verdict(args["media_id"], args["verdict"])
            row = media.get_media(args["media_id"])
        return schemas.dump_media(row, self.storage)

    # -- events ------------------------------------------------------------------------------

    @event_handler("media", "media_uploaded")
    def handle_media_uploaded(self, payload):
        """Make the variants of a new upload; publish it when allowed. Idempotent."""
        data = load(schemas.MediaUploadedPayload(), payload)
        with self._media() as media:
            media.process_upload(data["media_id"])

    @timer(interval=60)
    def resume_stalled_uploads(self):
        """Announce again the uploads still pending long after they were stored (the event was
        lost or the worker died); processing is idempotent."""
        with self._media() as media:
            resumed = media.resume_stalled_uploads()
        for row in resumed:
            log.warning("resuming stalled upload %s", row.id)

    @event_handler("moderation", "content_moderated")
    def handle_content_moderated(self, payload):
        """Apply moderation's verdict on an image: rejected -> detached and deleted."""
        data = load(schemas.ContentModeratedPayload(), payload)
        with self._media() as media:
            media.apply_moderation(data["subject_type"], data["subject_id"], data["verdict"])
