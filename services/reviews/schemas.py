"""RPC arguments, consumed event payloads and the RPC shapes of reviews (`dump_*`)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from services.common import pagination
from services.common.clock import iso
from services.common.fields import Id, Int, Limit, Page, Text
from services.reviews import domain
from services.reviews.domain import SORTS, STATUSES, Review

_ID = validate.Length(min=1, max=64)


class SubmitReviewSchema(Schema):
    user_id = Id(required=True)
    product_id = Id(required=True)
    rating = Int(required=True, strict=True, minimum=1, maximum=5)
    title = Text(required=True, min_length=1, max_length=200)
    content = Text(required=True, min_length=1, max_length=5000, multiline=True)


class EligibilitySchema(Schema):
    """review_eligibility(user_id, product_id)."""

    user_id = fields.String(required=True, validate=_ID)
    product_id = fields.String(required=True, validate=_ID)


class ListReviewsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    sort = fields.String(load_default="newest", validate=validate.OneOf(SORTS))
    page = Page()
    limit = Limit()


class QueueQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(
        load_default="flagged", allow_none=True, validate=validate.OneOf(STATUSES)
    )
    product_id = Id(load_default=None, allow_none=True)
    page = Page()
    limit = Limit()


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


def dump_review(review: Review, include_moderation: bool = False) -> dict[str, Any]:
    """The RPC shape of a review; `moderation` (the verdict record) for admins only."""
    data = {
        "id": review.id,
        "product_id": review.product_id,
        "user_id": review.user_id,
        "rating": review.rating,
        "title": review.title,
        "content": review.content,
        "status": review.status,
        "verified_purchase": review.verified_purchase,
        "helpful_count": review.helpful_count,
        "created_at": iso(review.created_at),
        "updated_at": iso(review.updated_at),
        "published_at": iso(review.published_at),
    }
    if include_moderation:
        data["moderation"] = review.moderation
    return data


def dump_review_page(page: domain.Page, include_moderation: bool = False) -> dict[str, Any]:
    return {
        "data": [dump_review(r, include_moderation=include_moderation) for r in page.items],
        "meta": pagination.page_meta(page.page, page.limit, page.total),
    }


def dump_summary(summary: domain.Summary) -> dict[str, Any]:
    """{average, count, distribution {"1".."5": n}}."""
    return summary.as_dict()
