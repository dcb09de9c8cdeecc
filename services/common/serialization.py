"""JSON on the wire, through orjson: every RPC request and reply and every event body.

kombu's `json` serializer is the standard library's encoder with a `default` hook and a decoder with
an `object_hook` that restores kombu's tagged values (`{"__type__": "datetime", ...}`). Bazaar sends
only JSON types (money as integers, times as ISO strings: docs/architecture.md#shapes), so the hooks
only cost time. `install()` registers the same wire format under the same name and content type,
produced and read by orjson: a 2% CPU saving per request (docs/benchmarks.md). Meaning is kept:
datetimes, dates and Decimals still go through kombu's hook (tagged) and come back typed through
kombu's decoder; what else orjson refuses (a namedtuple, a lone surrogate) is encoded by kombu's own
encoder, and a body orjson cannot read (NaN) by kombu's decoder. Two differences remain: a
`uuid.UUID` arrives as its string (Bazaar's ids are strings anyway), and an integer beyond 64 bits
is refused with TypeError (orjson would read it back as a float). `services.common.messaging`
installs it in every process that sends or receives messages.
"""

from __future__ import annotations

import orjson
from kombu.serialization import register
from kombu.utils.json import JSONEncoder
from kombu.utils.json import dumps as kombu_dumps
from kombu.utils.json import loads as kombu_loads

_TAG = b'"__type__"'
# datetimes go through kombu's hook as before; keys that are not strings become strings as the
# standard library makes them
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
_kombu_default = JSONEncoder().default


def dumps(value) -> bytes | str:
    try:
        return orjson.dumps(value, default=_kombu_default, option=_OPTIONS)
    except orjson.JSONEncodeError as exc:
        if "64-bit" in str(exc):
            # the standard library would write it, but orjson reads such a number back as a
            # float on the other side: refuse it, as any value JSON cannot carry
            raise TypeError(f"an integer beyond 64 bits cannot be sent: {exc}") from exc
        return kombu_dumps(value)  # raises TypeError for what JSON cannot carry, as before


def loads(body: bytes | str):
    raw = body.encode() if isinstance(body, str) else bytes(body)
    if _TAG in raw:
        return kombu_loads(raw)  # kombu's tagged values (datetime, Decimal, ...) come back typed
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return kombu_loads(raw)  # NaN, Infinity: what the standard library reads


def install() -> None:
    """Make kombu's `json` serializer (nameko's default) use `dumps` and `loads`. Idempotent."""
    register("json", dumps, loads, content_type="application/json", content_encoding="utf-8")
