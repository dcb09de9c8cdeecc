"""AMQP consumption that survives the broker going away: the queue consumer every Bazaar
entrypoint shares, and the `event_handler` every service uses.

nameko 2.14.1 acks a message only if its channel still has a connection, and then ignores amqp's
own `ConnectionError` (the fix of nameko issue #511). The race its reviewers pointed out remains:
when RabbitMQ restarts, the socket can die after that check and before or during the write, and
the ack raises the socket's `ConnectionResetError` (or another `OSError`). It raises in a worker
or managed thread, and nameko kills the whole container on any such exception: seen here as the
gateway (replies acked by `ReplyListener.handle_message`) and every service exiting mid-checkout
during a broker restart (tests/e2e/test_resilience.py). The message itself is safe: an unacked
delivery goes back to its queue when its connection dies, and consumers are idempotent.

Sharing: nameko shares one `QueueConsumer` (one connection) per container and class. Every
Bazaar entrypoint that consumes (`rpc`, `event_handler`, the RPC proxies' reply listener) declares
the class below, so a service still has one consumer connection.

Importing this module also puts message bodies through orjson (`services.common.serialization`):
every process that sends or receives messages imports it, through `rpc` or `event_handler`.
"""

from __future__ import annotations

import logging

from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError
from nameko.events import EventHandler as NamekoEventHandler
from nameko.messaging import QueueConsumer as NamekoQueueConsumer

from services.common.serialization import install as install_json

log = logging.getLogger(__name__)

install_json()  # every message body through orjson (services.common.serialization)

# What a write on a connection the broker dropped raises: the socket's errors (OSError covers
# ConnectionResetError, BrokenPipeError and timeouts), amqp's (connection already closed) and
# kombu's (a publish that still found no broker after its retries).
CONNECTION_LOST = (OSError, AmqpConnectionError, OperationalError)


class QueueConsumer(NamekoQueueConsumer):
    """nameko's consumer whose ack and requeue never raise because the connection is gone.

    A provider with `auto_ack = True` (the RPC reply listener) is consumed without acks and its
    `handle_message` runs in the consumer's own thread: it must be quick and never block.
    """

    def get_consumers(self, consumer_cls, channel):
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            # read by kombu when the mixin enters the consumer (basic.consume), after this call
            consumer.no_ack = bool(getattr(provider, "auto_ack", False))
        return consumers

    def handle_message(self, provider, body, message):
        if getattr(provider, "auto_ack", False):
            provider.handle_message(body, message)
        else:
            super().handle_message(provider, body, message)

    def ack_message(self, message):
        try:
            super().ack_message(message)
        except CONNECTION_LOST as exc:
            log.warning("ack lost with the broker connection, message will be redelivered: %r", exc)

    def requeue_message(self, message):
        try:
            super().requeue_message(message)
        except CONNECTION_LOST as exc:
            log.warning("requeue lost with the broker connection (the broker requeues): %r", exc)


class EventHandler(NamekoEventHandler):
    queue_consumer = QueueConsumer()


event_handler = EventHandler.decorator
