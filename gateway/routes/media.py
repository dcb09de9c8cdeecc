"""Product images: multipart upload (seller/admin), status, admin review, and the files themselves.

The gateway stays thin: it reads the multipart file, bounds its size, and hands the bytes (base64)
to `media.register_upload`, which decides the type by decoding. Public variants are served from
the media root (config MEDIA.root) with their own content type, `nosniff` and year-long caching;
originals (which may carry EXIF) are never served.
"""

from __future__ import annotations

import base64
from pathlib import Path

from nameko.extensions import DependencyProvider
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.security import safe_join
from werkzeug.utils import send_file

from gateway.api import api
from gateway.errors import PayloadTooLarge, UnsupportedMediaType
from gateway.schemas.media import (
    MediaListSchema,
    MediaReviewBody,
    MediaSchema,
    MediaUploadSchema,
)
from services.common.actor import actor_of
from services.common.errors import ValidationFailed
from services.common.rpc import RpcProxy
from services.media.exceptions import MediaNotFound
from services.media.settings import settings_from_config

TAGS = ("products",)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MULTIPART_MARGIN = 64 * 1024  # multipart framing and part headers
MAX_UPLOAD_BODY = MAX_UPLOAD_BYTES + MULTIPART_MARGIN  # the default MEDIA.max_bytes
UPLOAD_TIMEOUT = 30.0
PUBLIC_PREFIX = "images/"
SERVED_TYPES = {".webp": "image/webp", ".jpg": "image/jpeg", ".png": "image/png"}


class MediaFiles(DependencyProvider):
    """Answers `/media/<key>` from the media root: public variants only, no path escapes."""

    def setup(self):
        settings = settings_from_config(self.container.config)
        self.root = str(Path(settings.root).resolve())
        self.max_age = settings.cache_max_age
        self.upload_limit = settings.limits.max_bytes + MULTIPART_MARGIN

    def get_dependency(self, worker_ctx):
        return self

    def response(self, request, key: str):
        suffix = Path(key).suffix.lower()
        path = safe_join(self.root, key) if key.startswith(PUBLIC_PREFIX) else None
        if path is None or suffix not in SERVED_TYPES or not Path(path).is_file():
            raise MediaNotFound("no such image", {"path": key})
        response = send_file(
            path,
            request.environ,
            mimetype=SERVED_TYPES[suffix],
            conditional=True,
            etag=True,
            max_age=self.max_age,
        )
        response.headers["Cache-Control"] = f"public, max-age={self.max_age}, immutable"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


def read_upload(request, limit: int = MAX_UPLOAD_BODY) -> tuple[str | None, bytes]:
    """(filename, bytes) of the multipart field `image` (or `file`, or the only file); 413 over
    `limit`, 415 when the body is not multipart/form-data, 400 when no file is sent."""
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"body over {limit} bytes", {"limit": limit})
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType(
            "send the image as multipart/form-data", {"contentType": request.content_type}
        )
    request.max_content_length = limit  # also bounds chunked bodies while parsing
    try:
        files = request.files
    except RequestEntityTooLarge as exc:
        raise PayloadTooLarge(f"body over {limit} bytes", {"limit": limit}) from exc
    upload = files.get("image") or files.get("file") or next(iter(files.values()), None)
    if upload is None:
        raise ValidationFailed("invalid request", {"fields": {"image": ["Missing file."]}})
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise PayloadTooLarge(f"file over {limit} bytes", {"limit": limit})
    return upload.filename, content


class MediaRoutes:
    media_rpc = RpcProxy("media")
    media_files = MediaFiles()

    @api(
        "POST",
        "/api/products/<product_id>/images",
        roles=("seller", "admin"),
        status=202,
        response=MediaUploadSchema,
        max_body=MAX_UPLOAD_BODY,
        tags=TAGS,
        summary="Upload a product image (multipart field `image`; JPEG, PNG or WebP, 10 MB)",
    )
    def upload_product_image(self, request, user, product_id):
        filename, content = read_upload(request, self.media_files.upload_limit)
        return self.media_rpc.with_timeout(UPLOAD_TIMEOUT).register_upload(
            product_id, filename, base64.b64encode(content).decode("ascii"), actor_of(user)
        )

    @api(
        "GET",
        "/api/media/<media_id>",
        roles=("seller", "admin"),
        response=MediaSchema,
        tags=TAGS,
        summary="An uploaded image: processing and moderation state, variant URLs",
    )
    def get_media(self, request, user, media_id):
        return self.media_rpc.get_media(media_id)

    @api(
        "GET",
        "/api/products/<product_id>/media",
        roles=("seller", "admin"),
        response=MediaListSchema,
        tags=TAGS,
        summary="Every image uploaded for a product, with its processing and moderation state",
    )
    def list_product_media(self, request, user, product_id):
        return {"data": self.media_rpc.list_media(product_id)}

    @api(
        "PATCH",
        "/api/admin/media/<media_id>",
        roles=("admin",),
        body=MediaReviewBody,
        response=MediaSchema,
        tags=("admin",),
        summary="Approve or reject an image (e.g. one moderation flagged)",
    )
    def review_media(self, request, user, body, media_id):
        return self.media_rpc.review_media(media_id, body["verdict"])

    @api("GET", "/media/<path:key>", tags=("media",), summary="A processed image (WebP)")
    def serve_media(self, request, key):
        return self.media_files.response(request, key)
