"""The payments service killed in the middle of a confirmation, then restarted."""

import uuid

from eventlet.event import Event
from nameko.standalone.rpc import ClusterRpcProxy

from services.payments import webhooks
from services.payments.service import PaymentsService
from tests.helpers import wait_for


def test_a_confirmation_killed_mid_way_is_redelivered_and_pays_once(
    container_factory, payments_config, payments_db, monkeypatch
):
    first = container_factory(PaymentsService, payments_config)
    first.start()
    reached, hold = Event(), Event()
    real_sign = webhooks.sign

    def sign_then_stall(payload, secret, timestamp=None):
        if not reached.ready():  # only the first worker stalls here, after its commit
            reached.send(None)
            hold.wait()
        return real_sign(payload, secret, timestamp)

    monkeypatch.setattr(webhooks, "sign", sign_then_stall)
    order_id = str(uuid.uuid4())

    with ClusterRpcProxy(payments_config, timeout=20) as cluster:
        intent = cluster.payments.create_intent(order_id, 900, "USD", "user-1", f"o-{order_id}")
        reply = cluster.payments.confirm.call_async(
            intent["intent_id"], "4242424242424242", "user-1"
        )
        reached.wait()
        assert payments_db.status(intent["intent_id"]) == "pending"
        first.kill()  # the provider says succeeded; our payment and the event do not exist yet

        second = container_factory(PaymentsService, payments_config)
        second.start()
        payment = reply.result()  # the requeued request, answered by the new process

    assert payment["status"] == "succeeded"
    wait_for(lambda: payments_db.status(intent["intent_id"]) == "succeeded")
    assert len(payments_db.events("payment_succeeded")) == 1
    assert payments_db.scalar("SELECT status FROM simulated_intents") == "succeeded"
    hold.send(None)
