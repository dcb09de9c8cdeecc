"""Registration, login, password reset, profile, addresses and administration on fakes."""

import pytest

from services.accounts.domain import hash_token
from services.accounts.exceptions import (
    AccountDisabled,
    AddressNotFound,
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    InvalidResetToken,
    UserNotFound,
    WeakPassword,
)
from services.accounts.schemas import ResetRequestSchema
from services.accounts.usecases import Accounts
from services.common.schemas import load
from tests.unit.accounts.fakes import FakeHasher, make_accounts

PASSWORD = "sturdy-walrus-42"
ADMIN_ID = "the-acting-admin"  # who makes the admin changes below (not an account of the fakes)
NEW_PASSWORD = "brand-new-otter-77"
ADDRESS = {
    "first_name": "Jane",
    "last_name": "Doe",
    "address1": "1 Main St",
    "city": "Springfield",
    "postal_code": "12345",
    "country": "US",
}


@pytest.fixture
def world():
    return make_accounts(reset_ttl=600)


@pytest.fixture
def jane(world):
    accounts, _, _ = world
    return accounts.register("Jane@Example.com", PASSWORD, "Jane", "Doe").user


def test_registration_stores_a_normalised_email_and_announces_the_user(world):
    accounts, repo, _ = world
    user = accounts.register(" JANE@example.com ", PASSWORD, "Jane", "Doe").user
    assert user.email == "jane@example.com" and user.role == "customer"
    assert repo.recorded == [
        ("user_registered", {"user_id": user.id, "email": "jane@example.com", "first_name": "Jane"})
    ]


def test_registering_an_email_twice_in_any_case_is_refused(world, jane):
    accounts, _, _ = world
    with pytest.raises(EmailTaken):
        accounts.register("JANE@EXAMPLE.COM", PASSWORD, "Other", "Jane")


def test_registration_with_a_weak_password_creates_nothing(world):
    accounts, repo, _ = world
    with pytest.raises(WeakPassword):
        accounts.register("jane@example.com", "janedoe", "Jane", "Doe")
    assert repo.users == {} and repo.recorded == []


def test_login_accepts_any_case_of_the_email(world, jane):
    accounts, _, _ = world
    assert accounts.authenticate(" JANE@example.COM", PASSWORD).user.id == jane.id


def test_login_with_a_wrong_password_or_unknown_email_gives_the_same_error(world, jane):
    accounts, _, _ = world
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("jane@example.com", "wrong-password-1")
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("nobody@example.com", PASSWORD)
    assert accounts.hasher.wasted == 1


def test_a_deactivated_user_cannot_log_in(world, jane):
    accounts, _, _ = world
    accounts.admin_update_user(jane.id, {"is_active": False}, actor_id=ADMIN_ID)
    with pytest.raises(AccountDisabled):
        accounts.authenticate("jane@example.com", PASSWORD)


def test_login_rehashes_a_password_hashed_with_old_parameters(world, jane):
    accounts, repo, _ = world
    upgraded = Accounts(repo=repo, hasher=FakeHasher(version=2), signer=accounts.signer)
    upgraded.authenticate("jane@example.com", PASSWORD)
    assert repo.users[jane.id].password_hash == f"v2${PASSWORD}"


def test_deactivating_a_user_revokes_every_session(world, jane):
    accounts, _, _ = world
    session = accounts.authenticate("jane@example.com", PASSWORD)
    accounts.admin_update_user(jane.id, {"is_active": False}, actor_id=ADMIN_ID)
    accounts.admin_update_user(jane.id, {"is_active": True}, actor_id=ADMIN_ID)
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(session.refresh_token)


# password reset


def requested_token(repo):
    event_type, payload = repo.recorded[-1]
    assert event_type == "password_reset_requested"
    return payload["token"]


def test_a_reset_request_for_an_unknown_email_does_nothing_and_does_not_raise(world):
    accounts, repo, _ = world
    assert accounts.request_password_reset("nobody@example.com") is None
    assert repo.recorded == [] and repo.resets == {}


@pytest.mark.parametrize("email", [None, 42, ["jane@example.com"], "j" * 316 + "@x.io"])
def test_a_reset_request_with_no_email_loads_as_none_and_asks_nothing(world, email):
    accounts, repo, _ = world
    loaded = load(ResetRequestSchema(), {"email": email})["email"]
    assert loaded is None
    assert accounts.request_password_reset(loaded) is None
    assert repo.recorded == [] and repo.resets == {}


def test_a_reset_request_keeps_an_email_of_320_characters_as_given():
    email = " " + "j" * 314 + "@x.io"
    assert load(ResetRequestSchema(), {"email": email}) == {"email": email}


def test_a_reset_request_announces_a_token_that_is_stored_only_hashed(world, jane):
    accounts, repo, clock = world
    accounts.request_password_reset(" Jane@Example.com")
    event_type, payload = repo.recorded[-1]
    assert event_type == "password_reset_requested"
    assert payload["user_id"] == jane.id and payload["first_name"] == "Jane"
    assert payload["email"] == "jane@example.com"
    assert list(repo.resets) == [hash_token(payload["token"])]
    assert payload["expires_at"] == (clock.now.replace(minute=10)).isoformat()


