"""Payloads the moderation service consumes and RPC arguments it validates."""

from marshmallow import EXCLUDE, Schema, fields, validate

from services.common.fields import Limit, Page
from services.moderation.domain import MEDIA, REVIEW, VERDICTS


class EventSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    event_id = fields.String(load_default=None)


class ReviewSubmittedSchema(EventSchema):
    review_id = fields.String(required=True)
    product_id = fields.String(required=True)
    user_id = fields.String(load_default=None)
    title = fields.String(load_default="")
    content = fields.String(load_default="")


class MediaUploadedSchema(EventSchema):
    media_id = fields.String(required=True)
    product_id = fields.String(load_default=None)
    path = fields.String(required=True)


class DecisionQuerySchema(Schema):
    subject_type = fields.String(load_default=None, validate=validate.OneOf([REVIEW, MEDIA]))
    verdict = fields.String(load_default=None, validate=validate.OneOf(VERDICTS))
    page = Page()
    limit = Limit()
