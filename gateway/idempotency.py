"""Idempotency-Key on the gateway's mutating routes: a repeat of a request gets the first answer.

Every POST/PUT/PATCH/DELETE route is keyed here unless its declaration says otherwise
(`@api(..., idempotency=...)`): `"gateway"` (the default for mutating methods: this module),
`"service"` (the route hands `key, fingerprint = idempotency(request, body)` to its RPC, whose
service stores the key with its own transaction: checkout, payments), or `"off"` (not keyed: the
provider webhook; the anonymous auth routes, whose answers are credentials that must not be copied
into Redis).

A request that sends `Idempotency-Key` (1-255 characters) is handled as orders handle theirs:

- the first one claims the key in one Redis round trip (a hash holding its fingerprint, method +
  path + body hash, and a lease of `LEASE` seconds); its final answer (status, body, the headers
  in `KEPT_HEADERS`) is stored for `TTL` (24 h) in a second round trip;
- a repeat with the same fingerprint gets that answer again, marked `Idempotent-Replayed: true`;
  4xx answers (an expected refusal) are stored and replayed as well;
- the same key with another method, path or body is a 409 `IDEMPOTENCY_KEY_REUSED`; one that
  arrives while the first is still running is a 409 `REQUEST_IN_FLIGHT`;
- a 5xx (an unexpected failure, a 503 of a service that is down) frees the key at once, so the
  client may retry; an attempt that dies without answering frees it when its lease ends.

Scope: one Redis key per (principal, Idempotency-Key). The principal is the user id when the
request is authenticated. An anonymous request has no identity to scope by, only what it presents:
a guest cart's id in the path is the capability to that cart, so anonymous keys are scoped by the
request path. Whoever could replay a guest's stored answer knows the cart id and could read the
cart anyway; another guest with the same key on another cart, or on no cart, never reaches it.
An anonymous request on a path that carries no capability (`POST /api/cart` as a guest) is not
keyed: scoped by nothing, its answer (a new cart's id) would be served to any client that sent the
same key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from gateway.errors import PayloadTooLarge
from services.common.errors import ValidationFailed
from services.common.idempotency import IdempotencyKeyReused, RequestInFlight

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
TTL = 24 * 3600
LEASE = 60
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# the answer's headers a replay must carry too (the body's type, where a created thing lives,
# its version); request-scoped ones (X-Request-Id, CORS) are the new request's own
KEPT_HEADERS = ("Content-Type", "Location", "ETag")

GATEWAY, SERVICE, OFF = "gateway", "service", "off"
MODES = (GATEWAY, SERVICE, OFF)

# KEYS[1]: the key's hash; ARGV: fingerprint, lease token, lease seconds.
# Returns nil when this request claimed the key, else {fingerprint, stored answer or nil}.
_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HMGET', KEYS[1], 'fingerprint', 'answer')
end
redis.call('HSET', KEYS[1], 'fingerprint', ARGV[1], 'token', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return false
"""
# KEYS[1]: the key's hash; ARGV: lease token, answer (JSON) or '' to free the key, TTL seconds.
# Only the lease holder settles: an attempt that outlived its lease leaves the next one's alone.
_SETTLE = """
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then return redis.call('DEL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'answer', ARGV[2])
redis.call('HDEL', KEYS[1], 'token')
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""


def idempotency_parameter() -> dict:
    """The `Idempotency-Key` header as the OpenAPI document states it on a keyed operation."""
    return {
        "in": "header",
        "name": HEADER,
        "required": False,
        # not blank: the key is read stripped, and an empty one is a 400
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": r"\S"},
        "description": (
            "Makes a retry safe: a repeat with the same key, method, path and body within 24 h "
            "gets the first answer again (a result or a 4xx refusal) with `Idempotent-Replayed: "
            "true`, without doing the work twice. The same key with another request is a 409 "
            "IDEMPOTENCY_KEY_REUSED; while the first is still running, a 409 REQUEST_IN_FLIGHT "
            "(retry later). A 5xx frees the key. Keys are per user; an anonymous caller's are "
            "per path (a guest cart's id), and ignored where the path carries no cart id."
        ),
    }


def replayed_header() -> dict:
    """The response header that marks a replay, as the OpenAPI document states it."""
    return {
        REPLAYED_HEADER: {
            "description": "`true` when this is the stored answer to an earlier request with "
            "the same Idempotency-Key (the work was not done again)",
            "schema": {"type": "string", "enum": ["true"]},
        }
    }


def mode_of(method: str, idempotency: str | None) -> str:
    """A route's mode: its declaration's, else `"gateway"` for a mutating method, `"off"`
    for a read. Raises ValueError on an unknown one (a typo in a declaration)."""
    if idempotency is None:
        return GATEWAY if set(method.upper().split(",")) & MUTATING else OFF
    if idempotency not in MODES:
        raise ValueError(f"idempotency must be one of {MODES}, not {idempotency!r}")
    return idempotency


def request_key(request) -> str | None:
    """The request's `Idempotency-Key` (stripped), None when absent; 400 when empty or longer
    than 255 characters."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(
            "Idempotency-Key must be 1 to 255 characters",
            {"fields": {HEADER: ["Length must be between 1 and 255."]}},
        )
    return key


