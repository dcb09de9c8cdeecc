"""Hand-written fakes of the payments ports: an in-memory repository, providers and orders."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from services.payments import domain, webhooks
from services.payments.exceptions import PaymentNotFound
from services.payments.schemas import dump_payment
from services.payments.usecases import Payments
from tests.unit.fakes import FakeClock, run_once_in_memory

SECRET = "whsec_unit_tests"
SECOND = timedelta(seconds=1)  # the tests' clock moves on a second at each call


@dataclass(eq=False)
class FakePayment:
    id: str
    order_id: str
    user_id: str
    provider: str
    intent_id: str
    client_secret: str | None
    status: str
    amount: int
    currency: str
    created_at: datetime
    updated_at: datetime
    amount_refunded: int = 0
    failure_reason: str | None = None


@dataclass
class FakeProviderEvent:
    id: str
    type: str
    intent_id: str | None
    received_at: datetime


@dataclass
class FakeRefund:
    id: str
    payment_id: str
    provider_refund_id: str | None
    amount: int
    status: str
    created_at: datetime


class FakeRepository(domain.PaymentsRepository):
    def __init__(self, clock: FakeClock):
        self.clock = clock
        self.payments: dict[str, FakePayment] = {}
        self.claimed: list[FakeProviderEvent] = []
        self.delivered: set[tuple[str, str]] = set()
        self.refund_rows: list[FakeRefund] = []
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.keys: dict[tuple[str, str], dict[str, Any]] = {}
        self.commits = 0
        self.rollbacks = 0

    def add(self, **values):
        if values["order_id"] not in self.payments:
            stamp = self.clock()
            self.payments[values["order_id"]] = FakePayment(
                **values, created_at=stamp, updated_at=stamp
            )
        return self.payments[values["order_id"]]

    def by_order(self, order_id, lock=False):
        payment = self.payments.get(order_id)
        if payment is None:
            raise PaymentNotFound(f"no payment for order {order_id}", {"order_id": order_id})
        return payment

    def find_by_order(self, order_id):
        return self.payments.get(order_id)

    def by_intent(self, intent_id, lock=False):
        return next((p for p in self.payments.values() if p.intent_id == intent_id), None)

    def all(self):
        return list(self.payments.values())

    def claim_provider_event(self, event_id, event_type, intent_id):
        if any(e.id == event_id for e in self.claimed):
            return False
        self.claimed.append(FakeProviderEvent(event_id, event_type, intent_id, self.clock()))
        return True

    def first_delivery(self, event_id, consumer):
        if not event_id:
            return True
        if (event_id, consumer) in self.delivered:
            return False
        self.delivered.add((event_id, consumer))
        return True

    def provider_events(self, intent_id):
        return [e for e in self.claimed if e.intent_id == intent_id]

    def refunds(self, payment_id):
        return [r for r in self.refund_rows if r.payment_id == payment_id]

    def add_refund(self, refund_id, payment_id, provider_refund_id, amount, status):
        self.refund_rows.append(
            FakeRefund(refund_id, payment_id, provider_refund_id, amount, status, self.clock())
        )

    def record_event(self, event_type, payload):
        self.events.append((event_type, payload))

    def commit(self):
        self.commits += 1

    def rollback(self):
        self.rollbacks += 1

    def run_once(self, user_id, key, operation, request_hash, action):
        """common.idempotency's store in memory: the answer (or expected error) is replayed."""
        return run_once_in_memory(self, self.keys, user_id, key, action, claim_commits=True)

    def event_types(self) -> list[str]:
        return [event_type for event_type, _ in self.events]


@dataclass
class FakeIntent:
    id: str
    order_id: str
    amount: int
    currency: str
    status: str = domain.PENDING
    amount_refunded: int = 0
    decline: str | None = None


class FakeProvider(domain.PaymentProvider):
    """A card provider (or cod) keeping its intents in memory; idempotency keys are honoured."""

    def __init__(self, name: str):
        self.name = name
        self.intents: dict[str, FakeIntent] = {}
        self.keys: dict[str, str] = {}
        self.refunded: list[tuple[str, int, str]] = []

    def create_intent(self, order_id, amount, currency, idempotency_key):
        if idempotency_key not in self.keys:
            intent = FakeIntent(
                f"pi_{self.name}_{uuid.uuid4().hex[:8]}", order_id, amount, currency
            )
            self.intents[intent.id] = intent
            self.keys[idempotency_key] = intent.id
        intent = self.intents[self.keys[idempotency_key]]
        secret = None if self.name == "cod" else f"{intent.id}_secret"
        return {"id": intent.id, "client_secret": secret, "status": intent.status}

    def refund(self, intent_id, amount, idempotency_key):
        self.refunded.append((intent_id, amount, idempotency_key))
        if intent_id in self.intents:
            self.intents[intent_id].amount_refunded += amount
        return {"id": f"re_{len(self.refunded)}", "amount": amount, "status": "succeeded"}

    def list_intents(self):
        return [
            {
                "id": i.id,
                "order_id": i.order_id,
                "amount": i.amount,
                "amount_refunded": i.amount_refunded,
                "currency": i.currency,
                "status": i.status,
            }
            for i in self.intents.values()
        ]

    def confirm(self, intent_id, card_number):
        decline = domain.card_outcome(card_number)  # KeyError for other numbers
        intent = self.intents[intent_id]
        intent.status = domain.SUCCEEDED if decline is None else domain.PENDING
        shaped: dict[str, Any] = {
            "id": intent.id,
            "object": "payment_intent",
            "amount": intent.amount,
            "last_payment_error": None if decline is None else {"decline_code": decline},
        }
        return {
            "id": f"evt_{uuid.uuid4().hex}",
            "object": "event",
            "type": domain.INTENT_SUCCEEDED if decline is None else domain.INTENT_FAILED,
            "created": int(time.time()),
            "data": {"object": shaped},
        }


@dataclass
class FakeProviders(domain.Providers):
    card_name: str = "simulated"
    publishable_key: str | None = None
    webhook_secret: str = SECRET
    tolerance: int = 300
    by_name: dict[str, FakeProvider] = field(default_factory=dict)

    def get(self, name):
        if name not in self.by_name:
            self.by_name[name] = FakeProvider(name)
        return self.by_name[name]

    def verify_webhook(self, payload, signature):
        return webhooks.verify(payload, signature, self.webhook_secret, tolerance=self.tolerance)

    def sign_webhook(self, payload):
        return webhooks.sign(payload, self.webhook_secret)


class FakeOrders(domain.Orders):
    def __init__(self, statuses: dict[str, str] | None = None):
        self.statuses = statuses or {}
        self.asked: list[list[str]] = []

    def find_orders(self, order_ids):
        self.asked.append(list(order_ids))
        return {
            order_id: (
                {"id": order_id, "status": self.statuses[order_id]}
                if order_id in self.statuses
                else None
            )
            for order_id in order_ids
        }


@dataclass
class World:
    payments: Payments
    repo: FakeRepository
    providers: FakeProviders
    orders: FakeOrders


def make_payments(card_name: str = "simulated") -> World:
    clock = FakeClock(tick=SECOND)
    repo = FakeRepository(clock)
    providers = FakeProviders(card_name=card_name)
    orders = FakeOrders()
    payments = Payments(
        repo=repo, providers=providers, orders=orders, present=dump_payment, clock=clock
    )
    return World(payments, repo, providers, orders)
