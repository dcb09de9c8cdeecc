"""`/ready` is no amplifier: anyone learns whether the platform is ready, only admins and the
machine itself learn what is down, one check serves every caller for a second, and the route has a
rate-limit class of its own. A real gateway and a real (tiny) service over RabbitMQ; the remote
caller connects through the machine's non-loopback address."""

import socket
import threading

import eventlet
import pytest
import requests
from nameko.rpc import rpc
from nameko.testing.utils import find_free_port

from gateway.service import GatewayService
from tests import tokens
from tests.helpers import wait_for

PINGS: list[str] = []  # one entry per ping the counted service answered


class CountedService:
    """Answers /ready's ping slowly enough that concurrent requests overlap one check."""

    name = "counted"

    @rpc
    def ping(self):
        PINGS.append("ping")
        eventlet.sleep(0.2)
        return {"service": self.name}


def non_loopback_address() -> str | None:
    """An address of this machine that is not loopback (a caller from it is 'remote')."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: only picks the outgoing address
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.fixture
def gateway_config(service_config, redis_client):
    port = find_free_port()
    return {
        **service_config,
        "WEB_SERVER_ADDRESS": f"0.0.0.0:{port}",
        # "absent" runs nowhere: it is what is down
        "READY": {"timeout": 0.5, "cache_ttl": 1, "services": "counted,absent"},
        "RATE_LIMITS": {
            "ready": {"limit": 50, "window": 60},
            "read": {"limit": 1000, "window": 60},
        },
    }


@pytest.fixture
def gateway(container_factory, gateway_config):
    PINGS.clear()
    container_factory(CountedService, gateway_config).start()
    container = container_factory(GatewayService, gateway_config)
    container.start()
    return container


def client(gateway_config, host):
    port = gateway_config["WEB_SERVER_ADDRESS"].rsplit(":", 1)[1]
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment between the test and the gateway
    base = f"http://{host}:{port}"
    return lambda path="/ready", **kwargs: session.get(base + path, timeout=10, **kwargs)


@pytest.fixture
def local(gateway, gateway_config):
    return client(gateway_config, "127.0.0.1")


@pytest.fixture
def remote(gateway, gateway_config):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address to call from")
    return client(gateway_config, address)


def bearer(config, role):
    return {"Authorization": f"Bearer {tokens.mint(config, role=role)}"}


def test_a_remote_caller_learns_only_whether_the_platform_is_ready(remote):
    response = remote()
    assert response.status_code == 503
    assert response.json() == {"status": "not_ready"}


def test_a_customer_token_does_not_show_a_remote_caller_what_is_down(remote, config):
    response = remote(headers=bearer(config, "customer"))
    assert response.status_code == 503
    assert response.json() == {"status": "not_ready"}


def test_an_admin_sees_which_component_is_down(remote, config):
    response = remote(headers=bearer(config, "admin"))
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["absent"]
    assert body["services"]["counted"] == {"status": "up"}
    assert body["components"]["rabbitmq"] == "up" and body["components"]["redis"] == "up"


def test_the_machine_itself_sees_which_component_is_down(local):
    body = local().json()
    assert body["status"] == "not_ready" and body["down"] == ["absent"]


@pytest.mark.parametrize("header", ["X-Forwarded-For", "X-Real-IP", "Forwarded"])
def test_a_request_a_proxy_forwarded_is_remote_whatever_it_claims(local, remote, header):
    claimed = "for=127.0.0.1" if header == "Forwarded" else "127.0.0.1"
    # a proxy on this machine forwarding a stranger's request
    assert local(headers={header: "203.0.113.9"}).json() == {"status": "not_ready"}
    # a stranger claiming to be local
    assert remote(headers={header: claimed}).json() == {"status": "not_ready"}


def test_concurrent_requests_within_a_second_share_one_check(local):
    answers = []

    def ask():
        answers.append(local().status_code)

    callers = [threading.Thread(target=ask) for _ in range(20)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(10)
    assert answers == [503] * 20
    assert len(PINGS) == 1  # one check (one ping of each service) for twenty requests

    def checked_again():
        local()
        return len(PINGS) == 2

    # once the report is older than cache_ttl, the next request checks again
    wait_for(checked_again, timeout=5, interval=0.2)


def test_ready_has_a_rate_limit_class_of_its_own(local, gateway_config, redis_client):
    limit = gateway_config["RATE_LIMITS"]["ready"]["limit"]
    statuses = [local().status_code for _ in range(limit + 1)]
    assert statuses[:limit] == [503] * limit
    assert statuses[limit] == 429
    assert len(PINGS) <= 2  # a flood of /ready costs no more checks than the clock allows
    # other reads keep their own budget
    assert local("/health").status_code == 200
