"""The saga's rules on plain values: tracking, money after a cancellation, refunds, the events of
a status change and the checks of a quote."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.common.errors import ValidationFailed
from services.common.fields import INT32_MAX
from services.orders import domain
from services.orders.exceptions import CartEmpty, IllegalTransition
from tests.unit.orders.fakes import FakeLine, FakeOrder

AT = datetime(2026, 1, 1, tzinfo=UTC)


def order(status: str, **changes) -> FakeOrder:
    fields = {
        "id": "o1",
        "user_id": "u1",
        "cart_id": "c1",
        "status": status,
        "subtotal": 2000,
        "discount": 0,
        "tax": 0,
        "shipping": 0,
        "total": 2000,
        "currency": "USD",
        "coupon_code": None,
        "shipping_address": {},
        "payment_method": "card",
        "created_at": AT,
        "updated_at": AT,
        **changes,
    }
    return FakeOrder(**fields)


@pytest.mark.parametrize("status", ["confirmed", "processing", "shipped"])
def test_confirmed_processing_and_shipped_orders_take_tracking(status):
    domain.check_trackable(status)


@pytest.mark.parametrize("status", ["pending", "awaiting_payment", "delivered", "cancelled"])
def test_other_orders_cannot_take_tracking(status):
    with pytest.raises(IllegalTransition) as refused:
        domain.check_trackable(status)
    assert refused.value.details == {"from": status, "to": "shipped"}


@pytest.mark.parametrize(
    ("status", "payment_status", "outcome"),
    [
        ("awaiting_payment", "unpaid", domain.CONFIRM_PAYMENT),
        ("pending", "unpaid", domain.CONFIRM_PAYMENT),
        ("cancelled", "unpaid", domain.REFUND_PAYMENT),
        ("cancelled", "failed", domain.REFUND_PAYMENT),
        ("confirmed", "paid", domain.NOTE_PAYMENT),
        ("awaiting_payment", "refunded", domain.IGNORE_PAYMENT),
        ("cancelled", "partially_refunded", domain.IGNORE_PAYMENT),
    ],
)
def test_what_money_arriving_means_for_an_order(status, payment_status, outcome):
    assert domain.payment_outcome(status, payment_status) == outcome


def test_a_partial_refund_then_the_rest_is_full():
    first = domain.apply_refund(2000, 0, 500)
    assert (first.refunded_amount, first.full, first.payment_status) == (
        500,
        False,
        "partially_refunded",
    )
    second = domain.apply_refund(2000, 500, 1500, refunded_total=2000)
    assert (second.refunded_amount, second.full, second.payment_status) == (2000, True, "refunded")


def test_the_refunded_amount_never_goes_down_and_payments_may_say_it_is_full():
    assert domain.apply_refund(2000, 1200, 500, refunded_total=500).refunded_amount == 1200
    assert domain.apply_refund(2000, 0, 100, fully_refunded=True).full is True
    assert domain.apply_refund(2000, 0, 2000, fully_refunded=False).full is False


def test_only_paid_orders_are_refunded_on_cancellation():
    assert domain.is_paid("paid") and domain.is_paid("partially_refunded")
    assert not domain.is_paid("unpaid") and not domain.is_paid("refunded")


def test_a_confirmation_announces_the_cart_to_empty():
    confirmed = order("awaiting_payment")
    previous = domain.change_status(confirmed, "confirmed", "payment succeeded", AT)
    assert previous == "awaiting_payment"
    events = domain.status_events(confirmed, previous, "payment succeeded")
    assert [event_type for event_type, _ in events] == ["order_status_changed", "order_confirmed"]
    assert events[1][1] == {
        "order_id": "o1",
        "user_id": "u1",
        "total": 2000,
        "currency": "USD",
        "payment_method": "card",
        "cart_id": "c1",
        "lines": [],
    }


def test_a_confirmation_tells_what_was_bought_line_by_line():
    bought = [
        FakeLine(1, "p1", "Mug", 1250, 2, None, 2500, "s1"),
        FakeLine(2, "p2", "Tea", 300, 1, "tea.png", 300),
    ]
    confirmed = order("pending", lines=bought)
    previous = domain.change_status(confirmed, "confirmed", "cash on delivery", AT)
    [status_changed, (event_type, payload)] = domain.status_events(confirmed, previous, None)
    assert event_type == "order_confirmed"
    assert payload["lines"] == [
        {"product_id": "p1", "quantity": 2, "price": 1250},
        {"product_id": "p2", "quantity": 1, "price": 300},
    ]
    # the status change announces no lines: only the confirmation grew
    assert "lines" not in status_changed[1]


def test_a_cancellation_keeps_its_reason_and_announces_it():
    cancelled = order("pending")
    domain.change_status(cancelled, "cancelled", "out_of_stock", AT)
    assert cancelled.cancel_reason == "out_of_stock"
    events = domain.status_events(cancelled, "pending", "out_of_stock")
    assert events[1] == (
        "order_cancelled",
        {
            "order_id": "o1",
            "user_id": "u1",
            "total": 2000,
            "currency": "USD",
            "reason": "out_of_stock",
        },
    )


def test_an_illegal_move_changes_nothing():
    shipped = order("shipped")
    with pytest.raises(IllegalTransition):
        domain.change_status(shipped, "pending", None, AT)
    assert shipped.status == "shipped"


def test_a_quote_without_lines_is_an_empty_cart():
    with pytest.raises(CartEmpty):
        domain.check_quote("c1", {"lines": []}, INT32_MAX)


def test_a_quote_past_the_money_columns_names_the_cart():
    quote = {"lines": [{}], "subtotal": INT32_MAX + 1, "total": 1}
    with pytest.raises(ValidationFailed) as refused:
        domain.check_quote("c1", quote, INT32_MAX)
    assert set(refused.value.details["fields"]) == {"cartId"}


def test_a_payment_failure_reason_carries_payments_detail():
    assert domain.payment_failed_reason("declined") == "payment_failed: declined"
    assert domain.payment_failed_reason(None) == "payment_failed"
