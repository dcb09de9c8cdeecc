"""The web app on a real gateway container and Redis, next to the API: static files outside the
rate limits, the SPA fallback that leaves the API's 404s and 405s alone, product shells made with
one cached RPC, the sitemap, the API reference page. The catalog is a stand-in."""

import re

import pytest
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port

from gateway.cache import ResponseCache
from gateway.openapi import DOCS_POLICY, gateway_spec
from gateway.service import GatewayService
from gateway.web import content_security_policy
from services.catalog.exceptions import ProductNotFound
from tests.unit.gateway.test_seo import a_product
from tests.unit.gateway.webdist import make_dist

BASE = "https://shop.example"
READ_LIMIT = 4


@pytest.fixture
def dist(tmp_path):
    return make_dist(tmp_path / "dist")


@pytest.fixture
def gateway_config(service_config, redis_client, dist):
    return {
        **service_config,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}",
        "PUBLIC_URL": BASE,
        "WEB": {"root": str(dist), "sitemap_page_size": 2, "sitemap_ttl": 60},
        "RATE_LIMITS": {
            "auth": {"limit": 1000, "window": 60},
            "read": {"limit": READ_LIMIT, "window": 60},
            "write": {"limit": 1000, "window": 60},
        },
    }


@pytest.fixture
def catalog(container_factory, gateway_config):
    container = container_factory(GatewayService, gateway_config)
    catalog = replace_dependencies(container, "catalog_rpc")
    catalog.get_product_by_slug.return_value = a_product()
    container.start()
    return catalog


def test_a_page_load_of_many_assets_is_not_rate_limited(catalog, http):
    answers = [http.get("/assets/storefront-AbC123.js") for _ in range(READ_LIMIT * 3)]
    answers += [http.get("/cart") for _ in range(READ_LIMIT * 3)]
    assert {a.status_code for a in answers} == {200}
    assert all(a.headers["X-Request-Id"] for a in answers)


def test_the_storefront_and_back_office_shells_are_served_at_their_paths(catalog, http):
    home = http.get("/")
    assert home.status_code == 200 and "<title>Bazaar</title>" in home.text
    assert home.headers["Cache-Control"] == "no-cache"
    assert "<title>Bazaar back office</title>" in http.get("/admin/orders/o-1").text
    asset = http.get("/assets/storefront-AbC123.js", headers={"Accept-Encoding": "gzip"})
    assert asset.headers["Content-Encoding"] == "gzip"
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_the_apis_own_answers_are_untouched_by_the_fallback(catalog, http):
    unknown = http.get("/api/nothing-here")
    assert unknown.status_code == 404 and unknown.json()["error"] == "ROUTE_NOT_FOUND"
    assert http.post("/api/nothing-here", json={}).json()["error"] == "ROUTE_NOT_FOUND"
    assert http.delete("/api/auth/login").json()["error"] == "METHOD_NOT_ALLOWED"
    assert http.get("/api/products/featured").status_code == 200  # an API route still answers
    media = http.get("/media/images/missing.webp")
    assert media.status_code == 404 and media.headers["Content-Type"] == "application/json"
    assert http.get("/ws").json()["error"] == "ROUTE_NOT_FOUND"  # not an upgrade
    assert http.get("/health").json() == {"status": "ok"}
    assert http.post("/cart", json={}).status_code == 404  # the web app answers reads only
    preflight = http.options("/cart")  # no route has this path: a JSON 404, never a 500
    assert preflight.status_code == 404 and preflight.json()["error"] == "ROUTE_NOT_FOUND"


