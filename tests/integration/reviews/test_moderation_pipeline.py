"""Reviews and moderation together (real models): a review's text decides whether it is public."""

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from services.moderation.service import ModerationService
from tests.helpers import truncate_tables, wait_for


@pytest.fixture
def pipeline(reviews, container_factory, reviews_config, config):
    truncate_tables(config, "moderation")
    container_factory(ModerationService, reviews_config).start()
    with ServiceRpcProxy("moderation", reviews_config, timeout=15) as moderation:
        yield reviews, moderation
    truncate_tables(config, "moderation")


def settled(reviews, review_id):
    def status():
        current = reviews.get_review(review_id, None, True)
        return current if current["status"] != "pending" else None

    return wait_for(status, timeout=15)


def test_a_verified_buyers_clean_review_is_published_and_the_rating_changes(pipeline, shop, seen):
    reviews, moderation = pipeline
    product = shop.product("prod-1")
    shop.purchase("buyer", product)
    review = reviews.submit_review("buyer", product, 5, "Great kettle", "Boils fast. Love it.")
    final = settled(reviews, review["id"])
    assert final["status"] == "published" and final["verified_purchase"] is True
    assert final["moderation"]["model"] == "alt-profanity-check"
    assert reviews.list_reviews(product)["summary"]["average"] == 5.0
    change = wait_for(lambda: seen["rating_changed"])[0]
    assert (change["product_id"], change["average"], change["count"]) == (product, 5.0, 1)
    assert moderation.get_decision("review", review["id"])["verdict"] == "approved"


def test_a_rude_review_is_rejected_and_never_public(pipeline, shop):
    reviews, _ = pipeline
    product = shop.product("prod-1")
    review = reviews.submit_review("u1", product, 1, "Garbage", "Fucking shit product, asshole.")
    assert settled(reviews, review["id"])["status"] == "rejected"
    assert reviews.list_reviews(product)["meta"]["total"] == 0


def test_a_borderline_review_stays_private_until_an_admin_approves_it(pipeline, shop):
    reviews, _ = pipeline
    product = shop.product("prod-1")
    review = reviews.submit_review("u1", product, 2, "Meh", "This design is dumb")
    flagged = settled(reviews, review["id"])
    assert flagged["status"] == "flagged"
    assert reviews.list_reviews(product)["data"] == []
    assert reviews.set_status(review["id"], "published", "admin")["status"] == "published"
    assert [r["id"] for r in reviews.list_reviews(product)["data"]] == [review["id"]]
