"""HTTP schemas of the order routes and admin stats."""

from marshmallow import EXCLUDE, ValidationError, fields, pre_dump, validate, validates_schema

from gateway.schemas.base import CamelSchema, Money, PageQuery
from services.common.fields import CleanText, Id, Moment, Text
from services.orders.domain import STATUSES


def _name(**kwargs) -> Text:
    return Text(min_length=1, max_length=100, **kwargs)


# The orders domain's own list: declared on every status field (also the dumped ones, where it
# only documents), so the generated web client carries the enum instead of a copy of it.
_STATUS = validate.OneOf(STATUSES)


class ShippingAddressBody(CamelSchema):
    first_name = _name(required=True)
    last_name = _name(required=True)
    address1 = Text(required=True, min_length=1, max_length=200)
    address2 = Text(load_default=None, allow_none=True, max_length=200)
    city = Text(required=True, min_length=1, max_length=100)
    state = Text(load_default=None, allow_none=True, max_length=100)
    postal_code = Text(
        required=True,
        max_length=12,
        validate=validate.Regexp(
            r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,11}$", error="Not a valid postal code."
        ),
    )
    country = Text(
        required=True,
        max_length=2,
        validate=validate.Regexp(r"^[A-Z]{2}$", error="Use an ISO 3166-1 alpha-2 code (US)."),
    )
    phone = Text(
        required=True,
        max_length=21,
        validate=validate.Regexp(r"^\+?[0-9 ()\-.]{6,20}$", error="Not a valid phone number."),
    )


class PlaceOrderBody(CamelSchema):
    cart_id = Id(required=True)
    shipping_address = fields.Nested(ShippingAddressBody, load_default=None, allow_none=True)
    address_id = Id(load_default=None, allow_none=True)
    payment_method = fields.String(load_default="card", validate=validate.OneOf(["card", "cod"]))

    @validates_schema
    def needs_an_address(self, data, **kwargs):
        if not data.get("shipping_address") and not data.get("address_id"):
            raise ValidationError("Give shippingAddress or addressId.", "shippingAddress")


class OrderLineSchema(CamelSchema):
    product_id = fields.String()
    name = fields.String()
    price = Money()
    quantity = fields.Integer()
    image = fields.String(allow_none=True)
    line_total = Money()
    seller_id = fields.String(
        allow_none=True, metadata={"description": "the product's seller at checkout"}
    )


class TrackingSchema(CamelSchema):
    carrier = fields.String()
    number = fields.String()
    url = fields.String(allow_none=True)


class OrderPaymentSchema(CamelSchema):
    intent_id = fields.String()
    client_secret = fields.String(allow_none=True)
    provider = fields.String(allow_none=True)
    status = fields.String(allow_none=True)


class OrderSchema(CamelSchema):
    id = fields.String()
    user_id = fields.String()
    status = fields.String(validate=_STATUS)
    lines = fields.List(fields.Nested(OrderLineSchema))
    subtotal = Money()
    discount = Money()
    tax = Money()
    shipping = Money()
    total = Money()
    currency = fields.String()
    coupon_code = fields.String(allow_none=True)
    shipping_address = fields.Nested(ShippingAddressBody, allow_none=True)
    payment_method = fields.String()
    payment_status = fields.String()
    refunded_amount = Money()
    tracking = fields.Nested(TrackingSchema, allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    cancellable = fields.Boolean(metadata={"description": "the customer may still cancel it"})
    reservation_expires_at = fields.String(allow_none=True)
    payment = fields.Nested(OrderPaymentSchema)
    created_at = fields.String()
    updated_at = fields.String()

    @pre_dump
    def lines_in_order_currency(self, order, **kwargs):
        """Line money is formatted in the order's currency."""
        currency = order.get("currency")
        return {**order, "lines": [{**line, "currency": currency} for line in order["lines"]]}


class OrderListQuery(PageQuery):
    status = fields.String(load_default=None, validate=_STATUS)


class AdminOrderQuery(OrderListQuery):
    customer = Text(load_default=None, min_length=1, max_length=64)
    seller = Id(
        load_default=None,
        metadata={"description": "orders holding this seller's products (a seller: always theirs)"},
    )
    date_from = Moment(load_default=None)
    date_to = Moment(load_default=None)


class StatusBody(CamelSchema):
    status = fields.String(required=True, validate=_STATUS)
    note = Text(load_default=None, allow_none=True, max_length=500, multiline=True)


class CancelBody(CamelSchema):
    """The optional body of a cancel (read by the route itself: it may be absent)."""

    class Meta:
        unknown = EXCLUDE

    reason = Text(load_default=None, allow_none=True, max_length=500, multiline=True)


class TrackingBody(CamelSchema):
    carrier = Text(required=True, min_length=1, max_length=60)
    number = Text(required=True, min_length=1, max_length=100)
    url = fields.Url(
        load_default=None,
        allow_none=True,
        schemes={"http", "https"},
        validate=[validate.Length(max=2000), CleanText()],
    )


class HistoryEntrySchema(CamelSchema):
    from_status = fields.String(allow_none=True, validate=_STATUS)
    to_status = fields.String(validate=_STATUS)
    changed_by = fields.String()
    reason = fields.String(allow_none=True)
    created_at = fields.String()


class HistorySchema(CamelSchema):
    data = fields.List(fields.Nested(HistoryEntrySchema))


class TimelineEntrySchema(CamelSchema):
    kind = fields.String(metadata={"description": "status | payment"})
    at = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    changed_by = fields.String(allow_none=True)
    event = fields.String(
        metadata={
            "description": "payment_created | payment_succeeded | payment_failed | refunded | "
            "refund_confirmed"
        }
    )
    amount = Money(allow_none=True)
    currency = fields.String(allow_none=True)
    provider = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


class AdminOrderSchema(OrderSchema):
    allowed_transitions = fields.List(
        fields.String(validate=_STATUS), metadata={"description": "the statuses staff may set now"}
    )
    refundable_amount = Money(metadata={"description": "what an admin may still refund"})
    timeline = fields.List(fields.Nested(TimelineEntrySchema))
    payment_events_unavailable = fields.Boolean()


class StatsQuery(CamelSchema):
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=366))


class RevenueDaySchema(CamelSchema):
    date = fields.String()
    currency = fields.String()
    revenue = Money()
    orders = fields.Integer()


class TopProductSchema(CamelSchema):
    product_id = fields.String()
    name = fields.String()
    quantity = fields.Integer()
    revenue = Money()
    currency = fields.String()


class StatsSchema(CamelSchema):
    revenue_per_day = fields.List(fields.Nested(RevenueDaySchema))
    orders_by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    top_products = fields.List(fields.Nested(TopProductSchema))
    average_order_value = Money()
    currency = fields.String()
    orders_counted = fields.Integer()


class DeadLetterSchema(CamelSchema):
    id = fields.String()
    handler = fields.String()
    source_service = fields.String()
    event_type = fields.String()
    payload = fields.Dict()
    error = fields.String()
    attempts = fields.Integer()
    created_at = fields.String()
    replayed_at = fields.String(allow_none=True)


class DeadLetterQuery(PageQuery):
    include_replayed = fields.Boolean(load_default=False)
