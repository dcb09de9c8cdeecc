"""The bounded fields every schema uses: what they refuse, and that the worst accepted value still
serializes (orjson, as the gateway dumps responses) and fits its column."""

from __future__ import annotations

import orjson
import pytest
from marshmallow import Schema, ValidationError

from services.common.errors import NotFound
from services.common.fields import (
    MAX_AMOUNT,
    MAX_PAGE,
    MAX_SAFE_INTEGER,
    Email,
    Id,
    Int,
    JsonLimits,
    JsonObject,
    Moment,
    Page,
    Slug,
    Text,
    check_path_values,
    decimal_in_range,
    json_depth_exceeds,
)


class Sample(Schema):
    name = Text(max_length=10)
    note = Text(max_length=50, multiline=True)
    email = Email()
    id = Id()
    slug = Slug()
    count = Int(minimum=0, maximum=100)
    page = Page()
    attributes = JsonObject()
    at = Moment()


def errors_of(data: dict) -> dict:
    with pytest.raises(ValidationError) as caught:
        Sample().load(data)
    return caught.value.messages


@pytest.mark.parametrize(
    "value", ["a\x00b", "\x00", "bell\x07", "esc\x1b", "del\x7f", "line\nbreak", "cr\rlf", "\t"]
)
def test_one_line_text_refuses_nul_and_control_characters(value):
    assert "name" in errors_of({"name": value})


def test_text_refuses_a_lone_surrogate_which_utf8_cannot_encode():
    messages = errors_of({"name": "x\ud800"})
    assert messages["name"] == ["Must not contain unpaired surrogates."]


def test_multiline_text_keeps_tabs_and_line_breaks_but_not_nul():
    assert Sample().load({"note": "one\n\ttwo\r\n"}) == {"note": "one\n\ttwo\r\n", "page": 1}
    assert errors_of({"note": "one\x00two"})["note"] == ["Must not contain NUL characters."]


def test_text_accepts_unicode_and_refuses_beyond_its_column_length():
    assert Sample().load({"name": "Café ☕ 東京"})["name"] == "Café ☕ 東京"
    assert "name" in errors_of({"name": "x" * 11})


def test_a_list_where_a_string_belongs_is_refused_by_name():
    messages = errors_of({"name": ["a", "b"], "id": ["prod-1"], "email": {"a": 1}})
    assert set(messages) == {"name", "id", "email"}


def test_email_refuses_header_breaking_characters():
    assert "email" in errors_of({"email": "a@example.com\r\nBcc: x@example.com"})
    assert "email" in errors_of({"email": "a\x00@example.com"})
    assert Sample().load({"email": "a@example.com"})["email"] == "a@example.com"


@pytest.mark.parametrize(
    "value", ["x" * 65, "", "has space", "a/b", "a\x00", "-leading", "prod-1\n"]
)
def test_ids_have_a_length_and_a_shape(value):
    assert "id" in errors_of({"id": value})


@pytest.mark.parametrize("value", ["prod-1", "cat-home", "3f1c2a9e-1b2c-4d5e-8f90-123456789abc"])
def test_ids_accept_uuids_and_seeded_ids(value):
    assert Sample().load({"id": value})["id"] == value


def test_slug_refuses_anything_but_lowercase_words():
    assert "slug" in errors_of({"slug": "Not A Slug"})
    assert "slug" in errors_of({"slug": "a" * 201})
    assert "slug" in errors_of({"slug": "red-shoes\n"})
    assert Sample().load({"slug": "red-shoes-2"})["slug"] == "red-shoes-2"


@pytest.mark.parametrize("value", [10**25, -1, 101, 2**63])
def test_integers_outside_their_bounds_are_refused(value):
    assert "count" in errors_of({"count": value})


def test_a_page_beyond_the_cap_is_refused_so_the_offset_always_fits():
    assert "page" in errors_of({"page": 10**25})
    assert "page" in errors_of({"page": MAX_PAGE + 1})
    assert Sample().load({"page": MAX_PAGE})["page"] == MAX_PAGE
    assert MAX_PAGE * 100 < 2**63


