"""HTTP schemas of the product and category routes."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from gateway.schemas.base import CamelSchema, Money, PageMeta, PageQuery
from services.common.fields import (
    MAX_POSITION,
    Id,
    Int,
    JsonObject,
    Limit,
    Slug,
    Text,
)
from services.common.money import to_decimal_string

SORTS = ("relevance", "price_asc", "price_desc", "newest", "rating")
STATUSES = ("active", "draft", "archived")
_NON_NEGATIVE = validate.Range(min=0, error="Must not be negative.")


def _compile(schema: Schema):
    """A plain function producing what `schema.dump` produces for RPC results (dicts of JSON
    values): same keys, money as decimal strings, nested schemas, absent attributes left out."""
    plan = []
    for name, field in schema.dump_fields.items():
        kind, inner = "raw", None
        if isinstance(field, Money):
            kind = "money"
        elif isinstance(field, fields.Nested):
            kind, inner = "nested", _compile(field.schema)
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            kind, inner = "list", _compile(field.inner.schema)
        plan.append((field.data_key or name, field.attribute or name, kind, inner))

    def dump(obj: dict) -> dict:
        out = {}
        for key, attribute, kind, inner in plan:
            if attribute not in obj:
                continue
            value = obj[attribute]
            if value is None or kind == "raw":
                out[key] = value
            elif kind == "money":
                out[key] = to_decimal_string(value, obj.get("currency") or "USD")
            elif kind == "nested":
                out[key] = inner(value)
            else:
                out[key] = [inner(item) for item in value]
        return out

    return dump


class FastDump:
    """Product pages carry some 500 values; marshmallow spends about 7 us on each, which made
    dumping the largest CPU cost of a cache miss in the gateway. These schemas keep their fields
    (validation, OpenAPI) but dump through a compiled function with the same output
    (tests/unit/catalog/test_fast_dump.py compares the two)."""

    _fast = None

    def dump(self, obj, *, many=None):
        if type(self)._fast is None:
            type(self)._fast = staticmethod(_compile(self))
        fast = type(self)._fast
        many = self.many if many is None else many
        return [fast(item) for item in obj] if many else fast(obj)


class CategoryRefSchema(CamelSchema):
    id = fields.String()
    slug = fields.String(allow_none=True)
    name = fields.String(allow_none=True)


class ImageSchema(CamelSchema):
    id = fields.String()
    url = fields.String()
    thumbnail_url = fields.String(allow_none=True)
    medium_url = fields.String(allow_none=True)
    large_url = fields.String(allow_none=True)
    position = fields.Integer()


class ProductSchema(FastDump, CamelSchema):
    id = fields.String()
    slug = fields.String()
    name = fields.String()
    description = fields.String()
    brand = fields.String()
    category_id = fields.String()
    category = fields.Nested(CategoryRefSchema)
    price = Money()
    compare_at_price = Money(allow_none=True)
    currency = fields.String()
    attributes = fields.Dict()
    images = fields.List(fields.Nested(ImageSchema))
    image = fields.String(allow_none=True)
    featured = fields.Boolean()
    status = fields.String()
    rating_average = fields.Float()
    rating_count = fields.Integer()
    in_stock = fields.Boolean()
    available = fields.Integer()
    seller_id = fields.String(
        allow_none=True, metadata={"description": "the owning seller's user id (null: the shop's)"}
    )
    created_at = fields.String()
    updated_at = fields.String()


class CategoryFacetSchema(CamelSchema):
    id = fields.String()
    slug = fields.String()
    name = fields.String()
    count = fields.Integer()


class BrandFacetSchema(CamelSchema):
    brand = fields.String()
    count = fields.Integer()


class PriceRangeSchema(CamelSchema):
    min = Money(allow_none=True)
    max = Money(allow_none=True)


class FacetsSchema(CamelSchema):
    categories = fields.List(fields.Nested(CategoryFacetSchema))
    brands = fields.List(fields.Nested(BrandFacetSchema))
    price = fields.Nested(PriceRangeSchema)


class SearchInfoSchema(CamelSchema):
    text = fields.String(allow_none=True)
    interpreted = fields.String(allow_none=True)
    sort = fields.String()


class ProductPageMeta(PageMeta):
    total_relation = fields.String(
        metadata={"description": '"eq", or "gte" when more matches exist than were counted'}
    )
    facets = fields.Nested(FacetsSchema)
    query = fields.Nested(SearchInfoSchema)


class ProductPage(FastDump, CamelSchema):
    data = fields.List(fields.Nested(ProductSchema))
    meta = fields.Nested(ProductPageMeta)


class ProductList(FastDump, CamelSchema):
    data = fields.List(fields.Nested(ProductSchema))


class ProductQuery(PageQuery):
    """`q` and `search` are aliases; category is an id or slug and includes its descendants;
    brand may list several, comma-separated; prices are decimal strings."""

    class Meta:
        unknown = EXCLUDE

    q = Text(max_length=200)
    search = Text(max_length=200)
    category = Text(max_length=120)
    brand = Text(max_length=500)
    min_price = Money(validate=_NON_NEGATIVE)
    max_price = Money(validate=_NON_NEGATIVE)
    in_stock = fields.Boolean()
    sort = fields.String(validate=validate.OneOf(SORTS))


class FeaturedQuery(CamelSchema):
    class Meta:
        unknown = EXCLUDE

    limit = Limit(default=8, maximum=50)


class ImageBody(CamelSchema):
    url = Text(required=True, min_length=1, max_length=2000)
    thumbnail_url = Text(allow_none=True, max_length=2000)
    medium_url = Text(allow_none=True, max_length=2000)
    large_url = Text(allow_none=True, max_length=2000)


class ProductBody(CamelSchema):
    """A whole product (POST, PUT); PATCH takes any subset (ProductPatchBody)."""

    name = Text(required=True, min_length=1, max_length=200)
    slug = Slug()
    description = Text(max_length=20000, multiline=True)
    brand = Text(max_length=100)
    category_id = Id(required=True)
    price = Money(required=True, validate=_NON_NEGATIVE)
    compare_at_price = Money(allow_none=True, validate=_NON_NEGATIVE)
    currency = Text(max_length=3, validate=validate.Regexp(r"^[A-Z]{3}$"))
    attributes = JsonObject(
        metadata={
            "description": "free-form: at most 4 levels, 50 keys or items each, keys of 64 and "
            "strings of 1000 characters, numbers within ±(2^53 - 1)"
        }
    )
    images = fields.List(fields.Nested(ImageBody), validate=validate.Length(max=20))
    featured = fields.Boolean()
    status = fields.String(validate=validate.OneOf(STATUSES))
    seller_id = Id(
        allow_none=True,
        metadata={
            "description": "the owning seller's user id; admins only (a seller's products are "
            "their own), null: the shop's own product"
        },
    )


class ProductPatchBody(ProductBody):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class CategorySchema(CamelSchema):
    id = fields.String()
    parent_id = fields.String(allow_none=True)
    slug = fields.String()
    name = fields.String()
    description = fields.String()
    path = fields.String()
    depth = fields.Integer()
    product_count = fields.Integer()
    children = fields.List(fields.Nested(lambda: CategorySchema()))
    ancestors = fields.List(fields.Nested(CategoryRefSchema))


class CategoryTree(CamelSchema):
    data = fields.List(fields.Nested(CategorySchema))


class CategoryBody(CamelSchema):
    name = Text(required=True, min_length=1, max_length=120)
    slug = Slug(max_length=120)
    description = Text(max_length=5000, multiline=True)
    parent_id = Id(allow_none=True)
    position = Int(minimum=0, maximum=MAX_POSITION)


class CategoryPatchBody(CategoryBody):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class AdminProductQuery(ProductQuery):
    """The storefront's filters plus any status (default: every status) and `ids`, a
    comma-separated list of product ids (at most 100)."""

    status = fields.String(load_default="any", validate=validate.OneOf((*STATUSES, "any")))
    ids = Text(max_length=5000)
    seller_id = Id(
        data_key="seller",
        metadata={"description": "one seller's products (a seller's list: always their own)"},
    )

    @post_load
    def split_ids(self, data, **kwargs):
        if "ids" in data:
            ids = [part.strip() for part in data["ids"].split(",") if part.strip()]
            if len(ids) > 100:
                raise ValidationError("At most 100 ids.", "ids")
            data["ids"] = ids or None
        return data
