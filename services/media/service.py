"""The media service: validates and stores uploads, makes WebP variants off the hub, and publishes
an image to its product once it is processed (and approved, when moderation is awaited).

Events (through the transactional outbox, written in the transaction of the change; the relay
adds event_id and occurred_at):
    media_uploaded  {media_id, product_id, path (a file path for local storage), key, content_type}
                    -> moderation, and our own worker
    media_processed {media_id, product_id, variants: {thumbnail, medium, large}, url,
                     thumbnail_url, medium_url, large_url, width, height}   -> catalog attaches
    media_rejected  {media_id, product_id}                              -> catalog detaches
"""

from __future__ import annotations

import base64
import binascii
import logging
from datetime import timedelta

from nameko.exceptions import RemoteError
from nameko.timer import timer

from services.common.actor import Actor, require_changeable
from services.common.database import Database
from services.common.errors import NotFound, ValidationFailed
from services.common.messaging import event_handler
from services.common.outbox import Outbox, OutboxRelay
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load
from services.common.service import BazaarService
from services.media import domain
from services.media.dependencies import (
    ImageProcessor,
    MediaRepository,
    MediaStorage,
    Settings,
    serialize,
)
from services.media.exceptions import (
    ImageTooLarge,
    MediaError,
    MediaNotFound,
    ProductNotFound,
)
from services.media.models import Base
from services.media.schemas import (
    ContentModeratedPayload,
    MediaUploadedPayload,
    RegisterUploadArgs,
    ReviewArgs,
)

log = logging.getLogger(__name__)
STALLED_AFTER = timedelta(minutes=2)  # a pending upload this old lost its event or its worker


