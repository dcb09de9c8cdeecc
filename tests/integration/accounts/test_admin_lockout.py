"""Staff cannot lock the shop out, on real PostgreSQL: the active admins' row locks decide a race
of two admins removing each other, the service refuses self-removal, and `manage.py admin` creates
or restores an admin from the shell."""

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from scripts import manage
from services.accounts.dependencies import security_from_config
from services.accounts.domain import User
from services.accounts.exceptions import LastActiveAdmin, OwnAdminAccess
from services.accounts.repository import SqlAccountsRepository
from services.accounts.usecases import Accounts
from services.common.clock import utcnow
from services.common.outbox import OutboxWriter
from tests.helpers import engine_for, wait_for

PASSWORD = "sturdy-walrus-42"


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


def add_user(engine, kit, user_id, role="admin", password=PASSWORD):
    now = utcnow()
    with Session(engine) as session:
        session.add(
            User(
                id=user_id,
                email=f"{user_id}@example.com",
                password_hash=kit.hasher.hash(password),
                first_name=user_id.title(),
                last_name="Admin",
                role=role,
                created_at=now,
                updated_at=now,
            )
        )
        session.commit()
    return user_id


def active_admins(engine):
    with engine.connect() as conn:
        return (
            conn.execute(
                text("SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id")
            )
            .scalars()
            .all()
        )


def someone_waits_for_a_lock(engine) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar()
        )


@pytest.mark.parametrize(
    "changes", [{"role": "customer"}, {"is_active": False}], ids=["demote", "deactivate"]
)
def test_two_admins_removing_each_other_at_once_leave_one_admin(engine, kit, changes):
    ada, grace = add_user(engine, kit, "ada"), add_user(engine, kit, "grace")
    outcome = {}

    def grace_removes_ada():
        with Session(engine) as session:
            try:
                accounts_on(session, kit).admin_update_user(ada, changes, actor_id=grace)
                session.commit()
                outcome["grace"] = "removed ada"
            except LastActiveAdmin:
                outcome["grace"] = "refused"

    with Session(engine) as first:
        # ada's change holds the admins' row locks until it commits
        accounts_on(first, kit).admin_update_user(grace, changes, actor_id=ada)
        racer = threading.Thread(target=grace_removes_ada)
        racer.start()
        # grace's change must wait for ada's (or, without the lock, it finishes: the bug)
        wait_for(lambda: someone_waits_for_a_lock(engine) or not racer.is_alive())
        first.commit()
    racer.join(10)

    assert outcome == {"grace": "refused"}
    assert active_admins(engine) == [ada]


def test_the_service_refuses_an_admin_removing_their_own_access(accounts, engine, kit):
    ada, grace = add_user(engine, kit, "ada"), add_user(engine, kit, "grace")
    with pytest.raises(OwnAdminAccess):
        accounts.admin_update_user(ada, {"is_active": False}, ada)
    assert accounts.admin_update_user(grace, {"role": "seller"}, ada)["role"] == "seller"
    with pytest.raises(LastActiveAdmin):
        accounts.admin_update_user(ada, {"role": "seller"}, grace)
    assert active_admins(engine) == [ada]


# manage.py admin: the shell's way back in


def test_manage_admin_creates_an_admin_who_can_sign_in(config, engine, kit, monkeypatch, capsys):
    monkeypatch.setenv(manage.ADMIN_PASSWORD_ENV, PASSWORD)
    assert manage.main(["admin", "Root@Example.com"]) == 0
    assert "created admin root@example.com" in capsys.readouterr().out
    with Session(engine) as session:
        user = accounts_on(session, kit).authenticate("root@example.com", PASSWORD).user
        assert (user.role, user.is_active) == ("admin", True)


def test_manage_admin_refuses_a_weak_password_and_creates_nothing(engine, monkeypatch, capsys):
    monkeypatch.setenv(manage.ADMIN_PASSWORD_ENV, "short")
    assert manage.main(["admin", "root@example.com"]) == 1
    assert "too weak" in capsys.readouterr().err
    assert active_admins(engine) == []


def test_manage_admin_refuses_a_malformed_email(engine, monkeypatch):
    monkeypatch.setenv(manage.ADMIN_PASSWORD_ENV, PASSWORD)
    assert manage.main(["admin", "not an email"]) == 2
    assert active_admins(engine) == []


def test_manage_admin_restores_a_deactivated_demoted_admin_and_is_idempotent(
    engine, kit, monkeypatch, capsys
):
    monkeypatch.delenv(manage.ADMIN_PASSWORD_ENV, raising=False)  # an existing account needs none
    add_user(engine, kit, "ada", role="customer")
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET is_active = false WHERE id = 'ada'"))

    assert manage.main(["admin", "ada@example.com"]) == 0
    assert "restored admin ada@example.com" in capsys.readouterr().out
    assert active_admins(engine) == ["ada"]
    with Session(engine) as session:
        assert accounts_on(session, kit).authenticate("ada@example.com", PASSWORD).user.id == "ada"

    assert manage.main(["admin", "ada@example.com"]) == 0
    assert "already an active admin" in capsys.readouterr().out
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1
