"""The reviews use cases: one class, `Reviews`, over the ports of `domain` (the repository, and
the lookups in orders and catalog), in the unit of work the service commits.

Pure like the domain (no nameko, SQLAlchemy or redis): unit-tested with the fakes in
`tests/unit/reviews/fakes.py`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.common.clock import utcnow
from services.common.errors import ServiceUnavailable
from services.reviews import domain
from services.reviews.domain import (
    Event,
    Page,
    Review,
    ReviewRepository,
    ShopLookups,
    Summary,
)
from services.reviews.exceptions import ReviewNotFound

log = logging.getLogger(__name__)
CONSUMER = "handle_content_moderated"  # the processed_events name of the moderation handler


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Reviews:
    """The reviews use cases over one unit of work."""

    repo: ReviewRepository
    shop: ShopLookups
    clock: Callable[[], datetime] = utcnow
    new_id: Callable[[], str] = new_id

    # writing and deleting

    def submit_review(
        self, user_id: str, product_id: str, rating: int, title: str, content: str
    ) -> Review:
        """A new `pending` review; raises ReviewExists (one per user and product),
        ReviewProductNotFound (unknown or not on sale). Event: review_submitted."""
        domain.require_no_review(self.repo.find_by_author(user_id, product_id), product_id)
        self.repo.rollback()  # hold no connection while other services answer
        domain.require_on_sale(product_id, self.shop.get_products([product_id]))
        review, events = domain.submit(
            self.repo,
            review_id=self.new_id(),
            verified_purchase=self._has_purchased(user_id, product_id),
            now=self.clock(),
            user_id=user_id,
            product_id=product_id,
            rating=rating,
            title=title,
            content=content,
        )
        self._record(events)
        return review

    def delete_review(self, review_id: str, user_id: str, is_admin: bool) -> None:
        """The author or an admin deletes a review (anyone else: ReviewNotFound)."""
        self._record(domain.delete(self.repo, review_id, user_id, is_admin, self.clock()))

    def vote_helpful(self, review_id: str, user_id: str) -> Review:
        """Raises ReviewNotFound, OwnReviewVote, AlreadyVoted."""
        return domain.vote_helpful(self.repo, review_id, user_id, self.clock())

    def set_status(self, review_id: str, status: str, actor_id: str | None = None) -> Review:
        """Admin: publish or reject a review; raises ReviewNotFound, InvalidReviewStatus."""
        review, events = domain.set_status(self.repo, review_id, status, self.clock())
        log.info("review %s set %s by %s", review.id, review.status, actor_id)
        self._record(events)
        return review

    def apply_moderation(self, event: dict[str, Any]) -> None:
        """A content_moderated event (loaded): publish, flag or reject the pending review it is
        about, once per event id; other subjects are ignored."""
        if event["subject_type"] != "review":
            return
        if not self.repo.first_delivery(event["event_id"], CONSUMER):
            self.repo.rollback()
            return
        self._record(
            domain.apply_moderation(
                self.repo,
                event["subject_id"],
                event["verdict"],
                domain.moderation_record(event),
                self.clock(),
            )
        )

    # reading

    def review_eligibility(self, user_id: str, product_id: str) -> dict[str, Any]:
        """{can_review, reason, has_purchased, review_id, review_status} (domain.eligibility)."""
        # orders first: no connection is held while another service answers
        purchased = self._has_purchased(user_id, product_id)
        return domain.eligibility(self.repo.find_by_author(user_id, product_id), purchased)

    def get_review(self, review_id: str, user_id: str | None, is_admin: bool) -> Review:
        """Raises ReviewNotFound unless the review is visible to the caller."""
        review = self.repo.find(review_id)
        if review is None or not domain.visible_to(review, user_id, is_admin):
            raise ReviewNotFound(f"no review {review_id}", {"review_id": review_id})
        return review

    def list_reviews(
        self, product_id: str, sort: str, page: int, limit: int
    ) -> tuple[Page, Summary]:
        """A page of a product's published reviews, and the product's summary."""
        rows, total = self.repo.published_page(product_id, sort, page, limit)
        return Page(rows, total, page, limit), self.repo.summary(product_id)

    def get_summary(self, product_id: str) -> Summary:
        return self.repo.summary(product_id)

    def list_user_reviews(self, user_id: str, page: int, limit: int) -> Page:
        rows, total = self.repo.user_page(user_id, page, limit)
        return Page(rows, total, page, limit)

    def list_queue(self, status: str | None, product_id: str | None, page: int, limit: int) -> Page:
        rows, total = self.repo.status_page(status, product_id, page, limit)
        return Page(rows, total, page, limit)

    # helpers

    def _record(self, events: list[Event]) -> None:
        for event_type, payload in events:
            self.repo.record_event(event_type, payload)

    def _has_purchased(self, user_id: str, product_id: str) -> bool:
        """The verified-purchase badge. If orders does not answer, the review is still accepted,
        without the badge: a review must not fail because another service is slow."""
        try:
            return self.shop.has_purchased(user_id, product_id)
        except ServiceUnavailable:
            log.warning("orders did not answer has_purchased; review saved as unverified")
            return False
