"""Bazaar's RPC over a real broker: requests and replies are transient, replies unconfirmed, a
missing service still fails fast, and a call that gets no answer times out."""

import time

import eventlet
import pytest
from nameko.testing.services import entrypoint_hook
from nameko.testing.utils import get_extension

from services.common.errors import ServiceUnavailable
from services.common.messaging import QueueConsumer
from services.common.rpc import ReplyListener, Rpc, RpcProxy, RpcTimeout, _RpcConsumer, rpc


class EchoService:
    name = "echo"

    @rpc
    def echo(self, value):
        return value

    @rpc
    def slow(self, seconds):
        eventlet.sleep(seconds)
        return "late"


class CallerService:
    name = "caller"

    echo_rpc = RpcProxy("echo", timeout=0.5)
    missing_rpc = RpcProxy("nobody")

    @rpc
    def call_echo(self, value):
        return self.echo_rpc.echo(value)

    @rpc
    def call_slow(self, seconds):
        return self.echo_rpc.slow(seconds)

    @rpc
    def call_missing(self):
        return self.missing_rpc.anything()


@pytest.fixture
def running(runner_factory, service_config):
    runner = runner_factory(service_config, EchoService, CallerService)
    runner.start()
    return runner


def _record_deliveries(monkeypatch, cls):
    seen = []
    original = cls.handle_message

    def recording(self, body, message):
        seen.append(message.properties)
        return original(self, body, message)

    monkeypatch.setattr(cls, "handle_message", recording)
    return seen


def test_request_and_reply_are_transient(running, monkeypatch):
    requests = _record_deliveries(monkeypatch, _RpcConsumer)
    replies = _record_deliveries(monkeypatch, ReplyListener)
    caller = running.service_map["caller"]

    with entrypoint_hook(caller, "call_echo") as call_echo:
        assert call_echo({"n": 1, "items": [1, 2]}) == {"n": 1, "items": [1, 2]}

    echo_request = [p for p in requests if p.get("reply_to")]
    assert echo_request and all(p["delivery_mode"] == 1 for p in echo_request)
    assert replies and all(p["delivery_mode"] == 1 for p in replies)


def test_every_rpc_entrypoint_of_a_service_shares_one_consumer(running):
    container = running.service_map["echo"]
    consumers = {
        type(get_extension(container, Rpc, method_name=m).rpc_consumer) for m in ("echo", "slow")
    }
    assert consumers == {_RpcConsumer}


def test_a_service_nobody_runs_is_unavailable_at_once(running):
    caller = running.service_map["caller"]
    started = time.monotonic()
    with (
        entrypoint_hook(caller, "call_missing") as call_missing,
        pytest.raises(ServiceUnavailable, match="nobody"),
    ):
        call_missing()
    # the confirm of the mandatory request reports "no route": no waiting for the RPC timeout
    assert time.monotonic() - started < 2


def test_a_call_without_an_answer_times_out(running):
    caller = running.service_map["caller"]
    with (
        entrypoint_hook(caller, "call_slow") as call_slow,
        pytest.raises(RpcTimeout, match=r"echo\.slow did not answer within 0\.5s"),
    ):
        call_slow(2)


def test_replies_are_consumed_without_acks(running):
    caller = running.service_map["caller"]
    consumer = get_extension(caller, QueueConsumer)
    [reply_consumer] = [c for p, c in consumer._consumers.items() if isinstance(p, ReplyListener)]
    assert reply_consumer.no_ack
    with entrypoint_hook(caller, "call_echo") as call_echo:
        # more calls than the prefetch window (max_workers): unacked replies would stall it
        for n in range(20):
            assert call_echo(n) == n
