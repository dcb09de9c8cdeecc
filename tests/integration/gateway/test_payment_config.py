"""GET /api/payments/config: public, camelCase, what the payments service says (a stand-in)."""

import pytest
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port

from gateway.service import GatewayService


@pytest.fixture
def gateway_config(service_config):
    return {**service_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}"}


@pytest.fixture
def payments(container_factory, gateway_config):
    container = container_factory(GatewayService, gateway_config)
    payments = replace_dependencies(container, "payments_rpc")
    container.start()
    return payments


def test_a_guest_learns_the_card_provider_and_stripe_publishable_key(payments, http):
    payments.checkout_options.return_value = {
        "card_provider": "stripe",
        "publishable_key": "pk_test_abc",
        "methods": ["card", "cod"],
        "test_cards": [],
    }
    answer = http.get("/api/payments/config")
    assert answer.status_code == 200
    assert answer.json() == {
        "cardProvider": "stripe",
        "publishableKey": "pk_test_abc",
        "methods": ["card", "cod"],
        "testCards": [],
    }


def test_the_simulated_provider_lists_its_test_cards(payments, http):
    payments.checkout_options.return_value = {
        "card_provider": "simulated",
        "publishable_key": None,
        "methods": ["card", "cod"],
        "test_cards": [{"number": "4242424242424242", "outcome": "succeeded"}],
    }
    body = http.get("/api/payments/config").json()
    assert body["testCards"] == [{"number": "4242424242424242", "outcome": "succeeded"}]
    assert body["publishableKey"] is None
