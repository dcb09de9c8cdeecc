"""HTTP schemas of carts and coupons: camelCase JSON, money as decimal strings."""

from __future__ import annotations

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from gateway.schemas.base import CamelSchema, Money, PageQuery
from services.common.fields import INT32_MAX, MAX_QUANTITY, Id, Int, Moment, Text
from services.common.money import to_decimal_string


class IsoDateTime(Moment):
    """An ISO 8601 time with an offset in JSON (within Moment's range); passed on to RPC as an
    ISO string in UTC."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).isoformat()


# -- carts -------------------------------------------------------------------------------------


class CartItemSchema(CamelSchema):
    product_id = fields.String()
    name = fields.String(allow_none=True)
    price = Money()
    quantity = fields.Integer()
    image = fields.String(allow_none=True)
    line_total = Money()
    price_changed = fields.Boolean()
    previous_price = Money(
        allow_none=True,
        metadata={
            "description": "the unit price when the line was last set, when it has changed since"
        },
    )
    available = fields.Boolean(metadata={"description": "false: no longer on sale, not counted"})


def _percent_off(coupon):
    return coupon.get("value") if coupon.get("type") == "percent" else None


def _amount_off(coupon):
    if coupon.get("type") != "fixed":
        return None
    return to_decimal_string(coupon["value"], coupon.get("currency") or "USD")


class CartCouponSchema(CamelSchema):
    code = fields.String()
    type = fields.String(metadata={"description": "percent or fixed"})
    percent_off = fields.Function(_percent_off, metadata={"description": "percent coupons"})
    amount_off = fields.Function(_amount_off, metadata={"description": "fixed coupons"})


class CouponProblemSchema(CamelSchema):
    error = fields.Function(lambda problem: _coupon_error_code(problem.get("error")))
    message = fields.String()
    details = fields.Dict()


def _coupon_error_code(name: str | None) -> str | None:
    """The error code of the gateway's one error table for a cart exception's class name."""
    from gateway.errors import ERRORS

    for klass, (_status, code) in ERRORS.items():
        if klass.__name__ == name:
            return code
    return "COUPON_INVALID"


class CartSchema(CamelSchema):
    id = fields.String()
    items = fields.List(fields.Nested(CartItemSchema), attribute="lines", data_key="items")
    coupon = fields.Nested(CartCouponSchema, allow_none=True)
    coupon_error = fields.Nested(
        CouponProblemSchema,
        allow_none=True,
        metadata={"description": "why the attached coupon gives no discount right now"},
    )
    subtotal = Money()
    discount = Money()
    tax = Money()
    shipping = Money()
    total = Money()
    free_shipping_threshold = Money(
        metadata={"description": "the (discounted) subtotal from which shipping is free"}
    )
    free_shipping_remaining = Money(
        metadata={"description": "what the subtotal lacks for free shipping; 0 when free"}
    )
    currency = fields.String()
    expires_at = fields.String()


class StorefrontConfigSchema(CamelSchema):
    currency = fields.String()
    free_shipping_threshold = Money(
        metadata={"description": "shipping is free from this discounted subtotal"}
    )
    flat_shipping = Money(metadata={"description": "the shipping fee below the threshold"})
    max_per_line = fields.Integer(metadata={"description": "most units of one product per cart"})
    few_left = fields.Integer(
        metadata={"description": 'say "only N left" at or below this many available units'}
    )


class AddItemBody(CamelSchema):
    product_id = Id(required=True)
    quantity = Int(load_default=1, strict=True, minimum=1, maximum=MAX_QUANTITY)


class UpdateItemBody(CamelSchema):
    quantity = Int(
        required=True,
        strict=True,
        minimum=0,
        maximum=MAX_QUANTITY,
        metadata={"description": "0 removes the line"},
    )


class CouponCodeBody(CamelSchema):
    code = Text(required=True, min_length=1, max_length=64)


class MergeBody(CamelSchema):
    guest_cart_id = Id(required=True)


# -- coupons (admin) ---------------------------------------------------------------------------


class CouponSchema(CamelSchema):
    id = fields.String()
    code = fields.String()
    description = fields.String()
    type = fields.String()
    percent_off = fields.Function(_percent_off)
    amount_off = fields.Function(_amount_off)
    currency = fields.String()
    min_subtotal = Money()
    starts_at = fields.String(allow_none=True)
    ends_at = fields.String(allow_none=True)
    usage_limit = fields.Integer(allow_none=True)
    per_customer_limit = fields.Integer(allow_none=True)
    times_used = fields.Integer()
    active = fields.Boolean()
    created_at = fields.String()
    updated_at = fields.String()


class CouponBody(CamelSchema):
    """`percentOff` (whole percent) for type percent, `amountOff` (decimal string) for fixed."""

    code = Text(
        required=True,
        min_length=3,
        max_length=64,
        validate=validate.Regexp(
            r"^[A-Za-z0-9_-]{3,64}$", error="3-64 letters, digits, '-' or '_'."
        ),
    )
    description = Text(max_length=255)
    type = fields.String(required=True, validate=validate.OneOf(["percent", "fixed"]))
    percent_off = Int(strict=True, minimum=1, maximum=100)
    amount_off = Money()
    currency = Text(max_length=3, validate=validate.Regexp(r"^[A-Z]{3}$"))
    min_subtotal = Money()
    starts_at = IsoDateTime(allow_none=True)
    ends_at = IsoDateTime(allow_none=True)
    usage_limit = Int(allow_none=True, strict=True, minimum=1, maximum=INT32_MAX)
    per_customer_limit = Int(allow_none=True, strict=True, minimum=1, maximum=INT32_MAX)
    active = fields.Boolean()

    @validates_schema
    def check_amount(self, data, partial=None, **kwargs):
        kind = data.get("type")
        if kind == "percent" and "percent_off" not in data and not partial:
            raise ValidationError("Required for a percent coupon.", "percentOff")
        if kind == "fixed" and "amount_off" not in data and not partial:
            raise ValidationError("Required for a fixed coupon.", "amountOff")
        if "amount_off" in data and data["amount_off"] is not None and data["amount_off"] <= 0:
            raise ValidationError("Must be positive.", "amountOff")

    @post_load
    def to_rpc(self, data, **kwargs):
        percent, amount = data.pop("percent_off", None), data.pop("amount_off", None)
        kind = data.get("type")
        if kind == "percent" and percent is not None:
            data["value"] = percent
        elif kind == "fixed" and amount is not None:
            data["value"] = amount
        elif kind is None and (percent is not None or amount is not None):
            data["value"] = percent if percent is not None else amount
        return data


class CouponUpdateBody(CouponBody):
    """Any fields of CouponBody; `percentOff`/`amountOff` set the value of the coupon's type."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class CouponListQuery(PageQuery):
    q = Text(max_length=64)
    active = fields.Boolean()


# -- abandoned-cart reminders (admin figures) ---------------------------------------------------


class ReminderStatsSchema(CamelSchema):
    """The reminders idle carts issued in the window, and the orders that followed them."""

    sent = fields.Integer(
        metadata={
            "description": "reminders the carts issued (one whose email was then skipped, the "
            "cart emptied meanwhile, still counts)"
        }
    )
    recovered = fields.Integer(
        metadata={"description": "of those, the ones an order from the same cart followed"}
    )
    recovery_rate = fields.Float(metadata={"description": "recovered / sent, 0 when none sent"})
    recovered_carts_value = Money(
        metadata={"description": "the recovered carts' subtotals when they were reminded"}
    )
    currency = fields.String()
