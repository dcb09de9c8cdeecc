import pytest

from services.accounts.domain import check_password, normalise_email, password_problems
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
