"""The reviews use cases on fakes of their ports: who may review, verdicts, reads."""

import pytest

from services.reviews.exceptions import ReviewExists, ReviewNotFound, ReviewProductNotFound
from services.reviews.usecases import Reviews
from tests.unit.fakes import FakeClock
from tests.unit.reviews.fakes import FakeReviewRepository, FakeShop, SequentialIds


@pytest.fixture
def kit():
    repo, shop, clock = FakeReviewRepository(), FakeShop(), FakeClock()
    shop.products["p1"] = {"id": "p1", "status": "active"}
    reviews = Reviews(repo=repo, shop=shop, clock=clock, new_id=SequentialIds())
    return reviews, repo, shop, clock


def submit(reviews, user_id="u1", product_id="p1", rating=4):
    return reviews.submit_review(user_id, product_id, rating, "Nice", "Works well")


def moderated(review_id, verdict, event_id="e1", subject_type="review"):
    return {
        "event_id": event_id,
        "decision_id": "d1",
        "subject_type": subject_type,
        "subject_id": review_id,
        "verdict": verdict,
        "scores": {"toxicity": 0.01},
        "reasons": [],
        "model": "m",
        "model_version": "1",
    }


def test_a_buyers_review_is_pending_verified_and_announced(kit):
    reviews, repo, shop, clock = kit
    shop.purchases.add(("u1", "p1"))
    review = submit(reviews)
    assert (review.id, review.status, review.verified_purchase) == ("review-1", "pending", True)
    assert review.created_at == clock.now
    assert repo.rollbacks == 1  # no connection held while catalog and orders answer
    assert repo.events == [
        (
            "review_submitted",
            {
                "review_id": "review-1",
                "product_id": "p1",
                "user_id": "u1",
                "rating": 4,
                "title": "Nice",
                "content": "Works well",
            },
        )
    ]


def test_a_second_review_is_refused_before_other_services_are_asked(kit):
    reviews, _, shop, _ = kit
    submit(reviews)
    shop.asked.clear()
    with pytest.raises(ReviewExists):
        submit(reviews)
    assert shop.asked == []


@pytest.mark.parametrize("product", [None, {"id": "p1", "status": "draft"}])
def test_a_product_not_on_sale_cannot_be_reviewed(kit, product):
    reviews, repo, shop, _ = kit
    if product is None:
        del shop.products["p1"]
    else:
        shop.products["p1"] = product
    with pytest.raises(ReviewProductNotFound):
        submit(reviews)
    assert repo.reviews == {} and repo.events == []


def test_a_review_is_saved_unverified_when_orders_does_not_answer(kit):
    reviews, _, shop, _ = kit
    shop.orders_down = True
    assert submit(reviews).verified_purchase is False


def test_eligibility_tells_whether_the_shopper_may_still_review(kit):
    reviews, _, shop, _ = kit
    shop.purchases.add(("u1", "p1"))
    assert reviews.review_eligibility("u1", "p1")["can_review"] is True
    review = submit(reviews)
    assert reviews.review_eligibility("u1", "p1") == {
        "can_review": False,
        "reason": "already_reviewed",
        "has_purchased": True,
        "review_id": review.id,
        "review_status": "pending",
    }


def test_an_unpublished_review_is_visible_to_its_author_and_admins_only(kit):
    reviews, _, _, _ = kit
    review = submit(reviews)
    assert reviews.get_review(review.id, "u1", False) is review
    assert reviews.get_review(review.id, None, True) is review
    with pytest.raises(ReviewNotFound):
        reviews.get_review(review.id, "u2", False)
    with pytest.raises(ReviewNotFound):
        reviews.get_review("missing", None, True)


def test_an_approving_verdict_publishes_the_review_and_refreshes_the_rating(kit):
    reviews, repo, _, _ = kit
    review = submit(reviews)
    reviews.apply_moderation(moderated(review.id, "approved"))
    assert review.status == "published"
    assert review.moderation["decision_id"] == "d1"
    assert repo.event_types()[-2:] == ["review_published", "rating_changed"]
    page, summary = reviews.list_reviews("p1", "newest", 1, 20)
    assert (page.items, page.total, summary.count, summary.average) == ([review], 1, 1, 4.0)


def test_a_verdict_delivered_twice_changes_the_review_once(kit):
    reviews, repo, _, _ = kit
    review = submit(reviews)
    reviews.apply_moderation(moderated(review.id, "flagged"))
    events = list(repo.events)
    reviews.apply_moderation(moderated(review.id, "approved"))  # same event id
    assert review.status == "flagged" and repo.events == events
    assert repo.rollbacks == 2


def test_verdicts_on_other_subjects_are_ignored(kit):
    reviews, repo, _, _ = kit
    review = submit(reviews)
    reviews.apply_moderation(moderated(review.id, "rejected", subject_type="media"))
    assert review.status == "pending" and repo.delivered == set()


def test_an_admin_rejects_a_flagged_review(kit):
    reviews, repo, _, _ = kit
    review = submit(reviews)
    reviews.apply_moderation(moderated(review.id, "flagged"))
    assert reviews.set_status(review.id, "rejected", actor_id="admin-1").status == "rejected"
    assert repo.event_types()[-1] == "review_rejected"
    queue = reviews.list_queue("rejected", None, 1, 20)
    assert (queue.items, queue.total) == ([review], 1)


def test_votes_and_deletion_go_through_the_rules(kit):
    reviews, repo, _, _ = kit
    review = submit(reviews)
    reviews.apply_moderation(moderated(review.id, "approved"))
    assert reviews.vote_helpful(review.id, "u2").helpful_count == 1
    reviews.delete_review(review.id, "u1", False)
    assert repo.reviews == {}
    assert repo.event_types()[-2:] == ["review_deleted", "rating_changed"]
    assert reviews.list_user_reviews("u1", 1, 20).total == 0
