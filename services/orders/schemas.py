"""Marshmallow schemas of the orders RPC arguments and of the events it consumes, and the
serializers of what the RPCs return (docs/architecture.md#shapes; gateway/schemas/orders.py)."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from services.common import pagination
from services.common.clock import iso
from services.common.fields import CleanText, Id, Limit, Moment, Page, Text
from services.orders import domain
from services.orders.domain import STATUSES, OrderQuery
from services.orders.exceptions import OrderNotFound

_NAME = {"min_length": 1, "max_length": 100}
_PHONE = validate.Regexp(r"^\+?[0-9 ()\-.]{6,20}$", error="Not a valid phone number.")
_POSTAL = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,11}$", error="Not a valid postal code.")
_COUNTRY = validate.Regexp(r"^[A-Z]{2}$", error="Use an ISO 3166-1 alpha-2 code such as US.")


ORDER_ID_MAX_LENGTH = 36  # orders.id: a UUID


def stored_order_id(order_id) -> str:
    """`order_id` when it can name a stored order, else OrderNotFound: checked before anything
    keys on it (the idempotency claim stores "set_tracking:<id>" in a String(60) column)."""
    if not isinstance(order_id, str) or not 1 <= len(order_id) <= ORDER_ID_MAX_LENGTH:
        raise OrderNotFound("no such order", {"order_id": str(order_id)[:ORDER_ID_MAX_LENGTH]})
    return order_id


class _Strict(Schema):
    class Meta:
        unknown = EXCLUDE


class AddressSchema(_Strict):
    first_name = Text(required=True, **_NAME)
    last_name = Text(required=True, **_NAME)
    address1 = Text(required=True, min_length=1, max_length=200)
    address2 = Text(load_default=None, allow_none=True, max_length=200)
    city = Text(required=True, min_length=1, max_length=100)
    state = Text(load_default=None, allow_none=True, max_length=100)
    postal_code = Text(required=True, max_length=12, validate=_POSTAL)
    country = Text(required=True, max_length=2, validate=_COUNTRY)
    phone = Text(required=True, max_length=21, validate=_PHONE)


class PlaceOrderArgs(_Strict):
    user_id = Id(required=True)
    cart_id = Id(required=True)
    shipping_address = fields.Nested(AddressSchema, load_default=None, allow_none=True)
    address_id = Id(load_default=None, allow_none=True, max_length=36)
    payment_method = fields.String(required=True, validate=validate.OneOf(["card", "cod"]))
    idempotency_key = Text(load_default=None, allow_none=True, min_length=1, max_length=255)
    request_hash = fields.String(load_default=None, allow_none=True)

    @validates_schema
    def needs_an_address(self, data, **kwargs):
        if not data.get("shipping_address") and not data.get("address_id"):
            raise ValidationError("Give shippingAddress or addressId.", "shipping_address")


class ListOrdersArgs(_Strict):
    user_id = Text(load_default=None, allow_none=True, max_length=64)
    # orders holding at least one line of this seller's products
    seller_id = Id(load_default=None, allow_none=True)
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(STATUSES))
    date_from = Moment(load_default=None, allow_none=True)
    date_to = Moment(load_default=None, allow_none=True)
    page = Page()
    limit = Limit()

    @post_load
    def to_query(self, data, **kwargs) -> OrderQuery:
        return OrderQuery(**data)


class StatsArgs(_Strict):
    """stats(days, top): the dashboard's window, 1-366 days, and its best sellers."""

    days = fields.Integer(load_default=30, strict=True, validate=validate.Range(min=1, max=366))
    top = fields.Integer(load_default=10, strict=True, validate=validate.Range(min=1, max=100))


class UpdateStatusArgs(_Strict):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    note = Text(load_default=None, allow_none=True, max_length=500, multiline=True)


class TrackingArgs(_Strict):
    carrier = Text(required=True, min_length=1, max_length=60)
    number = Text(required=True, min_length=1, max_length=100)
    url = fields.Url(
        load_default=None,
        allow_none=True,
        schemes={"http", "https"},
        validate=[validate.Length(max=2000), CleanText()],
    )


