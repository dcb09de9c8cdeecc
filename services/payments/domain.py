"""Payment rules: statuses that only move forward, test cards, provider events -> changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
