"""Through the gateway: staff cannot lock the shop out. The seeded admin is never changed here (the
stack is shared): a second admin is made for the refusals that need one."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import bearer, login


def patch_user(api, headers, user_id, body):
    return api.patch(f"/api/admin/users/{user_id}", json=body, headers=headers)


def test_an_admin_patching_their_own_account_off_or_down_gets_409(api, admin_headers):
    me = api.get("/api/auth/profile", headers=admin_headers).json()
    for body in ({"isActive": False}, {"role": "customer"}, {"role": "seller", "isActive": True}):
        response = patch_user(api, admin_headers, me["id"], body)
        assert response.status_code == 409, response.text
        assert response.json()["error"] == "OWN_ADMIN_ACCESS"
        assert response.json()["message"]
    # nothing changed: still an active admin, still able to administer
    assert api.get("/api/admin/users", headers=admin_headers).status_code == 200
    assert login(api, "admin")["user"]["role"] == "admin"


def test_the_last_active_admin_cannot_be_demoted_even_by_a_stale_admin_token(
    api, admin_headers, new_customer
):
    seeded = api.get("/api/auth/profile", headers=admin_headers).json()
    grace = new_customer(email=f"grace-{uuid.uuid4().hex[:8]}@example.com")
    promoted = patch_user(api, admin_headers, grace["user"]["id"], {"role": "admin"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "admin"
    relogged = api.post(
        "/api/auth/login", json={"email": grace["email"], "password": grace["password"]}
    ).json()
    grace_headers = bearer(relogged["accessToken"])  # carries role admin for its lifetime

    # two admins: one may demote the other
    demoted = patch_user(api, admin_headers, grace["user"]["id"], {"role": "customer"})
    assert demoted.status_code == 200 and demoted.json()["role"] == "customer"

    # her token still says admin, but the seeded admin is now the last one (checked first: were
    # there another, the refusal below would not be due and the seeded admin would be changed)
    admins = api.get(
        "/api/admin/users", params={"role": "admin", "limit": 100}, headers=admin_headers
    ).json()["data"]
    assert [user["id"] for user in admins if user["isActive"]] == [seeded["id"]]
    for body in ({"role": "customer"}, {"isActive": False}):
        response = patch_user(api, grace_headers, seeded["id"], body)
        assert response.status_code == 409, response.text
        assert response.json()["error"] == "LAST_ACTIVE_ADMIN"
    assert login(api, "admin")["user"]["role"] == "admin"
