"""The recommendation routes on a real gateway container, Redis and RabbitMQ: what they ask of the
recommendations service (its proxy is replaced: another service), what they answer, and the
response cache, which keeps public reads until the service announces `recommendations_changed`,
and only then."""

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_waiter, replace_dependencies
from nameko.testing.utils import find_free_port

from gateway.service import GatewayService
from services.recommendations.exceptions import CategoryUnknown, ProductUnknown
from tests import tokens

CARD = {
    "product_id": "prod-2",
    "slug": "desk-lamp",
    "name": "Desk lamp",
    "price": 2499,
    "currency": "USD",
    "image": "/media/lamp.webp",
    "rating_average": 4.5,
    "rating_count": 12,
    "available": 7,
}


def answer(source="also_bought", kind="also_bought", limit=8):
    return {"data": [CARD], "meta": {"source": source, "kind": kind, "limit": limit}}


@pytest.fixture
def gateway_config(service_config, redis_client):
    return {**service_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}"}


@pytest.fixture
def gateway(container_factory, gateway_config):
    container = container_factory(GatewayService, gateway_config)
    container.recommendations = replace_dependencies(container, "recommendations_rpc")
    container.recommendations.recommend.return_value = answer()
    container.recommendations.trending.return_value = answer("trending", "trending", 12)
    container.recommendations.recently_viewed.return_value = {"data": [CARD]}
    container.recommendations.record_view.return_value = None
    container.start()
    return container


@pytest.fixture
def recommendations(gateway):
    return gateway.recommendations


@pytest.fixture
def signed_in(gateway_config):
    def headers(role="customer", user_id="user-1"):
        token = tokens.mint(gateway_config, role=role, sub=user_id)
        return {"Authorization": f"Bearer {token}"}

    return headers


def announce(gateway, gateway_config, source, event):
    """Dispatch `event` as `source` would and wait until the gateway handled it."""
    handler = {
        ("recommendations", "recommendations_changed"): "handle_recommendations_changed",
        ("catalog", "product_updated"): "handle_product_updated",
    }[(source, event)]
    with entrypoint_waiter(gateway, handler, timeout=10):
        event_dispatcher(gateway_config)(source, event, {"at": "2026-12-01T10:00:00+00:00"})


# -- what the routes ask and answer ----------------------------------------------------------------


def test_a_product_s_recommendations_are_cards_with_prices_as_decimal_strings(
    recommendations, http
):
    response = http.get("/api/products/prod-1/recommendations")
    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {"source": "also_bought", "kind": "also_bought", "limit": 8}
    [card] = body["data"]
    assert card == {
        "productId": "prod-2",
        "slug": "desk-lamp",
        "name": "Desk lamp",
        "price": "24.99",
        "currency": "USD",
        "image": "/media/lamp.webp",
        "ratingAverage": 4.5,
        "ratingCount": 12,
        "available": 7,
    }
    recommendations.recommend.assert_called_once_with(
        "prod-1", kind="also_bought", limit=8, include_out_of_stock=False
    )


def test_similar_products_and_out_of_stock_ones_are_asked_for_by_query(recommendations, http):
    query = "?kind=similar&limit=24&includeOutOfStock=true"
    assert http.get(f"/api/products/prod-1/recommendations{query}").status_code == 200
    recommendations.recommend.assert_called_once_with(
        "prod-1", kind="similar", limit=24, include_out_of_stock=True
    )


@pytest.mark.parametrize("query", ["kind=trending", "limit=0", "limit=25", "limit=x"])
def test_a_bad_kind_or_limit_is_a_400_that_asks_nothing(recommendations, http, query):
    response = http.get(f"/api/products/prod-1/recommendations?{query}")
    assert response.status_code == 400
    assert response.json()["error"] == "VALIDATION_ERROR"
    recommendations.recommend.assert_not_called()


def test_a_product_the_service_does_not_know_is_a_404(recommendations, http):
    recommendations.recommend.side_effect = ProductUnknown("no card", {"productId": "nope"})
    response = http.get("/api/products/nope/recommendations")
    assert response.status_code == 404
    assert response.json()["error"] == "PRODUCT_NOT_FOUND"


def test_trending_in_a_category_by_slug(recommendations, http):
    response = http.get("/api/recommendations/trending?category=audio&limit=4")
    assert response.status_code == 200
    assert response.json()["meta"]["source"] == "trending"
    recommendations.trending.assert_called_once_with(category="audio", limit=4)


def test_trending_in_the_whole_shop_by_default(recommendations, http):
    assert http.get("/api/recommendations/trending").status_code == 200
    recommendations.trending.assert_called_once_with(category=None, limit=12)


def test_trending_in_an_unknown_category_is_a_404(recommendations, http):
    recommendations.trending.side_effect = CategoryUnknown("no such category", {})
    response = http.get("/api/recommendations/trending?category=nope")
    assert response.status_code == 404
    assert response.json()["error"] == "CATEGORY_NOT_FOUND"


