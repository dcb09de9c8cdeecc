"""Races decided by Postgres: the unique email index and the refresh token's row lock."""

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from services.accounts.dependencies import security_from_config
from services.accounts.domain import User
from services.accounts.exceptions import EmailTaken, RefreshTokenReused
from services.accounts.repository import SqlAccountsRepository
from services.accounts.usecases import Accounts
from services.common.clock import utcnow
from services.common.outbox import OutboxWriter
from tests.helpers import engine_for, wait_for


@pytest.fixture
def engine(config):
    return engine_for(config, "accounts")


@pytest.fixture
def kit(config):
    return security_from_config(config)


def accounts_on(session, kit):
    return Accounts(
        repo=SqlAccountsRepository(session, OutboxWriter()),
        hasher=kit.hasher,
        signer=kit.signer,
        settings=kit.settings,
    )


def a_user(email):
    now = utcnow()
    return User(
        id=email.split("@")[0] + "-id",
        email=email,
        password_hash="x",
        first_name="J",
        last_name="D",
        created_at=now,
        updated_at=now,
    )


def test_the_unique_index_turns_a_lost_registration_race_into_email_taken(engine):
    with Session(engine) as first, Session(engine) as second:
        # both passed the "is the email free?" check before either inserted
        assert SqlAccountsRepository(second, OutboxWriter()).get_user_by_email("j@x.io") is None
        SqlAccountsRepository(first, OutboxWriter()).add_user(a_user("j@x.io"))
        first.commit()
        duplicate = a_user("j@x.io")
        duplicate.id = "other-id"
        with pytest.raises(EmailTaken):
            SqlAccountsRepository(second, OutboxWriter()).add_user(duplicate)


def test_a_refresh_waits_for_a_concurrent_refresh_of_the_same_token_and_then_sees_reuse(
    engine, kit
):
    with Session(engine) as setup:
        token = (
            accounts_on(setup, kit)
            .register("jane@example.com", "sturdy-walrus-42", "Jane", "Doe")
            .refresh_token
        )
        setup.commit()

    outcome = {}

    def second_refresh():
        with Session(engine) as session:
            try:
                accounts_on(session, kit).refresh(token)
                outcome["second"] = "refreshed"
            except RefreshTokenReused:
                session.commit()  # as the service does: the family's revocation sticks
                outcome["second"] = "reused"

    with Session(engine) as first:
        winner = accounts_on(first, kit).refresh(token)  # holds the token's row lock
        racer = threading.Thread(target=second_refresh)
        racer.start()
        wait_for(lambda: _someone_waits_for_a_lock(engine))
        first.commit()
    racer.join(10)

    assert outcome == {"second": "reused"}
    with Session(engine) as session:
        revoked = session.execute(
            text("SELECT revoked_reason FROM refresh_token_families")
        ).scalar_one()
    assert revoked == "reuse"
    assert winner.refresh_token != token


def _someone_waits_for_a_lock(engine) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar()
        )
