"""SQL of the reviews service: the `ReviewStore` port of domain.py over a SQLAlchemy session."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common import pagination
from services.common.clock import iso
from services.common.database import insert
from services.reviews.domain import PUBLISHED, Summary, summarize
from services.reviews.exceptions import ReviewExists
from services.reviews.models import HelpfulVote, RatingSummary, Review

ORDERINGS = {
    "newest": (Review.created_at.desc(), Review.id),
    "helpful": (Review.helpful_count.desc(), Review.created_at.desc(), Review.id),
    "most_helpful": (Review.helpful_count.desc(), Review.created_at.desc(), Review.id),
    "highest": (Review.rating.desc(), Review.created_at.desc(), Review.id),
    "lowest": (Review.rating.asc(), Review.created_at.desc(), Review.id),
}


def review_as_dict(review: Review, include_moderation: bool = False) -> dict[str, Any]:
    data = {
        "id": review.id,
        "product_id": review.product_id,
        "user_id": review.user_id,
        "rating": review.rating,
        "title": review.title,
        "content": review.content,
        "status": review.status,
        "verified_purchase": review.verified_purchase,
        "helpful_count": review.helpful_count,
        "created_at": iso(review.created_at),
        "updated_at": iso(review.updated_at),
        "published_at": iso(review.published_at),
    }
    if include_moderation:
        data["moderation"] = review.moderation
    return data


class ReviewRepository:
    """Implements domain.ReviewStore, plus the read queries of the RPCs."""

    def __init__(self, session: Session):
        self.session = session

    # -- ReviewStore ------------------------------------------------------------------------

    def find(self, review_id: str, lock: bool = False) -> Review | None:
        query = select(Review).where(Review.id == review_id)
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def find_by_author(self, user_id: str, product_id: str) -> Review | None:
        return self.session.scalars(
            select(Review).where(Review.user_id == user_id, Review.product_id == product_id)
        ).first()

    def create(self, **fields: Any) -> Review:
        review = Review(**fields)
        try:
            with self.session.begin_nested():
                self.session.add(review)
        except IntegrityError as exc:
            raise ReviewExists(
                "you have already reviewed this product", {"product_id": fields["product_id"]}
            ) from exc
        return review

    def remove(self, review: Review) -> None:
        self.session.delete(review)
        self.session.flush()

    def add_vote(self, review_id: str, user_id: str, now: datetime) -> bool:
        inserted = self.session.execute(
            insert(HelpfulVote)
            .values(review_id=review_id, user_id=user_id, created_at=now)
            .on_conflict_do_nothing()
            .returning(HelpfulVote.user_id)
        ).first()
        return inserted is not None

    def lock_product(self, product_id: str) -> None:
        """Serialise summary updates of one product until the transaction ends."""
        self.session.flush()
        self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext('reviews:' || :product_id))"),
            {"product_id": product_id},
        )

    def star_counts(self, product_id: str) -> dict[int, int]:
        rows = self.session.execute(
            select(Review.rating, func.count())
            .where(Review.product_id == product_id, Review.status == PUBLISHED)
            .group_by(Review.rating)
        ).all()
        return {int(rating): int(count) for rating, count in rows}

    def save_summary(self, product_id: str, summary: Summary, now: datetime) -> None:
        values = {
            "average": summary.average,
            "count": summary.count,
            "distribution": summary.distribution,
            "updated_at": now,
        }
        self.session.execute(
            insert(RatingSummary)
            .values(product_id=product_id, **values)
            .on_conflict_do_update(index_elements=[RatingSummary.product_id], set_=values)
        )

    # -- reads --------------------------------------------------------------------------------

    def summary(self, product_id: str) -> Summary:
        row = self.session.get(RatingSummary, product_id)
        if row is None:
            return summarize({})
        return Summary(float(row.average), row.count, dict(row.distribution))

    def published_page(self, product_id: str, sort: str, page: int, limit: int) -> dict[str, Any]:
        where = (Review.product_id == product_id, Review.status == PUBLISHED)
        total = self.session.execute(
            select(func.count()).select_from(Review).where(*where)
        ).scalar_one()
        rows = self.session.scalars(
            select(Review)
            .where(*where)
            .order_by(*ORDERINGS[sort])
            .offset(pagination.offset(page, limit))
            .limit(limit)
        ).all()
        return {
            "data": [review_as_dict(r) for r in rows],
            "meta": pagination.page_meta(page, limit, total),
        }

    def status_page(
        self, status: str | None, product_id: str | None, page: int, limit: int
    ) -> dict[str, Any]:
        query = select(Review)
        if status:
            query = query.where(Review.status == status)
        if product_id:
            query = query.where(Review.product_id == product_id)
        total = self.session.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        rows = self.session.scalars(
            query.order_by(Review.created_at.asc(), Review.id)
            .offset(pagination.offset(page, limit))
            .limit(limit)
        ).all()
        return {
            "data": [review_as_dict(r, include_moderation=True) for r in rows],
            "meta": pagination.page_meta(page, limit, total),
        }

    def user_page(self, user_id: str, page: int, limit: int) -> dict[str, Any]:
        where = Review.user_id == user_id
        total = self.session.execute(
            select(func.count()).select_from(Review).where(where)
        ).scalar_one()
        rows = self.session.scalars(
            select(Review)
            .where(where)
            .order_by(Review.created_at.desc(), Review.id)
            .offset(pagination.offset(page, limit))
            .limit(limit)
        ).all()
        return {
            "data": [review_as_dict(r) for r in rows],
            "meta": pagination.page_meta(page, limit, total),
        }
