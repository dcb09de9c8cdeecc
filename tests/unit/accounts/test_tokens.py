"""Refresh-token families: issue, rotation, reuse detection, sliding and absolute lifetimes."""

import pytest

from services.accounts.domain import hash_token
from services.accounts.exceptions import (
    AccountDisabled,
    InvalidRefreshToken,
    RefreshTokenReused,
)
from tests.unit.accounts.fakes import make_accounts

PASSWORD = "sturdy-walrus-42"


@pytest.fixture
def world():
    return make_accounts(
        access_ttl=900, refresh_ttl=3600, refresh_absolute_ttl=3 * 3600, reset_ttl=600
    )


def register(accounts):
    return accounts.register("  Jane@Example.com ", PASSWORD, "Jane", "Doe")


def test_registration_returns_an_access_token_and_a_refresh_token_stored_only_hashed(world):
    accounts, repo, _ = world
    result = register(accounts)
    assert result.access_token and result.expires_in == 900
    assert result.refresh_token not in repo.tokens
    assert hash_token(result.refresh_token) in repo.tokens


def test_refresh_rotates_the_token_within_the_same_family(world):
    accounts, repo, clock = world
    first = register(accounts)
    clock.advance(seconds=60)
    second = accounts.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    old, new = (
        repo.tokens[hash_token(first.refresh_token)],
        repo.tokens[hash_token(second.refresh_token)],
    )
    assert old.used_at == clock.now
    assert new.family_id == old.family_id and new.used_at is None
    assert second.user.email == "jane@example.com"


def test_replaying_a_spent_token_revokes_the_whole_family(world):
    accounts, repo, _ = world
    first = register(accounts)
    second = accounts.refresh(first.refresh_token)
    with pytest.raises(RefreshTokenReused):
        accounts.refresh(first.refresh_token)
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(second.refresh_token)
    family = next(iter(repo.families.values()))
    assert family.revoked_reason == "reuse"


def test_an_unknown_refresh_token_is_invalid(world):
    accounts, _, _ = world
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh("never-issued")


def test_a_token_unused_for_longer_than_refresh_ttl_expires(world):
    accounts, _, clock = world
    first = register(accounts)
    clock.advance(seconds=3601)
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(first.refresh_token)


def test_rotation_slides_the_lifetime_but_never_past_the_family_absolute_limit(world):
    accounts, repo, clock = world
    token = register(accounts).refresh_token
    for _ in range(3):  # used every 50 min: each token would live 60 min more
        clock.advance(minutes=50)
        token = accounts.refresh(token).refresh_token
    family = next(iter(repo.families.values()))
    assert repo.tokens[hash_token(token)].expires_at == family.expires_at  # 180 min, not 210
    clock.advance(minutes=40)  # 190 min after login, 40 after the last rotation
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(token)


def test_logout_revokes_the_family_and_ignores_unknown_tokens(world):
    accounts, _, _ = world
    result = register(accounts)
    accounts.revoke(result.refresh_token)
    accounts.revoke("never-issued")
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(result.refresh_token)


def test_revoke_all_revokes_every_family_of_the_user(world):
    accounts, _, _ = world
    first = register(accounts)
    second = accounts.authenticate("jane@example.com", PASSWORD)
    assert accounts.revoke_all(first.user.id) == 2
    assert accounts.revoke_all(first.user.id) == 0
    for token in (first.refresh_token, second.refresh_token):
        with pytest.raises(InvalidRefreshToken):
            accounts.refresh(token)


def test_a_deactivated_user_cannot_refresh(world):
    accounts, repo, _ = world
    result = register(accounts)
    repo.users[result.user.id].is_active = False
    with pytest.raises(AccountDisabled):
        accounts.refresh(result.refresh_token)


def test_access_tokens_carry_the_current_role(world):
    accounts, _, _ = world
    result = register(accounts)
    accounts.admin_update_user(result.user.id, {"role": "seller"}, actor_id="admin-1")
    accounts.authenticate("jane@example.com", PASSWORD)
    assert accounts.signer.issued[-1][1] == "seller"
