"""Marshmallow schemas of the inventory's RPC arguments."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from services.common.fields import MAX_QUANTITY, MAX_STOCK, Id, Int, Text


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
