"""Reviews: submit, moderation outcome, public listing with summary, votes, deletes, admin queue."""

import uuid

import pytest

from services.common.errors import ValidationFailed
from services.reviews.exceptions import (
    AlreadyVoted,
    InvalidReviewStatus,
    OwnReviewVote,
    ReviewExists,
    ReviewNotFound,
    ReviewProductNotFound,
)
from tests.helpers import wait_for


def moderated(dispatch, review_id, verdict, event_id=None):
    dispatch(
        "moderation",
        "content_moderated",
        {
            "event_id": event_id or str(uuid.uuid4()),
            "decision_id": str(uuid.uuid4()),
            "subject_type": "review",
            "subject_id": review_id,
            "verdict": verdict,
            "scores": {"profanity": 0.1, "max": 0.1},
            "reasons": [],
            "model": "alt-profanity-check",
            "model_version": "1.9.1",
        },
    )


def status_of(reviews, review_id, expected):
    return wait_for(
        lambda: reviews.get_review(review_id, None, True)["status"] == expected, timeout=10
    )


def write(reviews, user, product, rating=5, title="Nice", content="Works well."):
    return reviews.submit_review(user, product, rating, title, content)


def published(reviews, dispatch, user, product, rating):
    review = write(reviews, user, product, rating)
    moderated(dispatch, review["id"], "approved")
    status_of(reviews, review["id"], "published")
    return review


def test_a_verified_buyers_review_is_pending_and_sent_to_moderation(reviews, shop, seen):
    product = shop.product("prod-1")
    shop.purchase("buyer", product)
    review = write(reviews, "buyer", product, 4, "Solid", "Good value.")
    assert review["status"] == "pending"
    assert review["verified_purchase"] is True
    event = wait_for(lambda: seen["review_submitted"])[0]
    assert event["review_id"] == review["id"]
    assert (event["title"], event["content"], event["user_id"]) == ("Solid", "Good value.", "buyer")
    assert event["event_id"]


def test_a_review_without_a_purchase_is_not_verified(reviews, shop):
    product = shop.product("prod-1")
    assert write(reviews, "browser", product)["verified_purchase"] is False


def test_a_second_review_of_one_product_is_a_conflict(reviews, shop):
    product = shop.product("prod-1")
    write(reviews, "u1", product)
    with pytest.raises(ReviewExists):
        write(reviews, "u1", product, 1)


def test_the_page_learns_beforehand_whether_a_shopper_may_review(reviews, shop):
    product = shop.product("prod-1")
    shop.purchase("buyer", product)
    before = reviews.review_eligibility("buyer", product)
    assert (before["can_review"], before["has_purchased"], before["review_id"]) == (
        True,
        True,
        None,
    )
    assert reviews.review_eligibility("browser", product)["has_purchased"] is False
    review = write(reviews, "buyer", product)
    after = reviews.review_eligibility("buyer", product)
    assert after == {
        "can_review": False,
        "reason": "already_reviewed",
        "has_purchased": True,
        "review_id": review["id"],
        "review_status": "pending",
    }


def test_unknown_or_unlisted_products_cannot_be_reviewed(reviews, shop):
    draft = shop.product("draft-1", status="draft")
    with pytest.raises(ReviewProductNotFound):
        write(reviews, "u1", "nope")
    with pytest.raises(ReviewProductNotFound):
        write(reviews, "u1", draft)


def test_ratings_outside_one_to_five_are_invalid(reviews, shop):
    product = shop.product("prod-1")
    with pytest.raises(ValidationFailed) as error:
        write(reviews, "u1", product, 6)
    assert "rating" in error.value.details["fields"]


def test_a_pending_review_is_private_until_moderation_approves_it(reviews, shop, dispatch, seen):
    product = shop.product("prod-1")
    review = write(reviews, "u1", product, 4)
    assert reviews.list_reviews(product)["data"] == []
    with pytest.raises(ReviewNotFound):
        reviews.get_review(review["id"])
    assert reviews.get_review(review["id"], "u1")["status"] == "pending"

    moderated(dispatch, review["id"], "approved")
    status_of(reviews, review["id"], "published")
    listing = reviews.list_reviews(product)
    assert [r["id"] for r in listing["data"]] == [review["id"]]
    assert listing["summary"] == {
        "average": 4.0,
        "count": 1,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0},
    }
    assert wait_for(lambda: seen["rating_changed"]) == [
        {
            "product_id": product,
            "average": 4.0,
            "count": 1,
            "event_id": seen["rating_changed"][0]["event_id"],
            "occurred_at": seen["rating_changed"][0]["occurred_at"],
        }
    ]
    assert wait_for(lambda: seen["review_published"])[0]["review_id"] == review["id"]


def test_a_flagged_review_stays_private_until_an_admin_approves_it(reviews, shop, dispatch, seen):
    product = shop.product("prod-1")
    review = write(reviews, "u1", product, 2)
    moderated(dispatch, review["id"], "flagged")
    status_of(reviews, review["id"], "flagged")
    assert reviews.list_reviews(product)["data"] == []
    assert reviews.get_summary(product)["count"] == 0
    queue = reviews.list_queue({"status": "flagged"})
    assert [r["id"] for r in queue["data"]] == [review["id"]]
    assert queue["data"][0]["moderation"]["verdict"] == "flagged"

    approved = reviews.set_status(review["id"], "published", "admin-1")
    assert approved["status"] == "published"
    assert [r["id"] for r in reviews.list_reviews(product)["data"]] == [review["id"]]
    assert reviews.list_queue()["data"] == []
    assert wait_for(lambda: seen["rating_changed"])[-1]["count"] == 1


