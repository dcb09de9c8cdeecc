"""RPC for Bazaar: proxies whose calls time out, and the `rpc` entrypoint every service uses.

nameko 2.14's `RpcProxy` waits for a reply forever (docs/architecture.md#stack-facts).
`RpcProxy` here returns the same service proxy wrapped so that every call waits at most `timeout`
seconds (argument, else config `RPC_TIMEOUT`) and then raises `RpcTimeout`. The timeout is an
`eventlet.Timeout` around waiting on nameko's reply event; a reply that arrives later is discarded
by nameko's reply listener.

An RPC message is only worth anything while its caller waits (at most the timeout), so neither the
request nor the reply needs what nameko gives every message by default: persistence (delivery mode
2, written to RabbitMQ's message store because the service queues are durable) and, for replies, a
publisher confirm (a broker round trip the responding worker waits for before it acks the
request). Requests here are transient but keep their confirm, which is how nameko detects an
unknown service (`mandatory` + confirm, see `nameko.rpc.MethodProxy._call`); replies are transient
and unconfirmed: a reply lost with the broker surfaces as the caller's `RpcTimeout`, exactly as
it would with confirms. Events keep nameko's defaults (persistent, confirmed): they go through the
outbox and must survive a broker restart. docs/benchmarks.md has the before and after.

A broker restart never kills a service here: requests and replies are consumed through
`services.common.messaging.QueueConsumer` (acks on a dead connection are dropped, the broker
redelivers), and a reply that cannot be published once nameko's publish retries are spent is
dropped with a warning instead of raising out of the worker, which would kill the container (the
caller, whose reply queue went with the broker, sees `RpcTimeout`).
"""

from __future__ import annotations

import logging

import eventlet
from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)
from nameko.exceptions import RemoteError, UnknownService, get_module_path
from nameko.exceptions import registry as remote_errors
from nameko.rpc import ReplyListener as NamekoReplyListener
from nameko.rpc import Responder as NamekoResponder
from nameko.rpc import Rpc as NamekoRpc
from nameko.rpc import RpcConsumer as NamekoRpcConsumer
from nameko.rpc import RpcProxy as NamekoRpcProxy
from nameko.rpc import get_rpc_exchange

from services.common.config import RPC_TIMEOUT
from services.common.errors import ServiceUnavailable
from services.common.messaging import CONNECTION_LOST, QueueConsumer

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
TRANSIENT = 1  # AMQP delivery mode: kept in memory only


class RpcTimeout(ServiceUnavailable):
    """A service did not answer within the RPC timeout."""


def remote_error_name(exc: BaseException) -> str | None:
    """The type name of an error an RPC call raised: a registered exception's own class name
    (it arrived as itself), an unregistered one's as its `RemoteError` names it; None for any
    other exception (not a remote error). Callers translate remote refusals by this name."""
    if isinstance(exc, RemoteError):
        return exc.exc_type
    if get_module_path(type(exc)) in remote_errors:
        return type(exc).__name__
    return None


class _TimedMethod:
    def __init__(self, method, service_name: str, timeout: float):
        self._method = method
        self._service_name = service_name
        self._timeout = timeout

    def __call__(self, *args, **kwargs):
        return self.call_async(*args, **kwargs).result()

    def call_async(self, *args, **kwargs):
        try:
            reply = self._method.call_async(*args, **kwargs)
        except UnknownService as exc:
            raise ServiceUnavailable(f"service {self._service_name} is not running") from exc
        return _TimedReply(reply, f"{self._service_name}.{self._method.method_name}", self._timeout)


class _TimedReply:
    def __init__(self, reply, name: str, timeout: float):
        self._reply = reply
        self._name = name
        self._timeout = timeout

    def result(self):
        timer = eventlet.Timeout(self._timeout)
        try:
            return self._reply.result()
        except eventlet.Timeout as exc:
            if exc is not timer:
                raise
            raise RpcTimeout(
                f"{self._name} did not answer within {self._timeout:g}s",
                {"service": self._name.split(".")[0], "timeout": self._timeout},
            ) from None
        finally:
            timer.cancel()


class _TimedServiceProxy:
    def __init__(self, proxy, service_name: str, timeout: float):
        self._proxy = proxy
        self._service_name = service_name
        self._timeout = timeout

    def __getattr__(self, name: str) -> _TimedMethod:
        return _TimedMethod(getattr(self._proxy, name), self._service_name, self._timeout)

    def with_timeout(self, timeout: float) -> _TimedServiceProxy:
        return _TimedServiceProxy(self._proxy, self._service_name, timeout)


class ReplyListener(NamekoReplyListener):
    """nameko's reply listener on Bazaar's queue consumer (see `services.common.messaging`).

    Replies are consumed without acks, in the consumer's thread: a reply is worth nothing once
    its caller is gone, so acking it (a frame each way per RPC) and spawning a thread to hand it
    over (nameko's way) bought nothing. docs/benchmarks.md has the before and after. The price: a
    reply in flight when this consumer's connection drops is lost (acked, it would have been
    redelivered after the reconnect), and its caller gets `RpcTimeout`.
    """

    queue_consumer = QueueConsumer()
    auto_ack = True

    def handle_message(self, body, message):
        event = self._reply_events.pop(message.properties.get("correlation_id"), None)
        if event is not None:
            event.send(body)  # a reply for a caller that timed out is dropped


class RpcProxy(NamekoRpcProxy):
    """`RpcProxy("catalog")`, or `RpcProxy("catalog", timeout=2)`; calls raise `RpcTimeout`."""

    rpc_reply_listener = ReplyListener()

    def __init__(self, target_service: str, timeout: float | None = None, **options):
        options.setdefault("delivery_mode", TRANSIENT)
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx):
        timeout = self.timeout or float(self.container.config.get(RPC_TIMEOUT, DEFAULT_TIMEOUT))
        proxy = super().get_dependency(worker_ctx)
        return _TimedServiceProxy(proxy, self.target_service, timeout)


class _ReplyPublisher(Publisher):
    use_confirms = False
    delivery_mode = TRANSIENT


class _Responder(NamekoResponder):
    publisher_cls = _ReplyPublisher


class _RpcConsumer(NamekoRpcConsumer):
    queue_consumer = QueueConsumer()

    def handle_result(self, message, result, exc_info):
        # nameko's RpcConsumer.handle_result with our Responder: it names nameko's class directly,
        # so the method is restated here (nameko 2.14.1, unchanged since 2.12).
        config = self.container.config
        responder = _Responder(
            config[AMQP_URI_CONFIG_KEY],
            get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER),
            message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
        try:
            result, exc_info = responder.send_response(result, exc_info)
        except CONNECTION_LOST as exc:
            log.warning(
                "reply to %s dropped, no broker: %r", message.properties.get("reply_to"), exc
            )
        self.queue_consumer.ack_message(message)
        return result, exc_info


class Rpc(NamekoRpc):
    # One shared consumer per service container: every `rpc` of a service must come from here
    # (a second consumer class on the same queue would take messages for methods it lacks).
    rpc_consumer = _RpcConsumer()


rpc = Rpc.decorator
