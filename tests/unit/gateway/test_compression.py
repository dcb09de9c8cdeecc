"""Which answers gateway/compression.py compresses, on plain werkzeug requests and responses."""

import gzip

import orjson
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import wrap_file

from gateway.compression import Compression

BODY = orjson.dumps({"data": [{"id": f"prod-{n}", "name": "Aurora Desk Lamp"} for n in range(40)]})


def a_request(accept: str | None = "gzip", method: str = "GET") -> Request:
    headers = {"Accept-Encoding": accept} if accept is not None else {}
    return Request(EnvironBuilder(method=method, headers=headers).get_environ())


def a_json(body: bytes = BODY, status: int = 200, **headers) -> Response:
    return Response(body, status=status, content_type="application/json", headers=headers)


@pytest.fixture
def compression():
    return Compression(level=5, min_bytes=1024)


def test_json_over_the_threshold_is_gzipped_with_its_length(compression):
    response = compression.negotiate(a_request(), a_json())
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Content-Length"] == str(len(response.get_data()))
    assert gzip.decompress(response.get_data()) == BODY
    assert response.vary.as_set() == {"accept-encoding"}


def test_a_body_under_the_threshold_stays_identity_but_varies(compression):
    response = compression.negotiate(a_request(), a_json(BODY[:1023]))
    assert "Content-Encoding" not in response.headers and response.get_data() == BODY[:1023]
    assert "accept-encoding" in response.vary.as_set()
    exactly = compression.negotiate(a_request(), a_json(BODY[:1024]))
    assert exactly.headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "accept", [None, "identity", "gzip;q=0", "br, deflate", "identity, *;q=0", "br, gzip;q=0.0"]
)
def test_a_client_that_does_not_accept_gzip_gets_identity(compression, accept):
    response = compression.negotiate(a_request(accept), a_json())
    assert "Content-Encoding" not in response.headers and response.get_data() == BODY
    assert "accept-encoding" in response.vary.as_set()


@pytest.mark.parametrize("accept", ["*", "GZIP", "br;q=1, gzip;q=0.5", "br, *;q=0.1", "gzip, br"])
def test_gzip_is_accepted_by_name_or_wildcard_with_any_positive_q(compression, accept):
    assert compression.negotiate(a_request(accept), a_json()).headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "response",
    [
        Response(BODY, content_type="image/webp"),
        Response(BODY, content_type="application/octet-stream"),
        a_json(**{"Content-Encoding": "br"}),
        a_json(**{"Cache-Control": "no-transform"}),
        a_json(status=206, **{"Content-Range": "bytes 0-99/5000"}),
        a_json(status=204),
    ],
    ids=["image", "binary", "already encoded", "no-transform", "partial", "no content"],
)
def test_what_must_not_be_compressed_is_left_alone(compression, response):
    before = response.get_data()
    after = compression.negotiate(a_request(), response)
    assert after.get_data() == before
    assert after.headers.get("Content-Encoding") in (None, "br")


def test_a_file_passed_through_is_never_read_or_compressed(compression, tmp_path):
    path = tmp_path / "app.js"
    path.write_bytes(BODY)
    request = a_request()
    with path.open("rb") as stream:
        response = Response(
            wrap_file(request.environ, stream),
            content_type="text/javascript",
            direct_passthrough=True,
        )
        after = compression.negotiate(request, response)
        assert "Content-Encoding" not in after.headers and after.direct_passthrough


def test_html_xml_and_text_are_compressed_too(compression):
    for content_type in ("text/html; charset=utf-8", "application/xml", "text/plain"):
        response = Response(BODY, content_type=content_type)
        assert compression.negotiate(a_request(), response).headers["Content-Encoding"] == "gzip"


def test_the_gzip_variant_weakens_the_etag_and_a_304_carries_the_same(compression):
    response = a_json()
    response.set_etag("abc")
    assert compression.negotiate(a_request(), response).headers["ETag"] == 'W/"abc"'
    not_modified = a_json(status=304)
    not_modified.set_etag("abc")
    after = compression.negotiate(a_request(), not_modified)
    assert after.headers["ETag"] == 'W/"abc"' and "Content-Encoding" not in after.headers
    identity = a_json()
    identity.set_etag("abc")
    assert compression.negotiate(a_request("identity"), identity).headers["ETag"] == '"abc"'


def test_a_level_outside_zlibs_range_is_refused():
    with pytest.raises(ValueError, match="1-9"):
        Compression(level=0)


def test_the_config_gives_level_and_threshold():
    compression = Compression.from_config({"COMPRESSION": {"level": 1, "min_bytes": 4096}})
    assert (compression.level, compression.min_bytes) == (1, 4096)
    assert (Compression.from_config({}).level, Compression.from_config({}).min_bytes) == (5, 1024)


@pytest.fixture
def compressions(monkeypatch):
    """The bodies zlib was asked to compress, in order."""
    import gateway.compression as module

    asked = []
    real = module.gzip_bytes

    def counting(data, level):
        asked.append(data)
        return real(data, level)

    monkeypatch.setattr(module, "gzip_bytes", counting)
    return asked


def test_a_response_cache_answer_is_compressed_once_per_process(compression, compressions):
    answers = [
        compression.negotiate(a_request(), a_json(**{"X-Cache": cache}))
        for cache in ("MISS", "HIT", "HIT")
    ]
    assert len(compressions) == 1
    assert {gzip.decompress(a.get_data()) for a in answers} == {BODY}
    assert all(a.headers["Content-Length"] == str(len(a.get_data())) for a in answers)


def test_an_answer_of_no_cache_is_compressed_every_time(compression, compressions):
    for _ in range(3):
        compression.negotiate(a_request(), a_json())
    assert len(compressions) == 3


def test_the_remembered_gzip_is_bounded_least_recently_used_first_out(compressions):
    bodies = [BODY.replace(b"prod-0", b"prod-%d" % n, 1) for n in range(5, 10)]  # same length
    entry = max(len(b) + len(gzip.compress(b, 5, mtime=0)) for b in bodies)
    compression = Compression(memo_bytes=4 * entry + 10)  # room for four, not five
    for body in (*bodies[:4], bodies[0], bodies[4], bodies[0], bodies[1]):
        compression.negotiate(a_request(), a_json(body, **{"X-Cache": "HIT"}))
    # four compressed and remembered; the first asked again is remembered; the fifth pushes
    # out the least recently used (the second), which is compressed again
    assert compressions == [*bodies[:4], bodies[4], bodies[1]]


def test_a_body_too_large_for_a_quarter_of_the_memory_is_not_remembered(compressions):
    compression = Compression(memo_bytes=len(BODY))
    for _ in range(2):
        compression.negotiate(a_request(), a_json(**{"X-Cache": "HIT"}))
    assert len(compressions) == 2
