"""Readiness: is the broker, Redis, PostgreSQL and every service answering, and which is not.

`/ready` is public, so it must not amplify: a check pings the broker, Redis and every service
(ten RPCs), so one gateway process runs at most one check at a time and reuses its report for
`READY.cache_ttl` seconds; callers arriving meanwhile wait for that check or take its report.
Which component is down is for operators only (`full_report_allowed`).
"""

from __future__ import annotations

import ipaddress
import time

import eventlet
from eventlet.event import Event
from kombu import Connection
from nameko.extensions import DependencyProvider
from nameko.rpc import ServiceProxy

from services.common.config import AMQP_URI, READY
from services.common.rpc import TRANSIENT, ReplyListener

# Set by a reverse proxy in front of the gateway: a request carrying one came from elsewhere,
# even when the proxy itself connects from loopback.
FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def from_this_machine(request) -> bool:
    """True for a request whose peer is a loopback address and that no proxy forwarded. The peer
    is the socket's (eventlet sets REMOTE_ADDR from it; no ProxyFix rewrites it), and a client
    cannot forge it; forwarding headers only ever make a request count as remote."""
    if any(header in request.headers for header in FORWARDING_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def full_report_allowed(request, user) -> bool:
    """Who may see which component is down: an admin, or a request from the machine itself (the
    operator's shell, the test stack)."""
    return (user is not None and user.is_admin) or from_this_machine(request)


def public_report(report: dict) -> dict:
    """What anyone may see of a readiness report: ready or not."""
    return {"status": report["status"]}


class Readiness(DependencyProvider):
    """Injects `check(redis_client) -> (ready, report)`; pings run concurrently, each bounded by
    config READY.timeout seconds. The answer is shared: one check at a time per container, its
    result reused for READY.cache_ttl seconds."""

    rpc_reply_listener = ReplyListener()

    def setup(self):
        settings = self.container.config.get(READY) or {}
        self.timeout = float(settings.get("timeout", 2))
        self.cache_ttl = float(settings.get("cache_ttl", 1))
        names = settings.get("services") or ""
        self.services = [s.strip() for s in str(names).split(",") if s.strip()]
        self.amqp_uri = self.container.config[AMQP_URI]
        self._answer: tuple[bool, dict] | None = None
        self._fresh_until = 0.0
        self._running: Event | None = None

    def shared(self, run_check) -> tuple[bool, dict]:
        """The cached answer while fresh; else the running check's answer; else `run_check()`'s,
        which every caller arriving before it ends shares (green threads: no lock needed between
        the tests and assignments below, which never yield)."""
        if self._answer is not None and time.monotonic() < self._fresh_until:
            return self._answer
        if self._running is not None:
            return self._running.wait()
        running = self._running = Event()
        try:
            answer = run_check()
        except BaseException as exc:
            self._running = None
            running.send_exception(exc)
            raise
        # fresh from the check's end, so a slow check (a service timing out) is not re-run at once
        self._answer, self._fresh_until = answer, time.monotonic() + self.cache_ttl
        self._running = None
        running.send(answer)
        return answer

    def get_dependency(self, worker_ctx):
        def ping(service: str) -> dict:
            proxy = ServiceProxy(
                worker_ctx, service, self.rpc_reply_listener, delivery_mode=TRANSIENT
            )
            try:
                with eventlet.Timeout(self.timeout):
                    return proxy.ping.call_async().result()
            except eventlet.Timeout:
                return {"error": f"no answer within {self.timeout:g}s"}
            except Exception as exc:
                return {"error": type(exc).__name__}

        def broker() -> bool:
            try:
                with eventlet.Timeout(self.timeout), Connection(self.amqp_uri) as conn:
                    conn.ensure_connection(max_retries=1)
                    return True
            except (Exception, eventlet.Timeout):
                return False

        def check(redis_client) -> tuple[bool, dict]:
            return self.shared(lambda: run_check(redis_client))

        def run_check(redis_client) -> tuple[bool, dict]:
            pile = eventlet.GreenPile()
            pile.spawn(broker)
            for service in self.services:
                pile.spawn(ping, service)
            answers = list(pile)
            try:
                with eventlet.Timeout(self.timeout):
                    redis_up = bool(redis_client.ping())
            except (Exception, eventlet.Timeout):
                redis_up = False
            services = {}
            databases = []
            for service, answer in zip(self.services, answers[1:], strict=True):
                if "error" in answer:
                    services[service] = {"status": "down", "reason": answer["error"]}
                    continue
                services[service] = {"status": "up"}
                if "database" in answer:
                    services[service]["database"] = answer["database"]
                    databases.append(answer["database"] == "up")
            components = {
                "rabbitmq": "up" if answers[0] else "down",
                "redis": "up" if redis_up else "down",
                "postgresql": "up"
                if databases and all(databases)
                else ("unknown" if not databases else "down"),
            }
            down = [name for name, state in components.items() if state == "down"]
            down += [
                name
                for name, state in services.items()
                if state["status"] == "down" or state.get("database") == "down"
            ]
            report = {
                "status": "ready" if not down else "not_ready",
                "down": down,
                "components": components,
                "services": services,
            }
            return not down, report

        return check
