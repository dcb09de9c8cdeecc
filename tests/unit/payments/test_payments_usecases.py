"""Intents, confirmation through the webhook path, refunds, cash on delivery and reconciliation,
on the fakes of tests/unit/payments/fakes.py."""

import json

import pytest

from services.payments import domain, schemas, webhooks
from services.payments.exceptions import (
    InvalidSignature,
    NotSimulated,
    PaymentDeclined,
    PaymentNotFound,
    PaymentNotRefundable,
    UnknownTestCard,
)
from tests.unit.payments.fakes import SECRET, make_payments

PAYS = "4242424242424242"
DECLINED = "4000000000000002"


@pytest.fixture
def world():
    return make_payments()


def intent(world, order_id="order-1", amount=2500, method="card"):
    return world.payments.create_intent(
        order_id, amount, "EUR", "user-1", f"key-{order_id}", method
    )


def stripe_event(event_id, event_type, obj):
    payload = json.dumps({"id": event_id, "type": event_type, "data": {"object": obj}})
    return payload, webhooks.sign(payload, SECRET)


def test_an_order_gets_one_payment_and_one_provider_intent(world):
    first = intent(world)
    again = intent(world)
    assert again is first
    assert (first.provider, first.status, first.amount) == ("simulated", domain.PENDING, 2500)
    assert len(world.providers.get("simulated").intents) == 1


def test_cash_on_delivery_is_a_cod_payment_without_a_secret(world):
    payment = intent(world, method="cod")
    assert (payment.provider, payment.client_secret) == ("cod", None)


def test_a_paying_test_card_succeeds_through_the_webhook_path_with_one_event(world):
    payment = intent(world)
    confirmed = world.payments.confirm(payment.intent_id, PAYS, "user-1")
    assert confirmed.status == domain.SUCCEEDED
    assert world.repo.event_types() == ["payment_succeeded"]
    assert world.repo.commits == 2  # the provider's change, then the webhook's
    again = world.payments.confirm(payment.intent_id, PAYS, "user-1")
    assert again.status == domain.SUCCEEDED and world.repo.event_types() == ["payment_succeeded"]


def test_a_declined_card_raises_with_its_reason_and_records_the_failure(world):
    payment = intent(world)
    with pytest.raises(PaymentDeclined) as raised:
        world.payments.confirm(payment.intent_id, DECLINED, "user-1")
    assert raised.value.details["reason"] == "card_declined"
    assert world.repo.events[0][0] == "payment_failed"
    assert world.repo.events[0][1]["reason"] == "card_declined"


def test_a_number_that_is_no_test_card_is_refused_naming_the_field(world):
    payment = intent(world)
    with pytest.raises(UnknownTestCard) as raised:
        world.payments.confirm(payment.intent_id, "5555555555554444", "user-1")
    assert "card_number" in raised.value.details["fields"]
    assert world.repo.commits == 0


def test_another_users_intent_is_not_found_and_stripe_intents_are_not_simulated(world):
    payment = intent(world)
    with pytest.raises(PaymentNotFound):
        world.payments.confirm(payment.intent_id, PAYS, "user-2")
    payment.provider = "stripe"
    with pytest.raises(NotSimulated):
        world.payments.confirm(payment.intent_id, PAYS, "user-1")


def test_a_repeated_provider_event_is_a_duplicate_that_changes_nothing(world):
    payment = intent(world)
    body, signature = stripe_event("evt_1", domain.INTENT_SUCCEEDED, {"id": payment.intent_id})
    assert world.payments.handle_webhook(body, signature)["applied"] is True
    repeat = world.payments.handle_webhook(body, signature)
    assert (repeat["applied"], repeat["duplicate"]) == (False, True)
    assert world.repo.rollbacks == 1
    assert world.repo.event_types() == ["payment_succeeded"]


def test_a_late_failure_event_does_not_move_a_succeeded_payment_back(world):
    payment = intent(world)
    world.payments.handle_webhook(
        *stripe_event("evt_ok", domain.INTENT_SUCCEEDED, {"id": payment.intent_id})
    )
    late = world.payments.handle_webhook(
        *stripe_event("evt_late", domain.INTENT_FAILED, {"id": payment.intent_id})
    )
    assert late["applied"] is False and payment.status == domain.SUCCEEDED


def test_a_badly_signed_webhook_is_refused(world):
    body, _ = stripe_event("evt_1", domain.INTENT_SUCCEEDED, {"id": "pi_x"})
    with pytest.raises(InvalidSignature):
        world.payments.handle_webhook(body, webhooks.sign(body, "another-secret"))


