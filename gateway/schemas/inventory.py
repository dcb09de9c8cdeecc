"""HTTP schemas of the inventory routes (seller/admin)."""

from marshmallow import fields, validate

from gateway.schemas.base import CamelSchema, PageQuery


class StockSchema(CamelSchema):
    product_id = fields.String()
    on_hand = fields.Integer()
    reserved = fields.Integer()
    available = fields.Integer()
    low_stock_threshold = fields.Integer()


class SetStockBody(CamelSchema):
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    reason = fields.String(load_default="manual count", validate=validate.Length(min=1, max=200))
    low_stock_threshold = fields.Integer(strict=True, validate=validate.Range(min=0))


class AdjustStockBody(CamelSchema):
    delta = fields.Integer(
        required=True,
        strict=True,
        validate=validate.NoneOf([0], error="Must not be zero."),
    )
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class LowStockQuery(PageQuery):
    pass
