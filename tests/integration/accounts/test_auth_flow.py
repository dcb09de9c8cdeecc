"""The accounts service on real RabbitMQ and Postgres: sessions, reuse detection, registration."""

from pathlib import Path

import jwt
import pytest
from sqlalchemy import text

from services.accounts.exceptions import (
    AccountDisabled,
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    RefreshTokenReused,
    WeakPassword,
)
from services.common.errors import ValidationFailed
from tests.helpers import engine_for

PASSWORD = "sturdy-walrus-42"
ADMIN_ID = "the-acting-admin"  # who makes the admin changes (its own account is not at stake)


def register(accounts, email="jane@example.com"):
    return accounts.register(email, PASSWORD, "Jane", "Doe")


def test_register_returns_the_user_and_an_access_token_the_public_key_verifies(accounts, config):
    result = register(accounts, "  Jane@Example.COM ")
    user = result["user"]
    assert user["email"] == "jane@example.com"
    assert user["role"] == "customer" and user["is_active"] is True and user["phone"] is None
    assert set(user) == {
        "id",
        "email",
        "first_name",
        "last_name",
        "phone",
        "role",
        "is_active",
        "cart_reminders",
        "created_at",
        "updated_at",
    }
    assert user["cart_reminders"] is True  # opted in until the profile or a link says otherwise
    assert result["expires_in"] == config["JWT"]["access_ttl"]
    public_key = Path(config["JWT"]["public_key_path"]).read_text()
    claims = jwt.decode(
        result["access_token"],
        public_key,
        algorithms=["EdDSA"],
        audience=config["JWT"]["audience"],
        issuer=config["JWT"]["issuer"],
    )
    assert claims["sub"] == user["id"] and claims["role"] == "customer"
    assert claims["exp"] - claims["iat"] == config["JWT"]["access_ttl"]
    assert {"jti", "iat", "exp"} <= set(claims)


def test_refresh_tokens_are_stored_only_as_hashes(accounts, config):
    result = register(accounts)
    with engine_for(config, "accounts").connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM refresh_tokens")).scalars().all()
    assert len(stored) == 1 and result["refresh_token"] not in stored[0]


def test_register_login_refresh_replay_and_revoke_all(accounts):
    registered = register(accounts)
    user_id = registered["user"]["id"]

    login = accounts.authenticate("JANE@example.com", PASSWORD)
    assert login["user"]["id"] == user_id

    rotated = accounts.refresh(login["refresh_token"])
    assert rotated["refresh_token"] != login["refresh_token"]

    with pytest.raises(RefreshTokenReused):
        accounts.refresh(login["refresh_token"])
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(rotated["refresh_token"])  # the family died with the replay

    # the registration's own session is another family, untouched by the replay
    still = accounts.refresh(registered["refresh_token"])
    assert accounts.revoke_all(user_id) == {"revoked": 1}
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(still["refresh_token"])


def test_logout_revokes_the_session(accounts):
    session = register(accounts)
    assert accounts.revoke(session["refresh_token"]) is None
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(session["refresh_token"])


def test_two_concurrent_refreshes_of_one_token_let_exactly_one_win(accounts):
    token = register(accounts)["refresh_token"]
    replies = [accounts.refresh.call_async(token) for _ in range(2)]
    outcomes = []
    for reply in replies:
        try:
            outcomes.append(reply.result()["refresh_token"])
        except RefreshTokenReused:
            outcomes.append("reused")
    assert sorted(o == "reused" for o in outcomes) == [False, True]
    winner = next(o for o in outcomes if o != "reused")
    with pytest.raises(InvalidRefreshToken):  # the loser's replay revoked the family
        accounts.refresh(winner)


def test_concurrent_registrations_of_one_email_create_one_user(accounts, config):
    replies = [
        accounts.register.call_async(f" JANE@example.com{' ' * i}", PASSWORD, "Jane", "Doe")
        for i in range(5)
    ]
    created, taken = 0, 0
    for reply in replies:
        try:
            reply.result()
            created += 1
        except EmailTaken:
            taken += 1
    assert (created, taken) == (1, 4)
    with engine_for(config, "accounts").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1


def test_a_weak_password_is_refused_with_field_details(accounts):
    with pytest.raises(WeakPassword) as raised:
        accounts.register("jane@example.com", "short", "Jane", "Doe")
    assert "Must be at least 10 characters long." in raised.value.details["fields"]["password"]


def test_a_malformed_email_is_a_validation_error(accounts):
    with pytest.raises(ValidationFailed) as raised:
        accounts.register("not-an-email", PASSWORD, "Jane", "Doe")
    assert "email" in raised.value.details["fields"]


def test_wrong_password_is_invalid_credentials(accounts):
    register(accounts)
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("jane@example.com", "wrong-password-1")
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("nobody@example.com", PASSWORD)


def test_a_deactivated_user_can_neither_log_in_nor_refresh(accounts):
    session = register(accounts)
    user_id = session["user"]["id"]
    user = accounts.admin_update_user(user_id, {"is_active": False}, ADMIN_ID)
    assert user["is_active"] is False
    with pytest.raises(AccountDisabled):
        accounts.authenticate("jane@example.com", PASSWORD)
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(session["refresh_token"])
