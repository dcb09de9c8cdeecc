import pytest

from services.common.money import InvalidAmount, percent_of, to_decimal_string, to_minor


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("19.99", "USD", 1999),
        ("0", "USD", 0),
        ("5", "USD", 500),
        ("1000", "JPY", 1000),
        ("1.234", "KWD", 1234),
        ("0.10", "EUR", 10),
    ],
)
def test_decimal_strings_parse_to_minor_units(text, currency, minor):
    assert to_minor(text, currency) == minor


@pytest.mark.parametrize("bad", ["19.999", "abc", "NaN", "Infinity", ""])
def test_amounts_with_too_many_decimals_or_not_numbers_are_refused(bad):
    with pytest.raises(InvalidAmount):
        to_minor(bad, "USD")


def test_minor_units_format_with_the_currency_exponent():
    assert to_decimal_string(1999) == "19.99"
    assert to_decimal_string(5, "USD") == "0.05"
    assert to_decimal_string(1000, "JPY") == "1000"


def test_percent_rounds_half_up_to_a_whole_minor_unit():
    assert percent_of(1999, 800) == 160  # 159.92
    assert percent_of(1250, 800) == 100
    assert percent_of(1, 5000) == 1  # 0.5 rounds up
