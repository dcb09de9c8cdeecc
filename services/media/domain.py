"""Image rules: what an acceptable upload is, how a media row changes state, when an image is
published; the settings the use cases follow; and the ports of the use cases (`usecases.Media`).

Pure (the standard library only): no nameko, SQLAlchemy, Pillow or storage. Decoding and
re-encoding images is the `ImageWork` port's (dependencies.Processor, over imaging.py's Pillow
functions, off the eventlet hub). The ports: `MediaRepository` (repository.py, SQL), `ImageWork`,
`CatalogLookups` (dependencies.RpcCatalog, the catalog's RPCs) and `Storage`
(storage.LocalStorage).
"""

from __future__ import annotations

import base64
import binascii
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from services.common.errors import ValidationFailed
from services.common.ports import Transactional
from services.media.exceptions import ImageTooLarge

# Pillow format name -> (content type, file extension). Decided by decoding, never by the name.
ACCEPTED_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
# variant name -> longest edge in pixels (never upscaled)
DEFAULT_VARIANTS: dict[str, int] = {"thumbnail": 200, "medium": 800, "large": 1600}
VARIANT_CONTENT_TYPE = "image/webp"

# statuses of a media row
PENDING = "pending"  # original stored, variants not made yet
PROCESSED = "processed"  # variants stored
FAILED = "failed"  # the worker could not make variants
REJECTED = "rejected"  # moderation rejected it: files deleted, detached

# moderation verdicts (content_moderated.verdict) and the initial state
AWAITING = "pending"
APPROVED = "approved"
FLAGGED = "flagged"


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000


@dataclass(frozen=True)
class MediaSettings:
    """The MEDIA config block (settings.py reads it from config/bazaar.yaml)."""

    root: str = "var/media"
    base_url: str = "/media"
    limits: ImageLimits = field(default_factory=ImageLimits)
    quality: int = 82
    variants: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_VARIANTS))
    await_moderation: bool = False
    workers: int = 2
    cache_max_age: int = 31536000


@dataclass(frozen=True)
class ImageInfo:
    format: str
    content_type: str
    extension: str
    width: int
    height: int
    size_bytes: int


@dataclass(frozen=True)
class Variant:
    name: str
    content: bytes = field(repr=False)
    width: int
    height: int