def test_resetting_the_password_changes_it_spends_the_token_and_ends_every_session(world, jane):
    accounts, repo, _ = world
    session = accounts.authenticate("jane@example.com", PASSWORD)
    accounts.request_password_reset("jane@example.com")
    token = requested_token(repo)
    accounts.reset_password(token, NEW_PASSWORD)
    assert repo.recorded[-1] == ("password_changed", {"user_id": jane.id})
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(session.refresh_token)
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("jane@example.com", PASSWORD)
    assert accounts.authenticate("jane@example.com", NEW_PASSWORD).user.id == jane.id
    with pytest.raises(InvalidResetToken):
        accounts.reset_password(token, "another-fine-pass-9")


def test_a_reset_spends_the_other_pending_tokens_too(world, jane):
    accounts, repo, _ = world
    accounts.request_password_reset("jane@example.com")
    older = requested_token(repo)
    accounts.request_password_reset("jane@example.com")
    accounts.reset_password(requested_token(repo), NEW_PASSWORD)
    with pytest.raises(InvalidResetToken):
        accounts.reset_password(older, "another-fine-pass-9")


def test_an_expired_reset_token_is_refused(world, jane):
    accounts, repo, clock = world
    accounts.request_password_reset("jane@example.com")
    clock.advance(seconds=601)
    with pytest.raises(InvalidResetToken):
        accounts.reset_password(requested_token(repo), NEW_PASSWORD)


def test_a_weak_new_password_leaves_the_reset_token_usable(world, jane):
    accounts, repo, _ = world
    accounts.request_password_reset("jane@example.com")
    token = requested_token(repo)
    with pytest.raises(WeakPassword):
        accounts.reset_password(token, "weak")
    with pytest.raises(WeakPassword):
        accounts.reset_password(token, "jane-loves-2024")  # contains the email's local part
    accounts.reset_password(token, NEW_PASSWORD)


# profile, admin


def test_profile_changes_only_the_given_fields(world, jane):
    accounts, _, _ = world
    user = accounts.update_profile(jane.id, {"phone": "+1 555 0100"})
    assert (user.first_name, user.last_name, user.phone) == ("Jane", "Doe", "+1 555 0100")


def test_an_unknown_user_is_not_found(world):
    accounts, _, _ = world
    with pytest.raises(UserNotFound):
        accounts.get_user("nope")


def test_admin_lists_users_filtered_by_name_and_role(world, jane):
    accounts, _, clock = world
    clock.advance(seconds=1)
    bob = accounts.register("bob@example.com", PASSWORD, "Bob", "Builder").user
    accounts.admin_update_user(bob.id, {"role": "seller"}, actor_id=ADMIN_ID)
    assert [u.id for u in accounts.list_users(q="builder").items] == [bob.id]
    assert [u.id for u in accounts.list_users(role="customer").items] == [jane.id]
    page = accounts.list_users(page=2, limit=1)
    assert page.total == 2 and [u.id for u in page.items] == [jane.id]


# addresses


def test_the_first_address_becomes_the_default(world, jane):
    accounts, _, _ = world
    assert accounts.add_address(jane.id, ADDRESS).is_default is True
    assert accounts.add_address(jane.id, ADDRESS).is_default is False


def test_a_new_default_address_takes_over_from_the_old_one(world, jane):
    accounts, _, clock = world
    first = accounts.add_address(jane.id, ADDRESS)
    clock.advance(seconds=1)
    second = accounts.add_address(jane.id, {**ADDRESS, "is_default": True})
    assert [a.id for a in accounts.list_addresses(jane.id) if a.is_default] == [second.id]
    accounts.update_address(jane.id, first.id, {"is_default": True, "city": "Shelbyville"})
    defaults = [a for a in accounts.list_addresses(jane.id) if a.is_default]
    assert [(a.id, a.city) for a in defaults] == [(first.id, "Shelbyville")]


def test_deleting_the_default_address_promotes_the_oldest_remaining(world, jane):
    accounts, _, clock = world
    first = accounts.add_address(jane.id, ADDRESS)
    clock.advance(seconds=1)
    second = accounts.add_address(jane.id, ADDRESS)
    clock.advance(seconds=1)
    accounts.add_address(jane.id, ADDRESS)
    accounts.delete_address(jane.id, first.id)
    assert accounts.get_address(jane.id, second.id).is_default is True


def test_another_users_address_is_not_found(world, jane):
    accounts, _, _ = world
    bob = accounts.register("bob@example.com", PASSWORD, "Bob", "Builder").user
    address = accounts.add_address(bob.id, ADDRESS)
    with pytest.raises(AddressNotFound):
        accounts.get_address(jane.id, address.id)
    with pytest.raises(AddressNotFound):
        accounts.update_address(jane.id, address.id, {"city": "X"})
    with pytest.raises(AddressNotFound):
        accounts.delete_address(jane.id, address.id)
