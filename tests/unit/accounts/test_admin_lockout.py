"""Staff cannot lock the shop out: no admin removes their own access, nobody removes the last one;
and the shell's `grant_admin` (scripts/manage.py admin) creates or restores an admin."""

import pytest

from services.accounts.exceptions import LastActiveAdmin, OwnAdminAccess, WeakPassword
from tests.unit.accounts.fakes import make_accounts

PASSWORD = "sturdy-walrus-42"


@pytest.fixture
def world():
    return make_accounts()


def make_admin(accounts, repo, email):
    user = accounts.register(email, PASSWORD, email.split("@")[0].title(), "Admin").user
    repo.users[user.id].role = "admin"
    return user


@pytest.fixture
def ada(world):
    accounts, repo, _ = world
    return make_admin(accounts, repo, "ada@example.com")


@pytest.fixture
def grace(world):
    accounts, repo, _ = world
    return make_admin(accounts, repo, "grace@example.com")


@pytest.mark.parametrize(
    "changes", [{"is_active": False}, {"role": "seller"}, {"role": "customer"}]
)
def test_an_admin_cannot_remove_their_own_admin_access(world, ada, grace, changes):
    accounts, repo, _ = world
    with pytest.raises(OwnAdminAccess):
        accounts.admin_update_user(ada.id, changes, actor_id=ada.id)
    assert (repo.users[ada.id].role, repo.users[ada.id].is_active) == ("admin", True)


def test_an_admin_may_resend_their_own_unchanged_role_and_active_flag(world, ada):
    accounts, _, _ = world
    user = accounts.admin_update_user(ada.id, {"role": "admin", "is_active": True}, actor_id=ada.id)
    assert (user.role, user.is_active) == ("admin", True)


@pytest.mark.parametrize("changes", [{"is_active": False}, {"role": "customer"}])
def test_nobody_can_remove_the_last_active_admin(world, ada, changes):
    accounts, repo, _ = world
    with pytest.raises(LastActiveAdmin):
        accounts.admin_update_user(ada.id, changes, actor_id="a-stale-admin-token")
    assert (repo.users[ada.id].role, repo.users[ada.id].is_active) == ("admin", True)


def test_a_deactivated_admin_does_not_count_as_another_admin(world, ada, grace):
    accounts, _, _ = world
    accounts.admin_update_user(grace.id, {"is_active": False}, actor_id=ada.id)
    with pytest.raises(LastActiveAdmin):
        accounts.admin_update_user(ada.id, {"role": "seller"}, actor_id=grace.id)


def test_an_admin_may_demote_or_deactivate_another_admin_while_one_remains(world, ada, grace):
    accounts, _, _ = world
    demoted = accounts.admin_update_user(grace.id, {"role": "seller"}, actor_id=ada.id)
    assert demoted.role == "seller"
    accounts.admin_update_user(grace.id, {"role": "admin"}, actor_id=ada.id)
    deactivated = accounts.admin_update_user(grace.id, {"is_active": False}, actor_id=ada.id)
    assert deactivated.is_active is False


def test_of_two_admins_removing_each_other_the_second_is_refused(world, ada, grace):
    accounts, repo, _ = world
    accounts.admin_update_user(grace.id, {"role": "customer"}, actor_id=ada.id)
    with pytest.raises(LastActiveAdmin):
        accounts.admin_update_user(ada.id, {"role": "customer"}, actor_id=grace.id)
    assert [u.id for u in repo.active_admins()] == [ada.id]


def test_changes_to_customers_and_sellers_are_not_restricted(world, ada):
    accounts, _, _ = world
    bob = accounts.register("bob@example.com", PASSWORD, "Bob", "Builder").user
    assert accounts.admin_update_user(bob.id, {"role": "seller"}, actor_id=ada.id).role == "seller"
    assert (
        accounts.admin_update_user(bob.id, {"is_active": False}, actor_id=ada.id).is_active is False
    )


# grant_admin: the shell's way back in


def no_password():
    raise AssertionError("the password is only asked for a new account")


def test_granting_admin_to_a_new_email_creates_an_admin_with_that_password(world):
    accounts, repo, _ = world
    user, outcome = accounts.grant_admin(" Root@Example.com", lambda: PASSWORD, "Shop", "Owner")
    assert outcome == "created"
    assert (user.email, user.role, user.is_active) == ("root@example.com", "admin", True)
    assert accounts.authenticate("root@example.com", PASSWORD).user.id == user.id
    assert repo.event_types() == ["user_registered"]


def test_granting_admin_to_a_new_email_obeys_the_password_policy(world):
    accounts, repo, _ = world
    with pytest.raises(WeakPassword):
        accounts.grant_admin("root@example.com", lambda: "short", "Shop", "Owner")
    assert repo.users == {}


def test_granting_admin_restores_a_deactivated_or_demoted_account_keeping_its_password(
    world, ada, grace
):
    accounts, _, _ = world
    accounts.admin_update_user(grace.id, {"is_active": False, "role": "customer"}, actor_id=ada.id)
    user, outcome = accounts.grant_admin("GRACE@example.com", no_password, "X", "Y")
    assert outcome == "restored" and user.id == grace.id
    assert (user.role, user.is_active, user.first_name) == ("admin", True, "Grace")
    assert accounts.authenticate("grace@example.com", PASSWORD).user.role == "admin"


def test_granting_admin_twice_changes_nothing_the_second_time(world, ada):
    accounts, repo, clock = world
    before = repo.users[ada.id].updated_at
    clock.advance(seconds=5)
    user, outcome = accounts.grant_admin("ada@example.com", no_password, "Ada", "Admin")
    assert outcome == "unchanged" and user.updated_at == before
    assert len(repo.users) == 1
