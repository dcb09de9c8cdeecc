"""Marshmallow schemas of the catalog's RPC arguments (loaded with services.common.schemas.load)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, missing, validate

from services.catalog.domain import SORTS, STATUSES

_money = {"strict": True, "validate": validate.Range(min=0, error="Must not be negative.")}


class ImageInput(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String(load_default=None)
    url = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    thumbnail_url = fields.String(load_default=None, allow_none=True)
    medium_url = fields.String(load_default=None, allow_none=True)
    large_url = fields.String(load_default=None, allow_none=True)


class ProductInput(Schema):
    """create_product(data): every field; update_product(changes): any of them (partial)."""

    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    slug = fields.String(
        validate=validate.Regexp(
            r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error="Use lowercase-words-like-this."
        )
    )
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    brand = fields.String(load_default="", validate=validate.Length(max=100))
    category_id = fields.String(required=True, validate=validate.Length(min=1, max=120))
    price = fields.Integer(required=True, **_money)
    compare_at_price = fields.Integer(allow_none=True, load_default=None, **_money)
    currency = fields.String(load_default="USD", validate=validate.Regexp(r"^[A-Z]{3}$"))
    attributes = fields.Dict(keys=fields.String(), load_default=dict)
    images = fields.List(fields.Nested(ImageInput), load_default=list)
    featured = fields.Boolean(load_default=False)
    status = fields.String(load_default="active", validate=validate.OneOf(STATUSES))


class ProductChanges(ProductInput):
    """The fields of an update; none is required and no default is filled in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)
        for field in self.fields.values():
            field.load_default = missing


class ListQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    search = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    category = fields.String(load_default=None, allow_none=True)
    brand = fields.String(load_default=None, allow_none=True)
    min_price = fields.Integer(load_default=None, allow_none=True, **_money)
    max_price = fields.Integer(load_default=None, allow_none=True, **_money)
    in_stock = fields.Boolean(load_default=None, allow_none=True)
    featured = fields.Boolean(load_default=None, allow_none=True)
    sort = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    facets = fields.Boolean(load_default=True)
    # staff listings: any status (the storefront's default is active only) and given ids
    status = fields.String(load_default="active", validate=validate.OneOf((*STATUSES, "any")))
    ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=120)),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=100),
    )


class CategoryInput(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    slug = fields.String(validate=validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$"))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    parent_id = fields.String(load_default=None, allow_none=True)
    position = fields.Integer(load_default=0)


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


class SlugPagesQuery(Schema):
    page_size = fields.Integer(load_default=10000, validate=validate.Range(min=1, max=50000))
