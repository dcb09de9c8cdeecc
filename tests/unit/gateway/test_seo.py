"""What a product's or category's shell says before any script runs, from the catalog's RPC
shapes: meta, canonical URL, Open Graph, schema.org JSON-LD, the crawler's summary; escaped."""

import html
import json
import re

from gateway.seo import category_page, json_ld, not_found_page, plain, product_page

BASE = "https://shop.example"


def a_product(**overrides):
    return {
        "id": "prod-7",
        "slug": "aurora-desk-lamp",
        "name": "Aurora Desk Lamp",
        "description": "A warm   LED lamp\nfor long evenings.",
        "brand": "Lumen",
        "category": {"id": "c-1", "slug": "lighting", "name": "Lighting"},
        "price": 4999,
        "currency": "USD",
        "images": [
            {"url": "/media/images/p7.webp", "large_url": "/media/images/p7-large.webp"},
            {"url": "https://cdn.example/p7-2.webp", "large_url": None},
        ],
        "image": "/media/images/p7.webp",
        "in_stock": True,
        "rating_average": 4.25,
        "rating_count": 12,
        **overrides,
    }


def meta(head: str, key: str) -> str:
    found = re.search(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)" />', head)
    assert found, f"no {key} in {head}"
    return html.unescape(found.group(1))


def ld_of(head: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)
    assert found
    return json.loads(found.group(1))


def test_a_product_page_carries_title_description_canonical_and_open_graph():
    page = product_page(a_product(), BASE)
    url = f"{BASE}/products/aurora-desk-lamp"
    assert page.status == 200 and page.title == "Aurora Desk Lamp | Bazaar"
    assert meta(page.head, "description") == "A warm LED lamp for long evenings."
    assert f'<link rel="canonical" href="{url}" />' in page.head
    assert meta(page.head, "og:title") == "Aurora Desk Lamp | Bazaar"
    assert meta(page.head, "og:description") == "A warm LED lamp for long evenings."
    assert meta(page.head, "og:url") == url
    assert meta(page.head, "og:type") == "product"
    assert meta(page.head, "og:image") == f"{BASE}/media/images/p7-large.webp"


def test_a_product_page_carries_a_schema_org_product():
    data = ld_of(product_page(a_product(), BASE).head)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
    assert data["name"] == "Aurora Desk Lamp"
    assert data["sku"] == "prod-7"
    assert data["brand"] == {"@type": "Brand", "name": "Lumen"}
    assert data["image"] == [f"{BASE}/media/images/p7-large.webp", "https://cdn.example/p7-2.webp"]
    assert data["offers"] == {
        "@type": "Offer",
        "url": f"{BASE}/products/aurora-desk-lamp",
        "price": "49.99",
        "priceCurrency": "USD",
        "availability": "https://schema.org/InStock",
        "itemCondition": "https://schema.org/NewCondition",
    }
    assert data["aggregateRating"]["ratingValue"] == 4.2
    assert data["aggregateRating"]["reviewCount"] == 12


def test_an_unrated_out_of_stock_product_says_so_and_claims_no_rating():
    data = ld_of(product_page(a_product(rating_count=0, in_stock=False), BASE).head)
    assert "aggregateRating" not in data
    assert data["offers"]["availability"] == "https://schema.org/OutOfStock"


def test_a_currency_without_cents_keeps_its_own_exponent():
    page = product_page(a_product(price=1500, currency="JPY"), BASE)
    assert ld_of(page.head)["offers"]["price"] == "1500"
    assert "1500 JPY" in page.body


def test_crawlers_that_run_no_script_read_name_price_and_stock_in_the_body():
    body = product_page(a_product(), BASE).body
    assert "<h1>Aurora Desk Lamp</h1>" in body
    assert "$49.99" in body and "In stock" in body
    assert '<a href="/categories/lighting">Lighting</a>' in body


def test_what_a_seller_typed_cannot_break_out_of_the_page():
    evil = '</script><script>alert("x")</script> & "quotes"'
    page = product_page(a_product(name=evil, description=evil, brand=evil), BASE)
    everything = page.head + page.body
    assert everything.count("<script") == 1  # only the JSON-LD element itself
    assert "</script><script>" not in everything
    assert ld_of(page.head)["name"] == evil  # the JSON still says exactly what was typed
    assert "&lt;/script&gt;" in page.body
    assert meta(page.head, "og:title") == f"{evil} | Bazaar"
    assert "<title>" not in page.title  # the shell escapes the title when it writes it


def test_json_ld_escapes_markup_and_line_separators():
    text = json_ld({"name": "<b>&\u2028"})
    assert "<b>" not in text and "&" not in text.replace("application/ld+json", "")
    assert "\\u003cb\\u003e\\u0026\\u2028" in text


def test_a_long_description_is_cut_at_a_word_for_the_meta():
    long = "word " * 100
    cut = meta(product_page(a_product(description=long), BASE).head, "description")
    assert len(cut) <= 160 and cut.endswith("word…")
    assert plain("short", 160) == "short"


def test_a_product_without_a_description_is_described_by_name_and_price():
    page = product_page(a_product(description="", images=[], image=None), BASE)
    assert meta(page.head, "description") == "Aurora Desk Lamp: $49.99"
    assert "og:image" not in page.head
    assert meta(page.head, "twitter:card") == "summary"


def test_a_category_page_links_its_subcategories_for_crawlers():
    category = {
        "id": "c-1",
        "slug": "lighting",
        "name": "Lighting",
        "description": "",
        "product_count": 40,
        "children": [{"slug": "desk-lamps", "name": "Desk lamps"}],
    }
    page = category_page(category, BASE)
    assert page.title == "Lighting | Bazaar"
    assert meta(page.head, "description") == "Shop Lighting at Bazaar: 40 products."
    assert f'<link rel="canonical" href="{BASE}/categories/lighting" />' in page.head
    assert meta(page.head, "og:type") == "website"
    assert '<a href="/categories/desk-lamps">Desk lamps</a>' in page.body


def test_an_unknown_page_is_a_404_that_asks_not_to_be_indexed():
    page = not_found_page()
    assert page.status == 404
    assert '<meta name="robots" content="noindex" />' in page.head
    assert "Page not found" in page.body
