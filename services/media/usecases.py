"""The media use cases: one class, `Media`, over the ports of `domain` (the repository of media
rows and its outbox, the storage, the image work, the catalog lookups).

Pure like the domain (no nameko, SQLAlchemy or redis): unit-tested with the fakes in
`tests/unit/media/fakes.py`. The service runs each in a unit of work, but the use cases also
commit mid-way themselves (through the repository): a stored file is removed when its row fails
to commit, and files are deleted or the catalog told only once the change that warrants it is
committed. The unit of work's own commit then finds nothing left to send.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from services.common.actor import Actor, require_changeable
from services.common.clock import utcnow
from services.media import domain
from services.media.domain import (
    CatalogLookups,
    ImageWork,
    MediaRecord,
    MediaRepository,
    MediaSettings,
    Storage,
)
from services.media.exceptions import MediaError, MediaNotFound, ProductNotFound

log = logging.getLogger(__name__)
STALLED_AFTER = timedelta(minutes=2)  # a pending upload this old lost its event or its worker


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Media:
    """The media use cases over one worker's repository."""

    repo: MediaRepository
    storage: Storage
    images: ImageWork
    catalog: CatalogLookups
    settings: MediaSettings = field(default_factory=MediaSettings)
    clock: Callable[[], datetime] = utcnow
    new_id: Callable[[], str] = new_id

    # uploads

    def register_upload(
        self,
        who: Actor,
        product_id: str,
        user_id: str | None,
        filename: str | None,
        content_b64: str,
    ) -> MediaRecord:
        """Decode, inspect and store an upload for a product `who` may change, pending; raises
        ImageTooLarge, UnsupportedImageType, ImageTooManyPixels, ImageUnreadable, EmptyUpload,
        ValidationFailed, ProductNotFound (nothing stored). Event: media_uploaded."""
        content = domain.decode_upload(content_b64, self.settings.limits.max_bytes)
        info = self.images.inspect(content)
        self._require_product(product_id, who)
        fields = domain.new_media_fields(
            self.new_id(), product_id, user_id, filename, info, self.clock()
        )
        media = self.repo.add(**fields)
        key = cast(str, media.original_key)  # set by new_media_fields
        self.storage.save(key, content, info.content_type)
        try:
            self.repo.record_event("media_uploaded", self._uploaded_event(media))
            self.repo.commit()
        except Exception:
            self.storage.delete(key)
            raise
        return media

    def get_media(self, media_id: str) -> MediaRecord:
        """Raises MediaNotFound."""
        return self.repo.get(media_id)

    def list_media(self, product_id: str) -> list[MediaRecord]:
        return self.repo.list_for_product(product_id)

    def process_upload(self, media_id: str) -> None:
        """Make the variants of a pending upload, then publish it when allowed. Idempotent: an
        unknown or no longer pending one is left alone. No transaction is held while decoding."""
        try:
            media = self.repo.get(media_id)
        except MediaNotFound:
            return
        if media.status != domain.PENDING:
            return
        original_key = cast(str, media.original_key)  # a pending row has its original
        self.repo.rollback()  # hold no transaction while decoding

        try:
            variants = self.images.render(self.storage.read(original_key))
        except (MediaError, FileNotFoundError) as exc:
            media = self.repo.get(media_id, lock=True)
            domain.mark_failed(media, exc, self.clock())
            self.repo.commit()
            log.warning("media %s could not be processed: %s", media.id, exc)
            return
        stored: dict[str, dict[str, Any]] = {}
        for variant in variants:
            key = domain.variant_key(media_id, variant.name)
            self.storage.save(key, variant.content, domain.VARIANT_CONTENT_TYPE)
            stored[variant.name] = {"key": key, "width": variant.width, "height": variant.height}

        media = self.repo.get(media_id, lock=True)
        if media.status != domain.PENDING:  # rejected (or done) meanwhile
            self.repo.commit()
            if media.status == domain.REJECTED:
                self._delete_files([v["key"] for v in stored.values()])
            return
        publish = domain.mark_processed(media, stored, self.settings.await_moderation)
        media.updated_at = self.clock()
        if publish:
            self._announce(media)
        self.repo.commit()

    def resume_stalled_uploads(self) -> list[MediaRecord]:
        """Announce again the uploads still pending long after they were stored; returns them."""
        stalled = self.repo.stalled(self.clock() - STALLED_AFTER)
        for media in stalled:
            media.updated_at = self.clock()
            self.repo.record_event("media_uploaded", self._uploaded_event(media))
        self.repo.commit()
        return stalled

    # moderation

    def apply_moderation(self, subject_type: str, subject_id: str, verdict: str) -> None:
        """Moderation's verdict on an image (other subjects and unknown media are ignored)."""
        if subject_type != "media":
            return
        try:
            self.apply_verdict(subject_id, verdict)
        except MediaNotFound:
            log.info("verdict for unknown media %s ignored", subject_id)

    def apply_verdict(self, media_id: str, verdict: str) -> None:
        """approved | flagged | rejected; a rejected image is detached and its files deleted
        (event media_rejected), an approved one published when it may be (media_processed).
        Raises MediaNotFound."""
        media = self.repo.get(media_id, lock=True)
        if domain.verdict_changes_nothing(media, verdict):
            self.repo.commit()
            return
        if verdict == domain.REJECTED:
            was_published, keys = domain.reject(media, self.clock())
            self.repo.record_event(
                "media_rejected", {"media_id": media.id, "product_id": media.product_id}
            )
            self.repo.commit()
            if was_published:
                self._detach(media.product_id, media.id)
            self._delete_files(keys)
            return
        media.moderation = verdict
        publish = domain.publish(media, self.settings.await_moderation)
        media.updated_at = self.clock()
        if publish:
            self._announce(media)
        self.repo.commit()

    # helpers

    def _require_product(self, product_id: str, who: Actor) -> None:
        """The product exists and `who` may change it. The product read the upload needs anyway
        carries its seller: no extra RPC for the ownership check."""
        seller_id = self.catalog.product_seller(product_id)
        require_changeable(who, product_id, {product_id: seller_id}, ProductNotFound)

    def _uploaded_event(self, media: MediaRecord) -> dict[str, Any]:
        """media_uploaded of a pending row (which has its original)."""
        return {
            "media_id": media.id,
            "product_id": media.product_id,
            "path": self.storage.locate(cast(str, media.original_key)),
            "key": media.original_key,
            "content_type": media.content_type,
        }

    def _announce(self, media: MediaRecord) -> None:
        """media_processed in the transaction of the change (the caller commits)."""
        urls = {name: self.storage.url(v["key"]) for name, v in media.variants.items()}
        self.repo.record_event("media_processed", domain.processed_event(media, urls))

    def _detach(self, product_id: str, media_id: str) -> None:
        """Belt and braces next to media_rejected: the catalog may already have detached it."""
        try:
            self.catalog.detach_media(product_id, media_id)
        except Exception as exc:
            log.warning("catalog.detach_media(%s, %s) failed: %s", product_id, media_id, exc)

    def _delete_files(self, keys: list[str]) -> None:
        for key in keys:
            try:
                self.storage.delete(key)
            except OSError as exc:
                log.warning("could not delete %s: %s", key, exc)
