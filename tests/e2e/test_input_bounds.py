"""Input bounds through the gateway: the shapes that answered 500 are 400s (or 404s for a path
value) naming the field, and the worst values the bounds accept are stored and read back by every
public view with 200."""

from __future__ import annotations

import uuid

import pytest

from services.common.fields import MAX_POSITION, MAX_QUANTITY, MAX_SAFE_INTEGER, MAX_STOCK


def refused_field(response) -> set[str]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "VALIDATION_ERROR", body
    return set(body["details"]["fields"])


@pytest.fixture(scope="module")
def category_id(api):
    return api.get("/api/categories").json()["data"][0]["id"]


@pytest.fixture(scope="module")
def product(api, admin_headers, category_id):
    response = api.post(
        "/api/products",
        json={"name": "Bounds lamp", "categoryId": category_id, "price": "9.99"},
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_page_number_beyond_any_offset_is_a_400_naming_page(api):
    assert refused_field(api.get("/api/products", params={"page": str(10**25)})) == {"page"}
    assert "page" in refused_field(api.get("/api/products/search", params={"page": "99999999"}))


def test_a_nul_character_in_a_query_or_a_body_is_a_400(api, new_customer):
    assert refused_field(api.get("/api/products", params={"q": "lamp\x00"})) == {"q"}
    register = api.post(
        "/api/auth/register",
        json={
            "email": f"nul-{uuid.uuid4().hex[:8]}@example.com",
            "password": "Correct-horse-42",
            "firstName": "Sam\x00",
            "lastName": "Shopper",
        },
    )
    assert refused_field(register) == {"firstName"}
    customer = new_customer()
    address = api.post(
        "/api/users/addresses",
        json={
            "firstName": "Sam",
            "lastName": "Shopper",
            "address1": ["1 Main St"],  # a list where a string belongs
            "city": "Spring\x00field",
            "postalCode": "12345",
            "country": "US",
        },
        headers=customer["headers"],
    )
    assert refused_field(address) == {"address1", "city"}


@pytest.mark.parametrize("value", ["prod%00x", "x" * 500, "a%0Ab"])
def test_a_path_id_that_cannot_exist_is_a_404_not_a_500(api, admin_headers, value):
    for response in (
        api.get(f"/api/products/{value}"),
        api.get(f"/api/reviews/product/{value}"),
        api.put(f"/api/inventory/{value}", json={"quantity": 1}, headers=admin_headers),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["error"] == "NOT_FOUND"


def test_a_stock_delta_or_a_position_beyond_their_columns_is_a_400(api, admin_headers, product):
    adjust = api.post(
        f"/api/inventory/{product['id']}/adjust",
        json={"delta": 10**29, "reason": "fuzz"},
        headers=admin_headers,
    )
    assert refused_field(adjust) == {"delta"}
    category = api.post(
        "/api/categories", json={"name": "Far away", "position": 2**32}, headers=admin_headers
    )
    assert refused_field(category) == {"position"}


def test_attributes_that_could_not_be_read_back_are_refused_and_featured_stays_up(
    api, admin_headers, product
):
    featured = api.patch(
        f"/api/products/{product['id']}", json={"featured": True}, headers=admin_headers
    )
    assert featured.status_code == 200, featured.text
    poisoned = api.patch(
        f"/api/products/{product['id']}",
        json={"attributes": {"weight": 10**169}},
        headers=admin_headers,
    )
    assert refused_field(poisoned) == {"attributes"}
    assert api.get("/api/products/featured", params={"limit": 50}).status_code == 200
    assert api.get(f"/api/products/{product['id']}").status_code == 200


def test_a_body_nested_past_the_parser_is_malformed_json(api, admin_headers, product):
    deep = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = api.patch(
        f"/api/products/{product['id']}",
        data=deep,
        headers={**admin_headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "MALFORMED_JSON"


def worst_attributes() -> dict:
    """Attributes at every bound at once: 4 levels, keys of 64, strings of 1000 characters, the
    largest safe integers, 500 values in all."""
    leaf = {"n": MAX_SAFE_INTEGER, "m": -MAX_SAFE_INTEGER, "f": 0.1, "t": "ü" * 1000}
    tree = {f"{'k' * 62}{i:02d}": {"level3": {"level4": [1, 2, 3]}, **leaf} for i in range(40)}
    tree["deepest"] = {"a": {"b": {"c": "d"}}}
    return tree


def test_the_worst_accepted_values_are_stored_and_every_public_view_reads_them_back(
    api, admin_headers, new_customer, category_id
):
    slug = ("worst-" + uuid.uuid4().hex + "-" + "x" * 200)[:200].rstrip("-")
    name = "Ω" * 190 + uuid.uuid4().hex[:10]
    body = {
        "name": name,
        "slug": slug,
        "description": ("line\n\ttabbed " * 1500)[:20000],
        "brand": "B" * 100,
        "categoryId": category_id,
        "price": "100000.00",
        "compareAtPrice": "100000.00",
        "attributes": worst_attributes(),
        "images": [{"url": "https://cdn.example.com/" + "i" * 1970}],
        "featured": True,
    }
    created = api.post("/api/products", json=body, headers=admin_headers)
    assert created.status_code == 201, created.text
    product_id = created.json()["id"]
    stock = api.put(
        f"/api/inventory/{product_id}",
        json={"quantity": MAX_STOCK - MAX_QUANTITY, "lowStockThreshold": MAX_STOCK},
        headers=admin_headers,
    )
    assert stock.status_code == 200, stock.text
    adjusted = api.post(
        f"/api/inventory/{product_id}/adjust",
        json={"delta": MAX_QUANTITY, "reason": "r" * 200},
        headers=admin_headers,
    )
    assert adjusted.status_code == 200, adjusted.text
    assert adjusted.json()["onHand"] == MAX_STOCK
    category = api.post(
        "/api/categories",
        json={"name": "C" * 100 + uuid.uuid4().hex[:8], "position": MAX_POSITION},
        headers=admin_headers,
    )
    assert category.status_code == 201, category.text
    customer = new_customer()
    review = api.post(
        "/api/reviews",
        json={
            "productId": product_id,
            "rating": 5,
            "title": "T" * 200,
            "content": ("Very good.\n" * 500)[:5000],
        },
        headers=customer["headers"],
    )
    assert review.status_code == 201, review.text

    reads = {
        "product": api.get(f"/api/products/{product_id}"),
        "by slug": api.get(f"/api/products/slug/{slug}"),
        "list": api.get("/api/products", params={"sort": "price_desc", "limit": 100}),
        "search": api.get("/api/products/search", params={"search": "Ω" * 5}),
        "featured": api.get("/api/products/featured", params={"limit": 50}),
        "category": api.get(f"/api/categories/{category_id}"),
        "categories": api.get("/api/categories"),
        "reviews": api.get(f"/api/reviews/product/{product_id}"),
        "page": api.get(f"/products/{slug}"),
        "sitemap": api.get("/sitemap.xml"),
    }
    failed = {what: r.status_code for what, r in reads.items() if r.status_code != 200}
    assert not failed, failed
    stored = reads["product"].json()
    assert stored["attributes"] == body["attributes"]
    assert stored["price"] == "100000.00" and stored["name"] == name
    assert product_id in {p["id"] for p in reads["list"].json()["data"]}
