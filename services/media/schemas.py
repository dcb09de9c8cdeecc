"""RPC arguments, consumed event payloads and the RPC shape of a media row (`dump_media`)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from services.common.clock import iso
from services.common.fields import Id, Text
from services.media import domain


class RegisterUploadArgs(Schema):
    product_id = Id(required=True)
    # the multipart filename as the client sent it: stored in media.filename (String(255))
    filename = Text(load_default=None, allow_none=True, max_length=255)
    content_b64 = fields.String(required=True)
    user_id = fields.String(load_default=None, allow_none=True)


class ReviewArgs(Schema):
    media_id = fields.String(required=True)
    verdict = fields.String(required=True, validate=validate.OneOf(["approved", "rejected"]))


class MediaUploadedPayload(Schema):
    class Meta:
        unknown = EXCLUDE

    media_id = fields.String(required=True)
    product_id = fields.String(required=True)


class ContentModeratedPayload(Schema):
    class Meta:
        unknown = EXCLUDE

    subject_type = fields.String(required=True)
    subject_id = fields.String(required=True)
    verdict = fields.String(
        required=True, validate=validate.OneOf(["approved", "flagged", "rejected"])
    )


def dump_media(media: domain.MediaRecord, storage: domain.Storage) -> dict[str, Any]:
    """The RPC shape of a media row; variant URLs only while it is processed."""
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
        "created_at": iso(media.created_at),
        "updated_at": iso(media.updated_at),
    }


def dump_upload(media: domain.MediaRecord) -> dict[str, Any]:
    """register_upload's answer: the variants follow."""
    return {"id": media.id, "status": media.status, "product_id": media.product_id}
