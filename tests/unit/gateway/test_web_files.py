"""The built web app answered from disk: cache headers per kind of file, precompressed copies by
Accept-Encoding, conditional GET, the two shells, and nothing outside the build."""

import gzip
import os

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Request

from gateway.web import Page, WebApp, content_security_policy, render_shell
from tests.unit.gateway.webdist import SCRIPT, make_dist

ASSET = "/assets/storefront-AbC123.js"


def client_for(web: WebApp) -> Client:
    def app(environ, start_response):
        return web.respond(Request(environ))(environ, start_response)

    return Client(app)


@pytest.fixture
def web(tmp_path):
    return WebApp(make_dist(tmp_path / "dist"))


@pytest.fixture
def client(web):
    return client_for(web)


def test_hashed_assets_are_cached_for_a_year_as_immutable(client):
    response = client.get(ASSET)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.get_data(as_text=True) == SCRIPT


def test_the_brotli_copy_is_chosen_when_accepted_else_gzip_else_the_file(client):
    brotli = client.get(ASSET, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert brotli.headers["Content-Encoding"] == "br"
    assert brotli.get_data().startswith(b"BROTLI")
    zipped = client.get(ASSET, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()).decode() == SCRIPT
    plain = client.get(ASSET, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data(as_text=True) == SCRIPT
    for response in (brotli, zipped, plain):
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"


def test_a_refused_encoding_is_not_sent(client):
    response = client.get(ASSET, headers={"Accept-Encoding": "br;q=0, gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


def test_a_file_without_copies_has_no_vary(client):
    response = client.get("/assets/storefront-AbC123.css", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"
    assert "Content-Encoding" not in response.headers and "Vary" not in response.headers


def test_a_conditional_get_with_the_etag_is_a_304(client):
    first = client.get(ASSET, headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    again = client.get(ASSET, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get(ASSET, headers={"Accept-Encoding": "br"})
    assert other.headers["ETag"] != etag  # each encoding is its own representation


def test_other_files_get_a_short_cache_and_their_type(client):
    response = client.get("/favicon.svg")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    assert response.headers["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize(
    "path", ["/", "/cart", "/products/a-lamp", "/account/orders", "/reset-password"]
)
def test_storefront_paths_get_the_storefront_shell_uncached(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "<title>Bazaar</title>" in response.get_data(as_text=True)
    assert "Content-Disposition" not in response.headers


@pytest.mark.parametrize("path", ["/admin", "/admin/", "/admin/orders/o-1", "/admin/index.html"])
def test_back_office_paths_get_the_back_office_shell(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert "<title>Bazaar back office</title>" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    ["/assets/storefront-Old999.js", "/assets/", "/robots.txt", "/config/bazaar.yaml", "/.env"],
)
def test_a_missing_file_is_a_404_not_the_shell(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "path", ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt", "/.built"]
)
def test_nothing_outside_the_build_nor_hidden_is_served(client, path):
    response = client.get(path)
    assert b"do not serve" not in response.get_data()
    assert response.status_code in (200, 404)
    if response.status_code == 200:  # the storefront's shell, never the file
        assert b"<!doctype html>" in response.get_data()


def test_without_a_build_the_shells_say_to_run_make_web(tmp_path):
    client = client_for(WebApp(tmp_path / "missing"))
    for path in ("/", "/admin", "/products/x"):
        response = client.get(path)
        assert response.status_code == 503
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "make web" in response.get_data(as_text=True)
    assert client.get(ASSET).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        *("/api", "/api/nothing", "/media/images/x.webp", "/ws", "/health", "/ready"),
        *("/metrics", "/sitemap.xml", "/sitemap-products-3.xml"),
    ],
)
def test_the_apis_paths_are_never_the_web_apps(web, path):
    assert not web.serves(Request.from_values(path))


def test_only_reads_are_the_web_apps(web):
    assert web.serves(Request.from_values("/cart"))
    assert web.serves(Request.from_values("/cart", method="HEAD"))
    assert not web.serves(Request.from_values("/cart", method="POST"))


def test_a_rebuilt_shell_is_read_again(web, tmp_path):
    assert "storefront-AbC123.js" in web.template()
    shell = tmp_path / "dist" / "index.html"
    shell.write_text(shell.read_text().replace("AbC123", "New456"))
    os.utime(shell, ns=(1, 10**18))  # a different mtime even within the same clock tick
    assert "storefront-New456.js" in web.template()


def test_a_page_goes_into_the_shell_at_its_marker_title_and_root(web):
    page = Page(
        title="Lamp | Bazaar",
        head='<meta name="description" content="A lamp" />',
        body="<main><h1>Lamp</h1></main>",
    )
    html = render_shell(web.template(), page)
    assert "<title>Lamp | Bazaar</title>" in html and "<title>Bazaar</title>" not in html
    assert html.count('name="description"') == 1 and 'content="A lamp"' in html
    assert "<!--bazaar:head-->" not in html
    assert html.index('content="A lamp"') < html.index("</head>")
    assert '<div id="root"><main><h1>Lamp</h1></main></div>' in html
    assert "/assets/storefront-AbC123.js" in html  # the build's own tags stay


def test_a_page_without_a_description_keeps_the_builds(web):
    html = render_shell(web.template(), Page(title="x", head='<meta name="robots" />'))
    assert "Bazaar: shop electronics" in html


def directives(policy: str) -> dict[str, list[str]]:
    parsed = (part.split() for part in policy.split(";"))
    return {name: sources for name, *sources in parsed}


def test_the_shells_carry_a_policy_without_stripe_unless_payments_use_it(tmp_path):
    root = str(make_dist(tmp_path / "dist"))
    simulated = WebApp.from_config({"WEB": {"root": root}, "PAYMENTS": {"provider": "simulated"}})
    shell = client_for(simulated).get("/cart")
    policy = directives(shell.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert "stripe" not in shell.headers["Content-Security-Policy"]
    stripe = WebApp.from_config({"WEB": {"root": root}, "PAYMENTS": {"provider": "stripe"}})
    policy = directives(client_for(stripe).get("/admin").headers["Content-Security-Policy"])
    assert "https://js.stripe.com" in policy["script-src"]
    assert "https://js.stripe.com" in policy["frame-src"]
    assert "https://api.stripe.com" in policy["connect-src"]


def test_images_from_a_media_origin_elsewhere_are_allowed():
    images = directives(content_security_policy(media_origin="https://cdn.example"))["img-src"]
    assert images == ["'self'", "data:", "blob:", "https://cdn.example"]
    app = WebApp.from_config({"MEDIA": {"base_url": "https://cdn.example/media"}})
    assert "https://cdn.example" in directives(app.policy)["img-src"]
    assert directives(WebApp.from_config({"MEDIA": {"base_url": "/media"}}).policy)["img-src"] == [
        "'self'",
        "data:",
        "blob:",
    ]
