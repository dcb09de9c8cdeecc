"""The recommendation routes' inputs and errors: queries with their defaults and bounds, the cards
as the storefront reads them, and the service's errors as HTTP answers."""

import pytest
from marshmallow import ValidationError

from gateway.errors import describe
from gateway.schemas.recommendations import (
    RecentlyViewedQuery,
    RecommendationsQuery,
    RecommendationsSchema,
    TrendingQuery,
    ViewBody,
)
from services.accounts.exceptions import InvalidUnsubscribeToken
from services.recommendations.exceptions import CategoryUnknown, ProductUnknown


def test_a_bare_query_asks_for_eight_in_stock_products_bought_together():
    assert RecommendationsQuery().load({}) == {
        "kind": "also_bought",
        "limit": 8,
        "include_out_of_stock": False,
    }


@pytest.mark.parametrize(
    "query", [{"kind": "trending"}, {"limit": "0"}, {"limit": "25"}, {"includeOutOfStock": "maybe"}]
)
def test_queries_outside_the_service_s_bounds_are_refused(query):
    with pytest.raises(ValidationError):
        RecommendationsQuery().load(query)


def test_trending_takes_an_optional_category_and_at_most_24_cards():
    assert TrendingQuery().load({}) == {"limit": 12}
    assert TrendingQuery().load({"category": "audio", "limit": "24"}) == {
        "category": "audio",
        "limit": 24,
    }
    for category in ("x" * 121, "audio gear", "audio\n"):
        with pytest.raises(ValidationError):
            TrendingQuery().load({"category": category})


def test_recently_viewed_reads_the_last_twenty_by_default():
    assert RecentlyViewedQuery().load({"cartId": "c-1"}) == {"cart_id": "c-1", "limit": 20}
    with pytest.raises(ValidationError):
        RecentlyViewedQuery().load({"limit": "21"})


def test_a_view_names_its_product_and_maybe_the_guest_cart():
    assert ViewBody().load({"productId": "prod-1"}) == {"product_id": "prod-1"}
    with pytest.raises(ValidationError) as caught:
        ViewBody().load({"cartId": "c 1"})
    assert set(caught.value.messages) == {"productId", "cartId"}


def test_cards_carry_money_as_decimal_strings_in_their_currency():
    card = {
        "product_id": "p",
        "slug": "s",
        "name": "Yen thing",
        "price": 1200,
        "currency": "JPY",
        "image": None,
        "rating_average": None,
        "rating_count": 0,
        "available": 0,
    }
    body = RecommendationsSchema().dump(
        {"data": [card], "meta": {"source": "trending", "kind": None, "limit": 12}}
    )
    assert body["data"][0]["price"] == "1200"
    assert body["data"][0]["productId"] == "p"
    assert body["meta"] == {"source": "trending", "kind": None, "limit": 12}


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (ProductUnknown("no card"), 404, "PRODUCT_NOT_FOUND"),
        (CategoryUnknown("no category"), 404, "CATEGORY_NOT_FOUND"),
        (InvalidUnsubscribeToken("bad link"), 400, "INVALID_UNSUBSCRIBE_TOKEN"),
    ],
)
def test_the_new_errors_answer_with_their_own_codes(error, status, code):
    assert describe(error)[0] == status
    assert describe(error)[1]["error"] == code