def test_an_admin_rejects_a_flagged_review(reviews, shop, dispatch, seen):
    product = shop.product("prod-1")
    review = write(reviews, "u1", product)
    moderated(dispatch, review["id"], "flagged")
    status_of(reviews, review["id"], "flagged")
    assert reviews.set_status(review["id"], "rejected", "admin-1")["status"] == "rejected"
    assert wait_for(lambda: seen["review_rejected"])[0]["review_id"] == review["id"]
    with pytest.raises(InvalidReviewStatus):
        reviews.set_status(review["id"], "flagged", "admin-1")


def test_a_rejected_review_never_appears(reviews, shop, dispatch):
    product = shop.product("prod-1")
    review = write(reviews, "u1", product, 1, "Bad", "rude words")
    moderated(dispatch, review["id"], "rejected")
    status_of(reviews, review["id"], "rejected")
    assert reviews.list_reviews(product)["meta"]["total"] == 0


def test_a_redelivered_verdict_changes_state_once(reviews, shop, dispatch, seen):
    product = shop.product("prod-1")
    review = write(reviews, "u1", product)
    event_id = str(uuid.uuid4())
    moderated(dispatch, review["id"], "approved", event_id)
    moderated(dispatch, review["id"], "approved", event_id)
    status_of(reviews, review["id"], "published")
    other = published(reviews, dispatch, "u2", product, 3)
    assert other
    wait_for(lambda: len(seen["rating_changed"]) >= 2)
    assert len(seen["review_published"]) == 2


def test_the_summary_and_sorting_of_published_reviews(reviews, shop, dispatch):
    product = shop.product("prod-1")
    ratings = {"u1": 5, "u2": 3, "u3": 4, "u4": 5}
    ids = {
        user: published(reviews, dispatch, user, product, r)["id"] for user, r in ratings.items()
    }
    reviews.vote_helpful(ids["u2"], "u1")
    reviews.vote_helpful(ids["u2"], "u3")
    reviews.vote_helpful(ids["u3"], "u1")

    listing = reviews.list_reviews(product, {"sort": "newest"})
    assert [r["user_id"] for r in listing["data"]] == ["u4", "u3", "u2", "u1"]
    assert listing["summary"] == {
        "average": 4.25,
        "count": 4,
        "distribution": {"1": 0, "2": 0, "3": 1, "4": 1, "5": 2},
    }
    helpful = reviews.list_reviews(product, {"sort": "helpful"})["data"]
    assert [r["user_id"] for r in helpful][:2] == ["u2", "u3"]
    highest = reviews.list_reviews(product, {"sort": "highest"})["data"]
    assert [r["rating"] for r in highest] == [5, 5, 4, 3]
    lowest = reviews.list_reviews(product, {"sort": "lowest", "page": 2, "limit": 3})
    assert [r["rating"] for r in lowest["data"]] == [5]
    assert lowest["meta"] == {"page": 2, "limit": 3, "total": 4, "total_pages": 2}
    with pytest.raises(ValidationFailed):
        reviews.list_reviews(product, {"sort": "random"})


def test_helpful_votes_once_per_user_and_never_by_the_author(reviews, shop, dispatch):
    product = shop.product("prod-1")
    review = published(reviews, dispatch, "author", product, 5)
    assert reviews.vote_helpful(review["id"], "reader") == {
        "review_id": review["id"],
        "helpful_count": 1,
    }
    with pytest.raises(AlreadyVoted):
        reviews.vote_helpful(review["id"], "reader")
    with pytest.raises(OwnReviewVote):
        reviews.vote_helpful(review["id"], "author")
    assert reviews.get_review(review["id"])["helpful_count"] == 1


def test_owner_or_admin_deletes_and_the_rating_follows(reviews, shop, dispatch, seen):
    product = shop.product("prod-1")
    mine = published(reviews, dispatch, "u1", product, 1)
    theirs = published(reviews, dispatch, "u2", product, 5)
    with pytest.raises(ReviewNotFound):
        reviews.delete_review(mine["id"], "u2")
    reviews.delete_review(mine["id"], "u1")
    assert reviews.get_summary(product)["average"] == 5.0
    reviews.delete_review(theirs["id"], "admin-1", True)
    assert reviews.get_summary(product)["count"] == 0
    wait_for(lambda: seen["rating_changed"] and seen["rating_changed"][-1]["count"] == 0)
    # after deleting, the author may write a new review of the product
    assert write(reviews, "u1", product)["status"] == "pending"


def test_a_review_is_accepted_unverified_when_orders_does_not_answer(
    container_factory, reviews_config, shop
):
    from nameko.standalone.rpc import ServiceRpcProxy

    from services.reviews.service import ReviewsService
    from tests.integration.reviews.conftest import FakeCatalog

    container_factory(FakeCatalog, reviews_config).start()
    container_factory(ReviewsService, reviews_config).start()
    product = shop.product("prod-1")
    shop.purchase("u1", product)
    with ServiceRpcProxy("reviews", reviews_config, timeout=15) as reviews:
        review = reviews.submit_review("u1", product, 5, "Nice", "Works.")
    assert review["verified_purchase"] is False
