"""GET /api/auth/password-policy through the real gateway and accounts service: the rules a
form shows are the ones registration enforces."""

import pytest
from nameko.testing.utils import find_free_port

from gateway.service import GatewayService


@pytest.fixture
def gateway_config(accounts_config):
    return {
        **accounts_config,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}",
        "RATE_LIMITS": {name: {"limit": 10000, "window": 60} for name in ("auth", "read", "write")},
    }


@pytest.fixture
def http(accounts_container, container_factory, gateway_config, http):
    container_factory(GatewayService, gateway_config).start()
    return http


def test_the_rpc_names_the_limits_and_the_rule_texts(accounts):
    policy = accounts.password_policy()
    assert (policy["min_length"], policy["max_length"]) == (10, 256)
    assert [rule["id"] for rule in policy["rules"]] == [
        "min_length",
        "max_length",
        "letter",
        "digit",
        "common",
        "email",
    ]
    assert policy["rules"][4] == {
        "id": "common",
        "label": "Not a common password",
        "text": "Is too common.",
    }


def test_a_guest_reads_the_policy_and_registration_reports_its_texts(http):
    answer = http.get("/api/auth/password-policy")
    assert answer.status_code == 200
    policy = answer.json()
    assert set(policy) == {
        "minLength",
        "maxLength",
        "requiresLetter",
        "requiresDigit",
        "emailLocalPartMin",
        "rules",
    }
    texts = {rule["id"]: rule["text"] for rule in policy["rules"]}
    register = http.post(
        "/api/auth/register",
        json={"email": "jane@example.com", "password": "short", "firstName": "J", "lastName": "D"},
    )
    assert register.status_code == 400
    assert register.json()["details"]["fields"]["password"] == [
        texts["min_length"],
        texts["digit"],
    ]
