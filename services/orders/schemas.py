"""Marshmallow schemas of the orders RPC arguments and of the events it consumes."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from services.common.fields import CleanText, Id, Limit, Moment, Page, Text
from services.orders.domain import STATUSES
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
