"""Marshmallow schemas of the inventory's RPC arguments."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate


class Line(Schema):
    class Meta:
        unknown = EXCLUDE

    product_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10000))


class ReserveInput(Schema):
    order_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    lines = fields.List(
        fields.Nested(Line), required=True, validate=validate.Length(min=1, max=200)
    )
    ttl_seconds = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))


class SetStockInput(Schema):
    product_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    reason = fields.String(load_default="set", validate=validate.Length(min=1, max=200))
    user_id = fields.String(load_default=None, allow_none=True)
    low_stock_threshold = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=0)
    )


class AdjustStockInput(Schema):
    product_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    delta = fields.Integer(
        required=True,
        strict=True,
        validate=validate.And(
            validate.Range(min=-1_000_000, max=1_000_000),
            validate.NoneOf([0], error="Must not be zero."),
        ),
    )
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))
    user_id = fields.String(load_default=None, allow_none=True)
