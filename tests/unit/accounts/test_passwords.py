import pytest

from services.accounts.domain import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    check_password,
    normalise_email,
    password_policy,
    password_problems,
)
from services.accounts.exceptions import WeakPassword


def test_email_is_stripped_and_lowercased():
    assert normalise_email("  Jane.Doe@Example.COM \n") == "jane.doe@example.com"


def test_a_long_password_with_letters_and_digits_is_accepted():
    assert password_problems("correct horse 42 battery", "jane@example.com") == []


def test_a_password_shorter_than_ten_characters_is_weak():
    assert password_problems("abc123def", "jane@example.com") == [
        "Must be at least 10 characters long."
    ]


def test_a_password_without_a_digit_is_weak():
    assert "Must contain at least one digit." in password_problems("onlyletters", "")


def test_a_password_without_a_letter_is_weak():
    assert "Must contain at least one letter." in password_problems("12345678901234", "")


def test_a_common_password_is_weak_whatever_its_case():
    assert "Is too common." in password_problems("Password123", "")


def test_a_password_containing_the_email_local_part_is_weak():
    assert "Must not contain your email address." in password_problems(
        "xxJANEDOE2024xx", "JaneDoe@example.com"
    )


def test_a_very_short_local_part_is_not_held_against_the_password():
    assert password_problems("jo-rides-bikes-7", "jo@example.com") == []


def test_a_huge_password_is_refused_before_hashing():
    assert "Must be at most 256 characters long." in password_problems("a1" * 200, "")


def test_weak_password_error_names_every_problem_under_fields_password():
    with pytest.raises(WeakPassword) as raised:
        check_password("short", "a@b.c")
    problems = raised.value.details["fields"]["password"]
    assert "Must be at least 10 characters long." in problems
    assert "Must contain at least one digit." in problems


def test_the_policy_publishes_the_texts_password_problems_reports():
    policy = password_policy()
    texts = {rule["id"]: rule["text"] for rule in policy["rules"]}
    assert (policy["min_length"], policy["max_length"]) == (
        MIN_PASSWORD_LENGTH,
        MAX_PASSWORD_LENGTH,
    )
    assert policy["requires_letter"] is True and policy["requires_digit"] is True
    assert set(texts) == {"min_length", "max_length", "letter", "digit", "common", "email"}
    assert all(rule["label"] and rule["label"] != rule["text"] for rule in policy["rules"])
    # every problem the server reports is one of the published texts, word for word
    assert password_problems("x" * (MAX_PASSWORD_LENGTH + 1), "") == [
        texts["max_length"],
        texts["digit"],
    ]
    assert password_problems("12345", "jo@x.io") == [texts["min_length"], texts["letter"]]
    assert password_problems("janedoe1234", "janedoe@example.com") == [texts["email"]]
    assert password_problems("password123", "") == [texts["common"]]


def test_the_policy_names_when_the_email_is_checked_inside_the_password():
    shortest = password_policy()["email_local_part_min"]
    assert password_problems("ab" + "-sturdy-42", "ab@example.com") == []
    name = "a" * shortest
    assert password_problems(name + "-sturdy-42", f"{name}@example.com") == [
        "Must not contain your email address."
    ]
