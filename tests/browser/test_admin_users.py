"""The back office's users page: an admin is not offered to switch themselves off or demote
themselves, and a refusal of the API (the last active admin) is shown in the row. The seeded admin
is never changed (the stack is shared)."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import sign_in_to_back_office

pytestmark = pytest.mark.browser


def find_user(page: Page, email: str):
    page.get_by_label("Name or email").fill(email)
    page.get_by_role("search").get_by_role("button", name="Search").click()
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_have_count(1)
    return row


def test_an_admin_is_not_offered_to_demote_or_deactivate_themselves(browsing):
    admin = browsing.new_page()
    sign_in_to_back_office(admin, "admin", "/admin/users")
    row = find_user(admin, "admin@bazaar.dev")
    expect(row).to_contain_text("only another admin can change your role or deactivate you")
    role = row.get_by_label("Role of Ada Admin")
    active = row.get_by_role("checkbox", name="Ada Admin is Active")
    expect(role).to_be_disabled()
    expect(active).to_be_disabled()
    expect(role).to_have_accessible_description(
        "(you: only another admin can change your role or deactivate you)"
    )


def test_an_admin_deactivating_the_last_active_admin_sees_the_refusal(
    browsing, api, admin_headers, new_customer
):
    grace = new_customer(firstName="Grace", email=f"grace-{uuid.uuid4().hex[:8]}@example.com")
    grace_id = grace["user"]["id"]
    promoted = api.patch(
        f"/api/admin/users/{grace_id}", json={"role": "admin"}, headers=admin_headers
    )
    assert promoted.status_code == 200, promoted.text

    page = browsing.new_page()
    page.goto("/admin/users")
    page.get_by_label("Email").fill(grace["email"])
    page.get_by_label("Password", exact=True).fill(grace["password"])
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()

    # the seeded admin takes Grace's role away; her open session still says admin
    demoted = api.patch(
        f"/api/admin/users/{grace_id}", json={"role": "customer"}, headers=admin_headers
    )
    assert demoted.status_code == 200, demoted.text

    row = find_user(page, "admin@bazaar.dev")
    active = row.get_by_role("checkbox", name="Ada Admin is Active")
    active.click()  # the page asks first; the checkbox follows the server, not the click
    page.get_by_role("button", name="Deactivate", exact=True).click()
    expect(row.get_by_role("alert")).to_contain_text("last active admin")
    expect(active).to_be_checked()
    assert api.get("/api/auth/profile", headers=admin_headers).json()["isActive"] is True
