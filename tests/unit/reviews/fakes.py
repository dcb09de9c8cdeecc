"""Hand-written fakes of the reviews ports: an in-memory repository (with its outbox and
processed events) and the orders/catalog lookups. The clock is the shared one
(tests/unit/fakes.py). The repository keeps its own `Transactional` record, not
`RecordedTransaction`'s: the service commits, so its `events` are every event the use cases
wrote, and a rollback (the early one, before other services answer) forgets none of them."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from services.common.errors import ServiceUnavailable
from services.reviews import domain
from services.reviews.exceptions import ReviewExists


class FakeReviewRepository(domain.ReviewRepository):
    def __init__(self):
        self.reviews: dict[str, Any] = {}
        self.votes: set[tuple[str, str]] = set()
        self.summaries: dict[str, domain.Summary] = {}
        self.locked: list[str] = []
        self.delivered: set[tuple[str, str]] = set()
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.commits = 0
        self.rollbacks = 0

    # ReviewStore

    def find(self, review_id, lock=False):
        return self.reviews.get(review_id)

    def find_by_author(self, user_id, product_id):
        return next(
            (
                r
                for r in self.reviews.values()
                if (r.user_id, r.product_id) == (user_id, product_id)
            ),
            None,
        )

    def create(self, **fields):
        if self.find_by_author(fields["user_id"], fields["product_id"]) is not None:
            raise ReviewExists("taken", {"product_id": fields["product_id"]})
        review = SimpleNamespace(**fields)
        self.reviews[review.id] = review
        return review

    def remove(self, review):
        del self.reviews[review.id]

    def add_vote(self, review_id, user_id, now):
        if (review_id, user_id) in self.votes:
            return False
        self.votes.add((review_id, user_id))
        return True

    def lock_product(self, product_id):
        self.locked.append(product_id)

    def star_counts(self, product_id):
        counts: dict[int, int] = {}
        for r in self.reviews.values():
            if r.product_id == product_id and r.status == domain.PUBLISHED:
                counts[r.rating] = counts.get(r.rating, 0) + 1
        return counts

    def save_summary(self, product_id, summary, now):
        self.summaries[product_id] = summary

    # reads

    def summary(self, product_id):
        return self.summaries.get(product_id) or domain.summarize({})

    def _page(self, rows, page, limit):
        return rows[(page - 1) * limit : page * limit], len(rows)

    def published_page(self, product_id, sort, page, limit):
        rows = [
            r
            for r in self.reviews.values()
            if r.product_id == product_id and r.status == domain.PUBLISHED
        ]
        rows.sort(key=lambda r: r.created_at, reverse=True)
        return self._page(rows, page, limit)

    def status_page(self, status, product_id, page, limit):
        rows = [
            r
            for r in self.reviews.values()
            if (not status or r.status == status) and (not product_id or r.product_id == product_id)
        ]
        rows.sort(key=lambda r: r.created_at)
        return self._page(rows, page, limit)

    def user_page(self, user_id, page, limit):
        rows = [r for r in self.reviews.values() if r.user_id == user_id]
        rows.sort(key=lambda r: r.created_at, reverse=True)
        return self._page(rows, page, limit)

    # the transaction

    def first_delivery(self, event_id, consumer):
        if not event_id:
            return True
        if (event_id, consumer) in self.delivered:
            return False
        self.delivered.add((event_id, consumer))
        return True

    def record_event(self, event_type, payload):
        self.events.append((event_type, payload))

    def commit(self):
        self.commits += 1

    def rollback(self):
        self.rollbacks += 1

    def event_types(self):
        return [event_type for event_type, _ in self.events]


class FakeShop(domain.ShopLookups):
    """Products by id (dicts as the catalog answers) and purchases; `orders_down` makes
    has_purchased raise ServiceUnavailable."""

    def __init__(self):
        self.products: dict[str, dict[str, Any]] = {}
        self.purchases: set[tuple[str, str]] = set()
        self.orders_down = False
        self.asked: list[str] = []

    def get_products(self, product_ids):
        self.asked.append("get_products")
        return [self.products[p] for p in product_ids if p in self.products]

    def has_purchased(self, user_id, product_id):
        self.asked.append("has_purchased")
        if self.orders_down:
            raise ServiceUnavailable("orders did not answer")
        return (user_id, product_id) in self.purchases


class SequentialIds:
    """review-1, review-2, ... (the tests name reviews so, not by tests/unit/fakes.py's UUIDs)."""

    def __init__(self):
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"review-{self.count}"