def test_a_product_shell_carries_the_product_and_is_made_from_one_cached_rpc(catalog, http):
    first = http.get("/products/aurora-desk-lamp")
    assert first.status_code == 200
    assert "<title>Aurora Desk Lamp | Bazaar</title>" in first.text
    assert f'<link rel="canonical" href="{BASE}/products/aurora-desk-lamp" />' in first.text
    assert '"@type":"Product"' in first.text and '"price":"49.99"' in first.text
    assert "<h1>Aurora Desk Lamp</h1>" in first.text and "$49.99" in first.text
    assert "/assets/storefront-AbC123.js" in first.text  # the build's own shell
    assert first.headers["Cache-Control"] == "no-cache"
    second = http.get("/products/aurora-desk-lamp")
    assert second.text == first.text
    catalog.get_product_by_slug.assert_called_once_with("aurora-desk-lamp")
    revalidated = http.get(
        "/products/aurora-desk-lamp", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert revalidated.status_code == 304


def test_a_catalog_change_makes_the_shell_ask_again(catalog, http, redis_client):
    http.get("/products/aurora-desk-lamp")
    ResponseCache(redis_client, ttl=0).invalidate("catalog")  # what a product_updated does
    catalog.get_product_by_slug.return_value = a_product(name="Aurora Lamp II")
    assert "<title>Aurora Lamp II | Bazaar</title>" in http.get("/products/aurora-desk-lamp").text
    assert catalog.get_product_by_slug.call_count == 2


def test_an_unknown_product_is_the_shell_with_a_404_and_noindex(catalog, http):
    catalog.get_product_by_slug.side_effect = ProductNotFound("no", {"slug": "nope"})
    response = http.get("/products/nope")
    assert response.status_code == 404
    assert '<meta name="robots" content="noindex" />' in response.text
    assert "/assets/storefront-AbC123.js" in response.text  # the app still loads and says so


def test_a_catalog_outage_still_serves_the_app_with_a_503(catalog, http):
    catalog.get_product_by_slug.side_effect = RuntimeError("catalog down")
    response = http.get("/products/aurora-desk-lamp")
    assert response.status_code == 503
    assert "/assets/storefront-AbC123.js" in response.text


def test_a_category_shell_comes_from_the_category(catalog, http):
    catalog.get_category.return_value = {
        "id": "c-1",
        "slug": "lighting",
        "name": "Lighting",
        "description": "Lamps & lights",
        "children": [],
    }
    response = http.get("/categories/lighting")
    assert "<title>Lighting | Bazaar</title>" in response.text
    assert 'content="Lamps &amp; lights"' in response.text
    catalog.get_category.assert_called_once_with("lighting")


def test_the_sitemap_pages_the_catalog(catalog, http):
    catalog.product_slug_pages.return_value = [
        {"after": None, "count": 2, "lastmod": "2026-11-02T00:00:00+00:00"},
        {"after": "p-2", "count": 1, "lastmod": "2026-11-03T00:00:00+00:00"},
    ]
    rows = [{"id": f"p-{n}", "slug": f"item-{n}", "updated_at": "2026-11-01"} for n in (1, 2, 3)]
    catalog.list_product_slugs.side_effect = lambda after, limit, upto: [
        r for r in rows if (after is None or r["id"] > after) and (upto is None or r["id"] <= upto)
    ][:limit]
    catalog.list_category_slugs.return_value = [{"id": "c", "slug": "lighting", "updated_at": None}]
    index = http.get("/sitemap.xml")
    assert index.status_code == 200 and index.headers["Content-Type"].startswith("application/xml")
    assert re.findall(r"<loc>([^<]+)</loc>", index.text) == [
        f"{BASE}/sitemap-categories.xml",
        f"{BASE}/sitemap-products-1.xml",
        f"{BASE}/sitemap-products-2.xml",
    ]
    page = http.get("/sitemap-products-2.xml")
    assert re.findall(r"<loc>([^<]+)</loc>", page.text) == [f"{BASE}/products/item-3"]
    assert page.headers["Content-Encoding"] == "gzip"  # requests accepts gzip
    assert http.get("/sitemap-products-3.xml").status_code == 404
    assert f"{BASE}/categories/lighting" in http.get("/sitemap-categories.xml").text
    catalog.product_slug_pages.assert_called_once_with(2)  # boundaries kept in Redis


def test_the_api_reference_loads_swagger_ui_from_the_build(catalog, http, dist):
    (dist / "api-docs").mkdir()
    (dist / "api-docs" / "swagger-ui-bundle.js").write_text("window.SwaggerUIBundle = 1;")
    page = http.get("/api/docs")
    assert page.status_code == 200
    assert '<script src="/api-docs/swagger-ui-bundle.js"></script>' in page.text
    assert '<link rel="stylesheet" href="/api-docs/swagger-ui.css" />' in page.text
    assert "<script>" not in page.text  # no inline script: the policy forbids it
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert http.get("/api-docs/swagger-ui-bundle.js").status_code == 200


def test_every_html_shell_carries_the_web_apps_policy_and_the_reference_keeps_its_own(
    catalog, http, dist
):
    shells = [http.get(path) for path in ("/", "/cart", "/admin/orders/o-1")]
    shells.append(http.get("/products/aurora-desk-lamp"))  # a page made from the catalog
    catalog.get_product_by_slug.side_effect = ProductNotFound("no", {"slug": "nope"})
    shells.append(http.get("/products/nope"))
    policies = {shell.headers.get("Content-Security-Policy") for shell in shells}
    assert policies == {content_security_policy()}  # simulated payments: no Stripe origin
    assert "Content-Security-Policy" not in http.get("/assets/storefront-AbC123.js").headers
    (dist / "api-docs").mkdir()
    (dist / "api-docs" / "swagger-ui-bundle.js").write_text("window.SwaggerUIBundle = 1;")
    assert http.get("/api/docs").headers["Content-Security-Policy"] == DOCS_POLICY


def test_the_api_reference_says_to_build_when_its_assets_are_missing(catalog, http):
    page = http.get("/api/docs")
    assert page.status_code == 503 and "make web" in page.text


def test_the_served_openapi_document_is_the_one_the_web_client_is_generated_from(
    catalog, http, gateway_config
):
    served = http.get("/api/openapi.json").json()
    assert served == gateway_spec(gateway_config)
    assert not any(path.startswith(("/products", "/sitemap")) for path in served["paths"])
