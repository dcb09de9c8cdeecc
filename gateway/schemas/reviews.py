"""HTTP schemas of reviews: submit, list with rating summary, votes, admin moderation queue."""

from marshmallow import fields, validate

from gateway.schemas.base import CamelSchema, PageMeta, PageQuery
from services.common.fields import Id, Int, Text

SORTS = ("newest", "helpful", "most_helpful", "highest", "lowest")
STATUSES = ("pending", "published", "flagged", "rejected")


class ReviewBody(CamelSchema):
    product_id = Id(required=True)
    rating = Int(required=True, strict=True, minimum=1, maximum=5)
    title = Text(required=True, min_length=1, max_length=200)
    content = Text(required=True, min_length=1, max_length=5000, multiline=True)


class ReviewSchema(CamelSchema):
    id = fields.String()
    product_id = fields.String()
    user_id = fields.String()
    rating = fields.Integer()
    title = fields.String()
    content = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    verified_purchase = fields.Boolean()
    helpful_count = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()
    published_at = fields.String(allow_none=True)


class ModerationSchema(CamelSchema):
    decision_id = fields.String(allow_none=True)
    verdict = fields.String()
    scores = fields.Dict(keys=fields.String(), values=fields.Float())
    reasons = fields.List(fields.String())
    model = fields.String(allow_none=True)
    model_version = fields.String(allow_none=True)


class AdminReviewSchema(ReviewSchema):
    moderation = fields.Nested(ModerationSchema, allow_none=True)


class RatingSummarySchema(CamelSchema):
    average = fields.Float()
    count = fields.Integer()
    distribution = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": 'reviews per star, "1" to "5"'},
    )


class ProductReviewsPage(CamelSchema):
    data = fields.List(fields.Nested(ReviewSchema))
    meta = fields.Nested(PageMeta)
    summary = fields.Nested(RatingSummarySchema)


class AdminReviewsPage(CamelSchema):
    data = fields.List(fields.Nested(AdminReviewSchema))
    meta = fields.Nested(PageMeta)


class ReviewListQuery(PageQuery):
    sort = fields.String(load_default="newest", validate=validate.OneOf(SORTS))


class AdminReviewQuery(PageQuery):
    status = fields.String(load_default="flagged", validate=validate.OneOf(STATUSES))
    product_id = Id(load_default=None)


class ReviewStatusBody(CamelSchema):
    status = fields.String(required=True, validate=validate.OneOf(("published", "rejected")))


class ReviewEligibilitySchema(CamelSchema):
    can_review = fields.Boolean(metadata={"description": "false once you have reviewed it"})
    reason = fields.String(allow_none=True, metadata={"enum": ["already_reviewed"]})
    has_purchased = fields.Boolean(
        metadata={"description": "your review will carry the verified-purchase badge"}
    )
    review_id = fields.String(allow_none=True, metadata={"description": "your review, if any"})
    review_status = fields.String(allow_none=True, metadata={"enum": list(STATUSES)})


class HelpfulVoteSchema(CamelSchema):
    review_id = fields.String()
    helpful_count = fields.Integer()
