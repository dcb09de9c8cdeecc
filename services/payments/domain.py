"""Payment rules: statuses that only move forward, test cards, provider events -> changes,
reconciliation; and the ports the use cases (`usecases.Payments`) reach the world through.

Pure: no nameko, SQLAlchemy or redis. The repository, the providers and the orders service are
abstract classes here, with their adapters in `repository.py`, `providers.py` and
`dependencies.py`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from services.common.ports import Transactional

PENDING = "pending"
FAILED = "failed"
SUCCEEDED = "succeeded"
PARTIALLY_REFUNDED = "partially_refunded"
REFUNDED = "refunded"

# A status never goes backwards: an event whose status ranks lower than the current one is stale
# (provider events arrive in any order). A failed payment may still succeed (a retried card).
RANK = {PENDING: 0, FAILED: 1, SUCCEEDED: 2, PARTIALLY_REFUNDED: 3, REFUNDED: 4}

SUCCESS_CARD = "4242424242424242"
TEST_CARDS: dict[str, str | None] = {
    SUCCESS_CARD: None,
    "4000000000000002": "card_declined",
    "4000000000009995": "insufficient_funds",
}

INTENT_SUCCEEDED = "payment_intent.succeeded"
INTENT_FAILED = "payment_intent.payment_failed"
CHARGE_REFUNDED = "charge.refunded"
HANDLED_EVENTS = frozenset({INTENT_SUCCEEDED, INTENT_FAILED, CHARGE_REFUNDED})


def checkout_options(card_provider: str, publishable_key: str | None) -> dict[str, Any]:
    """What a browser needs to take a payment: the card provider, Stripe's publishable key (stripe
    only; it is public by design), and the simulated provider's test cards with their outcomes."""
    stripe = card_provider == "stripe"
    return {
        "card_provider": card_provider,
        "publishable_key": (publishable_key or None) if stripe else None,
        "methods": ["card", "cod"],
        "test_cards": []
        if stripe
        else [
            {"number": number, "outcome": reason or "succeeded"}
            for number, reason in TEST_CARDS.items()
        ],
    }


def moves_forward(current: str, target: str) -> bool:
    return RANK[target] > RANK[current]


def card_outcome(number: str) -> str | None:
    """None when the test card pays, else the decline code. Unknown numbers raise KeyError."""
    return TEST_CARDS[number.replace(" ", "").replace("-", "")]


def provider_status(stripe_status: str) -> str:
    """Our status for a Stripe PaymentIntent status."""
    return {"succeeded": SUCCEEDED, "canceled": FAILED}.get(stripe_status, PENDING)


@dataclass(frozen=True)
class Change:
    """What a provider event asks of a payment."""

    status: str
    reason: str | None = None
    amount_refunded: int | None = None


def change_for(event_type: str, obj: dict[str, Any], amount: int) -> Change | None:
    """The change a provider event describes for a payment of `amount`, or None to ignore it."""
    if event_type == INTENT_SUCCEEDED:
        return Change(SUCCEEDED)
    if event_type == INTENT_FAILED:
        error = obj.get("last_payment_error") or {}
        reason = error.get("decline_code") or error.get("code") or "payment_failed"
        return Change(FAILED, reason=reason)
    if event_type == CHARGE_REFUNDED:
        refunded = int(obj.get("amount_refunded") or 0)
        if refunded <= 0:
            return None
        return Change(
            REFUNDED if refunded >= amount else PARTIALLY_REFUNDED, amount_refunded=refunded
        )
    return None


def refund_status(amount: int, refunded: int) -> str:
    return REFUNDED if refunded >= amount else PARTIALLY_REFUNDED


# What each provider event means on an order's timeline.
EVENT_NAMES = {
    INTENT_SUCCEEDED: "payment_succeeded",
    INTENT_FAILED: "payment_failed",
    CHARGE_REFUNDED: "refund_confirmed",
}


