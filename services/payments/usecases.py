"""The payments use cases: one class, `Payments`, over the ports of `domain` (the repository, the
providers, the orders service): intents, the one webhook path, refunds, reconciliation.

Every change of a payment is written with its outbox event in one transaction; provider events
are applied once (their id is claimed in the same transaction) and never move a status
backwards. The service commits each use case's unit of work; `confirm` alone commits on its way
(the simulated provider's change, then the webhook's).

Pure like the domain (no nameko, SQLAlchemy or redis): unit-tested with the fakes in
`tests/unit/payments/fakes.py`.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.common.clock import utcnow
from services.payments import domain
from services.payments.domain import (
    Orders,
    PaymentProvider,
    PaymentRecord,
    PaymentsRepository,
    Providers,
)
from services.payments.exceptions import (
    NotSimulated,
    PaymentDeclined,
    PaymentNotConfirmable,
    PaymentNotFound,
    PaymentNotRefundable,
    UnknownTestCard,
)

log = logging.getLogger(__name__)


@dataclass
class Payments:
    """The payments use cases over one worker's repository and providers."""

    repo: PaymentsRepository
    providers: Providers
    orders: Orders
    # how a payment is answered (schemas.dump_payment): the idempotent writes store that answer
    present: Callable[[PaymentRecord], dict[str, Any]]
    clock: Callable[[], datetime] = utcnow

    def provider(self, name: str) -> PaymentProvider:
        return self.providers.get(name)

    def checkout_options(self) -> dict[str, Any]:
        """What the storefront's payment step shows (domain.checkout_options)."""
        return domain.checkout_options(self.providers.card_name, self.providers.publishable_key)

    # -- intents ----------------------------------------------------------------------------

    def create_intent(
        self,
        order_id: str,
        amount: int,
        currency: str,
        user_id: str,
        idempotency_key: str,
        method: str = "card",
    ) -> PaymentRecord:
        """One payment per order: a repeat returns the existing one (the provider also gets an
        idempotency key, so a retried network call creates one intent)."""
        existing = self.repo.find_by_order(order_id)
        if existing is not None:
            return existing
        name = "cod" if method == "cod" else self.providers.card_name
        intent = self.provider(name).create_intent(order_id, amount, currency, idempotency_key)
        return self.repo.add(
            id=str(uuid.uuid4()),
            order_id=order_id,
            user_id=user_id,
            provider=name,
            intent_id=intent["id"],
            client_secret=intent["client_secret"],
            status=domain.PENDING,
            amount=amount,
            currency=currency,
        )

    def get_payment(self, order_id: str, user_id: str | None, is_admin: bool) -> PaymentRecord:
        """The order's payment; another user's (unless an admin's request) is PaymentNotFound."""
        payment = self.repo.find_by_order(order_id)
        if payment is None or (not is_admin and user_id and payment.user_id != user_id):
            raise PaymentNotFound(f"no payment for order {order_id}", {"order_id": order_id})
        return payment

    def payment_history(self, order_id: str) -> domain.PaymentHistory | None:
        """The order's payment with its applied provider events and refunds, oldest first;
        None for an order without a payment (`schemas.dump_payment_events` tells its story)."""
        payment = self.repo.find_by_order(order_id)
        if payment is None:
            return None
        return domain.PaymentHistory(
            payment,
            self.repo.provider_events(payment.intent_id),
            self.repo.refunds(payment.id),
        )

    # -- the simulated provider's confirmation -----------------------------------------------

    def confirm_once(
        self,
        intent_id: str,
        card_number: str,
        user_id: str | None,
        idempotency_key: str | None = None,
        request_hash: str | None = None,
    ) -> dict[str, Any]:
        """`confirm`, answered (`present`) at most once per (user, Idempotency-Key): the key's
        store commits (the claim, then the stored answer)."""
        return self.repo.run_once(
            user_id,
            idempotency_key,
            "confirm",
            request_hash,
            lambda: self.present(self.confirm(intent_id, card_number, user_id)),
        )

    def confirm(self, intent_id: str, card_number: str, user_id: str | None) -> PaymentRecord:
        """Turn a test card into a signed provider event and feed it to `handle_webhook`.
        Commits twice: the simulated intent's change, then the webhook's. Raises
        PaymentNotFound, NotSimulated, PaymentNotConfirmable, UnknownTestCard, PaymentDeclined."""
        payment = self.repo.by_intent(intent_id)
        if payment is None or (user_id and payment.user_id != user_id):
            raise PaymentNotFound(f"no payment intent {intent_id}", {"intent_id": intent_id})
        if payment.provider != "simulated":
            raise NotSimulated(
                "card numbers are confirmed only by the simulated provider",
                {"provider": payment.provider},
            )
        if payment.status == domain.SUCCEEDED:
            return payment
        if payment.status != domain.PENDING:
            raise PaymentNotConfirmable(
                f"the payment is {payment.status}",
                {"status": payment.status, "order_id": payment.order_id},
            )
        try:
            event = self.provider("simulated").confirm(intent_id, card_number)
        except KeyError:
            raise UnknownTestCard(
                "use a test card: 4242424242424242, 4000000000000002 or 4000000000009995",
                {"fields": {"card_number": ["Not a test card number."]}},
            ) from None
        self.repo.commit()
        payload = json.dumps(event, separators=(",", ":"))
        self.handle_webhook(payload, self.providers.sign_webhook(payload))
        self.repo.commit()
        payment = self.repo.by_intent(intent_id)
        assert payment is not None
        if payment.status == domain.FAILED:
            raise PaymentDeclined(
                "the card was declined",
                {
                    "reason": payment.failure_reason,
                    "order_id": payment.order_id,
                    "intent_id": intent_id,
                },
            )
        return payment

    # -- the webhook path -------------------------------------------------------------------

    def handle_webhook(self, payload: str, signature: str | None) -> dict[str, Any]:
        """Verify, deduplicate by event id, apply forward-only. Raises InvalidSignature,
        InvalidWebhook. A duplicate rolls its claim back; anything else is the caller's to
        commit. -> {received, event_id, applied, duplicate (repeats only)}."""
        event = self.providers.verify_webhook(payload, signature)
        obj = event["data"]["object"]
        intent_id = obj.get("payment_intent") if obj.get("object") == "charge" else obj.get("id")
        if event["type"] not in domain.HANDLED_EVENTS:
            return {"received": True, "event_id": event["id"], "applied": False}
        if not self.repo.claim_provider_event(event["id"], event["type"], intent_id):
            self.repo.rollback()
            return {"received": True, "event_id": event["id"], "applied": False, "duplicate": True}
        payment = self.repo.by_intent(intent_id, lock=True) if intent_id else None
        applied = False
        if payment is None:
            log.warning("provider event %s for unknown intent %s", event["id"], intent_id)
        else:
            change = domain.change_for(event["type"], obj, payment.amount)
            if change is not None:
                applied = self._apply(payment, change)
        return {"received": True, "event_id": event["id"], "applied": applied}

    def _apply(self, payment: PaymentRecord, change: domain.Change) -> bool:
        if change.amount_refunded is not None:
            if change.amount_refunded <= payment.amount_refunded:
                return False
            refunded = change.amount_refunded - payment.amount_refunded
            payment.amount_refunded = change.amount_refunded
            self._set_status(payment, change.status)
            self._refunded_event(payment, refunded)
            return True
        if not domain.moves_forward(payment.status, change.status):
            return False
        self._set_status(payment, change.status)
        payload = self._event_base(payment)
        if change.status == domain.SUCCEEDED:
            payment.failure_reason = None
            self.repo.record_event("payment_succeeded", payload)
        else:
            payment.failure_reason = change.reason
            self.repo.record_event("payment_failed", {**payload, "reason": change.reason})
        return True

    def _set_status(self, payment: PaymentRecord, status: str) -> None:
        if domain.RANK[status] >= domain.RANK[payment.status]:
            payment.status = status
        payment.updated_at = self.clock()

    def _event_base(self, payment: PaymentRecord) -> dict[str, Any]:
        return {
            "order_id": payment.order_id,
            "payment_id": payment.id,
            "user_id": payment.user_id,
            "amount": payment.amount,
            "currency": payment.currency,
            "provider": payment.provider,
        }

    def _refunded_event(self, payment: PaymentRecord, amount: int) -> None:
        self.repo.record_event(
            "payment_refunded",
            {
                **self._event_base(payment),
                "amount": amount,
                "refunded_total": payment.amount_refunded,
                "fully_refunded": payment.amount_refunded >= payment.amount,
            },
        )

    # -- refunds and cash on delivery ---------------------------------------------------------

    def refund_once(
        self,
        order_id: str,
        amount: int | None,
        user_id: str | None = None,
        idempotency_key: str | None = None,
        request_hash: str | None = None,
    ) -> dict[str, Any]:
        """`refund`, answered (`present`) at most once per (user, Idempotency-Key). The refund
        commits its own transaction before the key's store records the answer."""

        def refund() -> dict[str, Any]:
            answer = self.present(self.refund(order_id, amount))
            self.repo.commit()
            return answer

        return self.repo.run_once(user_id, idempotency_key, "refund", request_hash, refund)

    def refund(self, order_id: str, amount: int | None) -> PaymentRecord:
        """Refund all that remains (or `amount`); a repeat after a full refund changes nothing.
        Raises PaymentNotFound, PaymentNotRefundable. Event: payment_refunded."""
        payment = self.repo.by_order(order_id, lock=True)
        remaining = payment.amount - payment.amount_refunded
        if payment.status == domain.REFUNDED or (amount is None and remaining == 0):
            return payment
        if payment.status not in (domain.SUCCEEDED, domain.PARTIALLY_REFUNDED):
            raise PaymentNotRefundable(
                f"a {payment.status} payment cannot be refunded",
                {"status": payment.status, "order_id": order_id},
            )
        amount = remaining if amount is None else amount
        if amount > remaining:
            raise PaymentNotRefundable(
                "the amount exceeds what remains to refund",
                {"remaining": remaining, "amount": amount},
            )
        key = f"refund-{payment.id}-{payment.amount_refunded}-{amount}"
        result = self.provider(payment.provider).refund(payment.intent_id, amount, key)
        self.repo.add_refund(
            str(uuid.uuid4()),
            payment.id,
            result.get("id"),
            amount,
            result.get("status") or "succeeded",
        )
        payment.amount_refunded += amount
        self._set_status(payment, domain.refund_status(payment.amount, payment.amount_refunded))
        self._refunded_event(payment, amount)
        return payment

    def order_delivered(self, event: dict[str, Any]) -> None:
        """Cash on delivery is paid when the order is delivered (once per event id)."""
        if event.get("payment_method") != "cod":
            return
        if not self.repo.first_delivery(event["event_id"], "order_delivered"):
            return
        payment = self.repo.find_by_order(event["order_id"])
        if payment is None or payment.provider != "cod":
            return
        payment = self.repo.by_order(event["order_id"], lock=True)
        self._apply(payment, domain.Change(domain.SUCCEEDED))

    # -- reconciliation ---------------------------------------------------------------------

    def reconcile(self) -> dict[str, Any]:
        """Compare the provider's intents, our payments and the orders; list every mismatch.
        -> {checked, mismatches: [{kind, order_id, intent_id, ...}]}."""
        mismatches: list[dict[str, Any]] = []
        payments = {p.intent_id: p for p in self.repo.all()}
        card = self.provider(self.providers.card_name)
        seen = set()
        for intent in card.list_intents():
            seen.add(intent["id"])
            payment = payments.get(intent["id"])
            if payment is None:
                mismatches.append(
                    {
                        "kind": "intent_without_payment",
                        "intent_id": intent["id"],
                        "order_id": intent["order_id"],
                        "provider_status": intent["status"],
                    }
                )
                continue
            mismatches.extend(domain.intent_mismatches(intent, payment))
        for intent_id, payment in payments.items():
            if payment.provider == card.name and intent_id not in seen:
                mismatches.append(
                    {
                        "kind": "payment_without_intent",
                        "intent_id": intent_id,
                        "order_id": payment.order_id,
                    }
                )
        orders = self.orders.find_orders([p.order_id for p in payments.values()])
        for payment in payments.values():
            order = orders.get(payment.order_id)
            problem = domain.order_mismatch(payment, order)
            if problem:
                mismatches.append(
                    {
                        "kind": problem,
                        "order_id": payment.order_id,
                        "intent_id": payment.intent_id,
                        "payment_status": payment.status,
                        "order_status": order["status"] if order else None,
                    }
                )
        return {"checked": len(payments), "mismatches": mismatches}
