"""Marshmallow schemas of the payments RPC arguments and of the events it consumes, and the
serializers of its records (times in UTC ISO 8601, `services.common.clock.iso`)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from services.common.clock import iso
from services.common.fields import MAX_AMOUNT, Id, Int, Text
from services.payments import domain
from services.payments.domain import PaymentRecord, ProviderEventRecord, RefundRecord


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


# -- serializers ------------------------------------------------------------------------------


def dump_payment(payment: PaymentRecord) -> dict[str, Any]:
    """The Payment as RPCs return it (docs/architecture.md#shapes; gateway/schemas/payments.py)."""
    return {
        "id": payment.id,
        "order_id": payment.order_id,
        "user_id": payment.user_id,
        "provider": payment.provider,
        "intent_id": payment.intent_id,
        "client_secret": payment.client_secret,
        "status": payment.status,
        "amount": payment.amount,
        "amount_refunded": payment.amount_refunded,
        "currency": payment.currency,
        "failure_reason": payment.failure_reason,
        "created_at": iso(payment.created_at),
        "updated_at": iso(payment.updated_at),
    }


def dump_provider_event(event: ProviderEventRecord) -> dict[str, Any]:
    """{type, received_at}: what `domain.payment_events` reads of an applied provider event."""
    return {"type": event.type, "received_at": iso(event.received_at)}


def dump_refund(refund: RefundRecord) -> dict[str, Any]:
    """{amount, status, created_at}: what `domain.payment_events` reads of a refund."""
    return {"amount": refund.amount, "status": refund.status, "created_at": iso(refund.created_at)}


def dump_payment_events(history: domain.PaymentHistory | None) -> list[dict[str, Any]]:
    """The payment's events oldest first (`domain.payment_events`); [] without a payment."""
    if history is None:
        return []
    return domain.payment_events(
        dump_payment(history.payment),
        [dump_provider_event(event) for event in history.provider_events],
        [dump_refund(refund) for refund in history.refunds],
    )
