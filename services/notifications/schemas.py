"""RPC arguments and consumed event payloads of the notifications service, and the JSON of its
records (`dump_*`)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, INCLUDE, Schema, fields, validate

from services.common import pagination
from services.common.clock import iso
from services.common.fields import Limit, Page
from services.notifications.domain import InboxPage


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


class CartAbandoned(Schema):
    """cart's `cart_abandoned`: the reminder to send, and whose cart it is (its lines and times
    are read again from the cart, which prices them now)."""

    class Meta:
        unknown = EXCLUDE

    event_id = fields.String(allow_none=True)
    reminder_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    cart_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    user_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


def dump_notification(row: Any) -> dict:
    """An inbox entry: {id, user_id, kind, title, body, data, read, read_at, created_at}."""
    return {
        "id": row.id,
        "user_id": row.user_id,
        "kind": row.kind,
        "title": row.title,
        "body": row.body,
        "data": row.data or {},
        "read": row.read_at is not None,
        "read_at": iso(row.read_at),
        "created_at": iso(row.created_at),
    }


def dump_push(event_type: str, data: dict, entry: Any | None) -> dict:
    """A live update: {type, data, notification} (the new inbox entry, or None)."""
    return {
        "type": event_type,
        "data": data,
        "notification": dump_notification(entry) if entry is not None else None,
    }


def dump_inbox_page(page: InboxPage) -> dict:
    """Page[Notification] with meta.unread: the user's unread entries in all."""
    return {
        "data": [dump_notification(row) for row in page.rows],
        "meta": {**pagination.page_meta(page.page, page.limit, page.total), "unread": page.unread},
    }
