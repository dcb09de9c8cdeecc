"""The stripe provider through the official SDK against a local Stripe API test double."""

import uuid

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.payments.service import PaymentsService
from tests.integration.payments.conftest import FakeOrders, signed, stripe_event
from tests.integration.payments.stripe_double import StripeDouble

SECRET = "whsec_stripe_tests_only"


@pytest.fixture
def stripe_api():
    double = StripeDouble()
    double.start()
    yield double
    double.stop()


@pytest.fixture
def stripe_payments(runner_factory, service_config, stripe_api):
    config = {
        **service_config,
        "OUTBOX": {"interval": 3600, "listen": False},
        "RPC_TIMEOUT": 20,
        "PAYMENTS": {
            "provider": "stripe",
            "webhook_secret": SECRET,
            "stripe": {
                "api_key": "sk_test_double",
                "api_base": f"http://127.0.0.1:{stripe_api.port}",
                "max_network_retries": 2,
            },
        },
    }
    runner = runner_factory(config, PaymentsService, FakeOrders)
    runner.start()
    with ClusterRpcProxy(config, timeout=30) as proxy:
        yield proxy.payments


def new_intent(payments, amount=5000):
    order_id = str(uuid.uuid4())
    return payments.create_intent(order_id, amount, "USD", "user-1", f"order-{order_id}")


def test_an_intent_is_created_at_stripe_with_the_orders_idempotency_key(
    stripe_payments, stripe_api
):
    payment = new_intent(stripe_payments)

    [intent] = stripe_api.intents.values()
    assert payment["provider"] == "stripe"
    assert payment["intent_id"] == intent["id"]
    assert payment["client_secret"] == intent["client_secret"]
    assert intent["metadata"] == {"order_id": payment["order_id"]}
    assert (intent["amount"], intent["currency"]) == (5000, "usd")
    assert stripe_api.requests[-1][2] == f"order-{payment['order_id']}"


def test_a_lost_response_is_retried_with_the_same_key_and_makes_one_intent(
    stripe_payments, stripe_api
):
    stripe_api.lose_next = 2

    payment = new_intent(stripe_payments)

    posts = [r for r in stripe_api.requests if r[0] == "POST"]
    assert len(posts) == 3
    assert {key for _, _, key in posts} == {f"order-{payment['order_id']}"}
    assert list(stripe_api.intents) == [payment["intent_id"]]


def test_a_signed_stripe_event_pays_and_refunds_go_to_stripe(stripe_payments, stripe_api):
    payment = new_intent(stripe_payments)
    stripe_api.succeed(payment["intent_id"])
    event = stripe_event("payment_intent.succeeded", payment["intent_id"])
    assert stripe_payments.handle_webhook(event, signed(event, secret=SECRET))["applied"]

    partial = stripe_payments.refund(payment["order_id"], 2000)
    full = stripe_payments.refund(payment["order_id"])

    assert (partial["status"], full["status"]) == ("partially_refunded", "refunded")
    assert [r["amount"] for r in stripe_api.refunds] == [2000, 3000]
    assert stripe_api.intents[payment["intent_id"]]["amount_refunded"] == 5000


def test_reconciliation_finds_a_payment_stripe_says_is_paid_but_we_missed(
    stripe_payments, stripe_api
):
    payment = new_intent(stripe_payments)
    stripe_api.succeed(payment["intent_id"])

    report = stripe_payments.reconcile()

    kinds = {(m["kind"], m["intent_id"]) for m in report["mismatches"]}
    assert ("status_differs", payment["intent_id"]) in kinds
    assert ("payment_without_order", payment["intent_id"]) in kinds
