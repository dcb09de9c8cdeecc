"""The admin figures of abandoned-cart reminders through the real gateway, cart service,
RabbitMQ and Postgres: `GET /api/admin/stats/reminders?days=`."""

from datetime import timedelta

import pytest
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port
from sqlalchemy import text

from gateway.service import GatewayService
from services.common.clock import utcnow
from tests import tokens
from tests.helpers import engine_for


@pytest.fixture
def gateway_config(cart_config):
    return {**cart_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}", "RATE_LIMITS": {}}


@pytest.fixture
def http(cart_runner, container_factory, gateway_config, http):
    container = container_factory(GatewayService, gateway_config)
    replace_dependencies(container, "accounts_rpc")
    container.start()
    return http


def as_role(config, role):
    return {"Authorization": f"Bearer {tokens.mint(config, role=role)}"}


def remind(config, cart_id, days_ago, subtotal, recovered_by=None):
    """A reminder the cart issued `days_ago` days ago, recovered by an order or not."""
    at = utcnow() - timedelta(days=days_ago)
    with engine_for(config, "cart").begin() as conn:
        conn.execute(
            text(
                "INSERT INTO cart_reminders (id, cart_id, user_id, touched_at, created_at, lines,"
                " subtotal, currency, recovered_order_id, recovered_at) VALUES (:id, :cart,"
                " 'ann', :at, :at, 1, :subtotal, 'USD', :order, :recovered_at)"
            ),
            {
                "id": f"r-{cart_id}",
                "cart": cart_id,
                "at": at,
                "subtotal": subtotal,
                "order": recovered_by,
                "recovered_at": at if recovered_by else None,
            },
        )


def test_an_admin_sees_reminders_sent_and_recovered_in_the_days_asked(http, gateway_config):
    remind(gateway_config, "c1", 1, 2500, recovered_by="o1")
    remind(gateway_config, "c2", 1.5, 1999)
    remind(gateway_config, "c3", 3, 1000, recovered_by="o3")
    remind(gateway_config, "c4", 40, 9900, recovered_by="o4")
    response = http.get("/api/admin/stats/reminders", headers=as_role(gateway_config, "admin"))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "sent": 3,
        "recovered": 2,
        "recoveryRate": 0.6667,
        "recoveredCartsValue": "35.00",
        "currency": "USD",
    }
    recent = http.get(
        "/api/admin/stats/reminders?days=2", headers=as_role(gateway_config, "admin")
    ).json()
    assert (recent["sent"], recent["recovered"], recent["recoveredCartsValue"]) == (2, 1, "25.00")


def test_the_figures_are_for_admins_only_and_days_must_be_1_to_366(http, gateway_config):
    for role in ("seller", "customer"):
        headers = as_role(gateway_config, role)
        assert http.get("/api/admin/stats/reminders", headers=headers).status_code == 403
    assert http.get("/api/admin/stats/reminders").status_code == 401
    for days in ("0", "367", "soon"):
        refused = http.get(
            f"/api/admin/stats/reminders?days={days}", headers=as_role(gateway_config, "admin")
        )
        assert refused.status_code == 400
        assert "days" in refused.json()["details"]["fields"]
