"""What the payments service does: intents, the one webhook path, refunds, reconciliation.

`Payments` is built per worker with the session, the outbox writer and the providers. Every change
of a payment is written with its outbox event in one transaction; provider events are applied
once (their id is claimed in the same transaction) and never move a status backwards.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from services.common.clock import utcnow
from services.payments import domain, webhooks
from services.payments.dependencies import PaymentsRepository, payment_to_dict
from services.payments.exceptions import (
    NotSimulated,
    PaymentDeclined,
    PaymentNotConfirmable,
    PaymentNotFound,
    PaymentNotRefundable,
    UnknownTestCard,
)
from services.payments.models import Payment

log = logging.getLogger(__name__)


class Payments:
    def __init__(self, session, outbox, providers):
        self.session = session
        self.repo = PaymentsRepository(session)
        self.outbox = outbox
        self.providers = providers

    def provider(self, name: str):
        return self.providers.get(name, self.session)

    # -- intents ----------------------------------------------------------------------------

    def create_intent(self, args: dict) -> dict:
        """One payment per order: a repeat returns the existing one (the provider also gets an
        idempotency key, so a retried network call creates one intent)."""
        existing = self.repo.find_by_order(args["order_id"])
        if existing is not None:
            return payment_to_dict(existing)
        name = "cod" if args["method"] == "cod" else self.providers.card_name
        intent = self.provider(name).create_intent(
            args["order_id"], args["amount"], args["currency"], args["idempotency_key"]
        )
        payment = self.repo.add(
            id=str(uuid.uuid4()),
            order_id=args["order_id"],
            user_id=args["user_id"],
            provider=name,
            intent_id=intent["id"],
            client_secret=intent["client_secret"],
            status=domain.PENDING,
            amount=args["amount"],
            currency=args["currency"],
        )
        self.session.commit()
        return payment_to_dict(payment)

    def get_payment(self, order_id: str, user_id: str | None, is_admin: bool) -> dict:
        payment = self.repo.find_by_order(order_id)
        if payment is None or (not is_admin and user_id and payment.user_id != user_id):
            raise PaymentNotFound(f"no payment for order {order_id}", {"order_id": order_id})
        return payment_to_dict(payment)

    def payment_events(self, order_id: str) -> list[dict]:
        """The order's payment events oldest first (domain.payment_events); [] without one."""
        payment = self.repo.find_by_order(order_id)
        if payment is None:
            return []
        return domain.payment_events(
            payment_to_dict(payment),
            self.repo.provider_events(payment.intent_id),
            self.repo.refunds(payment.id),
        )

    # -- the simulated provider's confirmation -----------------------------------------------

    def confirm(self, intent_id: str, card_number: str, user_id: str | None) -> dict:
        """Turn a test card into a signed provider event and feed it to `handle_webhook`."""
        payment = self.repo.by_intent(intent_id)
        if payment is None or (user_id and payment.user_id != user_id):
            raise PaymentNotFound(f"no payment intent {intent_id}", {"intent_id": intent_id})
        if payment.provider != "simulated":
            raise NotSimulated(
                "card numbers are confirmed only by the simulated provider",
                {"provider": payment.provider},
            )
        if payment.status == domain.SUCCEEDED:
            return payment_to_dict(payment)
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
        self.session.commit()
        payload = json.dumps(event, separators=(",", ":"))
        self.handle_webhook(payload, webhooks.sign(payload, self.providers.webhook_secret))
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
        return payment_to_dict(payment)

    # -- the webhook path -------------------------------------------------------------------

    def handle_webhook(self, payload: str, signature: str | None) -> dict:
        """Verify, deduplicate by event id, apply forward-only. Raises InvalidSignature."""
        event = webhooks.verify(
            payload, signature, self.providers.webhook_secret, tolerance=self.providers.tolerance
        )
        obj = event["data"]["object"]
        intent_id = obj.get("payment_intent") if obj.get("object") == "charge" else obj.get("id")
        if event["type"] not in domain.HANDLED_EVENTS:
            return {"received": True, "event_id": event["id"], "applied": False}
        if not self.repo.claim_provider_event(event["id"], event["type"], intent_id):
            self.session.rollback()
            return {"received": True, "event_id": event["id"], "applied": False, "duplicate": True}
        payment = self.repo.by_intent(intent_id, lock=True) if intent_id else None
        applied = False
        if payment is None:
            log.warning("provider event %s for unknown intent %s", event["id"], intent_id)
        else:
            change = domain.change_for(event["type"], obj, payment.amount)
            if change is not None:
                applied = self._apply(payment, change)
        self.session.commit()
        return {"received": True, "event_id": event["id"], "applied": applied}

    def _apply(self, payment: Payment, change: domain.Change) -> bool:
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
            self.outbox.add(self.session, "payment_succeeded", payload)
        else:
            payment.failure_reason = change.reason
            self.outbox.add(self.session, "payment_failed", {**payload, "reason": change.reason})
        return True

    def _set_status(self, payment: Payment, status: str) -> None:
        if domain.RANK[status] >= domain.RANK[payment.status]:
            payment.status = status
        payment.updated_at = utcnow()

    def _event_base(self, payment: Payment) -> dict[str, Any]:
        return {
            "order_id": payment.order_id,
            "payment_id": payment.id,
            "user_id": payment.user_id,
            "amount": payment.amount,
            "currency": payment.currency,
            "provider": payment.provider,
        }

    def _refunded_event(self, payment: Payment, amount: int) -> None:
        self.outbox.add(
            self.session,
            "payment_refunded",
            {
                **self._event_base(payment),
                "amount": amount,
                "refunded_total": payment.amount_refunded,
                "fully_refunded": payment.amount_refunded >= payment.amount,
            },
        )

    # -- refunds and cash on delivery ---------------------------------------------------------

    def refund(self, order_id: str, amount: int | None) -> dict:
        """Refund all that remains (or `amount`); a repeat after a full refund changes nothing."""
        payment = self.repo.by_order(order_id, lock=True)
        remaining = payment.amount - payment.amount_refunded
        if payment.status == domain.REFUNDED or (amount is None and remaining == 0):
            self.session.commit()
            return payment_to_dict(payment)
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
        self.session.commit()
        return payment_to_dict(payment)

    def order_delivered(self, event: dict) -> None:
        """Cash on delivery is paid when the order is delivered."""
        payment = self.repo.find_by_order(event["order_id"])
        if payment is None or payment.provider != "cod":
            return
        payment = self.repo.by_order(event["order_id"], lock=True)
        self._apply(payment, domain.Change(domain.SUCCEEDED))

    # -- reconciliation ---------------------------------------------------------------------

    def reconcile(self, orders_lookup) -> dict:
        """Compare the provider's intents, our payments and the orders; list every mismatch.
        `orders_lookup(order_ids)` returns {order_id: order or None}."""
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
            ours = (
                domain.SUCCEEDED
                if payment.status in (domain.PARTIALLY_REFUNDED, domain.REFUNDED)
                else payment.status
            )
            if intent["status"] != ours and not (
                intent["status"] == domain.PENDING and ours == domain.FAILED
            ):
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
        for intent_id, payment in payments.items():
            if payment.provider == card.name and intent_id not in seen:
                mismatches.append(
                    {
                        "kind": "payment_without_intent",
                        "intent_id": intent_id,
                        "order_id": payment.order_id,
                    }
                )
        orders = orders_lookup([p.order_id for p in payments.values()])
        for payment in payments.values():
            order = orders.get(payment.order_id)
            problem = _order_mismatch(payment, order)
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
        self.session.commit()
        return {"checked": len(payments), "mismatches": mismatches}


PAID_ORDER_STATUSES = {"confirmed", "processing", "shipped", "delivered"}


def _order_mismatch(payment: Payment, order: dict | None) -> str | None:
    if order is None:
        return "payment_without_order"
    status = order["status"]
    if payment.status == domain.SUCCEEDED and status in (
        "cancelled",
        "pending",
        "awaiting_payment",
    ):
        return "paid_but_order_not_confirmed"
    if payment.status == domain.REFUNDED and status not in ("refunded", "cancelled"):
        return "refunded_but_order_open"
    if (
        payment.provider != "cod"
        and status in PAID_ORDER_STATUSES
        and payment.status in (domain.PENDING, domain.FAILED)
    ):
        return "order_confirmed_without_payment"
    return None
