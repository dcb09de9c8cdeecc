"""The payments service: provider intents, the webhook path, refunds (see processing.py)."""

from __future__ import annotations

from services.common.database import Database
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.errors import BazaarError, NotFound
from services.common.messaging import event_handler
from services.common.outbox import Outbox, OutboxRelay
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load
from services.common.service import BazaarService
from services.payments import domain
from services.payments.dependencies import PaymentProviders
from services.payments.models import Base, dead_letters, idempotency_keys, processed_events
from services.payments.processing import Payments
from services.payments.schemas import (
    ConfirmArgs,
    CreateIntentArgs,
    OrderDelivered,
    PaymentEventsArgs,
    RefundArgs,
)

EXPECTED = (BazaarError,)


class PaymentsService(DeadLetterAdmin, OutboxRelay, BazaarService):
    name = "payments"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    outbox = Outbox()
    providers = PaymentProviders()
    orders_rpc = RpcProxy("orders")

    @property
    def payments(self) -> Payments:
        return Payments(self.db.session, self.outbox, self.providers)

    @rpc(expected_exceptions=EXPECTED)
    def create_intent(self, order_id, amount, currency, user_id, idempotency_key, method="card"):
        """Payment {id, order_id, provider, intent_id, client_secret, status, amount, currency};
        one per order (a repeat returns it)."""
        args = load(
            CreateIntentArgs(),
            {
                "order_id": order_id,
                "amount": amount,
                "currency": currency,
                "user_id": user_id,
                "idempotency_key": idempotency_key,
                "method": method,
            },
        )
        return self.payments.create_intent(args)

    @rpc(expected_exceptions=EXPECTED)
    def confirm(
        self, intent_id, card_number, user_id=None, idempotency_key=None, request_hash=None
    ):
        """Simulated provider: a test card decides; the outcome travels the webhook path.
        Raises PaymentDeclined for a declined card."""
        args = load(ConfirmArgs(), {"intent_id": intent_id, "card_number": card_number})
        payments = self.payments
        return idempotency_keys.run(
            self.db.session,
            user_id,
            idempotency_key,
            "confirm",
            request_hash,
            lambda: payments.confirm(args["intent_id"], args["card_number"], user_id),
        )

    @rpc
    def checkout_options(self):
        """{card_provider: simulated|stripe, publishable_key (stripe), methods, test_cards
        (simulated: [{number, outcome}])}: public, what the storefront's payment step shows."""
        return domain.checkout_options(self.providers.card_name, self.providers.publishable_key)

    @rpc(expected_exceptions=EXPECTED)
    def intent_for_order(self, order_id, user_id=None, is_admin=False):
        """The order's payment with its client secret (created at checkout); another user's
        order raises PaymentNotFound."""
        return self.payments.get_payment(order_id, user_id, bool(is_admin))

    @rpc(expected_exceptions=EXPECTED)
    def handle_webhook(self, payload, signature):
        """A provider event (raw body + Stripe-Signature); raises InvalidSignature."""
        return self.payments.handle_webhook(payload, signature)

    @rpc(expected_exceptions=EXPECTED)
    def get_payment(self, order_id, user_id=None, is_admin=False):
        return self.payments.get_payment(order_id, user_id, bool(is_admin))

    @rpc(expected_exceptions=EXPECTED)
    def list_payment_events(self, order_id):
        """[{type: payment_created | payment_succeeded | payment_failed | refunded |
        refund_confirmed, at, amount (minor units or None), currency, provider, reason}], oldest
        first; [] for an order without a payment."""
        args = load(PaymentEventsArgs(), {"order_id": order_id})
        return self.payments.payment_events(args["order_id"])

    @rpc(expected_exceptions=EXPECTED)
    def refund(self, order_id, amount=None, user_id=None, idempotency_key=None, request_hash=None):
        """Refund what remains (or `amount`, minor units); dispatches payment_refunded."""
        args = load(RefundArgs(), {"order_id": order_id, "amount": amount})
        payments = self.payments
        return idempotency_keys.run(
            self.db.session,
            user_id,
            idempotency_key,
            "refund",
            request_hash,
            lambda: payments.refund(args["order_id"], args["amount"]),
        )

    @rpc
    def reconcile(self):
        """{checked, mismatches: [{kind, order_id, intent_id, ...}]}: provider vs us vs orders."""

        def lookup(order_ids):
            found = {}
            for order_id in order_ids:
                try:
                    found[order_id] = self.orders_rpc.get_order(order_id, None, True)
                except NotFound:
                    found[order_id] = None
            return found

        return self.payments.reconcile(lookup)

    @event_handler("orders", "order_delivered")
    @dead_lettered(dead_letters, "orders", "order_delivered")
    def handle_order_delivered(self, payload):
        """Cash on delivery is paid when the order is delivered."""
        event = load(OrderDelivered(), payload)
        if event.get("payment_method") != "cod":
            return
        if processed_events.first_delivery(self.db.session, event["event_id"], "order_delivered"):
            self.payments.order_delivered(event)
        self.db.session.commit()
