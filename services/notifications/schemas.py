"""RPC arguments and consumed event payloads of the notifications service."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields

from services.common.fields import Limit, Page


class InboxArgs(Schema):
    user_id = fields.String(required=True)
    page = Page()
    limit = Limit()
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
