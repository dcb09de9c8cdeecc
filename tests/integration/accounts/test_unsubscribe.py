"""The cart-reminder opt-out on a real container and PostgreSQL: the profile switch, the signed
link issued and spent over RPC, and reminder_preferences' SQL (active and opted in only)."""

import pytest

from services.accounts.exceptions import InvalidUnsubscribeToken
from services.common.errors import ValidationFailed

pytestmark = pytest.mark.integration

PASSWORD = "sturdy-walrus-42"


def register(accounts, name):
    return accounts.register(f"{name}@example.com", PASSWORD, name.title(), "Doe")["user"]["id"]


def test_a_link_issued_over_rpc_unsubscribes_once_and_the_profile_shows_it(accounts):
    jane = register(accounts, "jane")
    token = accounts.unsubscribe_token(jane)

    assert accounts.unsubscribe(token) == {"topic": "cart_reminders", "unsubscribed": True}
    assert accounts.unsubscribe(token) == {"topic": "cart_reminders", "unsubscribed": True}
    assert accounts.get_user(jane)["cart_reminders"] is False
    assert accounts.reminder_preferences([jane]) == []
    # the profile turns them back on
    assert accounts.update_profile(jane, {"cart_reminders": True})["cart_reminders"] is True
    assert accounts.reminder_preferences([jane]) == [jane]


def test_a_tampered_link_is_refused(accounts):
    jane, john = register(accounts, "jane"), register(accounts, "john")
    _, topic, mac = accounts.unsubscribe_token(jane).split(".")
    forged = f"{accounts.unsubscribe_token(john).split('.')[0]}.{topic}.{mac}"

    with pytest.raises(InvalidUnsubscribeToken):
        accounts.unsubscribe(forged)
    with pytest.raises(InvalidUnsubscribeToken):
        accounts.unsubscribe("not-a-token")
    assert accounts.get_user(john)["cart_reminders"] is True


def test_reminder_preferences_answer_the_active_opted_in_users_in_the_order_asked(
    accounts, admin_id
):
    ids = [register(accounts, name) for name in ("ann", "bob", "cyd")]
    accounts.update_profile(ids[1], {"cart_reminders": False})
    accounts.admin_update_user(ids[2], {"is_active": False}, actor_id=admin_id)

    assert accounts.reminder_preferences([ids[2], ids[1], "nobody", ids[0], ids[0]]) == [ids[0]]
    with pytest.raises(ValidationFailed):
        accounts.reminder_preferences(["u"] * 501)


@pytest.fixture
def admin_id():
    return "the-acting-admin"  # not an account: only the target's admin access is at stake
