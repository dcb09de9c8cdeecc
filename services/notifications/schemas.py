"""RPC arguments and consumed event payloads of the notifications service."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate


class InboxArgs(Schema):
    user_id = fields.String(required=True)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    unread_only = fields.Boolean(load_default=False)


class MarkReadArgs(Schema):
    user_id = fields.String(required=True)
    notification_id = fields.String(required=True)


class EventPayload(Schema):
    """Every consumed event names its subject; the rest is kept as sent."""

    class Meta:
        unknown = INCLUDE

    event_id = fields.String(allow_none=True)
    user_id = fields.String(allow_none=True)
    order_id = fields.String(allow_none=True)
    product_id = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