def decode_upload(content_b64: str, max_bytes: int) -> bytes:
    """The bytes of a base64 upload; raises ImageTooLarge before decoding a string whose bytes
    would exceed `max_bytes`, ValidationFailed (content_b64) when it is not base64."""
    if len(content_b64) * 3 // 4 > max_bytes + 3:  # refuse before decoding a huge string
        raise ImageTooLarge(
            f"the file is over {max_bytes} bytes",
            {"size": len(content_b64) * 3 // 4, "limit": max_bytes},
        )
    try:
        return base64.b64decode(content_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed(
            "invalid input", {"fields": {"content_b64": ["Not valid base64."]}}
        ) from exc


def original_key(media_id: str, extension: str) -> str:
    """Storage key of an original: private, never served (it may still carry EXIF)."""
    return f"originals/{media_id[:2]}/{media_id}.{extension}"


def variant_key(media_id: str, name: str) -> str:
    """Storage key of a public variant."""
    return f"images/{media_id[:2]}/{media_id}/{name}.webp"


def should_publish(status: str, moderation: str, published: bool, await_moderation: bool) -> bool:
    """An image is published (attached to its product) once, when its variants exist and, if
    moderation is awaited, it has been approved; a rejected one never."""
    if published or status != PROCESSED:
        return False
    return moderation == APPROVED if await_moderation else moderation != REJECTED


# --- a media row and its state changes ---------------------------------------------------------


class MediaRecord(Protocol):
    """A media row as the use cases see it (models.Media)."""

    id: str
    product_id: str
    uploaded_by: str | None
    filename: str | None
    status: str
    moderation: str
    published: bool
    original_key: str | None
    content_type: str
    size_bytes: int
    width: int
    height: int
    variants: dict[str, Any]
    error: str | None
    created_at: datetime
    updated_at: datetime


def new_media_fields(
    media_id: str,
    product_id: str,
    user_id: str | None,
    filename: str | None,
    info: ImageInfo,
    now: datetime,
) -> dict[str, Any]:
    """The columns of a new upload: pending, awaiting moderation, unpublished, no variants."""
    return {
        "id": media_id,
        "product_id": product_id,
        "uploaded_by": user_id,
        "filename": filename,
        "status": PENDING,
        "moderation": AWAITING,
        "published": False,
        "original_key": original_key(media_id, info.extension),
        "content_type": info.content_type,
        "size_bytes": info.size_bytes,
        "width": info.width,
        "height": info.height,
        "variants": {},
        "created_at": now,
        "updated_at": now,
    }


def mark_failed(media: MediaRecord, error: BaseException, now: datetime) -> None:
    """The worker could not make the variants: failed, with the error's type and text."""
    media.status, media.error = FAILED, f"{type(error).__name__}: {error}"
    media.updated_at = now


def mark_processed(media: MediaRecord, variants: dict[str, Any], await_moderation: bool) -> bool:
    """Variants stored: processed; True when it is to be published now (see `publish`)."""
    media.status, media.variants = PROCESSED, variants
    return publish(media, await_moderation)


def publish(media: MediaRecord, await_moderation: bool) -> bool:
    """Mark the image published when `should_publish` says so; True when it did."""
    go = should_publish(media.status, media.moderation, media.published, await_moderation)
    if go:
        media.published = True
    return go


def verdict_changes_nothing(media: MediaRecord, verdict: str) -> bool:
    """A rejected image stays rejected; a repeated verdict is already applied."""
    return media.status == REJECTED or media.moderation == verdict


def reject(media: MediaRecord, now: datetime) -> tuple[bool, list[str]]:
    """Rejected: unpublished, its variants and original forgotten. Returns (whether it was
    published, the storage keys of its files, to delete once the change is committed)."""
    was_published = media.published
    keys = [media.original_key] + [v["key"] for v in (media.variants or {}).values()]
    media.status = media.moderation = REJECTED
    media.published, media.variants, media.original_key = False, {}, None
    media.updated_at = now
    return was_published, [k for k in keys if k]


def processed_event(media: MediaRecord, urls: dict[str, str]) -> dict[str, Any]:
    """The media_processed payload, `urls` being the public URL of each variant."""
    large = media.variants.get("large") or {}
    return {
        "media_id": media.id,
        "product_id": media.product_id,
        "variants": urls,
        "url": urls.get("large"),
        "thumbnail_url": urls.get("thumbnail"),
        "medium_url": urls.get("medium"),
        "large_url": urls.get("large"),
        "width": large.get("width", media.width),
        "height": large.get("height", media.height),
    }


# --- ports ---------------------------------------------------------------------------------------


class MediaRepository(Transactional):
    """Media rows and the outbox in the worker's transaction. The use cases commit it themselves
    where they must (a file is deleted or the catalog told only after the change that warrants it
    is durable); the service's unit of work ends what is left."""

    @abstractmethod
    def add(self, **fields: Any) -> MediaRecord:
        """A new row with these columns (`new_media_fields`), written at the next commit."""

    @abstractmethod
    def get(self, media_id: str, *, lock: bool = False) -> MediaRecord:
        """The row (locked FOR UPDATE with `lock`); raises MediaNotFound."""

    @abstractmethod
    def list_for_product(self, product_id: str) -> list[MediaRecord]:
        """Every row of a product, oldest first."""

    @abstractmethod
    def stalled(self, before: datetime, limit: int = 20) -> list[MediaRecord]:
        """Pending rows last changed before `before`, oldest first, locked (rows another worker
        holds are skipped)."""


class ImageWork(ABC):
    """Decoding and re-encoding images, where it does not block the service."""

    @abstractmethod
    def inspect(self, content: bytes) -> ImageInfo:
        """Decode an upload completely and describe it, within the configured limits; raises
        EmptyUpload, ImageTooLarge, UnsupportedImageType, ImageTooManyPixels, ImageUnreadable."""

    @abstractmethod
    def render(self, content: bytes) -> list[Variant]:
        """The WebP variants of an upload (the configured sizes and quality), metadata stripped."""


class CatalogLookups(ABC):
    """What media asks the catalog."""

    @abstractmethod
    def product_seller(self, product_id: str) -> str | None:
        """The seller of a product (None: the shop's own); raises ProductNotFound."""

    @abstractmethod
    def detach_media(self, product_id: str, media_id: str) -> None:
        """Take an image off its product (the catalog may have done so already)."""


class Storage(ABC):
    """Where media bytes live. Keys are relative POSIX paths made by the service
    (`images/ab/<id>/large.webp`); an adapter maps them to its store and to public URLs."""

    @abstractmethod
    def save(self, key: str, content: bytes, content_type: str) -> None:
        """Store `content` under `key`, replacing it atomically."""

    @abstractmethod
    def read(self, key: str) -> bytes:
        """The bytes under `key`; FileNotFoundError when absent."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove `key`; absent keys are ignored."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def url(self, key: str) -> str:
        """The public URL of a variant."""

    @abstractmethod
    def locate(self, key: str) -> str:
        """Where a co-located reader (moderation) opens `key`: a file path, or an object URL."""
