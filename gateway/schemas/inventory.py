"""HTTP schemas of the inventory routes (seller/admin)."""

from marshmallow import fields, validate

from gateway.schemas.base import CamelSchema, PageQuery
from services.common.fields import MAX_QUANTITY, MAX_STOCK, Int, Text


class StockSchema(CamelSchema):
    product_id = fields.String()
    on_hand = fields.Integer()
    reserved = fields.Integer()
    available = fields.Integer()
    low_stock_threshold = fields.Integer()


class SetStockBody(CamelSchema):
    quantity = Int(required=True, strict=True, minimum=0, maximum=MAX_STOCK)
    reason = Text(load_default="manual count", min_length=1, max_length=200)
    low_stock_threshold = Int(strict=True, minimum=0, maximum=MAX_STOCK)


class AdjustStockBody(CamelSchema):
    delta = Int(
        required=True,
        strict=True,
        minimum=-MAX_QUANTITY,
        maximum=MAX_QUANTITY,
        validate=validate.NoneOf([0], error="Must not be zero."),
    )
    reason = Text(required=True, min_length=1, max_length=200)


class LowStockQuery(PageQuery):
    pass
