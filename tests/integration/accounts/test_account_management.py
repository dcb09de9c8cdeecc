"""Password reset (with its events), profile, addresses and administration on a real container."""

import pytest
from nameko.events import event_handler
from nameko.testing.services import entrypoint_waiter

from services.accounts.exceptions import (
    AddressNotFound,
    InvalidCredentials,
    InvalidRefreshToken,
    InvalidResetToken,
    UserNotFound,
    WeakPassword,
)
from services.common.errors import ValidationFailed

PASSWORD = "sturdy-walrus-42"
ADMIN_ID = "the-acting-admin"  # who makes the admin changes (its own account is not at stake)
NEW_PASSWORD = "brand-new-otter-77"
ADDRESS = {
    "first_name": "Jane",
    "last_name": "Doe",
    "address1": "1 Main St",
    "city": "Springfield",
    "postal_code": "12345",
    "country": "us",
}


class AccountEvents:
    """A consumer of accounts events, as notifications would be."""

    name = "account_events"
    received: list

    @event_handler("accounts", "user_registered")
    def handle_user_registered(self, payload):
        return payload

    @event_handler("accounts", "password_reset_requested")
    def handle_password_reset_requested(self, payload):
        return payload

    @event_handler("accounts", "password_changed")
    def handle_password_changed(self, payload):
        return payload


@pytest.fixture
def listener(container_factory, accounts_config):
    container = container_factory(AccountEvents, accounts_config)
    container.start()
    return container


def test_registration_is_announced_through_the_outbox(listener, accounts):
    with entrypoint_waiter(listener, "handle_user_registered", timeout=10) as waited:
        user = accounts.register("jane@example.com", PASSWORD, "Jane", "Doe")["user"]
    payload = waited.get()
    assert {k: payload[k] for k in ("user_id", "email", "first_name")} == {
        "user_id": user["id"],
        "email": "jane@example.com",
        "first_name": "Jane",
    }
    assert payload["event_id"] and payload["occurred_at"]


def test_password_reset_flow(listener, accounts):
    session = accounts.register("jane@example.com", PASSWORD, "Jane", "Doe")
    user_id = session["user"]["id"]

    with entrypoint_waiter(listener, "handle_password_reset_requested", timeout=10) as waited:
        assert accounts.request_password_reset(" JANE@example.com ") is None
    requested = waited.get()
    assert requested["user_id"] == user_id and requested["email"] == "jane@example.com"
    assert requested["first_name"] == "Jane" and requested["expires_at"]

    with pytest.raises(WeakPassword):
        accounts.reset_password(requested["token"], "weak")
    with entrypoint_waiter(listener, "handle_password_changed", timeout=10) as waited:
        assert accounts.reset_password(requested["token"], NEW_PASSWORD) is None
    assert waited.get()["user_id"] == user_id

    with pytest.raises(InvalidResetToken):  # single use
        accounts.reset_password(requested["token"], "yet-another-pass-5")
    with pytest.raises(InvalidRefreshToken):  # every session ended
        accounts.refresh(session["refresh_token"])
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("jane@example.com", PASSWORD)
    assert accounts.authenticate("jane@example.com", NEW_PASSWORD)["user"]["id"] == user_id


def test_a_reset_request_for_an_unknown_email_answers_none(accounts):
    assert accounts.request_password_reset("nobody@example.com") is None
    assert accounts.request_password_reset("not an email") is None


def test_an_unknown_reset_token_is_refused(accounts):
    with pytest.raises(InvalidResetToken):
        accounts.reset_password("never-issued", NEW_PASSWORD)


def test_profile_get_and_update(accounts):
    user_id = accounts.register("jane@example.com", PASSWORD, "Jane", "Doe")["user"]["id"]
    updated = accounts.update_profile(user_id, {"first_name": " Janet ", "phone": "+1 555 0100"})
    assert (updated["first_name"], updated["last_name"], updated["phone"]) == (
        "Janet",
        "Doe",
        "+1 555 0100",
    )
    assert accounts.get_user(user_id) == updated
    with pytest.raises(ValidationFailed):
        accounts.update_profile(user_id, {"email": "other@example.com"})
    with pytest.raises(UserNotFound):
        accounts.get_user("00000000-0000-0000-0000-000000000000")


def test_addresses_crud_keeps_one_default_and_hides_other_users_addresses(accounts):
    jane = accounts.register("jane@example.com", PASSWORD, "Jane", "Doe")["user"]["id"]
    bob = accounts.register("bob@example.com", PASSWORD, "Bob", "Builder")["user"]["id"]

    first = accounts.add_address(jane, ADDRESS)
    assert first["is_default"] is True and first["country"] == "US"
    second = accounts.add_address(jane, {**ADDRESS, "city": "Shelbyville", "is_default": True})
    listed = accounts.list_addresses(jane)
    assert [(a["id"], a["is_default"]) for a in listed] == [
        (second["id"], True),
        (first["id"], False),
    ]

    moved = accounts.update_address(jane, first["id"], {"is_default": True, "address2": "Apt 4"})
    assert moved["is_default"] is True and moved["address2"] == "Apt 4"
    assert accounts.get_address(jane, second["id"])["is_default"] is False

    accounts.delete_address(jane, first["id"])
    assert accounts.get_address(jane, second["id"])["is_default"] is True

    with pytest.raises(AddressNotFound):
        accounts.get_address(bob, second["id"])
    with pytest.raises(AddressNotFound):
        accounts.delete_address(bob, second["id"])
    assert accounts.list_addresses(bob) == []
    with pytest.raises(ValidationFailed):
        accounts.add_address(jane, {**ADDRESS, "country": "USA"})


def test_admin_lists_users_with_search_role_filter_and_pages(accounts):
    accounts.register("jane@example.com", PASSWORD, "Jane", "Doe")
    bob = accounts.register("bob@example.com", PASSWORD, "Bob", "Builder")["user"]["id"]
    accounts.register("carol@example.com", PASSWORD, "Carol", "Doe")
    accounts.admin_update_user(bob, {"role": "seller"}, ADMIN_ID)

    page = accounts.list_users(page=1, limit=2)
    assert page["meta"] == {"page": 1, "limit": 2, "total": 3, "total_pages": 2}
    assert len(page["data"]) == 2
    assert [u["email"] for u in accounts.list_users(q="doe")["data"]] == [
        "carol@example.com",
        "jane@example.com",
    ]
    assert [u["id"] for u in accounts.list_users(role="seller")["data"]] == [bob]
    assert accounts.list_users(q="BOB@")["meta"]["total"] == 1
    with pytest.raises(ValidationFailed):
        accounts.list_users(role="superuser")
    with pytest.raises(ValidationFailed):
        accounts.admin_update_user(bob, {"role": "root"}, ADMIN_ID)
