"""The simulated provider and the one webhook path: signatures, dedup, ordering, refunds, COD."""

import os
import time
import uuid

import eventlet
import pytest
from nameko.testing.services import entrypoint_waiter

from services.payments.exceptions import (
    InvalidSignature,
    PaymentDeclined,
    PaymentNotRefundable,
    UnknownTestCard,
)
from tests.integration.payments.conftest import ORDERS, signed, stripe_event


def test_an_intent_is_stripe_shaped_and_created_once_per_order(payments, intent, payments_db):
    assert intent["intent_id"].startswith("pi_sim_")
    assert intent["client_secret"].startswith(intent["intent_id"] + "_secret_")
    assert (intent["status"], intent["provider"], intent["amount"]) == (
        "pending",
        "simulated",
        2500,
    )
    again = payments.create_intent(
        intent["order_id"], 2500, "USD", "user-1", f"order-{intent['order_id']}"
    )
    assert again["id"] == intent["id"]
    assert payments_db.scalar("SELECT count(*) FROM simulated_intents") == 1


def test_the_success_card_pays_through_the_webhook_path(payments, intent, payments_db):
    payment = payments.confirm(intent["intent_id"], "4242424242424242", "user-1")

    assert payment["status"] == "succeeded"
    [event] = payments_db.events("payment_succeeded")
    assert event == {
        **event,
        "order_id": intent["order_id"],
        "payment_id": intent["id"],
        "amount": 2500,
        "currency": "USD",
    }
    [row] = payments_db.rows("SELECT id, type FROM provider_events")
    assert row["id"].startswith("evt_sim_")
    assert row["type"] == "payment_intent.succeeded"


@pytest.mark.parametrize(
    ("card", "reason"),
    [("4000000000000002", "card_declined"), ("4000000000009995", "insufficient_funds")],
)
def test_declining_cards_fail_the_payment_with_their_reason(
    payments, intent, payments_db, card, reason
):
    with pytest.raises(PaymentDeclined) as raised:
        payments.confirm(intent["intent_id"], card, "user-1")
    assert raised.value.details["reason"] == reason
    assert payments_db.status(intent["intent_id"]) == "failed"
    [event] = payments_db.events("payment_failed")
    assert event["reason"] == reason


def test_an_unknown_card_number_is_refused(payments, intent, payments_db):
    with pytest.raises(UnknownTestCard):
        payments.confirm(intent["intent_id"], "5555555555554444", "user-1")
    assert payments_db.status(intent["intent_id"]) == "pending"


def test_confirming_twice_pays_once(payments, intent, payments_db):
    payments.confirm(intent["intent_id"], "4242424242424242", "user-1")
    payments.confirm(intent["intent_id"], "4242424242424242", "user-1")
    assert len(payments_db.events("payment_succeeded")) == 1


@pytest.mark.parametrize(
    "tamper",
    ["missing", "bad_signature", "altered_body", "ten_minutes_old", "in_the_future"],
)
def test_an_untrustworthy_webhook_is_refused_and_changes_nothing(
    payments, intent, payments_db, tamper
):
    payload = stripe_event("payment_intent.succeeded", intent["intent_id"])
    header = {
        "missing": None,
        "bad_signature": signed(payload, secret="whsec_attacker"),
        "altered_body": signed(payload.replace('"amount": 2500', '"amount": 1')),
        "ten_minutes_old": signed(payload, int(time.time()) - 600),
        "in_the_future": signed(payload, int(time.time()) + 600),
    }[tamper]
    body = payload
    if tamper == "altered_body":
        header = signed(payload)
        body = payload.replace("payment_intent.succeeded", "payment_intent.payment_failed")

    with pytest.raises(InvalidSignature):
        payments.handle_webhook(body, header)

    assert payments_db.status(intent["intent_id"]) == "pending"
    assert payments_db.scalar("SELECT count(*) FROM provider_events") == 0
    assert payments_db.scalar("SELECT count(*) FROM outbox") == 0


def test_the_same_event_three_times_changes_the_payment_once(payments, intent, payments_db):
    payload = stripe_event("payment_intent.succeeded", intent["intent_id"], "evt_same")
    results = [payments.handle_webhook(payload, signed(payload)) for _ in range(3)]
    assert [r["applied"] for r in results] == [True, False, False]
    assert len(payments_db.events("payment_succeeded")) == 1


def test_the_same_event_three_times_concurrently_changes_the_payment_once(
    cluster, intent, payments_db
):
    payload = stripe_event("payment_intent.succeeded", intent["intent_id"], "evt_race")
    replies = [
        cluster.payments.handle_webhook.call_async(payload, signed(payload)) for _ in range(3)
    ]
    results = [reply.result() for reply in replies]
    assert sorted(r["applied"] for r in results) == [False, False, True]
    assert len(payments_db.events("payment_succeeded")) == 1
    assert payments_db.scalar("SELECT count(*) FROM provider_events") == 1


def test_failed_after_succeeded_leaves_the_payment_paid(payments, intent, payments_db):
    ok = stripe_event("payment_intent.succeeded", intent["intent_id"])
    late = stripe_event(
        "payment_intent.payment_failed",
        intent["intent_id"],
        last_payment_error={"code": "card_declined"},
    )
    payments.handle_webhook(ok, signed(ok))
    result = payments.handle_webhook(late, signed(late))

    assert result["applied"] is False
    assert payments_db.status(intent["intent_id"]) == "succeeded"
    assert payments_db.events("payment_failed") == []


