"""Accounts through the gateway: the whole token lifecycle, and the gateway's guarantees."""

import json
import os
import signal
import uuid

import redis

from tests import tokens
from tests.e2e.conftest import bearer, stack_pids
from tests.helpers import wait_for


def test_register_login_profile_refresh_reuse_and_logout_all(api):
    email = f"Journey-{uuid.uuid4().hex[:8]}@Example.com"
    registered = api.post(
        "/api/auth/register",
        json={
            "email": email,
            "password": "Correct-horse-42",
            "firstName": "Ada",
            "lastName": "Lovelace",
        },
    )
    assert registered.status_code == 201, registered.text
    assert registered.json()["user"]["email"] == email.lower()
    assert registered.json()["expiresIn"] == 900

    login = api.post("/api/auth/login", json={"email": email, "password": "Correct-horse-42"})
    assert login.status_code == 200
    session = login.json()

    profile = api.get("/api/auth/profile", headers=bearer(session["accessToken"]))
    assert profile.status_code == 200
    assert profile.json()["firstName"] == "Ada"
    assert profile.json()["role"] == "customer"

    rotated = api.post("/api/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert rotated.status_code == 200
    fresh = rotated.json()
    assert fresh["refreshToken"] != session["refreshToken"]

    replay = api.post("/api/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert replay.status_code == 401
    assert replay.json()["error"] == "REFRESH_TOKEN_REUSED"
    # the replay revoked the whole family: the token issued by the rotation is dead too
    assert (
        api.post("/api/auth/refresh", json={"refreshToken": fresh["refreshToken"]}).status_code
        == 401
    )

    other_device = api.post(
        "/api/auth/login", json={"email": email, "password": "Correct-horse-42"}
    )
    out = api.post("/api/auth/logout-all", headers=bearer(other_device.json()["accessToken"]))
    assert out.status_code == 200
    dead = api.post("/api/auth/refresh", json={"refreshToken": other_device.json()["refreshToken"]})
    assert dead.status_code == 401


def test_duplicate_email_is_409(api, new_customer):
    customer = new_customer()
    again = api.post(
        "/api/auth/register",
        json={
            "email": customer["email"].upper(),
            "password": "Correct-horse-42",
            "firstName": "A",
            "lastName": "B",
        },
    )
    assert again.status_code == 409
    assert again.json()["error"] == "EMAIL_TAKEN"


def test_weak_password_is_400_naming_the_field(api):
    response = api.post(
        "/api/auth/register",
        json={
            "email": f"weak-{uuid.uuid4().hex[:8]}@example.com",
            "password": "password",
            "firstName": "A",
            "lastName": "B",
        },
    )
    assert response.status_code == 400
    assert "password" in response.json()["details"]["fields"]


def test_wrong_password_is_401(api, new_customer):
    customer = new_customer()
    response = api.post(
        "/api/auth/login", json={"email": customer["email"], "password": "nope-nope-1"}
    )
    assert response.status_code == 401
    assert response.json()["error"] == "INVALID_CREDENTIALS"


def test_forged_tokens_are_refused(api, config):
    for token in (
        tokens.unsigned(config, role="admin"),
        tokens.hs256_with_public_key(config, role="admin"),
        tokens.tampered(config),
        tokens.mint(config, exp=1_000_000, iat=999_000),
        tokens.mint(config, aud="another-app"),
    ):
        response = api.get("/api/auth/profile", headers=bearer(token))
        assert response.status_code == 401, token


def test_customer_on_an_admin_route_is_403_and_admin_is_let_in(api, new_customer, admin_headers):
    customer = new_customer()
    assert api.get("/api/admin/users", headers=customer["headers"]).status_code == 403
    listed = api.get("/api/admin/users", params={"q": customer["email"]}, headers=admin_headers)
    assert listed.status_code == 200
    assert [u["email"] for u in listed.json()["data"]] == [customer["email"]]


def test_admin_deactivates_a_user_who_then_cannot_log_in_or_refresh(
    api, new_customer, admin_headers
):
    customer = new_customer()
    patched = api.patch(
        f"/api/admin/users/{customer['user']['id']}",
        json={"isActive": False},
        headers=admin_headers,
    )
    assert patched.status_code == 200
    assert patched.json()["isActive"] is False
    login = api.post(
        "/api/auth/login", json={"email": customer["email"], "password": customer["password"]}
    )
    assert login.status_code == 403
    assert api.post(
        "/api/auth/refresh", json={"refreshToken": customer["refreshToken"]}
    ).status_code in (401, 403)


def test_addresses_are_private_to_their_owner(api, new_customer):
    alice, bob = new_customer(), new_customer()
    address = {
        "firstName": "Alice",
        "lastName": "A",
        "address1": "1 Main St",
        "city": "Springfield",
        "postalCode": "12345",
        "country": "US",
    }
    created = api.post("/api/users/addresses", json=address, headers=alice["headers"])
    assert created.status_code == 201, created.text
    address_id = created.json()["id"]
    assert (
        api.put(
            f"/api/users/addresses/{address_id}",
            json={"city": "Shelbyville"},
            headers=bob["headers"],
        ).status_code
        == 404
    )
    assert (
        api.delete(f"/api/users/addresses/{address_id}", headers=bob["headers"]).status_code == 404
    )
    mine = api.get("/api/users/addresses", headers=alice["headers"]).json()["data"]
    assert [a["city"] for a in mine] == ["Springfield"]


def test_invalid_bodies_are_400_naming_fields_and_non_json_is_415(api):
    invalid = api.post("/api/auth/register", json={"email": "nope"})
    assert invalid.status_code == 400
    assert {"email", "password", "firstName", "lastName"} <= set(
        invalid.json()["details"]["fields"]
    )
    form = api.post("/api/auth/login", data="email=a", headers={"Content-Type": "text/plain"})
    assert form.status_code == 415
    broken = api.post("/api/auth/login", data="{", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400


def test_forgot_password_answers_the_same_whether_or_not_the_email_exists(api, new_customer):
    customer = new_customer()
    known = api.post("/api/auth/forgot-password", json={"email": customer["email"]})
    unknown = api.post("/api/auth/forgot-password", json={"email": "nobody-here@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()


def test_request_id_is_echoed_and_logged_by_every_service_it_touched(api, new_customer, stack_log):
    customer = new_customer()
    request_id = f"e2e-{uuid.uuid4().hex}"
    response = api.get(
        "/api/users/profile", headers={**customer["headers"], "X-Request-Id": request_id}
    )
    assert response.headers["X-Request-Id"] == request_id

    def services_that_logged():
        services = set()
        for line in stack_log().splitlines():
            _, _, payload = line.partition("| ")
            if request_id in payload:
                try:
                    services.add(json.loads(payload)["service"])
                except ValueError:
                    continue
        return services >= {"gateway", "accounts"} and services

    assert wait_for(services_that_logged, timeout=5) >= {"gateway", "accounts"}


def test_auth_rate_limit_answers_429_with_retry_after(api, config):
    # the e2e stack allows 300 auth requests a minute per client; exceed it with cheap requests
    statuses = []
    try:
        for _ in range(320):
            response = api.post("/api/auth/forgot-password", json={})
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert int(response.headers["Retry-After"]) >= 1
                assert response.json()["error"] == "RATE_LIMITED"
                break
        assert statuses[-1] == 429
    finally:
        # give the budget back so the tests after this one can still sign in
        client = redis.Redis.from_url(config["REDIS_URL"])
        for key in client.scan_iter("rl:auth:*"):
            client.delete(key)


def test_ready_reports_a_stopped_service_as_down(api):
    assert api.get("/ready").status_code == 200
    pids = stack_pids("services.accounts.service")
    assert pids, "the accounts process was not found"
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        # the gateway reuses a report for a second (READY.cache_ttl): wait for the next check
        body = wait_for(
            lambda: (answer := api.get("/ready")).status_code == 503 and answer.json(),
            timeout=10,
            interval=0.25,
        )
        assert body["services"]["accounts"]["status"] == "down"
        assert "accounts" in body["down"]
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    wait_for(lambda: api.get("/ready").status_code == 200, timeout=15, interval=0.5)