def payment_events(
    payment: dict[str, Any], provider_events: list[dict[str, Any]], refunds: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A payment's story, oldest first: the intent, each provider event applied to it, each
    refund made. Entries: {type, at, amount, currency, provider, reason}."""
    base = {"currency": payment["currency"], "provider": payment["provider"]}
    events = [
        {
            **base,
            "type": "payment_created",
            "at": payment["created_at"],
            "amount": payment["amount"],
            "reason": None,
        }
    ]
    for event in provider_events:
        name = EVENT_NAMES.get(event["type"], event["type"])
        events.append(
            {
                **base,
                "type": name,
                "at": event["received_at"],
                "amount": payment["amount"] if name == "payment_succeeded" else None,
                "reason": payment.get("failure_reason") if name == "payment_failed" else None,
            }
        )
    if (
        payment["provider"] == "cod"
        and payment.get("status") == SUCCEEDED
        and not any(e["type"] == INTENT_SUCCEEDED for e in provider_events)
    ):
        # cash is collected on delivery with no provider event: the payment's last change is it
        events.append(
            {
                **base,
                "type": "payment_succeeded",
                "at": payment["updated_at"],
                "amount": payment["amount"],
                "reason": None,
            }
        )
    for refund in refunds:
        events.append(
            {
                **base,
                "type": "refunded",
                "at": refund["created_at"],
                "amount": refund["amount"],
                "reason": None if refund["status"] == "succeeded" else refund["status"],
            }
        )
    return sorted(events, key=lambda event: event["at"])


# -- reconciliation ---------------------------------------------------------------------------

# Order statuses that mean the order was paid for (or is paid on delivery, cod).
PAID_ORDER_STATUSES = {"confirmed", "processing", "shipped", "delivered"}


def intent_mismatches(intent: dict[str, Any], payment: PaymentRecord) -> list[dict[str, Any]]:
    """How a provider's intent and our payment of it disagree: amount, status, amount refunded.
    A refunded payment's intent has succeeded; a failed payment's intent may still be pending."""
    mismatches: list[dict[str, Any]] = []
    if intent["amount"] != payment.amount:
        mismatches.append(
            {
                "kind": "amount_differs",
                "intent_id": intent["id"],
                "order_id": payment.order_id,
                "provider": intent["amount"],
                "ours": payment.amount,
            }
        )
    ours = SUCCEEDED if payment.status in (PARTIALLY_REFUNDED, REFUNDED) else payment.status
    if intent["status"] != ours and not (intent["status"] == PENDING and ours == FAILED):
        mismatches.append(
            {
                "kind": "status_differs",
                "intent_id": intent["id"],
                "order_id": payment.order_id,
                "provider_status": intent["status"],
                "payment_status": payment.status,
            }
        )
    if intent["amount_refunded"] != payment.amount_refunded:
        mismatches.append(
            {
                "kind": "refund_differs",
                "intent_id": intent["id"],
                "order_id": payment.order_id,
                "provider": intent["amount_refunded"],
                "ours": payment.amount_refunded,
            }
        )
    return mismatches


def order_mismatch(payment: PaymentRecord, order: dict[str, Any] | None) -> str | None:
    """The kind of disagreement between a payment and its order (None: the order is gone)."""
    if order is None:
        return "payment_without_order"
    status = order["status"]
    if payment.status == SUCCEEDED and status in (
        "cancelled",
        "pending",
        "awaiting_payment",
    ):
        return "paid_but_order_not_confirmed"
    if payment.status == REFUNDED and status not in ("refunded", "cancelled"):
        return "refunded_but_order_open"
    if (
        payment.provider != "cod"
        and status in PAID_ORDER_STATUSES
        and payment.status in (PENDING, FAILED)
    ):
        return "order_confirmed_without_payment"
    return None


# -- records and ports ------------------------------------------------------------------------


class PaymentRecord(Protocol):
    """A stored payment (the ORM row in production, a plain object in tests)."""

    id: str
    order_id: str
    user_id: str
    provider: str
    intent_id: str
    client_secret: str | None
    status: str
    amount: int
    amount_refunded: int
    currency: str
    failure_reason: str | None
    created_at: datetime
    updated_at: datetime


class ProviderEventRecord(Protocol):
    """A provider (webhook) event that was applied: its type and when it arrived."""

    type: str
    received_at: datetime


class RefundRecord(Protocol):
    amount: int
    status: str
    created_at: datetime


@dataclass(frozen=True)
class PaymentHistory:
    """A payment with what happened to it: applied provider events and refunds, oldest first."""

    payment: PaymentRecord
    provider_events: list[ProviderEventRecord]
    refunds: list[RefundRecord]


class PaymentsRepository(Transactional):
    """Payments, refunds and provider events in one transaction per unit of work (its events:
    `record_event`; `confirm` commits mid-way: the `Transactional` verbs)."""

    @abstractmethod
    def add(self, **values: Any) -> PaymentRecord:
        """Insert the order's payment unless it has one; returns the order's payment."""

    @abstractmethod
    def by_order(self, order_id: str, lock: bool = False) -> PaymentRecord:
        """The order's payment (locked for update with `lock`); raises PaymentNotFound."""

    @abstractmethod
    def find_by_order(self, order_id: str) -> PaymentRecord | None: ...

    @abstractmethod
    def by_intent(self, intent_id: str, lock: bool = False) -> PaymentRecord | None: ...

    @abstractmethod
    def all(self) -> list[PaymentRecord]: ...

    @abstractmethod
    def claim_provider_event(self, event_id: str, event_type: str, intent_id: str | None) -> bool:
        """Record a provider event in this transaction; False when it was processed before."""

    @abstractmethod
    def first_delivery(self, event_id: str | None, consumer: str) -> bool:
        """Record that `consumer` handles our own event `event_id`; False for a repeat."""

    @abstractmethod
    def provider_events(self, intent_id: str) -> list[ProviderEventRecord]:
        """The intent's applied provider events, oldest first."""

    @abstractmethod
    def refunds(self, payment_id: str) -> list[RefundRecord]:
        """The payment's refunds, oldest first."""

    @abstractmethod
    def add_refund(
        self,
        refund_id: str,
        payment_id: str,
        provider_refund_id: str | None,
        amount: int,
        status: str,
    ) -> None: ...

    @abstractmethod
    def run_once(
        self,
        user_id: str | None,
        key: str | None,
        operation: str,
        request_hash: str | None,
        action: Callable[[], Any],
    ) -> Any:
        """`action()` at most once per (user, Idempotency-Key), its answer stored and replayed;
        commits (see common.idempotency)."""


class PaymentProvider(ABC):
    """One way to pay: a card provider (stripe, simulated) or cash on delivery (cod)."""

    name: str

    @abstractmethod
    def create_intent(
        self, order_id: str, amount: int, currency: str, idempotency_key: str
    ) -> dict[str, Any]:
        """-> {id, client_secret, status}; the same idempotency key creates one intent."""

    @abstractmethod
    def refund(self, intent_id: str, amount: int, idempotency_key: str) -> dict[str, Any]:
        """-> {id, amount, status}."""

    @abstractmethod
    def list_intents(self) -> Iterable[dict[str, Any]]:
        """Every intent: {id, order_id, amount, amount_refunded, currency, status}."""

    def confirm(self, intent_id: str, card_number: str) -> dict[str, Any]:
        """The provider event a test card produces (the simulated provider only); raises
        KeyError for a number that is not a test card."""
        raise NotImplementedError(f"{self.name} does not confirm card numbers")


class Providers(ABC):
    """The configured card provider, cash on delivery, and the webhooks' signatures (Stripe's
    scheme, with the configured secret and tolerance)."""

    card_name: str  # simulated | stripe
    publishable_key: str | None

    @abstractmethod
    def get(self, name: str) -> PaymentProvider:
        """The provider called `name` (cod, stripe, simulated)."""

    @abstractmethod
    def verify_webhook(self, payload: str | bytes, signature: str | None) -> dict[str, Any]:
        """The event of a correctly signed, fresh payload; else InvalidSignature or
        InvalidWebhook."""

    @abstractmethod
    def sign_webhook(self, payload: str) -> str:
        """The signature header of `payload` (the simulated provider's events)."""


class Orders(ABC):
    """The orders service, as reconciliation asks it."""

    @abstractmethod
    def find_orders(self, order_ids: list[str]) -> dict[str, dict[str, Any] | None]:
        """{order_id: order, or None when the orders service has no such order}."""
