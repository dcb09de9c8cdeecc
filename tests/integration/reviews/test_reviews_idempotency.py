"""Idempotency-Key on review writes through the real gateway and reviews service (RabbitMQ,
Postgres, Redis; orders and catalog stand-ins from conftest): a retried submit is the first answer,
not REVIEW_EXISTS, and stores one review."""

import pytest
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port

from gateway.service import GatewayService
from tests import tokens

REVIEW = {"productId": "prod-1", "rating": 5, "title": "Lovely", "content": "Does the job."}


@pytest.fixture
def gateway_config(reviews_config, redis_client):
    return {**reviews_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}"}


@pytest.fixture
def gateway(reviews, container_factory, gateway_config):
    container = container_factory(GatewayService, gateway_config)
    replace_dependencies(container, "accounts_rpc")
    container.start()


@pytest.fixture
def http(gateway, http):
    return http


def customer(config, user_id="u-1"):
    return {"Authorization": f"Bearer {tokens.mint(config, sub=user_id, role='customer')}"}


def test_a_retried_review_with_its_key_is_the_first_answer_not_review_exists(
    http, shop, config, reviews
):
    shop.product("prod-1")
    headers = {**customer(config), "Idempotency-Key": "review-prod-1"}
    first = http.post("/api/reviews", json=REVIEW, headers=headers)
    again = http.post("/api/reviews", json=REVIEW, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    mine = reviews.list_queue({"status": "pending", "page": 1, "limit": 20})
    assert [r["id"] for r in mine["data"]] == [first.json()["id"]]


def test_a_second_review_without_a_key_is_still_review_exists(http, shop, config):
    shop.product("prod-1")
    assert http.post("/api/reviews", json=REVIEW, headers=customer(config)).status_code == 201
    second = http.post("/api/reviews", json=REVIEW, headers=customer(config))
    assert (second.status_code, second.json()["error"]) == (409, "REVIEW_EXISTS")


def test_a_new_key_with_an_edited_review_is_a_new_request(http, shop, config):
    shop.product("prod-1")
    me = customer(config)
    http.post("/api/reviews", json=REVIEW, headers={**me, "Idempotency-Key": "r-1"})
    reused = http.post(
        "/api/reviews", json={**REVIEW, "rating": 4}, headers={**me, "Idempotency-Key": "r-1"}
    )
    assert (reused.status_code, reused.json()["error"]) == (409, "IDEMPOTENCY_KEY_REUSED")
    edited = http.post(
        "/api/reviews", json={**REVIEW, "rating": 4}, headers={**me, "Idempotency-Key": "r-2"}
    )
    assert (edited.status_code, edited.json()["error"]) == (409, "REVIEW_EXISTS")


def test_a_repeated_helpful_vote_with_its_key_is_the_first_answer_not_already_voted(
    http, shop, config, reviews
):
    shop.product("prod-1")
    review = http.post("/api/reviews", json=REVIEW, headers=customer(config, "author")).json()
    reviews.set_status(review["id"], "published")
    voter = {**customer(config, "voter"), "Idempotency-Key": "vote-1"}
    first = http.post(f"/api/reviews/{review['id']}/helpful", headers=voter)
    again = http.post(f"/api/reviews/{review['id']}/helpful", headers=voter)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() == {"reviewId": review["id"], "helpfulCount": 1}
    assert again.headers["Idempotent-Replayed"] == "true"
