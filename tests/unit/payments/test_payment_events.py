"""A payment's story on an order's timeline (domain.payment_events)."""

from services.payments import domain

PAYMENT = {
    "amount": 5400,
    "currency": "USD",
    "provider": "simulated",
    "created_at": "2026-12-01T10:00:00+00:00",
    "failure_reason": "card_declined",
}


def test_a_paid_then_refunded_payment_tells_each_step_in_order():
    events = domain.payment_events(
        PAYMENT,
        [{"type": "payment_intent.succeeded", "received_at": "2026-12-01T10:00:05+00:00"}],
        [{"amount": 1000, "status": "succeeded", "created_at": "2026-12-01T11:00:00+00:00"}],
    )
    assert [(e["type"], e["amount"]) for e in events] == [
        ("payment_created", 5400),
        ("payment_succeeded", 5400),
        ("refunded", 1000),
    ]
    assert {e["currency"] for e in events} == {"USD"}


def test_a_declined_payment_carries_its_reason():
    events = domain.payment_events(
        PAYMENT,
        [{"type": "payment_intent.payment_failed", "received_at": "2026-12-01T10:00:03+00:00"}],
        [],
    )
    assert (events[-1]["type"], events[-1]["reason"]) == ("payment_failed", "card_declined")


def test_events_arrive_sorted_whatever_order_they_are_given_in():
    events = domain.payment_events(
        PAYMENT,
        [
            {"type": "charge.refunded", "received_at": "2026-12-01T12:00:00+00:00"},
            {"type": "payment_intent.succeeded", "received_at": "2026-12-01T10:00:05+00:00"},
        ],
        [],
    )
    assert [e["type"] for e in events] == [
        "payment_created",
        "payment_succeeded",
        "refund_confirmed",
    ]


def test_cash_collected_on_delivery_is_a_payment_received_when_the_payment_last_changed():
    cod = {
        **PAYMENT,
        "provider": "cod",
        "status": "succeeded",
        "updated_at": "2026-12-03T15:00:00+00:00",
    }
    events = domain.payment_events(cod, [], [])
    assert [(e["type"], e["at"]) for e in events] == [
        ("payment_created", "2026-12-01T10:00:00+00:00"),
        ("payment_succeeded", "2026-12-03T15:00:00+00:00"),
    ]
    assert domain.payment_events({**cod, "status": "pending"}, [], [])[-1]["type"] == (
        "payment_created"
    )
