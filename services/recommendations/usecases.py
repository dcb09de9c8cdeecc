"""The recommendations use cases: one class, `Recommendations`, over the ports of `domain` (the
repository, the view history, the product source) and a clock, in the unit of work the service
commits.

Pure like the domain (no nameko, SQLAlchemy or redis): unit-tested with the fakes in
`tests/unit/recommendations/fakes.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from services.common.clock import iso, utcnow
from services.recommendations import domain
from services.recommendations.domain import (
    ALL_SCOPE,
    CHANGED,
    CONSUMER,
    Candidate,
    ProductCard,
    ProductSource,
    RecommendationsRepository,
    Settings,
    Viewer,
    ViewHistory,
)
from services.recommendations.exceptions import CategoryUnknown, ProductUnknown


@dataclass
class Recommendations:
    """The recommendations use cases over one unit of work."""

    repo: RecommendationsRepository
    views: ViewHistory
    products: ProductSource
    settings: Settings = field(default_factory=Settings)
    clock: Callable[[], datetime] = utcnow

    # events

    def record_order(self, event: Mapping[str, Any]) -> bool:
        """An order_confirmed event (loaded: event_id, user_id, occurred_at, lines
        [{product_id, quantity}]), once per event id: each pair of its products new for this
        customer gets one vote weighing `vote_weight(occurred_at)`, and its units are added to
        the day's sales. False for a repeat delivery (nothing changes)."""
        if not self.repo.first_delivery(event.get("event_id"), CONSUMER):
            return False
        at = _moment(event.get("occurred_at")) or self.clock()
        lines = event.get("lines") or []
        pairs = domain.order_pairs([line["product_id"] for line in lines], self.settings.max_lines)
        user_id = event.get("user_id")
        if pairs and user_id:
            new = self.repo.record_customer_pairs(user_id, pairs, at)
            if new:
                self.repo.add_co_purchases(new, domain.vote_weight(at, self.settings.half_life), at)
        units = domain.units_sold(lines)
        if units:
            self.repo.add_daily_sales(at.date(), units)
        self.views.mark_dirty()
        return True

    def refresh_products(self, product_ids: Sequence[str]) -> None:
        """Copy these products' cards from the catalog; one the catalog no longer returns is
        archived here."""
        cards = self.products.cards(list(product_ids))
        if cards:
            self.repo.upsert_cards(cards)
            self._copy_unknown_categories({card.category_id for card in cards})
        found = {card.product_id for card in cards}
        gone = [product_id for product_id in product_ids if product_id not in found]
        if gone:
            self.repo.archive_cards(gone)
        self.views.mark_dirty()

    def archive_product(self, product_id: str) -> None:
        self.repo.archive_cards([product_id])
        self.views.mark_dirty()

    def apply_stock(self, product_id: str, available: int, version: int) -> bool:
        """A stock_changed event: applied only when its version is newer; returns whether.
        A product without a card yet (its product_created not handled yet, since events of
        two services arrive in no fixed order, or one made before this service ran) is copied
        from the catalog first, so the level is not lost: its card would otherwise keep the
        catalog's copy, which may not have applied this event either."""
        applied = self.repo.apply_stock(product_id, available, version)
        if not applied and not self.repo.cards([product_id]):
            self.refresh_products([product_id])
            applied = self.repo.apply_stock(product_id, available, version)
        if applied:
            self.views.mark_dirty()
        return applied

    def refresh_category(self, category_id: str, action: str) -> None:
        """A category_changed event: copy the category from the catalog, or forget it when it
        was deleted (or the catalog has it no more)."""
        category = None if action == "deleted" else self.products.category(category_id)
        if category is None:
            self.repo.delete_category(category_id)
        else:
            self.repo.upsert_category(category)
        self.views.mark_dirty()

    def recompute_trending(self, now: datetime | None = None) -> int:
        """Replace the trending rows from the last `trending_days` of sales; returns the rows.
        Readers may now see other trending products (and fallbacks), so the change is marked for
        the next announcement: without it a quiet shop's cache kept the old list."""
        today = (now or self.clock()).date()
        rows = self.repo.recompute_trending(
            today, self.settings.trending_days, self.settings.trending_top
        )
        if rows:
            self.views.mark_dirty()
        return rows

    def purge(self, now: datetime | None = None) -> int:
        """Hourly: forget order event ids past any redelivery, customers' votes past
        `votes_kept_days` (customer_pairs would otherwise grow with every order forever), and
        the co-purchases past each product's best `co_purchases_kept` (bounds hub products);
        returns the co-purchase rows deleted."""
        now = now or self.clock()
        return self.repo.purge(
            now - timedelta(days=self.settings.processed_events_days),
            self.settings.co_purchases_kept,
            now - timedelta(days=self.settings.votes_kept_days),
        )

    def publish_changes(self) -> bool:
        """If readers may see stale results since the last time, record recommendations_changed
        {at} in the outbox (the service commits); returns whether."""
        if not self.views.take_dirty():
            return False
        self.repo.record_event(CHANGED, {"at": iso(self.clock())})
        return True

    # reads

    def recommend(
        self,
        product_id: str,
        kind: str = domain.ALSO_BOUGHT,
        limit: int = 8,
        include_out_of_stock: bool = False,
    ) -> domain.Recommendations:
        """Products to show with `product_id` (`choose_source`): also_bought falls back to
        similar, then trending (its category, then all). Raises ProductUnknown."""
        base = self._card(product_id)
        fetch = limit * self.settings.overfetch

        def also_bought() -> list[ProductCard]:
            rows = self.repo.co_purchase_candidates(product_id, fetch)
            return domain.rank(rows, limit, product_id, include_out_of_stock)

        def similar() -> list[ProductCard]:
            cards = self.repo.similar_candidates(base, fetch, include_out_of_stock)
            categories = self.repo.categories(
                {base.category_id} | {card.category_id for card in cards}
            )
            scored = [Candidate(c, domain.similarity(base, c, categories)) for c in cards]
            return domain.rank(scored, limit, product_id, include_out_of_stock)

        def trending() -> list[ProductCard]:
            for name in (domain.scope(base.category_id), ALL_SCOPE):
                rows = self.repo.trending_rows(name, fetch)
                items = domain.rank(rows, limit, product_id, include_out_of_stock)
                if items:
                    return items
            return []

        return domain.choose_source(kind, also_bought, similar, trending)

    def trending(self, category: str | None = None, limit: int = 12) -> domain.Recommendations:
        """The trending products of a category (id or slug; a root's include its leaves') or of
        the whole shop. Raises CategoryUnknown."""
        name = ALL_SCOPE
        if category:
            found = self.repo.find_category(category)
            if found is None:
                raise CategoryUnknown(f"no category {category}", {"category": category})
            name = domain.scope(found.category_id)
        rows = self.repo.trending_rows(name, limit * self.settings.overfetch)
        return domain.Recommendations(domain.TRENDING, domain.rank(rows, limit))

    # recently viewed

    def record_view(
        self, product_id: str, user_id: str | None = None, cart_id: str | None = None
    ) -> None:
        """Put the product at the front of the viewer's history (exactly one of user_id and
        cart_id: ValidationFailed). Raises ProductUnknown when there is no card."""
        viewer = Viewer(user_id, cart_id)
        self._card(product_id)
        self.views.record(viewer, product_id, self.clock())

    def recently_viewed(
        self, user_id: str | None = None, cart_id: str | None = None, limit: int = 20
    ) -> list[ProductCard]:
        """The viewer's cards, most recent first: archived or unknown products are dropped, out
        of stock ones kept (available 0)."""
        viewer = Viewer(user_id, cart_id)
        ids = self.views.recent(viewer, self.settings.viewed_max)
        if not ids:
            return []
        cards = {card.product_id: card for card in self.repo.cards(ids)}
        shown = [
            cards[product_id]
            for product_id in ids
            if product_id in cards and cards[product_id].status != domain.ARCHIVED
        ]
        return shown[:limit]

    def merge_views(self, guest_cart_id: str, user_id: str) -> bool:
        """A cart_merged event: the guest's history joins the user's, once."""
        return self.views.merge(guest_cart_id, user_id)

    # helpers

    def _copy_unknown_categories(self, category_ids: set[str]) -> None:
        """A card in a category this service has not heard of (one made before it ran, whose
        category_changed it never saw) brings its category along: one catalog call per unknown
        category, once, so similarity and trending know its parent and root."""
        known = self.repo.categories(category_ids)
        for category_id in sorted(category_ids - set(known)):
            category = self.products.category(category_id)
            if category is not None:
                self.repo.upsert_category(category)

    def _card(self, product_id: str) -> ProductCard:
        cards = self.repo.cards([product_id])
        if not cards:
            raise ProductUnknown(f"no product {product_id}", {"product_id": product_id})
        return cards[0]


def _moment(value: Any) -> datetime | None:
    """A loaded `occurred_at` (datetime, or ISO 8601 as the outbox writes it)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
