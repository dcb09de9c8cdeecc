"""Payment providers behind one interface, chosen by configuration (`PAYMENTS.provider`).

    create_intent(order_id, amount, currency, idempotency_key) -> {id, client_secret, status}
    refund(intent_id, amount, idempotency_key) -> {id, amount, status}
    list_intents() -> iterable of {id, order_id, amount, amount_refunded, currency, status}

`stripe` talks to Stripe through the official SDK (a test double in tests, via `api_base`);
`simulated` keeps Stripe-shaped intents in its own table and turns test card numbers into signed
events; `cod` (cash on delivery) has no provider side at all: it is paid on delivery.
"""

from __future__ import annotations

import logging
import secrets
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import stripe
from sqlalchemy import select

from services.common.database import insert
from services.payments import domain
from services.payments.exceptions import ProviderError
from services.payments.models import SimulatedIntent

log = logging.getLogger(__name__)


class StripeProvider(domain.PaymentProvider):
    name = "stripe"

    def __init__(self, client: stripe.StripeClient):
        self.client = client

    def create_intent(
        self, order_id: str, amount: int, currency: str, idempotency_key: str
    ) -> dict[str, Any]:
        try:
            intent = self.client.v1.payment_intents.create(
                params={
                    "amount": amount,
                    "currency": currency.lower(),
                    "metadata": {"order_id": order_id},
                    "automatic_payment_methods": {"enabled": True},
                },
                options={"idempotency_key": idempotency_key},
            ).to_dict()
        except stripe.StripeError as exc:
            raise _provider_error("payment intent", exc) from exc
        return {
            "id": intent["id"],
            "client_secret": intent.get("client_secret"),
            "status": domain.provider_status(intent["status"]),
        }

    def refund(self, intent_id: str, amount: int, idempotency_key: str) -> dict[str, Any]:
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": intent_id, "amount": amount},
                options={"idempotency_key": idempotency_key},
            ).to_dict()
        except stripe.StripeError as exc:
            raise _provider_error("refund", exc) from exc
        return {"id": refund["id"], "amount": refund["amount"], "status": refund["status"]}

    def list_intents(self) -> Iterable[dict[str, Any]]:
        listing = self.client.v1.payment_intents.list(
            params={"limit": 100, "expand": ["data.latest_charge"]}
        )
        for item in listing.auto_paging_iter():
            intent = item.to_dict()
            charge = intent.get("latest_charge")
            yield {
                "id": intent["id"],
                "order_id": (intent.get("metadata") or {}).get("order_id"),
                "amount": intent["amount"],
                "amount_refunded": int(charge.get("amount_refunded") or 0)
                if isinstance(charge, dict)
                else 0,
                "currency": intent["currency"].upper(),
                "status": domain.provider_status(intent["status"]),
            }


def _provider_error(action: str, exc: stripe.StripeError) -> ProviderError:
    """A client-safe error: Stripe's user message and code, never its raw response."""
    log.warning("stripe %s failed: %s", action, exc)
    return ProviderError(
        f"the payment provider refused the {action}"
        + (f": {exc.user_message}" if exc.user_message else ""),
        {"code": getattr(exc, "code", None), "http_status": exc.http_status},
    )


class SimulatedProvider(domain.PaymentProvider):
    """No network: intents live in `simulated_intents`; the outcome of a test card becomes a
    Stripe-shaped event (see `confirm`)."""

    name = "simulated"

    def __init__(self, session):
        self.session = session

    def create_intent(
        self, order_id: str, amount: int, currency: str, idempotency_key: str
    ) -> dict[str, Any]:
        intent_id = f"pi_sim_{uuid.uuid4().hex[:24]}"
        self.session.execute(
            insert(SimulatedIntent)
            .values(
                id=intent_id,
                idempotency_key=idempotency_key,
                amount=amount,
                currency=currency,
                status="requires_payment_method",
                amount_refunded=0,
                client_secret=f"{intent_id}_secret_{secrets.token_urlsafe(16)}",
                metadata_={"order_id": order_id},
                created_at=datetime.now(UTC),
            )
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
        )
        intent = self.session.execute(
            select(SimulatedIntent).where(SimulatedIntent.idempotency_key == idempotency_key)
        ).scalar_one()
        return {
            "id": intent.id,
            "client_secret": intent.client_secret,
            "status": domain.provider_status(intent.status),
        }

    def confirm(self, intent_id: str, card_number: str) -> dict[str, Any]:
        """Apply a test card to the intent; returns the Stripe-shaped event it produces."""
        intent = self.session.execute(
            select(SimulatedIntent)
            .where(SimulatedIntent.id == intent_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one()
        decline = domain.card_outcome(card_number)
        if decline is None:
            intent.status = "succeeded"
            intent.last_error = None
            event_type = domain.INTENT_SUCCEEDED
        else:
            intent.status = "requires_payment_method"
            intent.last_error = decline
            event_type = domain.INTENT_FAILED
        return {
            "id": f"evt_sim_{uuid.uuid4().hex}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": self._shape(intent)},
        }

    def refund(self, intent_id: str, amount: int, idempotency_key: str) -> dict[str, Any]:
        intent = self.session.execute(
            select(SimulatedIntent)
            .where(SimulatedIntent.id == intent_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one()
        if intent.status != "succeeded" or intent.amount_refunded + amount > intent.amount:
            raise ProviderError("nothing to refund on this intent", {"code": "charge_refunded"})
        intent.amount_refunded += amount
        return {"id": f"re_sim_{uuid.uuid4().hex[:24]}", "amount": amount, "status": "succeeded"}

    def list_intents(self) -> Iterable[dict[str, Any]]:
        for intent in self.session.execute(select(SimulatedIntent)).scalars():
            yield {
                "id": intent.id,
                "order_id": intent.metadata_.get("order_id"),
                "amount": intent.amount,
                "amount_refunded": intent.amount_refunded,
                "currency": intent.currency,
                "status": domain.provider_status(intent.status),
            }

    @staticmethod
    def _shape(intent: SimulatedIntent) -> dict[str, Any]:
        shaped: dict[str, Any] = {
            "id": intent.id,
            "object": "payment_intent",
            "amount": intent.amount,
            "currency": intent.currency.lower(),
            "status": intent.status,
            "metadata": dict(intent.metadata_),
            "last_payment_error": None,
        }
        if intent.last_error:
            shaped["last_payment_error"] = {
                "type": "card_error",
                "code": "card_declined",
                "decline_code": intent.last_error,
            }
        return shaped


class CashOnDelivery(domain.PaymentProvider):
    """No provider: the intent is a placeholder; the payment succeeds when the order is
    delivered, and a refund is paid back by hand."""

    name = "cod"

    def create_intent(
        self, order_id: str, amount: int, currency: str, idempotency_key: str
    ) -> dict[str, Any]:
        return {"id": f"cod_{order_id}", "client_secret": None, "status": domain.PENDING}

    def refund(self, intent_id: str, amount: int, idempotency_key: str) -> dict[str, Any]:
        return {"id": None, "amount": amount, "status": "manual"}

    def list_intents(self) -> Iterable[dict[str, Any]]:
        return []
