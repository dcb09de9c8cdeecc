import json
import time

import pytest

from services.payments import domain, webhooks
from services.payments.exceptions import InvalidSignature, InvalidWebhook

SECRET = "whsec_test_secret"
EVENT = json.dumps(
    {
        "id": "evt_1",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_1", "object": "payment_intent"}},
    }
)


def test_a_fresh_correctly_signed_event_is_accepted():
    event = webhooks.verify(EVENT, webhooks.sign(EVENT, SECRET), SECRET)
    assert event["id"] == "evt_1"


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("v1=abc", "malformed"),
        ("t=123456789x,v1=abc", "malformed"),
    ],
)
def test_a_missing_or_malformed_signature_is_refused(header, reason):
    with pytest.raises(InvalidSignature) as raised:
        webhooks.verify(EVENT, header, SECRET)
    assert raised.value.details["reason"] == reason


def test_a_signature_made_with_another_secret_is_refused():
    with pytest.raises(InvalidSignature) as raised:
        webhooks.verify(EVENT, webhooks.sign(EVENT, "whsec_other"), SECRET)
    assert raised.value.details["reason"] == "mismatch"


def test_an_altered_body_is_refused():
    header = webhooks.sign(EVENT, SECRET)
    with pytest.raises(InvalidSignature):
        webhooks.verify(EVENT.replace("succeeded", "payment_failed"), header, SECRET)


def test_a_timestamp_ten_minutes_old_is_refused():
    header = webhooks.sign(EVENT, SECRET, int(time.time()) - 600)
    with pytest.raises(InvalidSignature) as raised:
        webhooks.verify(EVENT, header, SECRET)
    assert raised.value.details["reason"] == "expired"


def test_a_timestamp_in_the_future_is_refused():
    header = webhooks.sign(EVENT, SECRET, int(time.time()) + 600)
    with pytest.raises(InvalidSignature) as raised:
        webhooks.verify(EVENT, header, SECRET)
    assert raised.value.details["reason"] == "future"


def test_a_signed_body_that_is_not_an_event_is_refused():
    body = json.dumps({"hello": "world"})
    with pytest.raises(InvalidWebhook):
        webhooks.verify(body, webhooks.sign(body, SECRET), SECRET)


def test_status_never_goes_backwards_but_a_failed_card_may_still_pay():
    assert not domain.moves_forward("succeeded", "failed")
    assert not domain.moves_forward("refunded", "succeeded")
    assert domain.moves_forward("failed", "succeeded")
    assert domain.moves_forward("pending", "failed")


def test_test_cards_decide_the_outcome():
    assert domain.card_outcome("4242 4242 4242 4242") is None
    assert domain.card_outcome("4000000000000002") == "card_declined"
    assert domain.card_outcome("4000000000009995") == "insufficient_funds"
    with pytest.raises(KeyError):
        domain.card_outcome("5555555555554444")


def test_a_refund_event_names_the_total_refunded():
    change = domain.change_for("charge.refunded", {"amount_refunded": 500}, 1000)
    assert change == domain.Change("partially_refunded", amount_refunded=500)
    assert (
        domain.change_for("charge.refunded", {"amount_refunded": 1000}, 1000).status == "refunded"
    )
