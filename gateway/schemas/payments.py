"""HTTP schemas of the payment routes."""

from marshmallow import fields, validate

from gateway.schemas.base import CamelSchema, Money
from services.common.fields import Id, Text


class PaymentSchema(CamelSchema):
    id = fields.String()
    order_id = fields.String()
    provider = fields.String()
    intent_id = fields.String()
    client_secret = fields.String(allow_none=True)
    status = fields.String()
    amount = Money()
    amount_refunded = Money()
    currency = fields.String()
    failure_reason = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()


class CreateIntentBody(CamelSchema):
    order_id = Id(required=True, max_length=36)


class ConfirmBody(CamelSchema):
    intent_id = Id(required=True, max_length=120)
    card_number = Text(
        required=True,
        max_length=23,
        validate=validate.Regexp(r"^[0-9 \-]{12,23}$", error="Not a card number."),
    )


class RefundBody(CamelSchema):
    order_id = Id(required=True, max_length=36)
    amount = Money(load_default=None, allow_none=True)


class WebhookResultSchema(CamelSchema):
    received = fields.Boolean()
    event_id = fields.String()
    applied = fields.Boolean()
    duplicate = fields.Boolean()


class MismatchSchema(CamelSchema):
    kind = fields.String()
    order_id = fields.String(allow_none=True)
    intent_id = fields.String(allow_none=True)
    provider_status = fields.String(allow_none=True)
    payment_status = fields.String(allow_none=True)
    order_status = fields.String(allow_none=True)


class ReconciliationSchema(CamelSchema):
    checked = fields.Integer()
    mismatches = fields.List(fields.Dict())


class TestCardSchema(CamelSchema):
    number = fields.String()
    outcome = fields.String(metadata={"description": "succeeded, card_declined, ..."})


class PaymentConfigSchema(CamelSchema):
    card_provider = fields.String(metadata={"description": "simulated or stripe"})
    publishable_key = fields.String(
        allow_none=True, metadata={"description": "Stripe's publishable key (stripe only)"}
    )
    methods = fields.List(fields.String(), metadata={"description": "card, cod"})
    test_cards = fields.List(
        fields.Nested(TestCardSchema),
        metadata={"description": "simulated provider: card numbers and what they do"},
    )
