"""The whole platform serves its web app: the built storefront, a product's shell made from the
real catalog, the sitemap paged from it, the API reference, and the document the web client is
generated from."""

import json
import re

from gateway.openapi import gateway_spec
from tests.e2e.test_catalog import new_product


def test_the_storefront_and_back_office_are_served_from_the_gateway(api):
    home = api.get("/")
    assert home.status_code == 200, "is web/ built? (make web)"
    assets = [
        api.get(path, headers={"Accept-Encoding": "br"})
        for path in re.findall(r'(?:src|href)="(/assets/[^"]+)"', home.text)
    ]
    assert assets and {a.status_code for a in assets} == {200}
    assert {a.headers["Cache-Control"] for a in assets} == {"public, max-age=31536000, immutable"}
    # the build precompresses every file of 256 bytes or more
    assert "br" in {a.headers.get("Content-Encoding") for a in assets}
    assert "<title>Bazaar back office</title>" in api.get("/admin/orders").text
    assert api.get("/api/no-such-thing").json()["error"] == "ROUTE_NOT_FOUND"


def test_a_product_shell_shows_what_the_api_says(api):
    product = api.get("/api/products", params={"limit": 1}).json()["data"][0]
    shell = api.get(f"/products/{product['slug']}")
    assert shell.status_code == 200
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', shell.text)
    data = json.loads(found.group(1))
    assert data["name"] == product["name"] and data["sku"] == product["id"]
    assert data["offers"]["price"] == product["price"]
    assert data["offers"]["priceCurrency"] == product["currency"]
    assert api.get("/products/no-such-product").status_code == 404


def test_a_new_product_appears_in_its_shell_and_the_sitemap(api, seller_headers):
    created = new_product(api, seller_headers).json()
    shell = api.get(f"/products/{created['slug']}")
    assert created["name"] in shell.text
    index = api.get("/sitemap.xml")
    pages = re.findall(r"<loc>[^<]+(/sitemap-products-\d+\.xml)</loc>", index.text)
    assert pages

    # every product falls in exactly one page: the last one is open-ended, so a product made
    # after the page boundaries were cached is listed too
    listed = [page for page in pages if f"/products/{created['slug']}</loc>" in api.get(page).text]
    assert len(listed) == 1
    categories = api.get("/sitemap-categories.xml").text
    assert "/categories/" in categories


def test_the_api_reference_and_the_document_the_client_is_generated_from(api, config):
    docs = api.get("/api/docs")
    assert docs.status_code == 200 and "/api-docs/swagger-ui-bundle.js" in docs.text
    assert api.get("/api-docs/swagger-ui-bundle.js").status_code == 200
    assert api.get("/api/openapi.json").json() == gateway_spec(config)
