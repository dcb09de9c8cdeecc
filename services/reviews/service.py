"""The reviews service: customer reviews, their moderation outcome, helpful votes, ratings.

Events (through the outbox, after commit): review_submitted {review_id, product_id, user_id,
rating, title, content}, review_published / review_rejected / review_deleted {review_id,
product_id, user_id}, rating_changed {product_id, average, count}. Consumes
`moderation.content_moderated` for subject_type "review".
"""

from __future__ import annotations

import logging
import uuid

from marshmallow import ValidationError

from services.common.clock import utcnow
from services.common.database import Database
from services.common.deadletter import DeadLetterAdmin, dead_lettered
from services.common.errors import ServiceUnavailable, ValidationFailed
from services.common.messaging import event_handler
from services.common.outbox import Outbox, OutboxRelay
from services.common.rpc import RpcProxy, rpc
from services.common.schemas import load
from services.common.service import BazaarService
from services.reviews import domain
from services.reviews.dependencies import ReviewRepository, review_as_dict
from services.reviews.exceptions import (
    AlreadyVoted,
    InvalidReviewStatus,
    OwnReviewVote,
    ReviewExists,
    ReviewNotFound,
    ReviewProductNotFound,
)
from services.reviews.models import Base, dead_letters, processed_events
from services.reviews.schemas import (
    ContentModeratedSchema,
    EligibilitySchema,
    ListReviewsSchema,
    QueueQuerySchema,
    SetStatusSchema,
    SubmitReviewSchema,
)

log = logging.getLogger(__name__)


