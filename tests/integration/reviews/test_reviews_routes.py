"""The gateway's review routes on a real gateway container; the reviews service is a stand-in."""

import pytest
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port

from gateway.service import GatewayService
from services.reviews.exceptions import OwnReviewVote, ReviewExists, ReviewNotFound
from tests import tokens

REVIEW = {
    "id": "r-1",
    "product_id": "prod-1",
    "user_id": "u-1",
    "rating": 4,
    "title": "Nice",
    "content": "Works.",
    "status": "pending",
    "verified_purchase": True,
    "helpful_count": 0,
    "created_at": "2026-11-22T03:00:00+00:00",
    "updated_at": "2026-11-22T03:00:00+00:00",
    "published_at": None,
}


@pytest.fixture
def gateway_config(service_config, redis_client):
    return {**service_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}"}


@pytest.fixture
def reviews_rpc(container_factory, gateway_config):
    container = container_factory(GatewayService, gateway_config)
    proxy = replace_dependencies(container, "reviews_rpc")
    container.start()
    return proxy


def bearer(config, **claims):
    return {"Authorization": f"Bearer {tokens.mint(config, **claims)}"}


def test_submitting_a_review_needs_a_token(reviews_rpc, http):
    response = http.post(
        "/api/reviews", json={"productId": "p", "rating": 5, "title": "t", "content": "c"}
    )
    assert response.status_code == 401
    reviews_rpc.submit_review.assert_not_called()


def test_a_customer_submits_a_review_and_gets_it_back_in_camel_case(
    reviews_rpc, http, gateway_config
):
    reviews_rpc.submit_review.return_value = REVIEW
    response = http.post(
        "/api/reviews",
        json={"productId": "prod-1", "rating": 4, "title": "Nice", "content": "Works."},
        headers=bearer(gateway_config, sub="u-1"),
    )
    assert response.status_code == 201
    assert response.json()["verifiedPurchase"] is True
    assert response.json()["productId"] == "prod-1"
    reviews_rpc.submit_review.assert_called_once_with(
        user_id="u-1", product_id="prod-1", rating=4, title="Nice", content="Works."
    )


def test_a_rating_of_six_is_a_400_naming_the_field(reviews_rpc, http, gateway_config):
    response = http.post(
        "/api/reviews",
        json={"productId": "prod-1", "rating": 6, "title": "Nice", "content": "Works."},
        headers=bearer(gateway_config),
    )
    assert response.status_code == 400
    assert "rating" in response.json()["details"]["fields"]


def test_a_second_review_is_a_409(reviews_rpc, http, gateway_config):
    reviews_rpc.submit_review.side_effect = ReviewExists("already", {"product_id": "prod-1"})
    response = http.post(
        "/api/reviews",
        json={"productId": "prod-1", "rating": 4, "title": "Nice", "content": "Works."},
        headers=bearer(gateway_config),
    )
    assert response.status_code == 409
    assert response.json()["error"] == "REVIEW_EXISTS"


def test_anyone_reads_a_products_reviews_with_the_summary(reviews_rpc, http):
    reviews_rpc.list_reviews.return_value = {
        "data": [{**REVIEW, "status": "published", "helpful_count": 3}],
        "meta": {"page": 1, "limit": 5, "total": 1, "total_pages": 1},
        "summary": {
            "average": 4.0,
            "count": 1,
            "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0},
        },
    }
    response = http.get("/api/reviews/product/prod-1?sort=helpful&limit=5")
    assert response.status_code == 200
    body = response.json()
    assert body["summary"]["average"] == 4.0
    assert body["data"][0]["helpfulCount"] == 3
    assert body["meta"]["totalPages"] == 1
    reviews_rpc.list_reviews.assert_called_once_with(
        "prod-1", {"sort": "helpful", "page": 1, "limit": 5}
    )


def test_a_signed_in_shopper_asks_whether_they_may_review(reviews_rpc, http, gateway_config):
    reviews_rpc.review_eligibility.return_value = {
        "can_review": False,
        "reason": "already_reviewed",
        "has_purchased": True,
        "review_id": "r-1",
        "review_status": "pending",
    }
    response = http.get(
        "/api/reviews/product/prod-1/eligibility", headers=bearer(gateway_config, sub="u-1")
    )
    assert response.status_code == 200
    assert response.json() == {
        "canReview": False,
        "reason": "already_reviewed",
        "hasPurchased": True,
        "reviewId": "r-1",
        "reviewStatus": "pending",
    }
    reviews_rpc.review_eligibility.assert_called_once_with("u-1", "prod-1")


def test_a_guest_is_not_told_whether_they_may_review(reviews_rpc, http):
    assert http.get("/api/reviews/product/prod-1/eligibility").status_code == 401
    reviews_rpc.review_eligibility.assert_not_called()


def test_an_unknown_sort_is_a_400(reviews_rpc, http):
    assert http.get("/api/reviews/product/prod-1?sort=random").status_code == 400


def test_voting_on_your_own_review_is_a_403(reviews_rpc, http, gateway_config):
    reviews_rpc.vote_helpful.side_effect = OwnReviewVote("own", {"review_id": "r-1"})
    response = http.post("/api/reviews/r-1/helpful", headers=bearer(gateway_config, sub="u-1"))
    assert response.status_code == 403
    assert response.json()["error"] == "OWN_REVIEW_VOTE"


def test_deleting_a_review_passes_who_asks(reviews_rpc, http, gateway_config):
    reviews_rpc.delete_review.return_value = None
    response = http.delete("/api/reviews/r-1", headers=bearer(gateway_config, sub="u-1"))
    assert response.status_code == 204
    reviews_rpc.delete_review.assert_called_once_with("r-1", "u-1", False)


def test_someone_elses_review_is_a_404(reviews_rpc, http, gateway_config):
    reviews_rpc.delete_review.side_effect = ReviewNotFound("no review r-1", {"review_id": "r-1"})
    response = http.delete("/api/reviews/r-1", headers=bearer(gateway_config, sub="u-2"))
    assert response.status_code == 404
    assert response.json()["error"] == "REVIEW_NOT_FOUND"


def test_the_moderation_queue_is_for_admins_only(reviews_rpc, http, gateway_config):
    customer = http.get("/api/admin/reviews", headers=bearer(gateway_config))
    assert customer.status_code == 403
    reviews_rpc.list_queue.return_value = {
        "data": [
            {
                **REVIEW,
                "status": "flagged",
                "moderation": {
                    "verdict": "flagged",
                    "scores": {"profanity": 0.7},
                    "reasons": ["profanity"],
                    "model": "alt-profanity-check",
                    "model_version": "1.9.1",
                    "decision_id": "d-1",
                },
            }
        ],
        "meta": {"page": 1, "limit": 20, "total": 1, "total_pages": 1},
    }
    admin = http.get("/api/admin/reviews", headers=bearer(gateway_config, role="admin"))
    assert admin.status_code == 200
    assert admin.json()["data"][0]["moderation"]["modelVersion"] == "1.9.1"
    reviews_rpc.list_queue.assert_called_once_with(
        {"status": "flagged", "product_id": None, "page": 1, "limit": 20}
    )


def test_an_admin_approves_a_flagged_review(reviews_rpc, http, gateway_config):
    reviews_rpc.set_status.return_value = {**REVIEW, "status": "published", "moderation": None}
    response = http.patch(
        "/api/admin/reviews/r-1",
        json={"status": "published"},
        headers=bearer(gateway_config, sub="admin-1", role="admin"),
    )
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    reviews_rpc.set_status.assert_called_once_with("r-1", "published", "admin-1")