# -- recently viewed: personal, by the user or the guest's cart ------------------------------------


def test_a_guest_s_view_is_noted_against_their_cart(recommendations, http):
    response = http.post("/api/recently-viewed", json={"productId": "prod-1", "cartId": "cart-9"})
    assert response.status_code == 204
    assert "Idempotent-Replayed" not in response.headers  # not keyed: a view twice is one view
    recommendations.record_view.assert_called_once_with("prod-1", cart_id="cart-9")


def test_a_signed_in_view_is_the_user_s_whatever_cart_id_the_browser_still_sends(
    recommendations, http, signed_in
):
    response = http.post(
        "/api/recently-viewed",
        json={"productId": "prod-1", "cartId": "old-guest-cart"},
        headers=signed_in(user_id="user-7"),
    )
    assert response.status_code == 204
    recommendations.record_view.assert_called_once_with("prod-1", user_id="user-7")


def test_a_guest_without_a_cart_id_is_told_to_send_one(recommendations, http):
    response = http.post("/api/recently-viewed", json={"productId": "prod-1"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "VALIDATION_ERROR"
    assert "cartId" in body["details"]["fields"]
    assert http.get("/api/recently-viewed").json()["details"]["fields"].keys() == {"cartId"}
    recommendations.record_view.assert_not_called()
    recommendations.recently_viewed.assert_not_called()


def test_a_view_of_a_product_the_service_does_not_know_is_a_404(recommendations, http):
    recommendations.record_view.side_effect = ProductUnknown("no card", {})
    response = http.post("/api/recently-viewed", json={"productId": "nope", "cartId": "cart-9"})
    assert response.status_code == 404
    assert response.json()["error"] == "PRODUCT_NOT_FOUND"


def test_recently_viewed_is_read_fresh_every_time(recommendations, http, signed_in):
    for _ in range(2):
        response = http.get("/api/recently-viewed?cartId=cart-9&limit=5")
        assert response.status_code == 200
        assert "X-Cache" not in response.headers
    assert response.json()["data"][0]["price"] == "24.99"
    assert recommendations.recently_viewed.call_count == 2
    recommendations.recently_viewed.assert_called_with(cart_id="cart-9", limit=5)
    http.get("/api/recently-viewed?cartId=cart-9", headers=signed_in(user_id="user-7"))
    recommendations.recently_viewed.assert_called_with(user_id="user-7", limit=20)


# -- the response cache ----------------------------------------------------------------------------


def test_public_reads_are_cached_until_recommendations_changed(
    gateway, gateway_config, recommendations, http
):
    urls = ["/api/products/prod-1/recommendations", "/api/recommendations/trending"]
    assert [http.get(url).headers["X-Cache"] for url in urls] == ["MISS", "MISS"]
    assert [http.get(url).headers["X-Cache"] for url in urls] == ["HIT", "HIT"]
    assert (recommendations.recommend.call_count, recommendations.trending.call_count) == (1, 1)

    # a catalog change alone does not reach these: the service may not have applied it yet
    announce(gateway, gateway_config, "catalog", "product_updated")
    assert [http.get(url).headers["X-Cache"] for url in urls] == ["HIT", "HIT"]

    recommendations.recommend.return_value = answer(source="similar")
    announce(gateway, gateway_config, "recommendations", "recommendations_changed")
    fresh = http.get(urls[0])
    assert (fresh.headers["X-Cache"], fresh.json()["meta"]["source"]) == ("MISS", "similar")
    assert http.get(urls[1]).headers["X-Cache"] == "MISS"
    assert (recommendations.recommend.call_count, recommendations.trending.call_count) == (2, 2)


def test_a_signed_in_read_always_asks_the_service(recommendations, http, signed_in):
    url = "/api/products/prod-1/recommendations"
    assert http.get(url).headers["X-Cache"] == "MISS"
    for _ in range(2):
        assert "X-Cache" not in http.get(url, headers=signed_in()).headers
    assert recommendations.recommend.call_count == 3


# -- the admin's dead letters ----------------------------------------------------------------------


def test_only_an_admin_sees_and_replays_recommendation_dead_letters(
    recommendations, http, signed_in
):
    recommendations.list_dead_letters.return_value = {
        "data": [],
        "meta": {"page": 1, "limit": 20, "total": 0, "total_pages": 0},
    }
    url = "/api/admin/recommendations/dead-letters"
    assert http.get(url, headers=signed_in("customer")).status_code == 403
    assert http.get(url).status_code == 401
    recommendations.list_dead_letters.assert_not_called()
    assert http.get(url, headers=signed_in("admin")).json()["meta"]["total"] == 0
    recommendations.list_dead_letters.assert_called_once_with(
        page=1, limit=20, include_replayed=False
    )
