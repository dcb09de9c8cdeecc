"""Payloads the moderation service consumes and RPC arguments it validates, and the JSON of its
decisions (`dump_*`)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from services.common import pagination
from services.common.clock import iso
from services.common.fields import Limit, Page
from services.moderation.domain import MEDIA, REVIEW, VERDICTS, Decision


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


def dump_decision(row: Any) -> dict[str, Any]:
    """A stored decision: {id, subject_type, subject_id, verdict, scores, reasons, model,
    model_version, duration_ms, created_at}."""
    return {
        "id": row.id,
        "subject_type": row.subject_type,
        "subject_id": row.subject_id,
        "verdict": row.verdict,
        "scores": row.scores,
        "reasons": row.reasons,
        "model": row.model,
        "model_version": row.model_version,
        "duration_ms": row.duration_ms,
        "created_at": iso(row.created_at),
    }


def dump_decision_page(rows: list, total: int, page: int, limit: int) -> dict[str, Any]:
    """Page[Decision]."""
    return {
        "data": [dump_decision(row) for row in rows],
        "meta": pagination.page_meta(page, limit, total),
    }


def dump_dry_run(decision: Decision, model: Any) -> dict[str, Any]:
    """A decision nothing stored: {verdict, scores, reasons, model, model_version}."""
    return {**decision.as_dict(), "model": model.model, "model_version": model.model_version}
