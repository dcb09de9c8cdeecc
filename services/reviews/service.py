"""The reviews service: customer reviews, their moderation outcome, helpful votes, ratings.

Entrypoints only: each one loads its arguments and runs one use case of `usecases.Reviews` in a
unit of work on the worker's session (committed when it returns, rolled back when it raises; a
read's transaction ends with that COMMIT too).

Events (through the outbox, after commit): review_submitted {review_id, product_id, user_id,
rating, title, content}, review_published / review_rejected / review_deleted {review_id,
product_id, user_id}, rating_changed {product_id, average, count}. Consumes
`moderation.content_moderated` for subject_type "review".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from services.common.database import Database, Repository, unit_of_work
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.errors import ValidationFailed
from services.common.messaging import event_handler
from services.common.outbox import OutboxRelay, OutboxWriter
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load, load_event
from services.common.service import BazaarService
from services.reviews import schemas
from services.reviews.dependencies import RpcShop
from services.reviews.exceptions import (
    AlreadyVoted,
    InvalidReviewStatus,
    OwnReviewVote,
    ReviewExists,
    ReviewNotFound,
    ReviewProductNotFound,
)
from services.reviews.models import Base, dead_letters
from services.reviews.repository import SqlReviewRepository
from services.reviews.usecases import Reviews


class ReviewsService(DeadLetterAdmin, OutboxRelay, BazaarService):
    name = "reviews"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    repo = Repository(lambda session: SqlReviewRepository(session, OutboxWriter()))
    orders_rpc = RpcProxy("orders")
    catalog_rpc = RpcProxy("catalog")

    @contextmanager
    def _reviews(self) -> Iterator[Reviews]:
        """The use cases over the worker's repository and the orders and catalog proxies, in one
        unit of work on the worker's session."""
        reviews = Reviews(repo=self.repo, shop=RpcShop(self.orders_rpc, self.catalog_rpc))
        with unit_of_work(self.db.session):
            yield reviews

    @rpc(expected_exceptions=(ReviewExists, ReviewProductNotFound))
    def submit_review(self, user_id, product_id, rating, title, content) -> dict:
        """A new review, `pending` until moderation decides. Raises ReviewProductNotFound,
        ReviewExists (one per user and product), ValidationFailed."""
        data = load(
            schemas.SubmitReviewSchema(),
            {
                "user_id": user_id,
                "product_id": product_id,
                "rating": rating,
                "title": title,
                "content": content,
            },
        )
        with self._reviews() as reviews:
            return schemas.dump_review(reviews.submit_review(**data))

    @rpc(expected_exceptions=(ValidationFailed,))
    def review_eligibility(self, user_id, product_id) -> dict:
        """{can_review, reason, has_purchased, review_id, review_status} of `user_id` for a
        product: may they write a review (one each), and will it carry the verified badge."""
        args = load(schemas.EligibilitySchema(), {"user_id": user_id, "product_id": product_id})
        with self._reviews() as reviews:
            return reviews.review_eligibility(args["user_id"], args["product_id"])

    @rpc(expected_exceptions=(ReviewNotFound,))
    def get_review(self, review_id, user_id=None, is_admin=False) -> dict:
        """A published review to anyone; an unpublished one only to its author or an admin."""
        with self._reviews() as reviews:
            review = reviews.get_review(str(review_id), user_id, bool(is_admin))
        return schemas.dump_review(review, include_moderation=bool(is_admin))

    @rpc
    def list_reviews(self, product_id, query=None) -> dict:
        """Published reviews of a product (sort: newest, helpful, highest, lowest; page, limit)
        plus `summary` {average, count, distribution {"1".."5": n}}."""
        params = load(schemas.ListReviewsSchema(), query or {})
        with self._reviews() as reviews:
            page, summary = reviews.list_reviews(
                str(product_id), params["sort"], params["page"], params["limit"]
            )
        return {**schemas.dump_review_page(page), "summary": schemas.dump_summary(summary)}

    @rpc
    def get_summary(self, product_id) -> dict:
        """{product_id, average, count, distribution} of a product's published reviews."""
        with self._reviews() as reviews:
            summary = reviews.get_summary(str(product_id))
        return {"product_id": str(product_id), **schemas.dump_summary(summary)}

    @rpc
    def list_user_reviews(self, user_id, page=1, limit=20) -> dict:
        """Every review a user wrote, whatever its status, newest first."""
        params = load(schemas.ListReviewsSchema(), {"page": page, "limit": limit})
        with self._reviews() as reviews:
            page_ = reviews.list_user_reviews(str(user_id), params["page"], params["limit"])
        return schemas.dump_review_page(page_)

    @rpc(expected_exceptions=(ReviewNotFound, OwnReviewVote, AlreadyVoted))
    def vote_helpful(self, review_id, user_id) -> dict:
        """Count one "helpful" vote of `user_id`; returns {review_id, helpful_count}."""
        with self._reviews() as reviews:
            review = reviews.vote_helpful(str(review_id), str(user_id))
            return {"review_id": review.id, "helpful_count": review.helpful_count}

    @rpc(expected_exceptions=(ReviewNotFound,))
    def delete_review(self, review_id, user_id, is_admin=False) -> None:
        """The author or an admin deletes a review (another user gets ReviewNotFound)."""
        with self._reviews() as reviews:
            reviews.delete_review(str(review_id), str(user_id), bool(is_admin))

    @rpc
    def list_queue(self, query=None) -> dict:
        """Admin: reviews by status (default `flagged`), oldest first, with moderation scores."""
        params = load(schemas.QueueQuerySchema(), query or {})
        with self._reviews() as reviews:
            page = reviews.list_queue(
                params["status"], params["product_id"], params["page"], params["limit"]
            )
        return schemas.dump_review_page(page, include_moderation=True)

    @rpc(expected_exceptions=(ReviewNotFound, InvalidReviewStatus))
    def set_status(self, review_id, status, user_id=None) -> dict:
        """Admin: publish or reject a review (approve/reject from the flagged queue)."""
        data = load(schemas.SetStatusSchema(), {"status": status})
        with self._reviews() as reviews:
            review = reviews.set_status(str(review_id), data["status"], actor_id=user_id)
            return schemas.dump_review(review, include_moderation=True)

    @event_handler("moderation", "content_moderated")
    @dead_lettered(dead_letters, "moderation", "content_moderated")
    def handle_content_moderated(self, payload):
        """Publish, flag or reject a pending review according to the moderation verdict."""
        event = load_event(schemas.ContentModeratedSchema(), payload, "content_moderated")
        if event is None:
            return
        with self._reviews() as reviews:
            reviews.apply_moderation(event)