class ReviewsService(DeadLetterAdmin, OutboxRelay, BazaarService):
    name = "reviews"
    dead_letters = dead_letters  # DeadLetterAdmin lists and replays these

    db = Database(Base)
    outbox = Outbox()
    orders_rpc = RpcProxy("orders")
    catalog_rpc = RpcProxy("catalog")

    @rpc(expected_exceptions=(ReviewExists, ReviewProductNotFound))
    def submit_review(self, user_id, product_id, rating, title, content) -> dict:
        """A new review, `pending` until moderation decides. Raises ReviewProductNotFound,
        ReviewExists (one per user and product), ValidationFailed."""
        data = load(
            SubmitReviewSchema(),
            {
                "user_id": user_id,
                "product_id": product_id,
                "rating": rating,
                "title": title,
                "content": content,
            },
        )
        repo = ReviewRepository(self.db.session)
        if repo.find_by_author(data["user_id"], data["product_id"]) is not None:
            raise ReviewExists(
                "you have already reviewed this product", {"product_id": data["product_id"]}
            )
        self.db.session.rollback()  # hold no connection while other services answer
        self._check_product(data["product_id"])
        review, events = domain.submit(
            repo,
            review_id=str(uuid.uuid4()),
            verified_purchase=self._has_purchased(data["user_id"], data["product_id"]),
            now=utcnow(),
            **data,
        )
        return self._commit(events, review_as_dict(review))

    @rpc(expected_exceptions=(ValidationFailed,))
    def review_eligibility(self, user_id, product_id) -> dict:
        """{can_review, reason, has_purchased, review_id, review_status} of `user_id` for a
        product: may they write a review (one each), and will it carry the verified badge."""
        args = load(EligibilitySchema(), {"user_id": user_id, "product_id": product_id})
        # orders first: no connection is held while another service answers
        purchased = self._has_purchased(args["user_id"], args["product_id"])
        existing = ReviewRepository(self.db.session).find_by_author(
            args["user_id"], args["product_id"]
        )
        return domain.eligibility(existing, purchased)

    @rpc(expected_exceptions=(ReviewNotFound,))
    def get_review(self, review_id, user_id=None, is_admin=False) -> dict:
        """A published review to anyone; an unpublished one only to its author or an admin."""
        review = ReviewRepository(self.db.session).find(str(review_id))
        visible = review is not None and (
            review.status == domain.PUBLISHED or is_admin or review.user_id == user_id
        )
        if not visible:
            raise ReviewNotFound(f"no review {review_id}", {"review_id": review_id})
        return review_as_dict(review, include_moderation=bool(is_admin))

    @rpc
    def list_reviews(self, product_id, query=None) -> dict:
        """Published reviews of a product (sort: newest, helpful, highest, lowest; page, limit)
        plus `summary` {average, count, distribution {"1".."5": n}}."""
        params = load(ListReviewsSchema(), query or {})
        repo = ReviewRepository(self.db.session)
        result = repo.published_page(
            str(product_id), params["sort"], params["page"], params["limit"]
        )
        result["summary"] = repo.summary(str(product_id)).as_dict()
        return result

    @rpc
    def get_summary(self, product_id) -> dict:
        """{product_id, average, count, distribution} of a product's published reviews."""
        summary = ReviewRepository(self.db.session).summary(str(product_id))
        return {"product_id": str(product_id), **summary.as_dict()}

    @rpc
    def list_user_reviews(self, user_id, page=1, limit=20) -> dict:
        """Every review a user wrote, whatever its status, newest first."""
        params = load(ListReviewsSchema(), {"page": page, "limit": limit})
        return ReviewRepository(self.db.session).user_page(
            str(user_id), params["page"], params["limit"]
        )

    @rpc(expected_exceptions=(ReviewNotFound, OwnReviewVote, AlreadyVoted))
    def vote_helpful(self, review_id, user_id) -> dict:
        """Count one "helpful" vote of `user_id`; returns {review_id, helpful_count}."""
        review = domain.vote_helpful(
            ReviewRepository(self.db.session), str(review_id), str(user_id), utcnow()
        )
        return self._commit([], {"review_id": review.id, "helpful_count": review.helpful_count})

    @rpc(expected_exceptions=(ReviewNotFound,))
    def delete_review(self, review_id, user_id, is_admin=False) -> None:
        """The author or an admin deletes a review (another user gets ReviewNotFound)."""
        events = domain.delete(
            ReviewRepository(self.db.session),
            str(review_id),
            str(user_id),
            bool(is_admin),
            utcnow(),
        )
        self._commit(events, None)

    @rpc
    def list_queue(self, query=None) -> dict:
        """Admin: reviews by status (default `flagged`), oldest first, with moderation scores."""
        params = load(QueueQuerySchema(), query or {})
        return ReviewRepository(self.db.session).status_page(
            params["status"], params["product_id"], params["page"], params["limit"]
        )

    @rpc(expected_exceptions=(ReviewNotFound, InvalidReviewStatus))
    def set_status(self, review_id, status, user_id=None) -> dict:
        """Admin: publish or reject a review (approve/reject from the flagged queue)."""
        data = load(SetStatusSchema(), {"status": status})
        review, events = domain.set_status(
            ReviewRepository(self.db.session), str(review_id), data["status"], utcnow()
        )
        log.info("review %s set %s by %s", review.id, review.status, user_id)
        return self._commit(events, review_as_dict(review, include_moderation=True))

    @event_handler("moderation", "content_moderated")
    @dead_lettered(dead_letters, "moderation", "content_moderated")
    def handle_content_moderated(self, payload):
        """Publish, flag or reject a pending review according to the moderation verdict."""
        try:
            event = ContentModeratedSchema().load(payload if isinstance(payload, dict) else {})
        except ValidationError as exc:
            log.error("dropping malformed content_moderated event: %s", exc.messages)
            return
        if event["subject_type"] != "review":
            return
        session = self.db.session
        if not processed_events.first_delivery(
            session, event["event_id"], "handle_content_moderated"
        ):
            session.rollback()
            return
        moderation = {
            key: event[key]
            for key in ("decision_id", "verdict", "scores", "reasons", "model", "model_version")
        }
        events = domain.apply_moderation(
            ReviewRepository(session), event["subject_id"], event["verdict"], moderation, utcnow()
        )
        self._commit(events, None)

    # -- helpers --------------------------------------------------------------------------------

    def _commit(self, events, result):
        for event_type, payload in events:
            self.outbox.add(self.db.session, event_type, payload)
        self.db.session.commit()
        return result

    def _check_product(self, product_id: str) -> None:
        products = self.catalog_rpc.get_products([product_id])
        if not any(p.get("id") == product_id and p.get("status") == "active" for p in products):
            raise ReviewProductNotFound(f"no product {product_id}", {"product_id": product_id})

    def _has_purchased(self, user_id: str, product_id: str) -> bool:
        """The verified-purchase badge. If orders does not answer, the review is still accepted,
        without the badge: a review must not fail because another service is slow."""
        try:
            return bool(self.orders_rpc.has_purchased(user_id, product_id))
        except ServiceUnavailable:
            log.warning("orders did not answer has_purchased; review saved as unverified")
            return False
