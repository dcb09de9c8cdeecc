"""Marshmallow schemas of the catalog's RPC arguments (loaded with services.common.schemas.load),
and the dump_* functions that turn the use cases' records into the RPC shapes
(docs/architecture.md#shapes; gateway/schemas/catalog.py)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, missing, validate

from services.catalog.domain import (
    SORTS,
    STATUSES,
    CategoryDetail,
    CategoryNode,
    ProductPage,
    SlugPage,
)
from services.common.clock import iso
from services.common.fields import (
    MAX_AMOUNT,
    MAX_PAGE,
    MAX_POSITION,
    Id,
    Int,
    JsonObject,
    Limit,
    Slug,
    Text,
)

_money = {"strict": True, "minimum": 0, "maximum": MAX_AMOUNT}


class ImageInput(Schema):
    class Meta:
        unknown = EXCLUDE

    id = Id(load_default=None)
    url = Text(required=True, min_length=1, max_length=2000)
    thumbnail_url = Text(load_default=None, allow_none=True, max_length=2000)
    medium_url = Text(load_default=None, allow_none=True, max_length=2000)
    large_url = Text(load_default=None, allow_none=True, max_length=2000)


class ProductInput(Schema):
    """create_product(data): every field; update_product(changes): any of them (partial)."""

    class Meta:
        unknown = EXCLUDE

    name = Text(required=True, min_length=1, max_length=200)
    slug = Slug()
    description = Text(load_default="", max_length=20000, multiline=True)
    brand = Text(load_default="", max_length=100)
    category_id = Id(required=True)
    price = Int(required=True, **_money)
    compare_at_price = Int(allow_none=True, load_default=None, **_money)
    currency = Text(load_default="USD", max_length=3, validate=validate.Regexp(r"^[A-Z]{3}$"))
    # bounded so that what is stored can be dumped again (orjson refuses ints beyond 64 bits)
    attributes = JsonObject(load_default=dict)
    images = fields.List(
        fields.Nested(ImageInput), load_default=list, validate=validate.Length(max=20)
    )
    featured = fields.Boolean(load_default=False)
    status = fields.String(load_default="active", validate=validate.OneOf(STATUSES))
    # the owning seller: a seller's products are always their own; an admin may name one
    seller_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=64))


class ProductChanges(ProductInput):
    """The fields of an update; none is required and no default is filled in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)
        for field in self.fields.values():
            field.load_default = missing


class ListQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    q = Text(load_default=None, allow_none=True, max_length=200)
    search = Text(load_default=None, allow_none=True, max_length=200)
    category = Text(load_default=None, allow_none=True, max_length=120)
    brand = Text(load_default=None, allow_none=True, max_length=500)
    min_price = Int(load_default=None, allow_none=True, **_money)
    max_price = Int(load_default=None, allow_none=True, **_money)
    in_stock = fields.Boolean(load_default=None, allow_none=True)
    featured = fields.Boolean(load_default=None, allow_none=True)
    sort = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SORTS))
    page = Int(load_default=1, minimum=1, maximum=MAX_PAGE)
    limit = Limit()
    facets = fields.Boolean(load_default=True)
    # staff listings: any status (the storefront's default is active only) and given ids
    status = fields.String(load_default="active", validate=validate.OneOf((*STATUSES, "any")))
    ids = fields.List(
        Text(min_length=1, max_length=120),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=100),
    )
    # one seller's products only (the back office of a seller: see CatalogService.list_products)
    seller_id = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=64)
    )


class CategoryInput(Schema):
    class Meta:
        unknown = EXCLUDE

    name = Text(required=True, min_length=1, max_length=120)
    slug = Slug(max_length=120)
    description = Text(load_default="", max_length=5000, multiline=True)
    parent_id = Id(load_default=None, allow_none=True)
    position = Int(load_default=0, minimum=0, maximum=MAX_POSITION)


class RatingInput(Schema):
    class Meta:
        unknown = EXCLUDE

    product_id = fields.String(required=True)
    average = fields.Float(required=True, validate=validate.Range(min=0, max=5))
    count = fields.Integer(required=True, validate=validate.Range(min=0))


class StockChanged(Schema):
    class Meta:
        unknown = EXCLUDE

    product_id = fields.String(required=True)
    available = fields.Integer(required=True)
    on_hand = fields.Integer(load_default=None)
    version = fields.Integer(load_default=None)


class SlugPageQuery(Schema):
    """list_product_slugs(after, limit, upto): a keyset page of the sitemap listing."""

    class Meta:
        unknown = EXCLUDE

    after = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    upto = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    limit = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=10000))


class SellerQuery(Schema):
    seller_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class OwnersQuery(Schema):
    product_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        required=True,
        validate=validate.Length(max=500),
    )


class SlugPagesQuery(Schema):
    page_size = fields.Integer(load_default=10000, validate=validate.Range(min=1, max=50000))


# -- dumps: record -> RPC shape -----------------------------------------------------------------


def dump_image(image: Any) -> dict:
    """An image (a dict of the product row's JSON array, or an entity): every variant falls
    back to the original's url."""
    get = image.get if isinstance(image, dict) else lambda key: getattr(image, key)
    return {
        "id": get("id"),
        "url": get("url"),
        "thumbnail_url": get("thumbnail_url") or get("url"),
        "medium_url": get("medium_url") or get("url"),
        "large_url": get("large_url") or get("url"),
        "position": get("position"),
    }


def dump_product(row: Any) -> dict:
    """The RPC shape of a product record (its row, images included)."""
    images = [dump_image(i) for i in row.images or []]
    return {
        "id": row.id,
        "slug": row.slug,
        "name": row.name,
        "description": row.description,
        "brand": row.brand,
        "category_id": row.category_id,
        "category": {"id": row.category_id, "slug": row.category_slug, "name": row.category_name},
        "price": row.price,
        "compare_at_price": row.compare_at_price,
        "currency": row.currency,
        "attributes": row.attributes or {},
        "images": images,
        "image": images[0]["url"] if images else None,
        "featured": row.featured,
        "status": row.status,
        "rating_average": round(float(row.rating_average or 0), 2),
        "rating_count": row.rating_count,
        "in_stock": row.available > 0,
        "available": row.available,
        "seller_id": row.seller_id,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def dump_products(rows: Any) -> list[dict]:
    return [dump_product(row) for row in rows]


def dump_product_page(page: ProductPage) -> dict:
    """{data: [product], meta: {page, limit, total, total_pages, total_relation, facets?,
    query}}."""
    return {"data": dump_products(page.products), "meta": page.meta}


def dump_slugs(rows: Any) -> list[dict]:
    """[{id, slug, updated_at}] of products or categories."""
    return [{"id": r.id, "slug": r.slug, "updated_at": iso(r.updated_at)} for r in rows]


def dump_slug_pages(pages: list[SlugPage]) -> list[dict]:
    return [{"after": p.after, "count": p.count, "lastmod": iso(p.lastmod)} for p in pages]


def dump_category_tree(roots: list[CategoryNode]) -> list[dict]:
    return [node.as_dict() for node in roots]


def dump_category(detail: CategoryDetail) -> dict:
    """A category node with its children, counts and ancestors [{id, name}], root first."""
    return {
        **detail.node.as_dict(),
        "ancestors": [{"id": a, "name": name} for a, name in detail.ancestors],
    }
