"""RPC arguments and consumed event payloads of the media service."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from services.common.fields import Id, Text


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
