"""SQL of the reviews service: the `domain.ReviewRepository` port over a SQLAlchemy session (the
worker's, which the service commits)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from services.common import pagination
from services.common.database import SqlRepository, insert
from services.reviews.domain import PUBLISHED, ReviewRepository, Summary, summarize
from services.reviews.exceptions import ReviewExists
from services.reviews.models import HelpfulVote, RatingSummary, Review, processed_events

ORDERINGS = {
    "newest": (Review.created_at.desc(), Review.id),
    "helpful": (Review.helpful_count.desc(), Review.created_at.desc(), Review.id),
    "most_helpful": (Review.helpful_count.desc(), Review.created_at.desc(), Review.id),
    "highest": (Review.rating.desc(), Review.created_at.desc(), Review.id),
    "lowest": (Review.rating.asc(), Review.created_at.desc(), Review.id),
}


class SqlReviewRepository(SqlRepository, ReviewRepository):
    """The `domain.ReviewRepository` port: the rules' `ReviewStore`, the reads of the RPCs, the
    processed events; the outbox (`record_event`), `commit` and `rollback` from SqlRepository."""

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

    def published_page(
        self, product_id: str, sort: str, page: int, limit: int
    ) -> tuple[list[Review], int]:
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
        return list(rows), total

    def status_page(
        self, status: str | None, product_id: str | None, page: int, limit: int
    ) -> tuple[list[Review], int]:
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
        return list(rows), total

    def user_page(self, user_id: str, page: int, limit: int) -> tuple[list[Review], int]:
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
        return list(rows), total

    # -- the transaction ----------------------------------------------------------------------

    def first_delivery(self, event_id: str | None, consumer: str) -> bool:
        return processed_events.first_delivery(self.session, event_id, consumer)