def test_attributes_refuse_an_integer_orjson_cannot_dump():
    big = 10**169  # the 170-digit value that took the featured products down
    with pytest.raises(TypeError):
        orjson.dumps({"v": big})
    messages = errors_of({"attributes": {"weight": big}})
    assert "weight" in messages["attributes"][0]


@pytest.mark.parametrize(
    "attributes",
    [
        {"nan": float("nan")},
        {"inf": float("inf")},
        {"deep": {"a": {"b": {"c": {"d": 1}}}}},
        {"k" * 65: 1},
        {"": 1},
        {"nul\x00key": 1},
        {"text": "x\x00y"},
        {"text": "x" * 1001},
        {"list": list(range(51))},
        {f"k{i}": i for i in range(51)},
        {"lone": "\udc80"},
    ],
)
def test_attributes_refuse_what_could_not_be_stored_or_read_back(attributes):
    assert "attributes" in errors_of({"attributes": attributes})


def test_the_largest_accepted_attributes_dump_and_round_trip():
    worst = {
        f"{'k' * 60}{i:02d}": {
            "n": MAX_SAFE_INTEGER,
            "m": -MAX_SAFE_INTEGER,
            "f": float(MAX_SAFE_INTEGER) if i == 0 else 5e-324,
            "l": ["x" * 1000, True, None],
        }
        for i in range(10)
    }
    worst["nested"] = {"a": {"b": [1, 2, 3]}}
    loaded = Sample().load({"attributes": worst})["attributes"]
    assert orjson.loads(orjson.dumps(loaded)) == worst


def test_json_limits_count_every_value_so_a_wide_tree_is_bounded_too():
    wide = {f"k{i}": [list(range(40)) for _ in range(40)] for i in range(3)}
    assert JsonLimits().problems(wide) == ["At most 500 values in all."]


def test_json_depth_is_measured_without_recursion():
    value: list = []
    for _ in range(100_000):
        value = [value]
    assert json_depth_exceeds(value, 16)
    assert not json_depth_exceeds({"a": [{"b": 1}]}, 3)
    assert json_depth_exceeds({"a": [{"b": []}]}, 3)


@pytest.mark.parametrize("amount", ["1e999999999", "-1e99999", "10000000000000000000000000", 1e300])
def test_a_huge_amount_is_refused_before_it_is_scaled_to_an_integer(amount):
    with pytest.raises(ValidationError):
        decimal_in_range(amount, 2)


def test_the_largest_amount_is_accepted():
    assert decimal_in_range("100000.00", 2) * 100 == MAX_AMOUNT
    with pytest.raises(ValidationError):
        decimal_in_range("100000.01", 2)


@pytest.mark.parametrize("value", ["a\x00b", "x" * 201, "", "tab\there"])
def test_a_path_value_that_cannot_name_anything_is_not_found(value):
    with pytest.raises(NotFound) as caught:
        check_path_values({"product_id": value})
    assert caught.value.details["parameter"] == "product_id"


def test_ordinary_path_values_pass():
    check_path_values({"product_id": "prod-1", "slug": "s" * 200, "number": 3})


@pytest.mark.parametrize(
    "value",
    [
        "0579-07-15T14:53:07.396676+19:38",  # an offset PostgreSQL refuses (the fuzzer's 500)
        "0001-01-01T00:00:00+05:00",  # before year 1 in UTC: overflows converting
        "9999-12-31T23:59:59-05:00",  # after year 9999 in UTC
        "1899-12-31T23:59:59+00:00",
        "2026-12-01T10:00:00",  # no offset
    ],
)
def test_a_time_outside_what_the_database_holds_is_refused(value):
    assert "at" in errors_of({"at": value})


def test_a_time_is_loaded_in_utc():
    loaded = Sample().load({"at": "2026-12-01T10:00:00+15:30"})["at"]
    assert loaded.isoformat() == "2026-11-30T18:30:00+00:00"
