"""The payments repository (all SQL) and the provider dependency built from configuration."""

from __future__ import annotations

from typing import Any

import stripe
from nameko.extensions import DependencyProvider
from sqlalchemy import select

from services.common.clock import utcnow
from services.common.database import insert
from services.payments.exceptions import PaymentNotFound
from services.payments.models import Payment, ProviderEvent, Refund
from services.payments.providers import CashOnDelivery, SimulatedProvider, StripeProvider

PAYMENTS = "PAYMENTS"  # config: {provider, webhook_secret, webhook_tolerance, stripe: {...}}
DEV_WEBHOOK_SECRET = "whsec_bazaar_development_only"


def payment_to_dict(payment: Payment) -> dict[str, Any]:
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
        "created_at": payment.created_at.isoformat(),
        "updated_at": payment.updated_at.isoformat(),
    }


class PaymentsRepository:
    def __init__(self, session):
        self.session = session

    def add(self, **values) -> Payment:
        """Insert the order's payment unless it has one; returns the order's payment."""
        stamp = utcnow()
        self.session.execute(
            insert(Payment)
            .values(**values, amount_refunded=0, created_at=stamp, updated_at=stamp)
            .on_conflict_do_nothing(index_elements=["order_id"])
        )
        return self.by_order(values["order_id"])

    def by_order(self, order_id: str, lock: bool = False) -> Payment:
        query = select(Payment).where(Payment.order_id == order_id)
        payment = self.session.execute(
            query.with_for_update().execution_options(populate_existing=True) if lock else query
        ).scalar_one_or_none()
        if payment is None:
            raise PaymentNotFound(f"no payment for order {order_id}", {"order_id": order_id})
        return payment

    def find_by_order(self, order_id: str) -> Payment | None:
        return self.session.execute(
            select(Payment).where(Payment.order_id == order_id)
        ).scalar_one_or_none()

    def by_intent(self, intent_id: str, lock: bool = False) -> Payment | None:
        query = select(Payment).where(Payment.intent_id == intent_id)
        return self.session.execute(
            query.with_for_update().execution_options(populate_existing=True) if lock else query
        ).scalar_one_or_none()

    def all(self) -> list[Payment]:
        return list(self.session.execute(select(Payment)).scalars())

    def claim_provider_event(self, event_id: str, event_type: str, intent_id: str | None) -> bool:
        """Record a provider event in this transaction; False when it was processed before."""
        inserted = self.session.execute(
            insert(ProviderEvent)
            .values(id=event_id, type=event_type, intent_id=intent_id, received_at=utcnow())
            .on_conflict_do_nothing()
            .returning(ProviderEvent.id)
        ).first()
        return inserted is not None

    def provider_events(self, intent_id: str) -> list[dict[str, Any]]:
        rows = self.session.execute(
            select(ProviderEvent)
            .where(ProviderEvent.intent_id == intent_id)
            .order_by(ProviderEvent.received_at)
        ).scalars()
        return [{"type": r.type, "received_at": r.received_at.isoformat()} for r in rows]

    def refunds(self, payment_id: str) -> list[dict[str, Any]]:
        rows = self.session.execute(
            select(Refund).where(Refund.payment_id == payment_id).order_by(Refund.created_at)
        ).scalars()
        return [
            {"amount": r.amount, "status": r.status, "created_at": r.created_at.isoformat()}
            for r in rows
        ]

    def add_refund(
        self,
        refund_id: str,
        payment_id: str,
        provider_refund_id: str | None,
        amount: int,
        status: str,
    ) -> None:
        self.session.add(
            Refund(
                id=refund_id,
                payment_id=payment_id,
                provider_refund_id=provider_refund_id,
                amount=amount,
                status=status,
                created_at=utcnow(),
            )
        )


class Providers:
    """What `PaymentProviders` injects: the configured card provider and cash on delivery."""

    def __init__(
        self,
        card_name: str,
        stripe_client,
        webhook_secret: str,
        tolerance: int,
        publishable_key: str | None = None,
    ):
        self.card_name = card_name
        self.publishable_key = publishable_key
        self.stripe_client = stripe_client
        self.webhook_secret = webhook_secret
        self.tolerance = tolerance

    def get(self, name: str, session):
        if name == "cod":
            return CashOnDelivery()
        if name == "stripe":
            return StripeProvider(self.stripe_client)
        return SimulatedProvider(session)


class PaymentProviders(DependencyProvider):
    """Builds the Stripe client once (`setup`), from config `PAYMENTS`; refuses to run the stripe
    provider without an API key or with the development webhook secret."""

    def setup(self):
        settings = self.container.config.get(PAYMENTS) or {}
        self.card_name = settings.get("provider") or "simulated"
        if self.card_name not in ("simulated", "stripe"):
            raise ValueError(f"PAYMENTS.provider must be simulated or stripe, not {self.card_name}")
        self.webhook_secret = str(settings.get("webhook_secret") or DEV_WEBHOOK_SECRET)
        self.tolerance = int(settings.get("webhook_tolerance") or 300)
        self.stripe_client = None
        options = settings.get("stripe") or {}
        self.publishable_key = str(options.get("publishable_key") or "") or None
        if self.card_name == "stripe":
            if not options.get("api_key"):
                raise ValueError("PAYMENTS.stripe.api_key (STRIPE_API_KEY) is required")
            if self.webhook_secret == DEV_WEBHOOK_SECRET:
                raise ValueError("set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret")
            base = options.get("api_base")
            self.stripe_client = stripe.StripeClient(
                str(options["api_key"]),
                base_addresses={"api": str(base)} if base else None,
                max_network_retries=int(options.get("max_network_retries", 2)),
            )

    def get_dependency(self, worker_ctx):
        return Providers(
            self.card_name,
            self.stripe_client,
            self.webhook_secret,
            self.tolerance,
            self.publishable_key,
        )
