"""Message bodies through orjson: the same JSON on the wire as kombu's serializer, both ways, and
kombu's tagged values (datetime, Decimal) still come back typed."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from kombu.utils.json import dumps as kombu_dumps
from kombu.utils.json import loads as kombu_loads

from services.common.serialization import dumps, loads

PAYLOAD = {"id": "prod-1", "price": 1999, "tags": ["a", "é"], "meta": {"n": None, "ok": True}}


def test_plain_json_reads_the_same_in_both_directions():
    assert loads(dumps(PAYLOAD)) == PAYLOAD
    assert kombu_loads(dumps(PAYLOAD)) == PAYLOAD  # a kombu reader understands ours
    assert loads(kombu_dumps(PAYLOAD)) == PAYLOAD  # and we understand a kombu writer


def test_values_kombu_tags_keep_their_type():
    value = {"at": datetime(2026, 11, 27, 8, 0, tzinfo=UTC), "amount": Decimal("12.50")}
    assert loads(dumps(value)) == value
    assert kombu_loads(dumps(value)) == value
    assert loads(kombu_dumps(value)) == value


def test_keys_that_are_not_strings_become_strings_as_with_the_standard_library():
    assert loads(dumps({1: "one"})) == {"1": "one"}


def test_bodies_arrive_as_bytes_or_text():
    assert loads(dumps(PAYLOAD).decode()) == PAYLOAD
    assert loads(memoryview(dumps(PAYLOAD))) == PAYLOAD


def test_what_orjson_refuses_or_misreads_goes_through_kombu_as_before():
    from collections import OrderedDict, namedtuple

    Point = namedtuple("Point", "x y")
    assert loads(dumps({"p": Point(1, 2)})) == {"p": [1, 2]}
    assert loads(dumps(OrderedDict(a=1))) == {"a": 1}
    assert loads(b'{"x": NaN}')["x"] != loads(b'{"x": NaN}')["x"]  # NaN, as json reads it


def test_an_integer_beyond_64_bits_is_refused_not_turned_into_a_float():
    with pytest.raises(TypeError, match="64 bits"):
        dumps({"n": 2**70 + 1})
