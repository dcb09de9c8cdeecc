"""The request id and caller of the current worker, carried through nameko context data.

The gateway puts `request_id` (and the caller's `user_id`) into the context data of the worker it
spawns; nameko copies context data into the headers of every RPC and event that worker sends, so
each downstream worker sees the same values. `RequestContext` exposes them to service code and makes
them available to log records for the lifetime of the worker (greenthread-local storage, since
`nameko run` patches `threading.local`).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

from nameko.extensions import DependencyProvider
from nameko.timer import Timer

REQUEST_ID_KEY = "request_id"
USER_ID_KEY = "user_id"

_current = threading.local()
log = logging.getLogger("bazaar.worker")


def current_request_id() -> str | None:
    return getattr(_current, "request_id", None)


def new_request_id() -> str:
    return uuid.uuid4().hex


class WorkerContextView:
    """What a service method may read of its worker's context."""

    def __init__(self, data: dict):
        self._data = data

    @property
    def request_id(self) -> str | None:
        return self._data.get(REQUEST_ID_KEY)

    @property
    def user_id(self) -> str | None:
        return self._data.get(USER_ID_KEY)


class RequestContext(DependencyProvider):
    """Binds the worker's request id to log records; a worker started by a timer or an event with
    no request id gets a fresh one, so that its own log lines and downstream calls correlate."""

    def __init__(self, log_workers: bool = True):
        """`log_workers`: log one line per worker (off for the gateway, whose access log says
        the same per request)."""
        self.log_workers = log_workers
        self._started: dict = {}

    def worker_setup(self, worker_ctx):
        worker_ctx.data.setdefault(REQUEST_ID_KEY, new_request_id())
        _current.request_id = worker_ctx.data[REQUEST_ID_KEY]
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        """One line per handled RPC, event or timer: what ran, how it ended, how long it took."""
        started = self._started.pop(worker_ctx, None)
        name = worker_ctx.entrypoint.method_name
        if not self.log_workers or name == "ping" or started is None:
            return
        elapsed = (time.perf_counter() - started) * 1000
        outcome = "ok" if exc_info is None else exc_info[0].__name__
        # timers (outbox relay, expiry sweeps) tick several times a second: DEBUG unless they fail
        quiet = isinstance(worker_ctx.entrypoint, Timer) and exc_info is None
        log.log(
            logging.DEBUG if quiet else logging.INFO,
            "%s.%s %s %.1fms",
            worker_ctx.service_name,
            name,
            outcome,
            elapsed,
            extra={"entrypoint": name, "outcome": outcome, "duration_ms": round(elapsed, 1)},
        )

    def worker_teardown(self, worker_ctx):
        self._started.pop(worker_ctx, None)
        _current.request_id = None

    def get_dependency(self, worker_ctx):
        return WorkerContextView(worker_ctx.data)
