"""HTTP shapes of the in-app inbox."""

from __future__ import annotations

from marshmallow import fields

from gateway.schemas.base import CamelSchema, PageMeta, PageQuery


class NotificationSchema(CamelSchema):
    id = fields.String()
    kind = fields.String(metadata={"description": "order_confirmed, order_status_changed, ..."})
    title = fields.String()
    body = fields.String()
    data = fields.Dict(metadata={"description": "the event's ids and values (snake_case keys)"})
    read = fields.Boolean()
    read_at = fields.String(allow_none=True)
    created_at = fields.String()


class InboxMeta(PageMeta):
    unread = fields.Integer()


class InboxSchema(CamelSchema):
    data = fields.List(fields.Nested(NotificationSchema))
    meta = fields.Nested(InboxMeta)


class InboxQuery(PageQuery):
    unread = fields.Boolean(load_default=False)


class MarkedReadSchema(CamelSchema):
    updated = fields.Integer()
