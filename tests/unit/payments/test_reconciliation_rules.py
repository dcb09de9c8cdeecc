"""The reconciliation rules of domain.py on plain objects."""

from types import SimpleNamespace

import pytest

from services.payments import domain


def payment(status, provider="simulated", amount=2500, refunded=0):
    return SimpleNamespace(
        status=status, provider=provider, amount=amount, amount_refunded=refunded, order_id="o1"
    )


@pytest.mark.parametrize(
    ("status", "provider", "order_status", "kind"),
    [
        ("succeeded", "simulated", None, "payment_without_order"),
        ("succeeded", "simulated", "awaiting_payment", "paid_but_order_not_confirmed"),
        ("refunded", "simulated", "delivered", "refunded_but_order_open"),
        ("pending", "simulated", "confirmed", "order_confirmed_without_payment"),
        ("pending", "cod", "confirmed", None),
        ("succeeded", "simulated", "shipped", None),
        ("refunded", "simulated", "refunded", None),
    ],
)
def test_a_payment_and_its_order_disagree_only_in_the_known_ways(
    status, provider, order_status, kind
):
    order = None if order_status is None else {"status": order_status}
    assert domain.order_mismatch(payment(status, provider), order) == kind


def test_a_refunded_payments_intent_has_succeeded_and_a_failed_ones_may_still_be_pending():
    succeeded = {"id": "pi", "amount": 2500, "amount_refunded": 2500, "status": "succeeded"}
    assert domain.intent_mismatches(succeeded, payment("refunded", refunded=2500)) == []
    pending = {"id": "pi", "amount": 2500, "amount_refunded": 0, "status": "pending"}
    assert domain.intent_mismatches(pending, payment("failed")) == []


def test_an_intent_of_another_amount_status_and_refund_is_three_mismatches():
    intent = {"id": "pi", "amount": 100, "amount_refunded": 50, "status": "pending"}
    kinds = [m["kind"] for m in domain.intent_mismatches(intent, payment("succeeded"))]
    assert kinds == ["amount_differs", "status_differs", "refund_differs"]
