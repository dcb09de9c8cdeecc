"""RPC arguments and consumed event payloads of the reviews service."""

from marshmallow import EXCLUDE, Schema, fields, validate

from services.reviews.domain import SORTS, STATUSES

_ID = validate.Length(min=1, max=64)


class SubmitReviewSchema(Schema):
    user_id = fields.String(required=True, validate=_ID)
    product_id = fields.String(required=True, validate=_ID)
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class EligibilitySchema(Schema):
    """review_eligibility(user_id, product_id)."""

    user_id = fields.String(required=True, validate=_ID)
    product_id = fields.String(required=True, validate=_ID)


class ListReviewsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    sort = fields.String(load_default="newest", validate=validate.OneOf(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class QueueQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(
        load_default="flagged", allow_none=True, validate=validate.OneOf(STATUSES)
    )
    product_id = fields.String(load_default=None, allow_none=True)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class SetStatusSchema(Schema):
    status = fields.String(required=True)  # domain.set_status names the allowed targets


class ContentModeratedSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    event_id = fields.String(load_default=None)
    decision_id = fields.String(load_default=None)
    subject_type = fields.String(required=True)
    subject_id = fields.String(required=True)
    verdict = fields.String(required=True)
    scores = fields.Dict(load_default=dict)
    reasons = fields.List(fields.String(), load_default=list)
    model = fields.String(load_default=None)
    model_version = fields.String(load_default=None)
