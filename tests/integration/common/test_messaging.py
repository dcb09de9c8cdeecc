"""A broker connection that dies under a consumer never kills the service: an ack or requeue on
a dead socket is dropped (the broker redelivers), a reply that cannot be published is dropped, and
a service's rpc, event handlers and RPC replies still share one consumer connection."""

import socket

import pytest
from kombu import Connection, Exchange, Queue
from kombu.exceptions import OperationalError
from nameko.exceptions import RpcTimeout as NamekoRpcTimeout
from nameko.messaging import QueueConsumer as NamekoQueueConsumer
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_hook

from services.common.messaging import QueueConsumer, event_handler
from services.common.rpc import RpcProxy, _ReplyPublisher, rpc

QUEUE = "bazaar-test-acks"


@pytest.fixture
def delivery(rabbit_config):
    """(connection, message): one message delivered and not yet acked; the queue is durable."""
    queue = Queue(QUEUE, Exchange(QUEUE, "direct"), routing_key=QUEUE, durable=True)
    with Connection(rabbit_config["AMQP_URI"]) as conn:
        conn.Producer().publish(
            {"n": 1}, exchange=queue.exchange, routing_key=QUEUE, declare=[queue]
        )
    conn = Connection(rabbit_config["AMQP_URI"])
    message = queue(conn.channel()).get(no_ack=False)
    assert message is not None
    yield conn, message
    conn.release()


def kill_socket(conn):
    """What a broker restart does to a connection's socket before amqp notices."""
    conn.connection.sock.shutdown(socket.SHUT_RDWR)


def redelivered(rabbit_config):
    with Connection(rabbit_config["AMQP_URI"]) as conn:
        message = Queue(QUEUE)(conn.channel()).get(no_ack=True)
    return message is not None and message.delivery_info["redelivered"], message


def test_nameko_consumer_raises_on_an_ack_over_a_dead_socket(delivery):
    # the race left open by nameko's fix of its issue #511; the exception kills the container
    conn, message = delivery
    kill_socket(conn)
    with pytest.raises(OSError):
        NamekoQueueConsumer().ack_message(message)


def test_an_ack_over_a_dead_socket_is_dropped_and_the_broker_redelivers(
    delivery, rabbit_config, caplog
):
    conn, message = delivery
    kill_socket(conn)

    QueueConsumer().ack_message(message)

    assert "ack lost with the broker connection" in caplog.text
    conn.collect()  # the connection is gone: the broker puts the unacked message back
    was_redelivered, body = redelivered(rabbit_config)
    assert was_redelivered and body.payload == {"n": 1}


def test_a_requeue_over_a_dead_socket_is_dropped(delivery, rabbit_config, caplog):
    conn, message = delivery
    kill_socket(conn)

    QueueConsumer().requeue_message(message)

    assert "requeue lost with the broker connection" in caplog.text


class Listener:
    name = "listener"
    echo_rpc = RpcProxy("listener", timeout=2)

    @rpc
    def echo(self, value):
        return value

    @rpc
    def echo_via_proxy(self, value):
        return self.echo_rpc.echo(value)

    @event_handler("somebody", "something_happened")
    def handle_something_happened(self, payload):
        pass


def test_rpc_events_and_replies_share_one_consumer_connection(container_factory, service_config):
    container = container_factory(Listener, service_config)
    container.start()

    consumers = {ext for ext in container.extensions if isinstance(ext, NamekoQueueConsumer)}
    assert len(consumers) == 1 and type(consumers.pop()) is QueueConsumer
    with entrypoint_hook(container, "echo_via_proxy") as echo_via_proxy:
        assert echo_via_proxy("hi") == "hi"


def test_a_reply_the_broker_cannot_take_is_dropped_and_the_service_lives_on(
    container_factory, service_config, monkeypatch, caplog
):
    container = container_factory(Listener, service_config)
    container.start()
    original = _ReplyPublisher.publish

    def no_broker(self, *args, **kwargs):
        raise OperationalError("[Errno 111] ECONNREFUSED")

    monkeypatch.setattr(_ReplyPublisher, "publish", no_broker)
    with ServiceRpcProxy("listener", service_config, timeout=1) as proxy:
        with pytest.raises(NamekoRpcTimeout):  # the caller waits in vain, as with a lost broker
            proxy.echo("lost")
        assert "dropped, no broker" in caplog.text
        assert not container._died.ready()  # nameko sets this when a thread's exception kills it

        monkeypatch.setattr(_ReplyPublisher, "publish", original)
        assert proxy.echo("back") == "back"