def test_refunds_take_what_remains_and_then_change_nothing(world):
    payment = intent(world)
    world.payments.confirm(payment.intent_id, PAYS, "user-1")
    world.payments.refund("order-1", 1000)
    assert (payment.status, payment.amount_refunded) == (domain.PARTIALLY_REFUNDED, 1000)
    world.payments.refund("order-1", None)
    assert (payment.status, payment.amount_refunded) == (domain.REFUNDED, 2500)
    world.payments.refund("order-1", None)
    refunds = [p for t, p in world.repo.events if t == "payment_refunded"]
    assert [(r["amount"], r["fully_refunded"]) for r in refunds] == [(1000, False), (1500, True)]


def test_a_refund_beyond_what_remains_or_of_an_unpaid_payment_is_refused(world):
    payment = intent(world)
    with pytest.raises(PaymentNotRefundable):
        world.payments.refund("order-1", 100)
    world.payments.confirm(payment.intent_id, PAYS, "user-1")
    with pytest.raises(PaymentNotRefundable) as raised:
        world.payments.refund("order-1", 3000)
    assert raised.value.details == {"remaining": 2500, "amount": 3000}


def test_cash_on_delivery_is_paid_once_when_the_order_is_delivered(world):
    payment = intent(world, method="cod")
    delivered = {"event_id": "e-1", "order_id": "order-1", "payment_method": "cod"}
    world.payments.order_delivered(delivered)
    world.payments.order_delivered(delivered)
    assert payment.status == domain.SUCCEEDED
    assert world.repo.event_types() == ["payment_succeeded"]


def test_a_card_orders_delivery_changes_nothing(world):
    payment = intent(world)
    world.payments.order_delivered({"event_id": "e-1", "order_id": "order-1"})
    assert payment.status == domain.PENDING and not world.repo.delivered


def test_another_users_payment_is_not_found_but_an_admin_sees_it(world):
    intent(world)
    with pytest.raises(PaymentNotFound):
        world.payments.get_payment("order-1", "user-2", False)
    assert world.payments.get_payment("order-1", "user-2", True).order_id == "order-1"


def test_a_payments_history_tells_its_story_oldest_first(world):
    payment = intent(world)
    world.payments.confirm(payment.intent_id, PAYS, "user-1")
    world.payments.refund("order-1", 1000)
    story = schemas.dump_payment_events(world.payments.payment_history("order-1"))
    assert [(e["type"], e["amount"]) for e in story] == [
        ("payment_created", 2500),
        ("payment_succeeded", 2500),
        ("refunded", 1000),
    ]
    assert schemas.dump_payment_events(world.payments.payment_history("no-order")) == []


def test_reconciliation_lists_what_the_provider_we_and_the_orders_disagree_on(world):
    paid = intent(world, "order-paid")
    intent(world, "order-gone")
    world.payments.confirm(paid.intent_id, PAYS, "user-1")
    stray = world.providers.get("simulated").create_intent("order-x", 100, "EUR", "stray")
    world.orders.statuses = {"order-paid": "cancelled"}
    report = world.payments.reconcile()
    kinds = sorted((m["kind"], m["order_id"]) for m in report["mismatches"])
    assert report["checked"] == 2
    assert kinds == [
        ("intent_without_payment", "order-x"),
        ("paid_but_order_not_confirmed", "order-paid"),
        ("payment_without_order", "order-gone"),
    ]
    assert stray["id"] in {m["intent_id"] for m in report["mismatches"]}
    assert world.orders.asked == [["order-paid", "order-gone"]]


def test_a_confirmation_and_a_refund_with_an_idempotency_key_answer_a_repeat_from_the_store(world):
    payment = intent(world)
    first = world.payments.confirm_once(payment.intent_id, PAYS, "user-1", "key-c", "h1")
    assert first == schemas.dump_payment(payment) and first["status"] == domain.SUCCEEDED
    commits = world.repo.commits
    again = world.payments.confirm_once(payment.intent_id, PAYS, "user-1", "key-c", "h1")
    assert again == first and world.repo.commits == commits

    refunded = world.payments.refund_once("order-1", 1000, "user-1", "key-r", "h2")
    assert refunded["amount_refunded"] == 1000
    assert world.payments.refund_once("order-1", 1000, "user-1", "key-r", "h2") == refunded
    assert payment.amount_refunded == 1000  # refunded once
