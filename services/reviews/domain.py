"""Review rules: one review per user and product, moderation outcomes, votes, rating summaries.

Functions take a `ReviewStore` (what the rules need of the repository) and plain values, change
state through it and return the events to publish as (event_type, payload) pairs; the use cases
(`usecases.Reviews`) write them to the outbox and the service commits. The ports of the use cases
are at the end: `ReviewRepository` (repository.py, SQL) and `ShopLookups` (dependencies.RpcShop,
the orders' and catalog's RPCs). Nothing here imports nameko, SQLAlchemy or redis.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from services.common.ports import Transactional
from services.reviews.exceptions import (
    AlreadyVoted,
    InvalidReviewStatus,
    OwnReviewVote,
    ReviewExists,
    ReviewNotFound,
    ReviewProductNotFound,
)

PENDING = "pending"
PUBLISHED = "published"
FLAGGED = "flagged"
REJECTED = "rejected"
STATUSES = (PENDING, PUBLISHED, FLAGGED, REJECTED)
ADMIN_TARGETS = (PUBLISHED, REJECTED)

# moderation verdict -> review status
VERDICT_STATUS = {"approved": PUBLISHED, "flagged": FLAGGED, "rejected": REJECTED}

SORTS = ("newest", "helpful", "most_helpful", "highest", "lowest")

Event = tuple[str, dict[str, Any]]


class Review(Protocol):
    id: str
    product_id: str
    user_id: str
    rating: int
    title: str
    content: str
    status: str
    verified_purchase: bool
    helpful_count: int
    moderation: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


@dataclass(frozen=True)
class Summary:
    average: float
    count: int
    distribution: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"average": self.average, "count": self.count, "distribution": self.distribution}


class ReviewStore(Protocol):
    def find(self, review_id: str, lock: bool = False) -> Review | None: ...
    def find_by_author(self, user_id: str, product_id: str) -> Review | None: ...
    def create(self, **fields: Any) -> Review: ...
    def remove(self, review: Review) -> None: ...
    def add_vote(self, review_id: str, user_id: str, now: datetime) -> bool: ...
    def lock_product(self, product_id: str) -> None: ...
    def star_counts(self, product_id: str) -> dict[int, int]: ...
    def save_summary(self, product_id: str, summary: Summary, now: datetime) -> None: ...


@dataclass(frozen=True)
class Page:
    """One page of reviews and the total over every page."""

    items: list[Any]
    total: int
    page: int
    limit: int


def summarize(star_counts: dict[int, int]) -> Summary:
    """Average (2 decimals), count and per-star distribution of published ratings."""
    distribution = {str(star): int(star_counts.get(star, 0)) for star in range(1, 6)}
    count = sum(distribution.values())
    total = sum(int(star) * n for star, n in distribution.items())
    average = round(total / count, 2) if count else 0.0
    return Summary(average, count, distribution)


def refresh_summary(store: ReviewStore, product_id: str, now: datetime) -> list[Event]:
    """Recompute a product's summary from its published reviews (serialised per product)."""
    store.lock_product(product_id)
    summary = summarize(store.star_counts(product_id))
    store.save_summary(product_id, summary, now)
    return [
        (
            "rating_changed",
            {"product_id": product_id, "average": summary.average, "count": summary.count},
        )
    ]


def review_event(review: Review) -> dict[str, Any]:
    return {"review_id": review.id, "product_id": review.product_id, "user_id": review.user_id}


def require_no_review(existing: Review | None, product_id: str) -> None:
    """One review per user and product: raises ReviewExists when `existing` is theirs."""
    if existing is not None:
        raise ReviewExists("you have already reviewed this product", {"product_id": product_id})


def require_on_sale(product_id: str, products: Iterable[Mapping[str, Any]]) -> None:
    """Only a product on sale (active) is reviewed: `products` is what the catalog answered for
    it; raises ReviewProductNotFound."""
    if not any(p.get("id") == product_id and p.get("status") == "active" for p in products):
        raise ReviewProductNotFound(f"no product {product_id}", {"product_id": product_id})


def visible_to(review: Review | None, user_id: str | None, is_admin: bool) -> bool:
    """A published review is public; an unpublished one only its author's or an admin's."""
    return review is not None and (
        review.status == PUBLISHED or is_admin or review.user_id == user_id
    )


def submit(
    store: ReviewStore,
    *,
    review_id: str,
    user_id: str,
    product_id: str,
    rating: int,
    title: str,
    content: str,
    verified_purchase: bool,
    now: datetime,
) -> tuple[Review, list[Event]]:
    """A new `pending` review and its `review_submitted` event; ReviewExists on a second one."""
    require_no_review(store.find_by_author(user_id, product_id), product_id)
    review = store.create(
        id=review_id,
        product_id=product_id,
        user_id=user_id,
        rating=rating,
        title=title,
        content=content,
        status=PENDING,
        verified_purchase=verified_purchase,
        helpful_count=0,
        moderation=None,
        created_at=now,
        updated_at=now,
        published_at=None,
    )
    payload = {**review_event(review), "rating": rating, "title": title, "content": content}
    return review, [("review_submitted", payload)]


def eligibility(existing: Review | None, has_purchased: bool) -> dict[str, Any]:
    """What a signed-in shopper may do about reviewing a product, for the page to say before they
    write: one review per user and product (submit's rule), a purchase only earns the badge."""
    return {
        "can_review": existing is None,
        "reason": None if existing is None else "already_reviewed",
        "has_purchased": bool(has_purchased),
        "review_id": existing.id if existing is not None else None,
        "review_status": existing.status if existing is not None else None,
    }


