"""HTTP shapes of product images (media)."""

from __future__ import annotations

from marshmallow import fields, validate

from gateway.schemas.base import CamelSchema


class MediaUploadSchema(CamelSchema):
    id = fields.String()
    status = fields.String(metadata={"description": "pending until the variants are made"})
    product_id = fields.String()


class MediaVariantsSchema(CamelSchema):
    thumbnail = fields.String()
    medium = fields.String()
    large = fields.String()


class MediaSchema(CamelSchema):
    id = fields.String()
    product_id = fields.String()
    status = fields.String(metadata={"description": "pending | processed | failed | rejected"})
    moderation = fields.String(metadata={"description": "pending | approved | flagged | rejected"})
    published = fields.Boolean()
    content_type = fields.String()
    size_bytes = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()
    variants = fields.Nested(MediaVariantsSchema)
    error = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()


class MediaListSchema(CamelSchema):
    data = fields.List(fields.Nested(MediaSchema))


class MediaReviewBody(CamelSchema):
    verdict = fields.String(required=True, validate=validate.OneOf(["approved", "rejected"]))
