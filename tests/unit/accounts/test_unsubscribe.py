"""Unsubscribe links and the cart-reminder opt-out: the token's format and signature, the use cases
on fakes, the key derived from the JWT key, and the RPC arguments' bounds."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.accounts.dependencies import unsubscribe_key
from services.accounts.domain import UnsubscribeTokens
from services.accounts.exceptions import InvalidUnsubscribeToken
from services.accounts.schemas import (
    ProfileChangesSchema,
    ReminderPreferencesSchema,
    UnsubscribeTokenSchema,
    dump_user,
)
from services.common.errors import ValidationFailed
from services.common.schemas import load
from tests.unit.accounts.fakes import UNSUBSCRIBE_KEY, make_accounts

PASSWORD = "sturdy-walrus-42"
LINKS = UnsubscribeTokens(UNSUBSCRIBE_KEY)


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


@pytest.fixture
def world():
    return make_accounts()


@pytest.fixture
def jane(world):
    accounts, _, _ = world
    return accounts.register("jane@example.com", PASSWORD, "Jane", "Doe").user


# -- the token ------------------------------------------------------------------------------------


def test_a_token_reads_back_as_the_user_and_topic_it_was_issued_for():
    token = LINKS.issue("user-1", "cart_reminders")
    assert LINKS.read(token) == ("user-1", "cart_reminders")
    user, topic, mac = token.split(".")
    assert (user, topic) == (b64("user-1"), b64("cart_reminders"))
    assert len(base64.urlsafe_b64decode(mac + "==")) == 16
    assert "=" not in token and "+" not in token and "/" not in token  # safe in a query string


def test_a_token_naming_another_user_with_the_original_mac_is_refused():
    _, topic, mac = LINKS.issue("user-1", "cart_reminders").split(".")
    with pytest.raises(InvalidUnsubscribeToken):
        LINKS.read(f"{b64('user-2')}.{topic}.{mac}")


def test_a_token_with_an_altered_mac_is_refused():
    token = LINKS.issue("user-1", "cart_reminders")
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(InvalidUnsubscribeToken):
        LINKS.read(flipped)


def test_one_token_has_one_spelling():
    token = LINKS.issue("user-1", "cart_reminders")
    signed, mac = token.rsplit(".", 1)
    # characters outside the alphabet, which a lenient decoder skips, and padding it would accept
    for spelling in (f"{token}!", f"{signed}.{mac[:5]}*{mac[5:]}", f"{token}=="):
        with pytest.raises(InvalidUnsubscribeToken):
            LINKS.read(spelling)
    assert LINKS.read(token) == ("user-1", "cart_reminders")


def test_a_token_for_another_topic_is_refused_even_when_signed():
    signed = f"{b64('user-1')}.{b64('newsletter')}"
    mac = base64.urlsafe_b64encode(LINKS._mac(signed)).rstrip(b"=").decode()
    with pytest.raises(InvalidUnsubscribeToken):
        LINKS.read(f"{signed}.{mac}")
    with pytest.raises(ValueError):
        LINKS.issue("user-1", "newsletter")


def test_a_token_of_another_key_is_refused():
    other = UnsubscribeTokens(b"another key of thirty-two bytes!")
    with pytest.raises(InvalidUnsubscribeToken):
        LINKS.read(other.issue("user-1", "cart_reminders"))


@pytest.mark.parametrize(
    "token", ["", "abc", "a.b", "a..c", "a.b.c.d", "ünï.cödé.mäc", "!!!.???.***", "a.b.@@@@"]
)
def test_malformed_tokens_are_refused_never_crash(token):
    with pytest.raises(InvalidUnsubscribeToken):
        LINKS.read(token)


def test_the_link_key_is_derived_from_the_jwt_key_stable_and_distinct_per_key():
    key = Ed25519PrivateKey.generate()
    derived = unsubscribe_key(key)
    assert len(derived) == 32 and derived == unsubscribe_key(key)
    assert derived != unsubscribe_key(Ed25519PrivateKey.generate())
    # a rotated JWT key voids older links
    old = UnsubscribeTokens(derived).issue("user-1", "cart_reminders")
    with pytest.raises(InvalidUnsubscribeToken):
        UnsubscribeTokens(unsubscribe_key(Ed25519PrivateKey.generate())).read(old)


# -- the use cases --------------------------------------------------------------------------------


def test_users_are_opted_in_to_cart_reminders_and_the_profile_turns_them_off(world, jane):
    accounts, _, _ = world
    assert dump_user(jane)["cart_reminders"] is True
    changes = load(ProfileChangesSchema(), {"cart_reminders": False})
    assert accounts.update_profile(jane.id, changes).cart_reminders is False
    assert accounts.reminder_preferences([jane.id]) == []


def test_unsubscribing_turns_off_the_topic_once_and_answers_the_same_twice(world, jane):
    accounts, _, clock = world
    token = accounts.unsubscribe_token(jane.id, "cart_reminders")
    assert accounts.unsubscribe(token) == {"topic": "cart_reminders", "unsubscribed": True}
    changed_at = jane.updated_at
    clock.advance(seconds=60)
    assert accounts.unsubscribe(token) == {"topic": "cart_reminders", "unsubscribed": True}
    assert jane.cart_reminders is False and jane.updated_at == changed_at


def test_a_valid_token_of_a_user_who_is_gone_is_refused(world):
    accounts, _, _ = world
    with pytest.raises(InvalidUnsubscribeToken):
        accounts.unsubscribe(accounts.unsubscribe_token("no-such-user", "cart_reminders"))


def test_reminder_preferences_keep_active_opted_in_users_once_in_the_order_asked(world):
    accounts, _, _ = world
    ids = [accounts.register(f"u{n}@example.com", PASSWORD, "U", str(n)).user.id for n in range(4)]
    accounts.update_profile(ids[1], {"cart_reminders": False})
    accounts.repo.users[ids[2]].is_active = False
    asked = [ids[3], "unknown", ids[0], ids[1], ids[2], ids[3]]
    assert accounts.reminder_preferences(asked) == [ids[3], ids[0]]
    assert accounts.reminder_preferences([]) == []


# -- RPC arguments --------------------------------------------------------------------------------


def test_reminder_preferences_take_at_most_500_ids():
    assert len(load(ReminderPreferencesSchema(), {"user_ids": ["u"] * 500})["user_ids"]) == 500
    with pytest.raises(ValidationFailed):
        load(ReminderPreferencesSchema(), {"user_ids": ["u"] * 501})
    with pytest.raises(ValidationFailed):
        load(ReminderPreferencesSchema(), {"user_ids": "user-1"})


def test_a_token_is_asked_for_a_known_topic_and_the_switch_is_a_real_boolean():
    assert load(UnsubscribeTokenSchema(), {"user_id": "u-1"})["topic"] == "cart_reminders"
    with pytest.raises(ValidationFailed):
        load(UnsubscribeTokenSchema(), {"user_id": "u-1", "topic": "everything"})
    with pytest.raises(ValidationFailed):
        load(ProfileChangesSchema(), {"cart_reminders": "no"})
