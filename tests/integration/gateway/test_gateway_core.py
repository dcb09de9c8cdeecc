"""The gateway's cross-cutting behaviour on a real container, real RabbitMQ and Redis.

The accounts service is not running here: where a route needs it, its proxy is replaced
(other services only, docs/architecture.md#test-tiers); where it is absent, that absence is
the point.
"""

import pytest
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port

from gateway.service import GatewayService
from services.accounts.exceptions import EmailTaken
from tests import tokens


@pytest.fixture
def gateway_config(service_config, redis_client):
    port = find_free_port()
    return {
        **service_config,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "READY": {"timeout": 0.5, "services": "accounts"},
        "RATE_LIMITS": {
            "auth": {"limit": 3, "window": 60},
            "read": {"limit": 1000, "window": 60},
            "write": {"limit": 1000, "window": 60},
        },
        "CORS_ORIGINS": "http://shop.example",
    }


@pytest.fixture
def gateway(container_factory, gateway_config):
    container = container_factory(GatewayService, gateway_config)
    accounts = replace_dependencies(container, "accounts_rpc")
    container.start()
    return accounts


def test_health_answers_ok(gateway, http):
    response = http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_path_is_a_json_404_with_request_id(gateway, http):
    response = http.get("/api/nothing-here")
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "ROUTE_NOT_FOUND"
    assert body["requestId"] == response.headers["X-Request-Id"]


def test_wrong_method_is_a_json_405(gateway, http):
    response = http.delete("/api/auth/login")
    assert response.status_code == 405
    assert response.json()["error"] == "METHOD_NOT_ALLOWED"


def test_supplied_request_id_is_echoed_and_a_missing_one_is_made(gateway, http):
    response = http.get("/health", headers={"X-Request-Id": "req-abcdef123"})
    assert response.headers["X-Request-Id"] == "req-abcdef123"
    made = http.get("/health", headers={"X-Request-Id": "bad id with spaces"})
    assert len(made.headers["X-Request-Id"]) == 32


def test_non_json_body_is_415(gateway, http):
    response = http.post(
        "/api/auth/login",
        data="email=a&password=b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert response.json()["error"] == "UNSUPPORTED_MEDIA_TYPE"


def test_malformed_json_is_400(gateway, http):
    response = http.post(
        "/api/auth/login", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "MALFORMED_JSON"


def test_invalid_body_is_400_naming_each_field(gateway, http):
    response = http.post(
        "/api/auth/register", json={"email": "not-an-email", "password": "x", "surprise": 1}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "VALIDATION_ERROR"
    fields = body["details"]["fields"]
    assert set(fields) == {"email", "firstName", "lastName", "surprise"}
    gateway.register.assert_not_called()


def test_a_remote_service_error_maps_to_its_status_and_code(gateway, http):
    gateway.register.side_effect = EmailTaken("an account with this email exists")
    response = http.post(
        "/api/auth/register",
        json={
            "email": "a@example.com",
            "password": "Long-enough-123",
            "firstName": "A",
            "lastName": "B",
        },
    )
    assert response.status_code == 409
    assert response.json()["error"] == "EMAIL_TAKEN"


def test_an_unexpected_error_is_a_500_without_internals(gateway, http, config):
    gateway.get_user.side_effect = KeyError("secret internal detail")
    token = tokens.mint(config)
    response = http.get("/api/users/profile", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "INTERNAL_ERROR"
    assert body["requestId"] == response.headers["X-Request-Id"]
    assert "secret" not in response.text


@pytest.mark.parametrize(
    "forge",
    [
        "unsigned",
        "hs256_with_public_key",
        "tampered",
        "expired",
        "wrong_audience",
        "wrong_issuer",
        "garbage",
    ],
)
def test_forged_or_invalid_tokens_are_401(gateway, http, config, forge):
    token = {
        "unsigned": lambda: tokens.unsigned(config),
        "hs256_with_public_key": lambda: tokens.hs256_with_public_key(config),
        "tampered": lambda: tokens.tampered(config),
        "expired": lambda: tokens.mint(config, iat=1_000_000, exp=1_000_900),
        "wrong_audience": lambda: tokens.mint(config, aud="someone-else"),
        "wrong_issuer": lambda: tokens.mint(config, iss="evil"),
        "garbage": lambda: "not.a.token",
    }[forge]()
    response = http.get("/api/users/profile", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["error"] == "UNAUTHORIZED"
    gateway.get_user.assert_not_called()


def test_missing_token_is_401(gateway, http):
    assert http.get("/api/users/profile").status_code == 401


def test_customer_on_an_admin_route_is_403(gateway, http, config):
    token = tokens.mint(config, role="customer")
    response = http.get("/api/admin/users", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.json()["error"] == "FORBIDDEN"
    gateway.list_users.assert_not_called()


def test_admin_reaches_the_admin_route(gateway, http, config):
    gateway.list_users.return_value = {
        "data": [{"id": "u1", "email": "a@b.c", "first_name": "A", "is_active": True}],
        "meta": {"page": 1, "limit": 20, "total": 1, "total_pages": 1},
    }
    token = tokens.mint(config, role="admin")
    response = http.get(
        "/api/admin/users?role=seller", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.json()["data"][0]["firstName"] == "A"
    assert response.json()["meta"]["totalPages"] == 1
    gateway.list_users.assert_called_once_with(page=1, limit=20, role="seller")


def test_auth_routes_are_rate_limited_per_client_with_retry_after(gateway, http):
    gateway.authenticate.return_value = {
        "user": {},
        "access_token": "a",
        "refresh_token": "r",
        "expires_in": 900,
    }
    statuses = [
        http.post("/api/auth/login", json={"email": f"u{i}@x.io", "password": "p"}).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    limited = http.post("/api/auth/login", json={"email": "z@x.io", "password": "p"})
    assert limited.json()["error"] == "RATE_LIMITED"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60


# the limits per account (failed sign-ins, reset emails): test_rate_limits.py


def test_cors_preflight_and_headers_for_configured_origins_only(gateway, http):
    preflight = http.options(
        "/api/auth/login",
        headers={"Origin": "http://shop.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://shop.example"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    other = http.get("/health", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_ready_names_a_service_that_does_not_answer(gateway, http):
    response = http.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["components"]["rabbitmq"] == "up"
    assert body["components"]["redis"] == "up"
    assert body["services"]["accounts"]["status"] == "down"
    assert "accounts" in body["down"]


def test_openapi_document_is_generated_from_the_routes(gateway, http):
    spec = http.get("/api/openapi.json").json()
    assert spec["openapi"] == "3.1.0"
    login = spec["paths"]["/api/auth/login"]["post"]
    assert login["requestBody"]["content"]["application/json"]["schema"]
    assert "/api/users/addresses/{addressId}" in spec["paths"]
    assert spec["paths"]["/api/admin/users"]["get"]["security"] == [{"bearer": []}]
    assert "RegisterBody" in spec["components"]["schemas"]
    docs = http.get("/api/docs")  # Swagger UI, or a page saying to build it (make web)
    assert docs.status_code in (200, 503) and "text/html" in docs.headers["Content-Type"]


def test_metrics_count_requests(gateway, http):
    http.get("/health")
    text = http.get("/metrics").text
    assert 'bazaar_http_requests_total{method="GET",route="/health",status="200"}' in text
