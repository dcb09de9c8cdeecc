"""The headers a security review expects, on every kind of answer of a real gateway container
(gateway/security.py): API JSON, errors, unknown paths, preflights, the web app's files and
shells, /media, /metrics, /api/docs and the WebSocket upgrade's refusals. HSTS only when the shop
is configured as served over TLS; no Server banner, even on the answers eventlet writes itself.
The catalog is a stand-in (another service)."""

import socket

import pytest
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port

from gateway.openapi import DOCS_POLICY
from gateway.security import RESTRICTIVE_POLICY
from gateway.service import GatewayService
from gateway.web import content_security_policy
from tests.unit.gateway.test_seo import a_product
from tests.unit.gateway.webdist import make_dist

EVERYWHERE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L" + bytes(18)  # served as stored: never decoded


@pytest.fixture
def media_root(tmp_path):
    images = tmp_path / "media" / "images"
    images.mkdir(parents=True)
    (images / "p7.webp").write_bytes(WEBP)
    return images.parent


@pytest.fixture
def gateway_config(service_config, redis_client, tmp_path, media_root):
    return {
        **service_config,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}",
        "PUBLIC_URL": "http://shop.example",
        "WEB": {"root": str(make_dist(tmp_path / "dist")), "sitemap_page_size": 2},
        "MEDIA": {"root": str(media_root), "base_url": "/media"},
        "CORS_ORIGINS": "http://front.example",
    }


@pytest.fixture
def gateway(container_factory, gateway_config):
    container = container_factory(GatewayService, gateway_config)
    catalog = replace_dependencies(container, "catalog_rpc")
    catalog.get_product_by_slug.return_value = a_product()
    container.start()
    return container


def carries_the_common_headers(response) -> bool:
    return all(response.headers.get(name) == value for name, value in EVERYWHERE.items()) and (
        "Server" not in response.headers
    )


def test_api_json_errors_and_unknown_paths_carry_them_with_a_restrictive_policy(gateway, http):
    answers = {
        "health": http.get("/health"),
        "openapi": http.get("/api/openapi.json"),
        "401": http.get("/api/auth/profile"),
        "404": http.get("/api/nothing-here"),
        "405": http.delete("/api/auth/login"),
        "415": http.post("/api/auth/login", data="x", headers={"Content-Type": "text/plain"}),
        "metrics": http.get("/metrics"),
    }
    assert {name: a.status_code for name, a in answers.items()} == {
        "health": 200,
        "openapi": 200,
        "401": 401,
        "404": 404,
        "405": 405,
        "415": 415,
        "metrics": 200,
    }
    for name, answer in answers.items():
        assert carries_the_common_headers(answer), name
        assert answer.headers["Content-Security-Policy"] == RESTRICTIVE_POLICY, name
    assert "frame-ancestors 'none'" in RESTRICTIVE_POLICY


def test_a_preflight_carries_them_next_to_cors(gateway, http):
    preflight = http.options(
        "/api/products",
        headers={"Origin": "http://front.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://front.example"
    assert carries_the_common_headers(preflight)
    unknown = http.options("/api/nothing-here")
    assert unknown.status_code == 404 and carries_the_common_headers(unknown)


def test_html_pages_keep_their_own_policy_and_get_the_rest(gateway, http):
    web_policy = content_security_policy()
    pages = {
        "storefront": http.get("/"),
        "back office": http.get("/admin/orders"),
        "product shell": http.get("/products/aurora-desk-lamp"),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert page.headers["Content-Type"].startswith("text/html"), name
        assert carries_the_common_headers(page), name
        assert page.headers["Content-Security-Policy"] == web_policy, name
    docs = http.get("/api/docs")
    assert docs.headers["Content-Type"].startswith("text/html")
    assert docs.headers["Content-Security-Policy"] == DOCS_POLICY
    assert carries_the_common_headers(docs)


def test_static_files_and_images_carry_them_and_scripts_get_no_policy(gateway, http):
    script = http.get("/assets/storefront-AbC123.js")
    assert script.status_code == 200 and carries_the_common_headers(script)
    # a policy on a script would govern it as a worker: the pages' policy is the one that counts
    assert "Content-Security-Policy" not in script.headers
    missing = http.get("/assets/storefront-Gone99.js")
    assert missing.status_code == 404 and carries_the_common_headers(missing)
    image = http.get("/media/images/p7.webp")
    assert image.status_code == 200 and image.content == WEBP
    assert carries_the_common_headers(image)
    assert image.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"  # its own
    assert carries_the_common_headers(http.get("/media/images/none.webp"))


def test_the_websockets_refusals_carry_them(gateway, http):
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket"}
    old_version = http.get("/ws", headers={**upgrade, "Sec-WebSocket-Version": "7"})
    assert old_version.status_code == 426  # eventlet's WebSocketWSGI answers this itself
    assert carries_the_common_headers(old_version)
    no_key = http.get("/ws", headers={**upgrade, "Sec-WebSocket-Version": "13"})
    assert no_key.status_code == 400 and carries_the_common_headers(no_key)
    plain = http.get("/ws")
    assert plain.status_code == 404 and carries_the_common_headers(plain)


def raw_answer(address: str, request: bytes) -> bytes:
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


TOO_MANY_HEADERS = b"GET /health HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(101))


@pytest.mark.parametrize(
    ("sent", "status"),
    [
        (TOO_MANY_HEADERS, b"431"),  # http.server's send_error: it sent Server: BaseHTTP/0.6
        (b"GET /health HTTP/2.0\r\n", b"505"),
        (b"GARBAGE\r\n", b"400"),  # it answered a bare HTML body, as to HTTP/0.9
    ],
)
def test_a_request_http_server_refuses_gets_no_banner_and_the_headers(
    gateway, gateway_config, sent, status
):
    answer = raw_answer(gateway_config["WEB_SERVER_ADDRESS"], sent + b"\r\n")
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert head.split(b"\r\n")[0].split()[1] == status
    assert b"\r\nserver:" not in head
    assert b"\r\nx-content-type-options: nosniff" in head
    assert b"\r\nx-frame-options: deny" in head
    assert b"\r\ncontent-security-policy: default-src 'none'" in head


def test_no_hsts_when_the_shop_is_served_over_plain_http(gateway, http):
    assert "Strict-Transport-Security" not in http.get("/health").headers


@pytest.mark.parametrize(
    "settings",
    [{"PUBLIC_URL": "https://shop.example"}, {"SECURITY": {"tls": True, "hsts_max_age": 600}}],
)
def test_hsts_on_every_answer_when_served_over_tls(container_factory, gateway_config, settings):
    import requests

    container = container_factory(GatewayService, {**gateway_config, **settings})
    container.start()
    base = f"http://{gateway_config['WEB_SERVER_ADDRESS']}"
    expected = f"max-age={settings.get('SECURITY', {}).get('hsts_max_age', 31536000)}"
    for path in ("/health", "/", "/api/nothing-here", "/assets/storefront-AbC123.js"):
        assert requests.get(base + path, timeout=5).headers["Strict-Transport-Security"] == expected
