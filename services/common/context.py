"""The request id and caller of the current worker, carried through nameko context data.

The gateway puts `request_id` (and the caller's `user_id`) into the context data of the worker it
spawns; nameko copies context data into the headers of every RPC and event that worker sends, so
each downstream worker sees the same values. `RequestContext` exposes them to service code and makes
them available to log records for the lifetime of the worker (greenthread-local storage, since
`nameko run` patches `threading.local`).
"""

from __future__ import annotations

import threading
import uuid

from nameko.extensions import DependencyProvider

REQUEST_ID_KEY = "request_id"
USER_ID_KEY = "user_id"

_current = threading.local()


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
    no request id gets a fresh one so that its own log lines and downstream calls still correlate."""

    def worker_setup(self, worker_ctx):
        worker_ctx.data.setdefault(REQUEST_ID_KEY, new_request_id())
        _current.request_id = worker_ctx.data[REQUEST_ID_KEY]

    def worker_teardown(self, worker_ctx):
        _current.request_id = None

    def get_dependency(self, worker_ctx):
        return WorkerContextView(worker_ctx.data)
