"""marshmallow schemas of the cart service's RPC arguments (validated at the RPC boundary), and
the dump functions of its results (carts, coupons)."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from services.cart.domain import COUPON_TYPES, CouponRow, PricedCart, coupon_data_problem
from services.common import pagination
from services.common.clock import iso
from services.common.fields import (
    INT32_MAX,
    MAX_AMOUNT,
    MAX_QUANTITY,
    Id,
    Int,
    Limit,
    Moment,
    Page,
    Text,
)

_id = Id(required=True)
_optional_id = Id(load_default=None, allow_none=True)


class CartRef(Schema):
    cart_id = _id
    user_id = _optional_id


class AddItemArgs(CartRef):
    product_id = _id
    quantity = Int(required=True, strict=True, minimum=1, maximum=MAX_QUANTITY)


class UpdateItemArgs(CartRef):
    product_id = _id
    # 0 removes the line
    quantity = Int(required=True, strict=True, minimum=0, maximum=MAX_QUANTITY)


class ItemRef(CartRef):
    product_id = _id


class ApplyCouponArgs(CartRef):
    code = Text(required=True, min_length=1, max_length=64)


class MergeArgs(Schema):
    guest_cart_id = _id
    user_id = _id


class RedeemArgs(Schema):
    code = Text(required=True, min_length=1, max_length=64)
    order_id = _id
    user_id = _optional_id


class ReminderStatsArgs(Schema):
    days = Int(load_default=30, strict=True, minimum=1, maximum=366)


class CouponListArgs(Schema):
    page = Page()
    limit = Limit()
    q = Text(load_default=None, allow_none=True, max_length=64)
    active = fields.Boolean(load_default=None, allow_none=True)


class CouponData(Schema):
    """A coupon as an admin writes it; `value` is a whole percent or minor units (by `type`)."""

    code = Text(
        required=True,
        max_length=64,
        validate=validate.Regexp(
            r"^[A-Za-z0-9_-]{3,64}$", error="3-64 letters, digits, '-' or '_'."
        ),
    )
    description = Text(load_default="", max_length=255)
    type = fields.String(required=True, validate=validate.OneOf(COUPON_TYPES))
    value = Int(required=True, strict=True, minimum=1, maximum=MAX_AMOUNT)
    currency = Text(load_default="USD", max_length=3, validate=validate.Regexp(r"^[A-Z]{3}$"))
    min_subtotal = Int(load_default=0, strict=True, minimum=0, maximum=MAX_AMOUNT)
    starts_at = Moment(load_default=None, allow_none=True)
    ends_at = Moment(load_default=None, allow_none=True)
    usage_limit = Int(load_default=None, allow_none=True, strict=True, minimum=1, maximum=INT32_MAX)
    per_customer_limit = Int(
        load_default=None, allow_none=True, strict=True, minimum=1, maximum=INT32_MAX
    )
    active = fields.Boolean(load_default=True)

    @validates_schema
    def check_consistency(self, data, **kwargs):
        check_coupon_data(data)


def check_coupon_data(data: dict) -> None:
    """Rules across fields (`domain.coupon_data_problem`); the use case applies them to the
    merged result of a partial update."""
    problem = coupon_data_problem(data)
    if problem is not None:
        field, message = problem
        raise ValidationError(message, field)


class CouponChanges(CouponData):
    """Any fields of CouponData (load with partial=True): an object, and only the fields it
    names come out."""

    @pre_load
    def require_an_object(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict):
            raise ValidationError("Must be an object.")
        return data

    @post_load(pass_original=True)
    def only_the_named(self, loaded: dict, original: dict, **kwargs: Any) -> dict:
        return {key: value for key, value in loaded.items() if key in original}


class _Event(Schema):
    """An event consumed by carts: only the fields carts need, the rest ignored."""

    class Meta:
        unknown = EXCLUDE


class StockChanged(_Event):
    """inventory's `stock_changed`."""

    product_id = _id
    available = fields.Integer(required=True, strict=True)
    version = fields.Integer(required=True, strict=True)


class ProductChanged(_Event):
    """catalog's `product_updated` and `product_archived`."""

    product_id = _id


class OrderConfirmed(_Event):
    """orders' `order_confirmed`: the cart it was placed from (none for an order without one),
    the order (which recovers the cart's reminder), and the outbox's event id that makes
    emptying it happen once."""

    cart_id = _optional_id
    order_id = _optional_id
    event_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))


# -- results -----------------------------------------------------------------------------------


def dump_cart(priced: PricedCart) -> dict[str, Any]:
    """Cart = Quote + {id, cart_id, user_id, expires_at}."""
    cart = priced.cart
    return {
        "id": cart.id,
        "cart_id": cart.id,
        "user_id": cart.user_id,
        "expires_at": cart.expires_at,
        **priced.quote,
    }


def dump_coupon(record: Any) -> dict[str, Any]:
    """A stored coupon (`models.CouponRecord`), times in UTC ISO 8601."""
    return {
        "id": record.id,
        "code": record.code,
        "description": record.description,
        "type": record.type,
        "value": record.value,
        "currency": record.currency,
        "min_subtotal": record.min_subtotal,
        "starts_at": iso(record.starts_at),
        "ends_at": iso(record.ends_at),
        "usage_limit": record.usage_limit,
        "per_customer_limit": record.per_customer_limit,
        "times_used": record.times_used,
        "active": record.active,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
    }


def dump_coupon_page(rows: list[CouponRow], total: int, page: int, limit: int) -> dict[str, Any]:
    return {
        "data": [dump_coupon(row) for row in rows],
        "meta": pagination.page_meta(page, limit, total),
    }
