"""The payments service on real RabbitMQ and Postgres (simulated provider), with a stand-in orders
service for reconciliation. The outbox relay only runs at start (no commit notifications, an hour
between passes) so tests read the events from the `outbox` table."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from nameko.rpc import rpc
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.utils import get_container
from sqlalchemy import text

from services.payments import webhooks
from services.payments.exceptions import PaymentNotFound  # noqa: F401  (registers errors)
from services.payments.service import PaymentsService
from tests.helpers import engine_for, truncate_tables

SECRET = "whsec_bazaar_integration_tests"
ORDERS: dict[str, dict] = {}


class FakeOrders:
    name = "orders"

    @rpc
    def get_order(self, order_id, user_id=None, is_admin=False):
        from services.orders.exceptions import OrderNotFound

        if order_id not in ORDERS:
            raise OrderNotFound(f"no order {order_id}", {"order_id": order_id})
        return ORDERS[order_id]


@pytest.fixture(autouse=True)
def clean_payments(config):
    truncate_tables(config, "payments")
    ORDERS.clear()
    yield
    ORDERS.clear()


@pytest.fixture
def payments_config(service_config):
    return {
        **service_config,
        "OUTBOX": {"interval": 3600, "listen": False},
        "RPC_TIMEOUT": 10,
        "PAYMENTS": {"provider": "simulated", "webhook_secret": SECRET, "webhook_tolerance": 300},
    }


@pytest.fixture
def payments_runner(runner_factory, payments_config):
    runner = runner_factory(payments_config, PaymentsService, FakeOrders)
    runner.start()
    return runner


@pytest.fixture
def payments_container(payments_runner):
    return get_container(payments_runner, PaymentsService)


@pytest.fixture
def cluster(payments_runner, payments_config):
    with ClusterRpcProxy(payments_config, timeout=30) as proxy:
        yield proxy


@pytest.fixture
def payments(cluster):
    return cluster.payments


@pytest.fixture
def dispatch(payments_config):
    return event_dispatcher(payments_config)


@pytest.fixture
def intent(payments):
    """A pending card payment of 2500 USD for a fresh order."""
    order_id = str(uuid.uuid4())
    return payments.create_intent(order_id, 2500, "USD", "user-1", f"order-{order_id}")


def stripe_event(event_type: str, intent_id: str, event_id: str | None = None, **fields) -> str:
    obj = {
        "id": intent_id,
        "object": "payment_intent",
        "amount": 2500,
        "currency": "usd",
        "status": "succeeded" if event_type.endswith("succeeded") else "requires_payment_method",
        **fields,
    }
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid.uuid4().hex}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": obj},
        }
    )


def signed(payload: str, timestamp: int | None = None, secret: str = SECRET) -> str:
    return webhooks.sign(payload, secret, timestamp)


@pytest.fixture
def payments_db(config):
    engine = engine_for(config, "payments")

    class Db:
        def scalar(self, sql, **params):
            with engine.connect() as conn:
                return conn.execute(text(sql), params).scalar()

        def rows(self, sql, **params):
            with engine.connect() as conn:
                return [dict(row) for row in conn.execute(text(sql), params).mappings()]

        def events(self, event_type):
            return [
                r["payload"]
                for r in self.rows(
                    "SELECT payload FROM outbox WHERE event_type = :t ORDER BY created_at",
                    t=event_type,
                )
            ]

        def status(self, intent_id):
            return self.scalar("SELECT status FROM payments WHERE intent_id = :i", i=intent_id)

    return Db()