def test_refunds_can_be_partial_then_full_and_never_exceed_the_payment(
    payments, intent, payments_db
):
    payments.confirm(intent["intent_id"], "4242424242424242", "user-1")

    partial = payments.refund(intent["order_id"], 1000)
    assert (partial["status"], partial["amount_refunded"]) == ("partially_refunded", 1000)
    with pytest.raises(PaymentNotRefundable):
        payments.refund(intent["order_id"], 2000)
    full = payments.refund(intent["order_id"])
    assert (full["status"], full["amount_refunded"]) == ("refunded", 2500)
    assert payments.refund(intent["order_id"])["amount_refunded"] == 2500

    events = payments_db.events("payment_refunded")
    assert [(e["amount"], e["refunded_total"], e["fully_refunded"]) for e in events] == [
        (1000, 1000, False),
        (1500, 2500, True),
    ]
    assert payments_db.scalar("SELECT amount_refunded FROM simulated_intents") == 2500


def test_an_unpaid_payment_cannot_be_refunded(payments, intent):
    with pytest.raises(PaymentNotRefundable):
        payments.refund(intent["order_id"])


def test_a_refund_webhook_repeating_our_own_refund_changes_nothing(payments, intent, payments_db):
    payments.confirm(intent["intent_id"], "4242424242424242", "user-1")
    payments.refund(intent["order_id"])
    charge = stripe_event("charge.refunded", "ch_1", amount_refunded=2500)
    charge = charge.replace(
        '"object": "payment_intent"',
        f'"object": "charge", "payment_intent": "{intent["intent_id"]}"',
    )
    assert payments.handle_webhook(charge, signed(charge))["applied"] is False
    assert len(payments_db.events("payment_refunded")) == 1


def test_cash_on_delivery_is_paid_when_the_order_is_delivered(
    payments, payments_container, dispatch, payments_db
):
    order_id = str(uuid.uuid4())
    payment = payments.create_intent(
        order_id, 4000, "USD", "user-1", f"order-{order_id}", method="cod"
    )
    assert (payment["provider"], payment["status"], payment["client_secret"]) == (
        "cod",
        "pending",
        None,
    )

    with entrypoint_waiter(payments_container, "handle_order_delivered", timeout=10):
        dispatch(
            "orders",
            "order_delivered",
            {
                "event_id": "evt-d",
                "order_id": order_id,
                "user_id": "user-1",
                "from_status": "shipped",
                "to_status": "delivered",
                "payment_method": "cod",
            },
        )

    assert payments.get_payment(order_id, "user-1")["status"] == "succeeded"
    assert [e["order_id"] for e in payments_db.events("payment_succeeded")] == [order_id]


def test_reconciliation_lists_every_mismatch(payments, intent, payments_db):
    ORDERS[intent["order_id"]] = {"id": intent["order_id"], "status": "cancelled"}
    payments.confirm(intent["intent_id"], "4242424242424242", "user-1")
    stray = str(uuid.uuid4())
    with_engine_execute(payments_db, stray)

    report = payments.reconcile()
    kinds = sorted((m["kind"], m["order_id"]) for m in report["mismatches"])
    assert kinds == sorted(
        [("intent_without_payment", stray), ("paid_but_order_not_confirmed", intent["order_id"])]
    )


def with_engine_execute(payments_db, order_id):
    from tests.helpers import _engines

    engine = next(
        e
        for uri, e in _engines.items()
        if uri.endswith(f"bazaar_payments{os.environ['DB_SUFFIX']}")
    )
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO simulated_intents (id, idempotency_key, amount, amount_refunded, "
            "currency, status, client_secret, metadata, created_at) VALUES "
            "('pi_sim_stray', 'k-stray', 100, 0, 'USD', 'succeeded', 's', "
            "%(meta)s, now())",
            {"meta": f'{{"order_id": "{order_id}"}}'},
        )


def test_concurrent_confirmations_of_one_intent_pay_once(cluster, intent, payments_db):
    replies = [
        cluster.payments.confirm.call_async(intent["intent_id"], "4242424242424242", "user-1")
        for _ in range(3)
    ]
    statuses = [reply.result()["status"] for reply in replies]
    eventlet.sleep(0)
    assert statuses == ["succeeded"] * 3
    assert len(payments_db.events("payment_succeeded")) == 1


def test_checkout_options_name_the_simulated_provider_and_its_test_cards(payments):
    options = payments.checkout_options()
    assert options["card_provider"] == "simulated"
    assert options["publishable_key"] is None
    assert [card["number"] for card in options["test_cards"]] == [
        "4242424242424242",
        "4000000000000002",
        "4000000000009995",
    ]


def test_an_orders_payment_events_tell_its_story_oldest_first(payments, intent):
    payments.confirm(intent["intent_id"], "4242424242424242", "user-1")
    payments.refund(intent["order_id"], 1000)

    events = payments.list_payment_events(intent["order_id"])
    assert [(e["type"], e["amount"]) for e in events] == [
        ("payment_created", 2500),
        ("payment_succeeded", 2500),
        ("refunded", 1000),
    ]
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)


def test_a_declined_payment_event_says_why_and_an_unknown_order_has_none(payments, intent):
    with pytest.raises(PaymentDeclined):
        payments.confirm(intent["intent_id"], "4000000000000002", "user-1")
    last = payments.list_payment_events(intent["order_id"])[-1]
    assert (last["type"], last["reason"]) == ("payment_failed", "card_declined")
    assert payments.list_payment_events("no-such-order") == []
