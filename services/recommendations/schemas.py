"""marshmallow schemas of the recommendations service's RPC arguments (validated at the RPC
boundary) and of the events it consumes (only the fields it uses, the rest ignored), and the dump
functions of its results."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from services.common.fields import MAX_AMOUNT, MAX_QUANTITY, Id, Int, Moment
from services.recommendations.domain import (
    ALSO_BOUGHT,
    KINDS,
    TRENDING,
    ProductCard,
    Recommendations,
)

MAX_RESULTS = 24  # cards one read returns at most
MAX_VIEWED = 50  # a history holds RECOMMENDATIONS.viewed_max (20) of them

_id = Id(required=True)
_optional_id = Id(load_default=None, allow_none=True)


class _OneViewer(Schema):
    """Whose history: exactly one of user_id (signed in) and cart_id (a guest's cart)."""

    user_id = _optional_id
    cart_id = _optional_id

    @validates_schema
    def exactly_one_viewer(self, data: dict, **kwargs: Any) -> None:
        if (data.get("user_id") is None) == (data.get("cart_id") is None):
            raise ValidationError("Give exactly one of user_id and cart_id.", "cart_id")


class RecommendArgs(Schema):
    product_id = _id
    kind = fields.String(load_default=ALSO_BOUGHT, validate=validate.OneOf(KINDS))
    limit = Int(minimum=1, maximum=MAX_RESULTS, load_default=8, strict=True)
    include_out_of_stock = fields.Boolean(load_default=False)


class TrendingArgs(Schema):
    # a category id or slug (both fit an Id; slugs are String(120), as the gateway allows);
    # none: the whole shop
    category = Id(max_length=120, load_default=None, allow_none=True)
    limit = Int(minimum=1, maximum=MAX_RESULTS, load_default=12, strict=True)


class ViewArgs(_OneViewer):
    product_id = _id


class RecentlyViewedArgs(_OneViewer):
    limit = Int(minimum=1, maximum=MAX_VIEWED, load_default=20, strict=True)


# -- events consumed ---------------------------------------------------------------------------


class _Event(Schema):
    class Meta:
        unknown = EXCLUDE


class OrderLine(_Event):
    product_id = _id
    quantity = Int(minimum=1, maximum=MAX_QUANTITY, required=True, strict=True)
    price = Int(minimum=0, maximum=MAX_AMOUNT, load_default=None, allow_none=True)


class OrderConfirmed(_Event):
    """orders' `order_confirmed`: who bought what, once per outbox `event_id`. An order
    without a user votes for no pairs; its units still count as sales."""

    event_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    occurred_at = Moment(load_default=None, allow_none=True)
    user_id = _optional_id
    lines = fields.List(fields.Nested(OrderLine), load_default=list)


class ProductEvent(_Event):
    """catalog's `product_created`, `product_updated` and `product_archived`."""

    product_id = _id
    status = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=16))


class CategoryChanged(_Event):
    """catalog's `category_changed`."""

    category_id = _id
    action = fields.String(
        required=True, validate=validate.OneOf(("created", "updated", "deleted"))
    )


class StockChanged(_Event):
    """inventory's `stock_changed`, applied by version."""

    product_id = _id
    available = Int(minimum=-(2**31), maximum=2**31 - 1, required=True, strict=True)
    version = Int(minimum=0, maximum=2**63 - 1, required=True, strict=True)


class CartMerged(_Event):
    """cart's `cart_merged`: a signed-in browser folded its guest cart into the user's."""

    guest_cart_id = _id
    user_id = _id


# -- results -----------------------------------------------------------------------------------


def dump_card(card: ProductCard) -> dict[str, Any]:
    """Card = {product_id, slug, name, price (minor units), currency, image, rating_average,
    rating_count, available}."""
    return {
        "product_id": card.product_id,
        "slug": card.slug,
        "name": card.name,
        "price": card.price,
        "currency": card.currency,
        "image": card.image,
        "rating_average": round(float(card.rating_average), 2),
        "rating_count": card.rating_count,
        "available": max(card.available, 0),
    }


def dump_recommendations(found: Recommendations, kind: str, limit: int) -> dict[str, Any]:
    """{"data": [Card], "meta": {source, kind, limit}}: `source` is the one that answered."""
    return {
        "data": [dump_card(card) for card in found.items],
        "meta": {"source": found.source, "kind": kind, "limit": limit},
    }


def dump_trending(found: Recommendations, limit: int) -> dict[str, Any]:
    return dump_recommendations(found, TRENDING, limit)


def dump_viewed(cards: list[ProductCard]) -> dict[str, Any]:
    return {"data": [dump_card(card) for card in cards]}
