"""Review rules on plain objects, over the fake repository (tests/unit/reviews/fakes.py)."""

from datetime import UTC, datetime

import pytest

from services.reviews import domain
from services.reviews.domain import FLAGGED, PENDING, PUBLISHED, REJECTED, Summary, summarize
from services.reviews.exceptions import (
    AlreadyVoted,
    InvalidReviewStatus,
    OwnReviewVote,
    ReviewExists,
    ReviewNotFound,
)
from tests.unit.reviews.fakes import FakeReviewRepository

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def submit(store, review_id="r1", user_id="u1", product_id="p1", rating=5):
    review, events = domain.submit(
        store,
        review_id=review_id,
        user_id=user_id,
        product_id=product_id,
        rating=rating,
        title="Nice",
        content="Works well",
        verified_purchase=True,
        now=NOW,
    )
    return review, events


def names(events):
    return [name for name, _ in events]


def test_a_new_review_is_pending_and_announced_for_moderation():
    store = FakeReviewRepository()
    review, events = submit(store)
    assert review.status == PENDING
    assert events == [
        (
            "review_submitted",
            {
                "review_id": "r1",
                "product_id": "p1",
                "user_id": "u1",
                "rating": 5,
                "title": "Nice",
                "content": "Works well",
            },
        ),
    ]


def test_a_second_review_of_the_same_product_by_the_same_user_is_a_conflict():
    store = FakeReviewRepository()
    submit(store)
    with pytest.raises(ReviewExists):
        submit(store, review_id="r2")
    submit(store, review_id="r3", product_id="p2")


def test_summary_has_average_count_and_a_distribution_per_star():
    assert summarize({5: 2, 4: 1, 1: 1}) == Summary(
        3.75, 4, {"1": 1, "2": 0, "3": 0, "4": 1, "5": 2}
    )
    assert summarize({}) == Summary(0.0, 0, {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0})


def test_approval_publishes_the_review_and_changes_the_rating():
    store = FakeReviewRepository()
    submit(store, rating=4)
    events = domain.apply_moderation(store, "r1", "approved", {"verdict": "approved"}, NOW)
    assert store.reviews["r1"].status == PUBLISHED
    assert store.reviews["r1"].published_at == NOW
    assert names(events) == ["review_published", "rating_changed"]
    assert events[1][1] == {"product_id": "p1", "average": 4.0, "count": 1}
    assert store.locked == ["p1"]


def test_a_flagged_review_stays_private_and_leaves_the_rating_alone():
    store = FakeReviewRepository()
    submit(store)
    events = domain.apply_moderation(store, "r1", "flagged", {"verdict": "flagged"}, NOW)
    assert store.reviews["r1"].status == FLAGGED
    assert events == []
    assert store.summaries == {}


def test_a_rejected_review_is_announced_without_touching_the_rating():
    store = FakeReviewRepository()
    submit(store)
    events = domain.apply_moderation(store, "r1", "rejected", {}, NOW)
    assert store.reviews["r1"].status == REJECTED
    assert names(events) == ["review_rejected"]


def test_a_late_verdict_does_not_override_an_admin_decision():
    store = FakeReviewRepository()
    submit(store)
    domain.set_status(store, "r1", PUBLISHED, NOW)
    events = domain.apply_moderation(store, "r1", "rejected", {"verdict": "rejected"}, NOW)
    assert store.reviews["r1"].status == PUBLISHED
    assert store.reviews["r1"].moderation == {"verdict": "rejected"}
    assert events == []


def test_a_verdict_on_a_deleted_review_is_ignored():
    assert domain.apply_moderation(FakeReviewRepository(), "gone", "approved", {}, NOW) == []


def test_an_admin_approves_a_flagged_review():
    store = FakeReviewRepository()
    submit(store, rating=3)
    domain.apply_moderation(store, "r1", "flagged", {}, NOW)
    review, events = domain.set_status(store, "r1", PUBLISHED, NOW)
    assert review.status == PUBLISHED
    assert names(events) == ["review_published", "rating_changed"]


def test_rejecting_a_published_review_takes_it_out_of_the_rating():
    store = FakeReviewRepository()
    submit(store, rating=5)
    domain.apply_moderation(store, "r1", "approved", {}, NOW)
    _, events = domain.set_status(store, "r1", REJECTED, NOW)
    assert names(events) == ["review_rejected", "rating_changed"]
    assert store.summaries["p1"].count == 0


def test_an_admin_can_only_publish_or_reject():
    store = FakeReviewRepository()
    submit(store)
    with pytest.raises(InvalidReviewStatus):
        domain.set_status(store, "r1", PENDING, NOW)
    with pytest.raises(ReviewNotFound):
        domain.set_status(store, "nope", PUBLISHED, NOW)


def test_helpful_votes_count_once_per_user_and_never_from_the_author():
    store = FakeReviewRepository()
    submit(store)
    domain.apply_moderation(store, "r1", "approved", {}, NOW)
    assert domain.vote_helpful(store, "r1", "u2", NOW).helpful_count == 1
    with pytest.raises(AlreadyVoted):
        domain.vote_helpful(store, "r1", "u2", NOW)
    with pytest.raises(OwnReviewVote):
        domain.vote_helpful(store, "r1", "u1", NOW)
    assert domain.vote_helpful(store, "r1", "u3", NOW).helpful_count == 2


def test_nobody_votes_on_an_unpublished_review():
    store = FakeReviewRepository()
    submit(store)
    with pytest.raises(ReviewNotFound):
        domain.vote_helpful(store, "r1", "u2", NOW)


def test_the_author_deletes_a_published_review_and_the_rating_follows():
    store = FakeReviewRepository()
    submit(store, rating=2)
    submit(store, review_id="r2", user_id="u2", rating=4)
    domain.apply_moderation(store, "r1", "approved", {}, NOW)
    domain.apply_moderation(store, "r2", "approved", {}, NOW)
    events = domain.delete(store, "r1", "u1", False, NOW)
    assert names(events) == ["review_deleted", "rating_changed"]
    assert events[1][1] == {"product_id": "p1", "average": 4.0, "count": 1}


def test_another_customer_cannot_delete_a_review_but_an_admin_can():
    store = FakeReviewRepository()
    submit(store)
    with pytest.raises(ReviewNotFound):
        domain.delete(store, "r1", "u2", False, NOW)
    events = domain.delete(store, "r1", "admin", True, NOW)
    assert names(events) == ["review_deleted"]
    assert store.reviews == {}


def test_a_shopper_may_review_a_product_once_and_a_purchase_only_earns_the_badge():
    store = FakeReviewRepository()
    assert domain.eligibility(store.find_by_author("u1", "p1"), False) == {
        "can_review": True,
        "reason": None,
        "has_purchased": False,
        "review_id": None,
        "review_status": None,
    }
    submit(store)
    assert domain.eligibility(store.find_by_author("u1", "p1"), True) == {
        "can_review": False,
        "reason": "already_reviewed",
        "has_purchased": True,
        "review_id": "r1",
        "review_status": PENDING,
    }
