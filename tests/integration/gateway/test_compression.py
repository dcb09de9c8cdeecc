"""gzip negotiation on a real gateway container and Redis (gateway/compression.py): a product page
is compressed when the client accepts gzip, identical once decompressed, with the right
Content-Length and Vary; small answers and refusing clients get identity; cache hits are
compressed too; HEAD and 304 agree with GET; files the build precompressed are sent as they are.
The catalog is a stand-in (another service)."""

import gzip
import http.client
import json

import pytest
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port

from gateway.service import GatewayService
from tests.unit.gateway.test_seo import a_product
from tests.unit.gateway.webdist import make_dist


def a_page(count: int) -> dict:
    products = [
        a_product(id=f"prod-{n}", slug=f"aurora-desk-lamp-{n}", name=f"Aurora Desk Lamp {n}")
        for n in range(count)
    ]
    return {"data": products, "meta": {"page": 1, "limit": count, "total": 200, "total_pages": 10}}


@pytest.fixture
def dist(tmp_path):
    return make_dist(tmp_path / "dist")


@pytest.fixture
def gateway_config(service_config, redis_client, dist):
    return {
        **service_config,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}",
        "WEB": {"root": str(dist), "sitemap_page_size": 2},
        "COMPRESSION": {"level": 5, "min_bytes": 1024},
    }


@pytest.fixture
def catalog(container_factory, gateway_config):
    container = container_factory(GatewayService, gateway_config)
    catalog = replace_dependencies(container, "catalog_rpc")
    catalog.list_products.return_value = a_page(20)
    catalog.get_product_by_slug.return_value = a_product()
    container.start()
    return catalog


@pytest.fixture
def raw(gateway_config):
    """`raw(method, path, headers)` -> (status, headers, body as sent on the wire): no client
    that decodes gzip by itself."""
    host, port = gateway_config["WEB_SERVER_ADDRESS"].rsplit(":", 1)

    def send(method: str, path: str, headers: dict | None = None):
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        try:
            conn.request(method, path, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    return send


GZIP = {"Accept-Encoding": "gzip, deflate, br"}
IDENTITY = {"Accept-Encoding": "identity"}


def test_a_product_page_is_gzipped_when_accepted_and_decompresses_to_the_same_json(catalog, raw):
    status, headers, body = raw("GET", "/api/products?limit=20", GZIP)
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert int(headers["Content-Length"]) == len(body)
    plain = raw("GET", "/api/products?limit=20", IDENTITY)[2]
    assert json.loads(gzip.decompress(body)) == json.loads(plain)
    assert len(body) < len(plain) / 3


def test_identity_when_gzip_is_not_accepted_with_vary_and_the_right_length(catalog, raw):
    for headers in (IDENTITY, {}, {"Accept-Encoding": "gzip;q=0, br"}):
        status, answer, body = raw("GET", "/api/products?limit=20", headers)
        assert status == 200
        assert "Content-Encoding" not in answer, headers
        assert "Accept-Encoding" in answer["Vary"]
        assert int(answer["Content-Length"]) == len(body)
        assert len(json.loads(body)["data"]) == 20


def test_a_small_answer_is_sent_as_it_is(catalog, raw):
    catalog.list_products.return_value = a_page(1)
    status, headers, body = raw("GET", "/api/products?q=one", GZIP)
    assert status == 200 and len(body) < 1024
    assert "Content-Encoding" not in headers
    assert "Accept-Encoding" in headers["Vary"]  # a larger one would have been compressed
    assert json.loads(body)["data"][0]["id"] == "prod-0"
    _, health, _ = raw("GET", "/health", GZIP)
    assert "Content-Encoding" not in health


def test_a_cache_hit_is_compressed_too(catalog, raw):
    first = raw("GET", "/api/products?q=lamp", GZIP)
    second = raw("GET", "/api/products?q=lamp", GZIP)
    assert [first[1]["X-Cache"], second[1]["X-Cache"]] == ["MISS", "HIT"]
    assert second[1]["Content-Encoding"] == "gzip"
    assert int(second[1]["Content-Length"]) == len(second[2])
    assert gzip.decompress(second[2]) == gzip.decompress(first[2])
    assert catalog.list_products.call_count == 1
    _, identity_hit, plain = raw("GET", "/api/products?q=lamp", IDENTITY)
    assert identity_hit["X-Cache"] == "HIT" and "Content-Encoding" not in identity_hit
    assert plain == gzip.decompress(first[2])


def test_head_has_the_headers_get_has_and_no_body(catalog, raw):
    _, get_headers, get_body = raw("GET", "/api/products?limit=20", GZIP)
    status, headers, body = raw("HEAD", "/api/products?limit=20", GZIP)
    assert status == 200 and body == b""
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Content-Length"] == get_headers["Content-Length"] == str(len(get_body))


def test_the_gzip_variant_of_a_page_has_a_weak_etag_that_revalidates(catalog, raw):
    catalog.get_product_by_slug.return_value = a_product(description="A warm lamp. " * 100)
    status, zipped, body = raw("GET", "/products/aurora-desk-lamp", GZIP)
    assert status == 200 and zipped["Content-Encoding"] == "gzip"
    _, plain, _ = raw("GET", "/products/aurora-desk-lamp", IDENTITY)
    strong = plain["ETag"]
    assert not strong.startswith("W/") and zipped["ETag"] == f"W/{strong}"
    for etag, accept in ((zipped["ETag"], GZIP), (strong, IDENTITY), (strong, GZIP)):
        status, headers, body = raw(
            "GET", "/products/aurora-desk-lamp", {**accept, "If-None-Match": etag}
        )
        assert status == 304 and body == b"", (etag, accept)
        assert headers["ETag"] == (zipped["ETag"] if accept is GZIP else strong)


def test_a_precompressed_file_is_sent_as_built_never_compressed_twice(catalog, raw, dist):
    script = dist / "assets" / "storefront-AbC123.js"
    status, headers, body = raw("GET", "/assets/storefront-AbC123.js", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert body == script.with_name(script.name + ".gz").read_bytes()
    _, plain_headers, plain = raw("GET", "/assets/storefront-AbC123.js", IDENTITY)
    assert "Content-Encoding" not in plain_headers and plain == script.read_bytes()