class PaymentEvent(_Strict):
    event_id = fields.String(load_default=None)
    order_id = fields.String(required=True)
    payment_id = fields.String(load_default=None)
    amount = fields.Integer(load_default=0)
    currency = fields.String(load_default=None)
    reason = fields.String(load_default=None, allow_none=True)
    refunded_total = fields.Integer(load_default=None, allow_none=True)
    fully_refunded = fields.Boolean(load_default=None, allow_none=True)


class ReservationExpiredEvent(_Strict):
    event_id = fields.String(load_default=None)
    order_id = fields.String(required=True)


# -- what the RPCs return -------------------------------------------------------------------


def dump_order(order: domain.OrderRecord) -> dict[str, Any]:
    """The Order as RPCs return it (docs/architecture.md#shapes; gateway/schemas/orders.py)."""
    return {
        "id": order.id,
        "user_id": order.user_id,
        "status": order.status,
        "lines": [
            {
                "product_id": line.product_id,
                "name": line.name,
                "price": line.price,
                "quantity": line.quantity,
                "image": line.image,
                "line_total": line.line_total,
                "seller_id": line.seller_id,
            }
            for line in order.lines
        ],
        "subtotal": order.subtotal,
        "discount": order.discount,
        "tax": order.tax,
        "shipping": order.shipping,
        "total": order.total,
        "currency": order.currency,
        "coupon_code": order.coupon_code,
        "shipping_address": order.shipping_address,
        "payment_method": order.payment_method,
        "payment_status": order.payment_status,
        "refunded_amount": order.refunded_amount,
        "tracking": order.tracking,
        "cancel_reason": order.cancel_reason,
        "cancellable": domain.customer_may_cancel(order.status),
        "reservation_expires_at": iso(order.reservation_expires_at),
        "created_at": iso(order.created_at),
        "updated_at": iso(order.updated_at),
    }


def dump_order_page(page: domain.Page) -> dict[str, Any]:
    """Page[Order]: {data, meta}."""
    return {
        "data": [dump_order(order) for order in page.items],
        "meta": pagination.page_meta(page.page, page.limit, page.total),
    }


def dump_history(history: list[domain.StatusChangeRecord]) -> dict[str, Any]:
    """{data: [{from_status, to_status, changed_by, reason, created_at}]}, oldest first."""
    return {
        "data": [
            {
                "from_status": change.from_status,
                "to_status": change.to_status,
                "changed_by": change.changed_by,
                "reason": change.reason,
                "created_at": iso(change.created_at),
            }
            for change in history
        ]
    }


def dump_stats(stats: domain.Stats) -> dict[str, Any]:
    """{revenue_per_day (every day of the window, `domain.revenue_series`), orders_by_status,
    top_products, average_order_value, currency, orders_counted}."""
    sales = stats.sales
    return {
        "revenue_per_day": domain.revenue_series(
            (
                {
                    "date": row.day.isoformat(),
                    "currency": row.currency,
                    "revenue": row.revenue,
                    "orders": row.orders,
                }
                for row in sales.revenue
            ),
            stats.first_day,
            stats.days,
            stats.currency,
        ),
        "orders_by_status": dict(sales.by_status),
        "top_products": [
            {
                "product_id": product.product_id,
                "name": product.name,
                "quantity": product.quantity,
                "revenue": product.revenue,
                "currency": product.currency,
            }
            for product in sales.top_products
        ],
        "average_order_value": stats.average_order_value,
        "currency": stats.currency,
        "orders_counted": sales.orders_counted,
    }


def dump_admin_order(view: domain.AdminOrder) -> dict[str, Any]:
    """The staff view: the Order plus allowed_transitions, refundable_amount, timeline and
    payment_events_unavailable."""
    return {
        **dump_order(view.order),
        "allowed_transitions": view.allowed_transitions,
        "refundable_amount": view.refundable_amount,
        "timeline": view.timeline,
        "payment_events_unavailable": view.payment_events_unavailable,
    }
