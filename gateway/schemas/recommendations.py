"""HTTP schemas of the recommendation, trending and recently-viewed routes.

The cards are the recommendations service's own copy of a product (docs/design/recommendations.md
§1.5): enough to draw a product card without asking the catalog, money in minor units inside and a
decimal string on the wire.
"""

from marshmallow import EXCLUDE, fields, validate

from gateway.schemas.base import CamelSchema, Money
from services.common.fields import Id, Int

KINDS = ("also_bought", "similar")
SOURCES = ("also_bought", "similar", "trending")
# the service accepts 1..24 cards per read (a row or two of a product grid)
MAX_CARDS = 24
# recently viewed keeps the last 20 products per shopper (RECOMMENDATIONS.viewed_max)
MAX_VIEWED = 20
GUEST_CART = "the guest cart's id: required when not signed in, ignored when signed in"


class RecommendationsQuery(CamelSchema):
    class Meta:
        unknown = EXCLUDE

    kind = fields.String(
        load_default="also_bought",
        validate=validate.OneOf(KINDS),
        metadata={
            "description": "also_bought falls back to similar, then trending; similar to trending"
        },
    )
    limit = Int(minimum=1, maximum=MAX_CARDS, load_default=8)
    include_out_of_stock = fields.Boolean(load_default=False)


class TrendingQuery(CamelSchema):
    class Meta:
        unknown = EXCLUDE

    # an id or a slug (categories.slug is String(120)): both are Id-shaped
    category = Id(
        max_length=120,
        metadata={"description": "a category id or slug; a top category includes its children"},
    )
    limit = Int(minimum=1, maximum=MAX_CARDS, load_default=12)


class RecentlyViewedQuery(CamelSchema):
    class Meta:
        unknown = EXCLUDE

    cart_id = Id(metadata={"description": GUEST_CART})
    limit = Int(minimum=1, maximum=MAX_VIEWED, load_default=MAX_VIEWED)


class ViewBody(CamelSchema):
    product_id = Id(required=True)
    cart_id = Id(metadata={"description": GUEST_CART})


class RecommendationCard(CamelSchema):
    product_id = fields.String()
    slug = fields.String()
    name = fields.String()
    price = Money()
    currency = fields.String()
    image = fields.String(allow_none=True)
    rating_average = fields.Float(allow_none=True)
    rating_count = fields.Integer(allow_none=True)
    available = fields.Integer(
        metadata={"description": "units on sale now (0: out of stock, shown only when asked)"}
    )


class RecommendationsMeta(CamelSchema):
    source = fields.String(
        metadata={"description": f"which list answered, one of {', '.join(SOURCES)}"}
    )
    kind = fields.String(allow_none=True, metadata={"description": "the kind asked for"})
    limit = fields.Integer()


class RecommendationsSchema(CamelSchema):
    data = fields.List(fields.Nested(RecommendationCard))
    meta = fields.Nested(RecommendationsMeta)


class RecentlyViewedSchema(CamelSchema):
    data = fields.List(
        fields.Nested(RecommendationCard), metadata={"description": "most recent first"}
    )
