"""RPC proxies whose calls time out.

nameko 2.14's `RpcProxy` waits for a reply forever (ARCHITECTURE §6). `RpcProxy` here returns the
same service proxy wrapped so that every call waits at most `timeout` seconds (argument, else config
`RPC_TIMEOUT`) and then raises `RpcTimeout`. The timeout is an `eventlet.Timeout` around waiting on
nameko's reply event; a reply that arrives later is discarded by nameko's reply listener.
"""

from __future__ import annotations

import eventlet
from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy as NamekoRpcProxy

from services.common.config import RPC_TIMEOUT
from services.common.errors import ServiceUnavailable

DEFAULT_TIMEOUT = 5.0


class RpcTimeout(ServiceUnavailable):
    """A service did not answer within the RPC timeout."""


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


class RpcProxy(NamekoRpcProxy):
    """`RpcProxy("catalog")`, or `RpcProxy("catalog", timeout=2)`; calls raise `RpcTimeout`."""

    def __init__(self, target_service: str, timeout: float | None = None, **options):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx):
        timeout = self.timeout or float(self.container.config.get(RPC_TIMEOUT, DEFAULT_TIMEOUT))
        proxy = super().get_dependency(worker_ctx)
        return _TimedServiceProxy(proxy, self.target_service, timeout)
