"""The end-to-end tier: the whole platform (every Procfile process, under honcho) on test data.

The stack and the fixtures that talk to it (`stack`, `api`, `admin_headers`, `seller_headers`,
`new_customer`, `stack_log`) are the plugin tests/stack.py's, shared with the browser tier so that
a run of both starts one stack; the names below are re-exported for the tests that import them.
"""

from __future__ import annotations

import pytest
import requests

from tests.helpers import wait_for
from tests.stack import (
    LOG_PATH,
    SEEDED,
    STACK,
    VHOST,
    Api,
    bearer,
    login,
    procfile_entries,
    stack_pids,
)

__all__ = [
    "LOG_PATH",
    "SEEDED",
    "STACK",
    "VHOST",
    "Api",
    "bearer",
    "login",
    "procfile_entries",
    "stack_pids",
]


@pytest.fixture
def idle_queues(request):
    """Wait until every queue of the e2e vhost is empty: latency checks measure the steady state,
    not the backlog an earlier test's burst left behind. Depths come from a passive declare (real
    time); the management API only lists the names (its counters lag by seconds)."""
    from kombu import Connection

    api_uri = request.config.getoption("RABBIT_API_URI")

    def wait(timeout: float = 60) -> None:
        names = [
            q["name"]
            for q in requests.get(f"{api_uri}/api/queues/{VHOST}", timeout=10).json()
            if not q["name"].startswith("rpc.reply")
        ]
        with Connection(f"pyamqp://guest:guest@127.0.0.1:5672/{VHOST}") as conn:
            channel = conn.channel()

            def empty():
                return all(
                    channel.queue_declare(queue=name, passive=True).message_count == 0
                    for name in names
                )

            wait_for(empty, timeout=timeout, interval=0.2)

    return wait
