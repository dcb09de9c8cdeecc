"""The payments service: provider intents, the webhook path, refunds, reconciliation.

Entrypoints only: each RPC or handler validates its arguments, runs one use case of
`usecases.Payments` in a unit of work on the worker's session (reads too), and returns JSON.
Events go through the transactional outbox, published by the `OutboxRelay` timer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from services.common.database import Database, Repository, unit_of_work
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.errors import BazaarError
from services.common.messaging import event_handler
from services.common.outbox import OutboxRelay, OutboxWriter
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load
from services.common.service import BazaarService
from services.payments import schemas
from services.payments.dependencies import PaymentProviders, RpcOrders
from services.payments.models import Base, dead_letters
from services.payments.repository import SqlPaymentsRepository
from services.payments.usecases import Payments

EXPECTED = (BazaarError,)


class PaymentsService(DeadLetterAdmin, OutboxRelay, BazaarService):
    name = "payments"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    repo = Repository(lambda session: SqlPaymentsRepository(session, OutboxWriter()))
    providers = PaymentProviders()
    orders_rpc = RpcProxy("orders")

    @contextmanager
    def _payments(self) -> Iterator[Payments]:
        """The use cases over the worker's repository, providers and the orders service, in one
        unit of work: committed, or rolled back if they raise."""
        payments = Payments(
            repo=self.repo,
            providers=self.providers,
            orders=RpcOrders(self.orders_rpc),
            present=schemas.dump_payment,
        )
        with unit_of_work(self.db.session):
            yield payments

    @rpc(expected_exceptions=EXPECTED)
    def create_intent(self, order_id, amount, currency, user_id, idempotency_key, method="card"):
        """Payment {id, order_id, provider, intent_id, client_secret, status, amount, currency};
        one per order (a repeat returns it)."""
        args = load(
            schemas.CreateIntentArgs(),
            {
                "order_id": order_id,
                "amount": amount,
                "currency": currency,
                "user_id": user_id,
                "idempotency_key": idempotency_key,
                "method": method,
            },
        )
        with self._payments() as payments:
            return schemas.dump_payment(payments.create_intent(**args))

    @rpc(expected_exceptions=EXPECTED)
    def confirm(
        self, intent_id, card_number, user_id=None, idempotency_key=None, request_hash=None
    ):
        """Simulated provider: a test card decides; the outcome travels the webhook path.
        Raises PaymentDeclined for a declined card. The Idempotency-Key store commits."""
        args = load(schemas.ConfirmArgs(), {"intent_id": intent_id, "card_number": card_number})
        with self._payments() as payments:
            return payments.confirm_once(
                args["intent_id"], args["card_number"], user_id, idempotency_key, request_hash
            )

    @rpc
    def checkout_options(self):
        """{card_provider: simulated|stripe, publishable_key (stripe), methods, test_cards
        (simulated: [{number, outcome}])}: public, what the storefront's payment step shows."""
        with self._payments() as payments:
            return payments.checkout_options()

    @rpc(expected_exceptions=EXPECTED)
    def intent_for_order(self, order_id, user_id=None, is_admin=False):
        """The order's payment with its client secret (created at checkout); another user's
        order raises PaymentNotFound."""
        with self._payments() as payments:
            return schemas.dump_payment(payments.get_payment(order_id, user_id, bool(is_admin)))

    @rpc(expected_exceptions=EXPECTED)
    def handle_webhook(self, payload, signature):
        """A provider event (raw body + Stripe-Signature); raises InvalidSignature."""
        with self._payments() as payments:
            return payments.handle_webhook(payload, signature)

    @rpc(expected_exceptions=EXPECTED)
    def get_payment(self, order_id, user_id=None, is_admin=False):
        with self._payments() as payments:
            return schemas.dump_payment(payments.get_payment(order_id, user_id, bool(is_admin)))

    @rpc(expected_exceptions=EXPECTED)
    def list_payment_events(self, order_id):
        """[{type: payment_created | payment_succeeded | payment_failed | refunded |
        refund_confirmed, at, amount (minor units or None), currency, provider, reason}], oldest
        first; [] for an order without a payment."""
        args = load(schemas.PaymentEventsArgs(), {"order_id": order_id})
        with self._payments() as payments:
            return schemas.dump_payment_events(payments.payment_history(args["order_id"]))

    @rpc(expected_exceptions=EXPECTED)
    def refund(self, order_id, amount=None, user_id=None, idempotency_key=None, request_hash=None):
        """Refund what remains (or `amount`, minor units); dispatches payment_refunded."""
        args = load(schemas.RefundArgs(), {"order_id": order_id, "amount": amount})
        with self._payments() as payments:
            return payments.refund_once(
                args["order_id"], args["amount"], user_id, idempotency_key, request_hash
            )

    @rpc
    def reconcile(self):
        """{checked, mismatches: [{kind, order_id, intent_id, ...}]}: provider vs us vs orders."""
        with self._payments() as payments:
            return payments.reconcile()

    @event_handler("orders", "order_delivered")
    @dead_lettered(dead_letters, "orders", "order_delivered")
    def handle_order_delivered(self, payload):
        """Cash on delivery is paid when the order is delivered."""
        event = load(schemas.OrderDelivered(), payload)
        with self._payments() as payments:
            payments.order_delivered(event)
