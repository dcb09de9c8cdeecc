"""The product schemas' compiled dump gives exactly what marshmallow's dump gives."""

from marshmallow import Schema

from gateway.schemas.catalog import ProductList, ProductPage, ProductSchema


def product(**overrides):
    return {
        "id": "prod-1",
        "slug": "lamp-1",
        "name": "Lamp",
        "description": "A lamp.",
        "brand": "Bazaar",
        "category_id": "c1",
        "category": {"id": "c1", "slug": "lamps", "name": "Lamps"},
        "price": 1999,
        "compare_at_price": None,
        "currency": "USD",
        "attributes": {"color": "red"},
        "images": [
            {
                "id": "i1",
                "url": "/a.webp",
                "thumbnail_url": "/t.webp",
                "medium_url": "/m.webp",
                "large_url": "/l.webp",
                "position": 0,
            }
        ],
        "image": "/a.webp",
        "featured": False,
        "status": "active",
        "rating_average": 4.5,
        "rating_count": 3,
        "in_stock": True,
        "available": 7,
        "created_at": "2026-11-22T00:00:00+00:00",
        "updated_at": "2026-11-22T00:00:00+00:00",
        **overrides,
    }


def test_a_product_dumps_like_marshmallow():
    for data in (
        product(),
        product(compare_at_price=2499, currency="JPY", price=1999),
        product(images=[], image=None),
    ):
        assert ProductSchema().dump(data) == Schema.dump(ProductSchema(), data)


def test_a_page_with_facets_dumps_like_marshmallow():
    page = {
        "data": [product(), product(id="prod-2", price=5)],
        "meta": {
            "page": 1,
            "limit": 20,
            "total": 2,
            "total_pages": 1,
            "total_relation": "eq",
            "facets": {
                "categories": [{"id": "c1", "slug": "lamps", "name": "Lamps", "count": 2}],
                "brands": [{"brand": "Bazaar", "count": 2}],
                "price": {"min": 5, "max": 1999},
            },
            "query": {"text": "lamp", "interpreted": "lamp", "sort": "relevance"},
        },
    }
    assert ProductPage().dump(page) == Schema.dump(ProductPage(), page)
    assert ProductPage().dump(page)["data"][1]["price"] == "0.05"


def test_absent_fields_stay_absent():
    partial = {"data": [{"id": "prod-1", "price": 100}]}
    assert ProductList().dump(partial) == {"data": [{"id": "prod-1", "price": "1.00"}]}
    assert ProductList().dump(partial) == Schema.dump(ProductList(), partial)
