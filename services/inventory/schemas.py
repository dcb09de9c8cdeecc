"""Marshmallow schemas of the inventory's RPC arguments, and the serializers of its results."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from services.common import pagination
from services.common.clock import iso
from services.common.fields import MAX_QUANTITY, MAX_STOCK, Id, Int, Text
from services.inventory.domain import ReservationView, StockLevel, StockPage


class Line(Schema):
    class Meta:
        unknown = EXCLUDE

    product_id = Id(required=True)
    quantity = Int(required=True, strict=True, minimum=1, maximum=10000)


class ReserveInput(Schema):
    order_id = Id(required=True)
    lines = fields.List(
        fields.Nested(Line), required=True, validate=validate.Length(min=1, max=200)
    )
    ttl_seconds = Int(load_default=None, allow_none=True, minimum=1, maximum=7 * 24 * 3600)


class SetStockInput(Schema):
    product_id = Id(required=True)
    quantity = Int(required=True, strict=True, minimum=0, maximum=MAX_STOCK)
    reason = Text(load_default="set", min_length=1, max_length=200)
    user_id = Id(load_default=None, allow_none=True)
    low_stock_threshold = Int(load_default=None, allow_none=True, minimum=0, maximum=MAX_STOCK)


class AdjustStockInput(Schema):
    product_id = Id(required=True)
    delta = Int(
        required=True,
        strict=True,
        minimum=-MAX_QUANTITY,
        maximum=MAX_QUANTITY,
        validate=validate.NoneOf([0], error="Must not be zero."),
    )
    reason = Text(required=True, min_length=1, max_length=200)
    user_id = Id(load_default=None, allow_none=True)


class OrderCancelled(Schema):
    """orders' `order_cancelled` (order_id, user_id, total, currency, reason, event_id,
    occurred_at): only the order id matters here, the rest is ignored."""

    class Meta:
        unknown = EXCLUDE

    order_id = Id(required=True)


# -- serializers ------------------------------------------------------------------------------


def dump_level(level: StockLevel) -> dict:
    """{product_id, on_hand, reserved, available, low_stock_threshold}."""
    return {"product_id": level.product_id, **level.as_dict()}


def dump_stock_levels(levels: list[StockLevel]) -> dict[str, dict]:
    """{product_id: {on_hand, reserved, available, low_stock_threshold, version}}: the version
    lets a caller that keeps the level order it against `stock_changed` events."""
    return {level.product_id: {**level.as_dict(), "version": level.version} for level in levels}


def dump_low_stock(page: StockPage) -> dict:
    """Page[{product_id, on_hand, reserved, available, low_stock_threshold}]."""
    return {
        "data": [dump_level(level) for level in page.levels],
        "meta": pagination.page_meta(page.page, page.limit, page.total),
    }


def dump_reservation(reservation: ReservationView) -> dict:
    """{order_id, status, expires_at (UTC ISO 8601), lines: [{product_id, quantity}]}."""
    return {
        "order_id": reservation.order_id,
        "status": reservation.status,
        "expires_at": iso(reservation.expires_at),
        "lines": [{"product_id": p, "quantity": q} for p, q in reservation.lines],
    }
