"""Readiness: is the broker, Redis, PostgreSQL and every service answering, and which is not."""

from __future__ import annotations

import eventlet
from kombu import Connection
from nameko.extensions import DependencyProvider
from nameko.rpc import ServiceProxy

from services.common.config import AMQP_URI, READY
from services.common.rpc import TRANSIENT, ReplyListener


class Readiness(DependencyProvider):
    """Injects `check(redis_client) -> (ready, report)`; pings run concurrently, each bounded by
    config READY.timeout seconds."""

    rpc_reply_listener = ReplyListener()

    def setup(self):
        settings = self.container.config.get(READY) or {}
        self.timeout = float(settings.get("timeout", 2))
        names = settings.get("services") or ""
        self.services = [s.strip() for s in str(names).split(",") if s.strip()]
        self.amqp_uri = self.container.config[AMQP_URI]

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
