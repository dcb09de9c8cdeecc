"""Public cached reads on a real gateway container and Redis: counted against the read limit in
the cache lookup's own round trip, hits included; the catalog is a stand-in (another service)."""

import pytest
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port

from gateway.service import GatewayService

PAGE = {"data": [], "meta": {"page": 1, "limit": 20, "total": 0, "pages": 0}}


@pytest.fixture
def gateway_config(service_config, redis_client):
    port = find_free_port()
    return {
        **service_config,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "RATE_LIMITS": {
            "auth": {"limit": 1000, "window": 60},
            "read": {"limit": 3, "window": 60},
            "write": {"limit": 1000, "window": 60},
        },
    }


@pytest.fixture
def catalog(container_factory, gateway_config):
    container = container_factory(GatewayService, gateway_config)
    catalog = replace_dependencies(container, "catalog_rpc")
    catalog.list_products.return_value = PAGE
    container.start()
    return catalog


def evalsha_calls(redis_client) -> int:
    return redis_client.info("commandstats").get("cmdstat_evalsha", {}).get("calls", 0)


def rate_limited_total(http) -> float:
    for line in http.get("/metrics").text.splitlines():
        if line.startswith('bazaar_rate_limited_total{route_class="read"}'):
            return float(line.split()[-1])
    return 0.0


def test_cache_hits_count_against_the_read_limit_too(catalog, http):
    limited_before = rate_limited_total(http)
    answers = [http.get("/api/products?q=lamp") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers.get("X-Cache") for a in answers[:3]] == ["MISS", "HIT", "HIT"]
    assert answers[3].json()["error"] == "RATE_LIMITED"
    assert int(answers[3].headers["Retry-After"]) >= 1
    assert catalog.list_products.call_count == 1
    assert rate_limited_total(http) == limited_before + 1  # the refusal is counted in /metrics


def test_a_cache_hit_is_one_redis_call(catalog, http, redis_client):
    assert http.get("/api/products?q=desk").headers["X-Cache"] == "MISS"
    before = evalsha_calls(redis_client)
    assert http.get("/api/products?q=desk").headers["X-Cache"] == "HIT"
    assert evalsha_calls(redis_client) - before == 1  # count and lookup, one script


def test_an_invalid_query_is_still_a_400_and_counted(catalog, http):
    assert http.get("/api/products?limit=-5").status_code == 400
    assert http.get("/api/products?limit=-5").status_code == 400
    assert http.get("/api/products?limit=-5").status_code == 400
    assert http.get("/api/products?limit=-5").status_code == 429
    catalog.list_products.assert_not_called()
