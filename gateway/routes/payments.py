"""Payments: the order's intent, the simulated provider's confirmation, the provider webhook (raw
body, signature checked by the payments service, no JWT, no rate limit), admin refunds."""

from __future__ import annotations

from gateway.api import api
from gateway.idempotency import OFF, SERVICE, idempotency
from gateway.schemas.base import page_of
from gateway.schemas.orders import DeadLetterQuery, DeadLetterSchema
from gateway.schemas.payments import (
    ConfirmBody,
    CreateIntentBody,
    PaymentConfigSchema,
    PaymentSchema,
    ReconciliationSchema,
    RefundBody,
    WebhookResultSchema,
)

TAGS = ("payments",)


class PaymentRoutes:
    @api(
        "GET",
        "/api/payments/config",
        response=PaymentConfigSchema,
        tags=TAGS,
        summary="How the storefront takes payment: card provider, publishable key, test cards",
    )
    def get_payment_config(self, request):
        return self.payments_rpc.checkout_options()

    @api(
        "POST",
        "/api/payments/create-intent",
        auth=True,
        body=CreateIntentBody,
        response=PaymentSchema,
        tags=TAGS,
        summary="The order's payment intent and client secret (created at checkout)",
    )
    def create_payment_intent(self, request, user, body):
        return self.payments_rpc.intent_for_order(body["order_id"], user.user_id, user.is_admin)

    @api(
        "POST",
        "/api/payments/confirm",
        idempotency=SERVICE,
        auth=True,
        body=ConfirmBody,
        response=PaymentSchema,
        tags=TAGS,
        summary="Simulated provider: pay with a test card number",
    )
    def confirm_payment(self, request, user, body):
        key, digest = idempotency(request, body)
        return self.payments_rpc.confirm(
            body["intent_id"],
            body["card_number"],
            user.user_id,
            idempotency_key=key,
            request_hash=digest,
        )

    @api(
        "POST",
        "/api/payments/webhook",
        idempotency=OFF,
        rate="",
        response=WebhookResultSchema,
        tags=TAGS,
        summary="Provider events (raw body, Stripe-Signature header)",
    )
    def payment_webhook(self, request):
        payload = request.get_data(cache=True, as_text=True)
        return self.payments_rpc.handle_webhook(payload, request.headers.get("Stripe-Signature"))

    @api(
        "GET",
        "/api/payments/order/<order_id>",
        auth=True,
        response=PaymentSchema,
        tags=TAGS,
        summary="The payment of one of your orders",
    )
    def get_order_payment(self, request, user, order_id):
        return self.payments_rpc.get_payment(order_id, user.user_id, user.is_admin)

    @api(
        "POST",
        "/api/payments/refund",
        idempotency=SERVICE,
        roles=("admin",),
        body=RefundBody,
        response=PaymentSchema,
        tags=TAGS,
        summary="Admin: refund all or part of a payment",
    )
    def refund_payment(self, request, user, body):
        key, digest = idempotency(request, body)
        return self.payments_rpc.refund(
            body["order_id"],
            body["amount"],
            user.user_id,
            idempotency_key=key,
            request_hash=digest,
        )


class AdminPaymentRoutes:
    @api(
        "GET",
        "/api/admin/payments/reconcile",
        roles=("admin",),
        response=ReconciliationSchema,
        tags=("admin",),
        summary="Provider intents vs payments vs orders: every mismatch",
    )
    def admin_reconcile_payments(self, request, user):
        return self.payments_rpc.reconcile()

    @api(
        "GET",
        "/api/admin/payments/dead-letters",
        roles=("admin",),
        query=DeadLetterQuery,
        response=page_of(DeadLetterSchema),
        tags=("admin",),
        summary="Payment events whose handling kept failing",
    )
    def admin_payment_dead_letters(self, request, user, query):
        return self.payments_rpc.list_dead_letters(**query)

    @api(
        "POST",
        "/api/admin/payments/dead-letters/<letter_id>/replay",
        roles=("admin",),
        response=DeadLetterSchema,
        tags=("admin",),
        summary="Handle a dead letter again",
    )
    def admin_replay_payment_dead_letter(self, request, user, letter_id):
        return self.payments_rpc.replay_dead_letter(letter_id)