def _change_status(store: ReviewStore, review: Review, status: str, now: datetime) -> list[Event]:
    was_public = review.status == PUBLISHED
    review.status = status
    review.updated_at = now
    events: list[Event] = []
    if status == PUBLISHED:
        review.published_at = now
        events.append(("review_published", {**review_event(review), "rating": review.rating}))
    elif status == REJECTED:
        events.append(("review_rejected", review_event(review)))
    if was_public != (status == PUBLISHED):
        events += refresh_summary(store, review.product_id, now)
    return events


def apply_moderation(
    store: ReviewStore, review_id: str, verdict: str, moderation: dict[str, Any], now: datetime
) -> list[Event]:
    """Act on a moderation verdict. Only a `pending` review changes: a review deleted meanwhile,
    or one an admin has already decided on, keeps its state (the verdict is still recorded)."""
    review = store.find(review_id, lock=True)
    if review is None:
        return []
    review.moderation = moderation
    status = VERDICT_STATUS.get(verdict)
    if review.status != PENDING or status is None:
        return []
    return _change_status(store, review, status, now)


def set_status(
    store: ReviewStore, review_id: str, status: str, now: datetime
) -> tuple[Review, list[Event]]:
    """An admin publishes or rejects a review (typically a flagged one)."""
    if status not in ADMIN_TARGETS:
        raise InvalidReviewStatus(
            f"status must be one of {', '.join(ADMIN_TARGETS)}",
            {"fields": {"status": [f"Must be one of: {', '.join(ADMIN_TARGETS)}."]}},
        )
    review = store.find(review_id, lock=True)
    if review is None:
        raise ReviewNotFound(f"no review {review_id}", {"review_id": review_id})
    if review.status == status:
        return review, []
    return review, _change_status(store, review, status, now)


def delete(
    store: ReviewStore, review_id: str, user_id: str, is_admin: bool, now: datetime
) -> list[Event]:
    """The author or an admin deletes a review; anyone else is told it does not exist."""
    review = store.find(review_id, lock=True)
    if review is None or (review.user_id != user_id and not is_admin):
        raise ReviewNotFound(f"no review {review_id}", {"review_id": review_id})
    was_public = review.status == PUBLISHED
    product_id = review.product_id
    store.remove(review)
    events: list[Event] = [("review_deleted", {**review_event(review), "was_public": was_public})]
    if was_public:
        events += refresh_summary(store, product_id, now)
    return events


def vote_helpful(store: ReviewStore, review_id: str, user_id: str, now: datetime) -> Review:
    """One "helpful" vote per user on a published review; never the author's own."""
    review = store.find(review_id, lock=True)
    if review is None or review.status != PUBLISHED:
        raise ReviewNotFound(f"no review {review_id}", {"review_id": review_id})
    if review.user_id == user_id:
        raise OwnReviewVote("you cannot vote on your own review", {"review_id": review_id})
    if not store.add_vote(review_id, user_id, now):
        raise AlreadyVoted("you have already voted on this review", {"review_id": review_id})
    review.helpful_count += 1
    return review


def moderation_record(event: Mapping[str, Any]) -> dict[str, Any]:
    """What a review keeps of a content_moderated event."""
    return {
        key: event[key]
        for key in ("decision_id", "verdict", "scores", "reasons", "model", "model_version")
    }


# --- ports ---------------------------------------------------------------------------------------


class ReviewRepository(Transactional):
    """Reviews, votes, rating summaries, processed events and the outbox, in the worker's one
    transaction (the service's unit of work commits it; a use case rolls back early to hold no
    connection while another service answers): the `ReviewStore` the rules use, and the reads."""

    # ReviewStore

    @abstractmethod
    def find(self, review_id: str, lock: bool = False) -> Review | None: ...

    @abstractmethod
    def find_by_author(self, user_id: str, product_id: str) -> Review | None: ...

    @abstractmethod
    def create(self, **fields: Any) -> Review:
        """A new review (ReviewExists when the user has one for the product already)."""

    @abstractmethod
    def remove(self, review: Review) -> None: ...

    @abstractmethod
    def add_vote(self, review_id: str, user_id: str, now: datetime) -> bool:
        """False when this user's vote is there already."""

    @abstractmethod
    def lock_product(self, product_id: str) -> None:
        """Serialise summary updates of one product until the transaction ends."""

    @abstractmethod
    def star_counts(self, product_id: str) -> dict[int, int]: ...

    @abstractmethod
    def save_summary(self, product_id: str, summary: Summary, now: datetime) -> None: ...

    # reads

    @abstractmethod
    def summary(self, product_id: str) -> Summary: ...

    @abstractmethod
    def published_page(
        self, product_id: str, sort: str, page: int, limit: int
    ) -> tuple[list[Review], int]:
        """Published reviews of a product in `sort` order (SORTS), and their total."""

    @abstractmethod
    def status_page(
        self, status: str | None, product_id: str | None, page: int, limit: int
    ) -> tuple[list[Review], int]:
        """Reviews by status and/or product, oldest first, and their total."""

    @abstractmethod
    def user_page(self, user_id: str, page: int, limit: int) -> tuple[list[Review], int]:
        """A user's reviews, newest first, and their total."""

    # the transaction

    @abstractmethod
    def first_delivery(self, event_id: str | None, consumer: str) -> bool:
        """Record that `consumer` handles `event_id`; False for a duplicate."""


class ShopLookups(ABC):
    """What reviews asks other services."""

    @abstractmethod
    def get_products(self, product_ids: list[str]) -> list[dict[str, Any]]:
        """The catalog's products of these ids (unknown ones are left out)."""

    @abstractmethod
    def has_purchased(self, user_id: str, product_id: str) -> bool:
        """Whether orders has a paid order of the user with the product; raises
        ServiceUnavailable when orders does not answer."""
