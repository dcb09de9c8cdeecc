"""Marshmallow schemas of the payments RPC arguments and of the events it consumes."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from services.common.fields import MAX_AMOUNT, Id, Int, Text


class _Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


class CreateIntentArgs(_Lenient):
    order_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    amount = Int(required=True, strict=True, minimum=0, maximum=2**31 - 1)
    currency = Text(required=True, max_length=3, validate=validate.Regexp(r"^[A-Z]{3}$"))
    user_id = fields.String(required=True)
    idempotency_key = fields.String(required=True, validate=validate.Length(min=1, max=255))
    method = fields.String(load_default="card", validate=validate.OneOf(["card", "cod"]))


class ConfirmArgs(_Lenient):
    intent_id = Id(required=True, max_length=120)
    card_number = Text(
        required=True,
        max_length=23,
        validate=validate.Regexp(r"^[0-9 \-]{12,23}$", error="Not a card number."),
    )


class RefundArgs(_Lenient):
    order_id = Id(required=True, max_length=36)
    amount = Int(load_default=None, allow_none=True, strict=True, minimum=1, maximum=MAX_AMOUNT)


class PaymentEventsArgs(_Lenient):
    order_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class OrderDelivered(_Lenient):
    event_id = fields.String(load_default=None)
    order_id = fields.String(required=True)
    payment_method = fields.String(load_default=None, allow_none=True)
