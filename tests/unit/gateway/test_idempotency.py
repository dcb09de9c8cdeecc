"""The Idempotency-Key rules of gateway/idempotency.py that need no Redis: which routes are keyed,
what a repeat must match, whose keys a request's key is among, what a replay carries, and what the
OpenAPI document states."""

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from gateway.errors import PayloadTooLarge
from gateway.idempotency import (
    GATEWAY,
    OFF,
    SERVICE,
    Answer,
    fingerprint,
    idempotency,
    mode_of,
    request_key,
    scope_of,
)
from gateway.openapi import gateway_spec
from services.common.errors import ValidationFailed


def make_request(method="POST", path="/api/cart/c1/items", key=None, **kwargs) -> Request:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return Request(
        EnvironBuilder(method=method, path=path, headers=headers, **kwargs).get_environ()
    )


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_mutating_route_is_keyed_by_the_gateway_unless_declared_otherwise(method):
    assert mode_of(method, None) == GATEWAY
    assert mode_of(method, SERVICE) == SERVICE
    assert mode_of(method, OFF) == OFF


def test_a_read_is_not_keyed():
    assert mode_of("GET", None) == OFF


def test_a_misspelt_mode_fails_at_declaration():
    with pytest.raises(ValueError, match="idempotency must be one of"):
        mode_of("POST", "servce")


def test_the_key_is_read_stripped_and_absent_means_none():
    assert request_key(make_request(key="  abc-1  ")) == "abc-1"
    assert request_key(make_request()) is None


@pytest.mark.parametrize("bad", ["", "   ", "k" * 256])
def test_an_empty_or_over_long_key_is_a_400_naming_the_header(bad):
    with pytest.raises(ValidationFailed) as refused:
        request_key(make_request(key=bad))
    assert "Idempotency-Key" in refused.value.details["fields"]


def test_a_key_of_255_characters_is_accepted():
    assert request_key(make_request(key="k" * 255)) == "k" * 255


def test_the_fingerprint_ignores_key_order_of_a_loaded_body():
    request = make_request()
    assert fingerprint(request, {"a": 1, "b": 2}) == fingerprint(request, {"b": 2, "a": 1})


def test_the_fingerprint_differs_by_body_path_and_method():
    body = {"productId": "mug", "quantity": 1}
    base = fingerprint(make_request(), body)
    assert fingerprint(make_request(), {**body, "quantity": 2}) != base
    assert fingerprint(make_request(path="/api/cart/c2/items"), body) != base
    assert fingerprint(make_request(method="PUT"), body) != base


def test_a_route_without_a_schema_is_fingerprinted_by_its_raw_body():
    one = make_request(data=b"image-bytes-1", content_type="application/octet-stream")
    two = make_request(data=b"image-bytes-2", content_type="application/octet-stream")
    assert fingerprint(one, None, 1024) != fingerprint(two, None, 1024)
    # the route reads the same bytes afterwards: they are cached, not consumed
    assert one.get_data() == b"image-bytes-1"


def upload(content: bytes, boundary: str) -> Request:
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="image"; filename="a.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return make_request(data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_multipart_upload_is_fingerprinted_by_its_parts_not_its_boundary():
    one, two = upload(b"png-bytes", "aaaa"), upload(b"png-bytes", "bbbb")
    assert fingerprint(one, None, 4096) == fingerprint(two, None, 4096)
    assert fingerprint(upload(b"other", "aaaa"), None, 4096) != fingerprint(one, None, 4096)
    assert one.files["image"].read() == b"png-bytes"  # the route still reads the whole file


def test_a_raw_body_over_the_routes_limit_is_a_413_before_it_is_hashed():
    request = make_request(data=b"x" * 2048, content_type="application/octet-stream")
    with pytest.raises(PayloadTooLarge):
        fingerprint(request, None, 1024)


def test_orders_and_payments_get_the_same_key_and_fingerprint_as_the_gateway():
    request = make_request(path="/api/orders", key="order-1")
    body = {"cartId": "c1"}
    assert idempotency(request, body) == ("order-1", fingerprint(request, body))


def test_a_signed_in_users_keys_are_their_own():
    request = make_request()
    assert scope_of(request, "u-1", True) == "user:u-1"
    assert scope_of(request, "u-1", False) == "user:u-1"
    assert scope_of(request, "u-2", True) != scope_of(request, "u-1", True)


def test_an_anonymous_key_is_scoped_by_the_path_that_carries_the_guest_cart():
    one = scope_of(make_request(path="/api/cart/guest-a/items"), None, True)
    two = scope_of(make_request(path="/api/cart/guest-b/items"), None, True)
    assert one is not None and two is not None and one != two
    assert "guest-a" not in one  # the capability is not written into Redis key names


def test_an_anonymous_key_on_a_path_without_a_capability_is_not_kept():
    assert scope_of(make_request(path="/api/cart"), None, False) is None


def test_a_stored_answer_replays_status_body_and_kept_headers_marked_as_a_replay():
    first = Response(
        b'{"id":"c1"}',
        status=201,
        headers={"Location": "/api/cart/c1", "X-Request-Id": "req-first"},
        content_type="application/json",
    )
    replay = Answer.loads(Answer.of(first).dumps()).response()
    assert replay.status_code == 201
    assert replay.get_data() == b'{"id":"c1"}'
    assert replay.headers["Location"] == "/api/cart/c1"
    assert replay.headers["Content-Type"] == "application/json"
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert "X-Request-Id" not in replay.headers  # the new request's own, set by the WSGI app


def test_a_stored_204_replays_without_a_body():
    replay = Answer.loads(Answer.of(Response(status=204)).dumps()).response()
    assert replay.status_code == 204 and replay.get_data() == b""


def test_the_openapi_document_states_the_header_on_every_keyed_operation_only(config):
    spec = gateway_spec(config)
    keyed, unkeyed = set(), set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            names = {p.get("name") for p in operation.get("parameters", [])}
            (keyed if "Idempotency-Key" in names else unkeyed).add(f"{method.upper()} {path}")
    for operation in [
        "POST /api/cart/{cartId}/items",
        "PUT /api/cart/{cartId}/items/{productId}",
        "DELETE /api/cart/{cartId}/items/{productId}",
        "POST /api/cart/{cartId}/coupon",
        "POST /api/reviews",
        "POST /api/reviews/{reviewId}/helpful",
        "POST /api/users/addresses",
        "PATCH /api/admin/users/{userId}",
        "POST /api/orders",  # keyed by the orders service itself
        "POST /api/payments/refund",
    ]:
        assert operation in keyed
    assert {"POST /api/payments/webhook", "POST /api/auth/login", "GET /api/products"} <= unkeyed
    assert not {op for op in keyed if op.startswith("GET ")}
    add = spec["paths"]["/api/cart/{cartId}/items"]["post"]["responses"]["200"]
    assert "Idempotent-Replayed" in add["headers"]
