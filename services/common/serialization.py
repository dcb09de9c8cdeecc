"""JSON on the wire, through orjson: every RPC request and reply and every event body.

kombu's `json` serializer is the standard library's encoder with a `default` hook and a decoder
with an `object_hook` that restores kombu's tagged values (`{"__type__": "datetime", ...}`). Bazaar
sends only JSON types (money as integers, times as ISO strings, CONVENTIONS rule 3), so the hooks
only cost time: a 14 kB search reply took 140 µs to decode in the gateway under load (measured
with a timing wrapper). `install()` registers the same wire format under the same name and
content type, produced and read by orjson; a value orjson does not know natively (Decimal, a
datetime) is still encoded by kombu's hook, and a body carrying kombu's tags is decoded by
kombu's own decoder, so nothing that worked before changes meaning.
docs/benchmarks.md has the before and after.
"""

from __future__ import annotations

import orjson
from kombu.serialization import register
from kombu.utils.json import JSONEncoder
from kombu.utils.json import loads as kombu_loads

_TAG = b'"__type__"'
# datetimes and subclasses of str/int/dict go through kombu's hook as before; non-str keys become
# strings as the standard library makes them
_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_NON_STR_KEYS
)
_kombu_default = JSONEncoder().default


def dumps(value) -> bytes:
    return orjson.dumps(value, default=_kombu_default, option=_OPTIONS)


def loads(body: bytes | str):
    raw = body.encode() if isinstance(body, str) else bytes(body)
    if _TAG in raw:
        return kombu_loads(raw)  # kombu's tagged values (datetime, Decimal, ...) come back typed
    return orjson.loads(raw)


def install() -> None:
    """Make kombu's `json` serializer (nameko's default) use `dumps` and `loads`. Idempotent."""
    register("json", dumps, loads, content_type="application/json", content_encoding="utf-8")