class MediaService(OutboxRelay, BazaarService):
    name = "media"

    db = Database(Base)
    settings = Settings()
    storage = MediaStorage()
    images = ImageProcessor()
    catalog_rpc = RpcProxy("catalog")
    outbox = Outbox()

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
            RegisterUploadArgs(),
            {
                "product_id": product_id,
                "filename": filename,
                "content_b64": content_b64,
                "user_id": who.user_id,
            },
        )
        content = self._decode_upload(args["content_b64"])
        info = self.images.inspect(content)
        self._require_product(args["product_id"], who)

        repo = MediaRepository(self.db.session)
        media = repo.add(
            product_id=args["product_id"],
            user_id=args["user_id"],
            filename=args["filename"],
            info=info,
        )
        self.storage.save(media.original_key, content, info.content_type)
        try:
            self.outbox.add(self.db.session, "media_uploaded", self._uploaded_event(media))
            self.db.session.commit()
        except Exception:
            self.storage.delete(media.original_key)
            raise
        return {"id": media.id, "status": media.status, "product_id": media.product_id}

    @rpc(expected_exceptions=(MediaNotFound,))
    def get_media(self, media_id):
        """One media row (see dependencies.serialize); raises MediaNotFound."""
        return serialize(MediaRepository(self.db.session).get(str(media_id)), self.storage)

    @rpc
    def list_media(self, product_id):
        """Every image uploaded for a product, oldest first, rejected ones included."""
        repo = MediaRepository(self.db.session)
        return [serialize(m, self.storage) for m in repo.list_for_product(str(product_id))]

    @rpc(expected_exceptions=(MediaNotFound, ValidationFailed))
    def review_media(self, media_id, verdict):
        """An admin's verdict on an image (approved | rejected), e.g. one moderation flagged."""
        args = load(ReviewArgs(), {"media_id": media_id, "verdict": verdict})
        self._apply_verdict(args["media_id"], args["verdict"])
        return self.get_media(args["media_id"])

    # -- events ------------------------------------------------------------------------------

    @event_handler("media", "media_uploaded")
    def handle_media_uploaded(self, payload):
        """Make the variants of a new upload; publish it when allowed. Idempotent."""
        data = load(MediaUploadedPayload(), payload)
        repo = MediaRepository(self.db.session)
        try:
            media = repo.get(data["media_id"])
        except MediaNotFound:
            return
        if media.status != domain.PENDING:
            return
        original_key = media.original_key
        self.db.session.rollback()  # hold no transaction while decoding

        try:
            variants = self.images.render(self.storage.read(original_key))
        except (MediaError, FileNotFoundError) as exc:
            media = repo.get(data["media_id"], lock=True)
            media.status, media.error = domain.FAILED, f"{type(exc).__name__}: {exc}"
            repo.touch(media)
            self.db.session.commit()
            log.warning("media %s could not be processed: %s", media.id, exc)
            return
        stored = {}
        for variant in variants:
            key = domain.variant_key(data["media_id"], variant.name)
            self.storage.save(key, variant.content, domain.VARIANT_CONTENT_TYPE)
            stored[variant.name] = {"key": key, "width": variant.width, "height": variant.height}

        media = repo.get(data["media_id"], lock=True)
        if media.status != domain.PENDING:  # rejected (or done) meanwhile
            self.db.session.commit()
            if media.status == domain.REJECTED:
                self._delete_files([v["key"] for v in stored.values()])
            return
        media.status, media.variants = domain.PROCESSED, stored
        publish = self._mark_published(media)
        repo.touch(media)
        if publish:
            self._announce(media)
        self.db.session.commit()

    @timer(interval=60)
    def resume_stalled_uploads(self):
        """Announce again the uploads still pending long after they were stored (the event was
        lost or the worker died); processing is idempotent."""
        repo = MediaRepository(self.db.session)
        stalled = repo.stalled(STALLED_AFTER)
        for media in stalled:
            repo.touch(media)
            self.outbox.add(self.db.session, "media_uploaded", self._uploaded_event(media))
        self.db.session.commit()
        for media in stalled:
            log.warning("resuming stalled upload %s", media.id)

    @event_handler("moderation", "content_moderated")
    def handle_content_moderated(self, payload):
        """Apply moderation's verdict on an image: rejected -> detached and deleted."""
        data = load(ContentModeratedPayload(), payload)
        if data["subject_type"] != "media":
            return
        try:
            self._apply_verdict(data["subject_id"], data["verdict"])
        except MediaNotFound:
            log.info("verdict for unknown media %s ignored", data["subject_id"])

    # -- helpers -----------------------------------------------------------------------------

    def _decode_upload(self, content_b64: str) -> bytes:
        limit = self.settings.limits.max_bytes
        if len(content_b64) * 3 // 4 > limit + 3:  # refuse before decoding a huge string
            raise ImageTooLarge(
                f"the file is over {limit} bytes",
                {"size": len(content_b64) * 3 // 4, "limit": limit},
            )
        try:
            return base64.b64decode(content_b64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationFailed(
                "invalid input", {"fields": {"content_b64": ["Not valid base64."]}}
            ) from exc

    def _uploaded_event(self, media) -> dict:
        return {
            "media_id": media.id,
            "product_id": media.product_id,
            "path": self.storage.locate(media.original_key),
            "key": media.original_key,
            "content_type": media.content_type,
        }

    def _require_product(self, product_id: str, who: Actor) -> None:
        """The product exists and `who` may change it. The product read the upload needs anyway
        carries its seller: no extra RPC for the ownership check."""
        try:
            product = self.catalog_rpc.get_product(product_id)
        except NotFound as exc:
            raise ProductNotFound(f"no product {product_id}", {"product_id": product_id}) from exc
        except RemoteError as exc:
            if exc.exc_type.endswith("NotFound"):
                raise ProductNotFound(
                    f"no product {product_id}", {"product_id": product_id}
                ) from exc
            raise
        require_changeable(who, product_id, {product_id: product.get("seller_id")}, ProductNotFound)

    def _mark_published(self, media) -> bool:
        publish = domain.should_publish(
            media.status, media.moderation, media.published, self.settings.await_moderation
        )
        if publish:
            media.published = True
        return publish

    def _apply_verdict(self, media_id: str, verdict: str) -> None:
        repo = MediaRepository(self.db.session)
        media = repo.get(media_id, lock=True)
        if media.status == domain.REJECTED or media.moderation == verdict:
            self.db.session.commit()
            return
        if verdict == domain.REJECTED:
            was_published = media.published
            keys = [media.original_key] + [v["key"] for v in (media.variants or {}).values()]
            media.status = media.moderation = domain.REJECTED
            media.published, media.variants, media.original_key = False, {}, None
            repo.touch(media)
            self.outbox.add(
                self.db.session,
                "media_rejected",
                {"media_id": media.id, "product_id": media.product_id},
            )
            self.db.session.commit()
            if was_published:
                self._detach(media.product_id, media.id)
            self._delete_files([k for k in keys if k])
            return
        media.moderation = verdict
        publish = self._mark_published(media)
        repo.touch(media)
        if publish:
            self._announce(media)
        self.db.session.commit()

    def _announce(self, media) -> None:
        """Write media_processed to the outbox in the session of the change (the caller commits)."""
        urls = {name: self.storage.url(v["key"]) for name, v in media.variants.items()}
        large = media.variants.get("large") or {}
        self.outbox.add(
            self.db.session,
            "media_processed",
            {
                "media_id": media.id,
                "product_id": media.product_id,
                "variants": urls,
                "url": urls.get("large"),
                "thumbnail_url": urls.get("thumbnail"),
                "medium_url": urls.get("medium"),
                "large_url": urls.get("large"),
                "width": large.get("width", media.width),
                "height": large.get("height", media.height),
            },
        )

    def _detach(self, product_id: str, media_id: str) -> None:
        """Belt and braces next to media_rejected: the catalog may already have detached it."""
        try:
            self.catalog_rpc.detach_media(product_id, media_id)
        except Exception as exc:
            log.warning("catalog.detach_media(%s, %s) failed: %s", product_id, media_id, exc)

    def _delete_files(self, keys: list[str]) -> None:
        for key in keys:
            try:
                self.storage.delete(key)
            except OSError as exc:
                log.warning("could not delete %s: %s", key, exc)