def fingerprint(request, body=None, limit: int | None = None) -> str:
    """What a repeat must match: the method, the path, and the body (the loaded body, so key order
    and spacing do not matter; the raw bytes, at most `limit` of them, when the route has no
    schema: an optional JSON body read by hand; a multipart upload by its parts; 413 above it)."""
    if body is None:
        raw = _raw_body(request, limit)
    else:
        raw = json.dumps(body, sort_keys=True, default=str, separators=(",", ":")).encode()
    head = f"{request.method} {request.path}\n".encode()
    return hashlib.sha256(head + raw).hexdigest()


def _raw_body(request, limit: int | None) -> bytes:
    if limit is not None:
        if request.content_length is not None and request.content_length > limit:
            raise PayloadTooLarge(f"body over {limit} bytes", {"limit": limit})
        request.max_content_length = limit  # bounds a chunked body too
    try:
        if request.mimetype == "multipart/form-data":
            return _parts_digest(request)
        # cached: the route's own parsing reads the same bytes afterwards
        return request.get_data(cache=True) or b""
    except RequestEntityTooLarge as exc:
        raise PayloadTooLarge(f"body over {limit} bytes", {"limit": limit}) from exc


def _parts_digest(request) -> bytes:
    """A multipart body by its parts, not its bytes: a client's retry frames the same fields and
    files with a new random boundary."""
    digest = hashlib.sha256()
    for name, value in sorted(request.form.items(multi=True)):
        digest.update(json.dumps(["field", name, value]).encode())
    for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        digest.update(json.dumps(["file", name, upload.filename]).encode())
        while chunk := upload.stream.read(65536):
            digest.update(chunk)
        upload.stream.seek(0)  # the route reads the file after this
    return digest.hexdigest().encode()


def idempotency(request, body=None) -> tuple[str | None, str]:
    """The request's `Idempotency-Key` and fingerprint, for the routes whose service stores the
    key itself (`idempotency="service"`: orders, payments)."""
    return request_key(request), fingerprint(request, body)


def scope_of(request, user_id: str | None, has_capability: bool) -> str | None:
    """Whose keys this request's key is among: the user's, or (anonymous) the path's, which
    carries the guest cart's id; None when an anonymous path carries nothing to scope by. The
    cart's are the only anonymous writes with path values: a new one whose path value is not a
    secret must be declared `idempotency="off"` or its callers would share answers."""
    if user_id is not None:
        return f"user:{user_id}"
    if not has_capability:
        return None
    return "path:" + hashlib.sha256(request.path.encode()).hexdigest()


@dataclass(frozen=True)
class Answer:
    """A stored final answer: status, body (text) and the headers a replay carries."""

    status: int
    body: str
    headers: dict[str, str]

    @classmethod
    def of(cls, response: Response) -> Answer:
        kept = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
        return cls(response.status_code, response.get_data(as_text=True), kept)

    def dumps(self) -> str:
        return json.dumps({"status": self.status, "body": self.body, "headers": self.headers})

    @classmethod
    def loads(cls, text: str) -> Answer:
        data = json.loads(text)
        return cls(int(data["status"]), data["body"], dict(data["headers"]))

    def response(self) -> Response:
        response = Response(self.body or None, status=self.status, headers=self.headers)
        response.headers[REPLAYED_HEADER] = "true"
        return response


class IdempotentResponses:
    """The Idempotency-Key store of the gateway (Redis): `respond` runs a keyed request once."""

    def __init__(self, redis_client, ttl: int = TTL, lease: int = LEASE):
        self.ttl = ttl
        self.lease = lease
        self._claim = redis_client.register_script(_CLAIM)
        self._settle = redis_client.register_script(_SETTLE)

    def respond(
        self,
        request,
        user_id: str | None,
        body,
        has_capability: bool,
        produce: Callable[[], Response],
        max_body: int,
    ) -> Response:
        """`produce()`'s response (it must turn errors into responses itself), once per
        (principal, key): a request without a key costs no Redis call, a keyed one two (claim,
        then store or free); a repeat costs one and gets the stored answer, or raises
        `IdempotencyKeyReused` / `RequestInFlight` (409)."""
        key = request_key(request)
        scope = scope_of(request, user_id, has_capability) if key is not None else None
        if scope is None:
            return produce()
        redis_key = f"idem:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"
        digest, token = fingerprint(request, body, max_body), secrets.token_hex(8)
        existing = self._claim(keys=[redis_key], args=[digest, token, self.lease])
        if existing is not None:
            return self._replay(key, digest, *existing)
        response = produce()
        self._store(redis_key, token, response)
        return response

    def _replay(self, key: str, digest: str, stored_digest, answer) -> Response:
        if stored_digest != digest:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was used with a different request",
                {"idempotency_key": key},
            )
        if not answer:
            raise RequestInFlight(
                "a request with this Idempotency-Key is still in progress",
                {"idempotency_key": key},
            )
        return Answer.loads(answer).response()

    def _store(self, redis_key: str, token: str, response: Response) -> None:
        # a 5xx is no answer: the key is freed so that the client's retry runs again
        answer = "" if response.status_code >= 500 else Answer.of(response).dumps()
        try:
            self._settle(keys=[redis_key], args=[token, answer, self.ttl])
        except Exception:
            # the client still gets its answer; the key stays leased and frees itself at LEASE
            log.exception("could not store the answer of an idempotent request")
