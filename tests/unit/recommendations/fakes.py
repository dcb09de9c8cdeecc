"""Hand-written fakes of the recommendations ports: the repository's tables in memory (on the
shared `RecordedTransaction`), the view history with the same rules the Redis scripts apply
(`domain.remember`, `domain.merge_histories`), and the catalog as a product source. The clock is
the shared one (tests/unit/fakes.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from services.recommendations import domain
from services.recommendations.domain import Candidate, Category, ProductCard, Viewer
from tests.unit.fakes import RecordedTransaction


def card(product_id: str, **fields: Any) -> ProductCard:
    """An active, in-stock card in category `leaf`; any field can be overridden."""
    values: dict[str, Any] = {
        "slug": product_id,
        "name": product_id.upper(),
        "price": 1000,
        "currency": "EUR",
        "image": None,
        "category_id": "leaf",
        "available": 5,
        **fields,
    }
    return ProductCard(product_id=product_id, **values)


class FakeRecommendationsRepository(RecordedTransaction, domain.RecommendationsRepository):
    def __init__(self, cards: Iterable[ProductCard] = (), categories: Iterable[Category] = ()):
        super().__init__()
        self.delivered: set[tuple[str, str]] = set()
        self.customer_pairs: set[tuple[str, str, str]] = set()
        self.vote_times: dict[tuple[str, str, str], datetime] = {}  # customer_pairs.first_at
        self.co_purchases: dict[tuple[str, str], dict[str, Any]] = {}
        self.sales: dict[tuple[date, str], dict[str, int]] = {}
        self.cards_by_id: dict[str, ProductCard] = {c.product_id: c for c in cards}
        self.stock_versions: dict[str, int] = {}
        self.trending: dict[str, list[tuple[str, float]]] = {}
        self.category_rows: dict[str, Category] = {c.category_id: c for c in categories}
        self.statements: list[str] = []

    # orders

    def first_delivery(self, event_id, consumer):
        self.statements.append("first_delivery")
        if not event_id:
            return True
        if (event_id, consumer) in self.delivered:
            return False
        self.delivered.add((event_id, consumer))
        return True

    def record_customer_pairs(self, user_id, pairs, at):
        self.statements.append("record_customer_pairs")
        new = [(a, b) for a, b in pairs if (user_id, a, b) not in self.customer_pairs]
        self.customer_pairs.update((user_id, a, b) for a, b in new)
        self.vote_times.update({(user_id, a, b): at for a, b in new})
        return new

    def add_co_purchases(self, pairs, weight, at):
        self.statements.append("add_co_purchases")
        for a, b in pairs:
            for key in ((a, b), (b, a)):
                row = self.co_purchases.setdefault(key, {"score": 0.0, "votes": 0})
                row["score"] += weight
                row["votes"] += 1
                row["last_at"] = at

    def add_daily_sales(self, day, units):
        self.statements.append("add_daily_sales")
        for product_id, n in units.items():
            if product_id not in self.cards_by_id:
                continue
            row = self.sales.setdefault((day, product_id), {"units": 0, "orders": 0})
            row["units"] += n
            row["orders"] += 1

    def purge(self, events_before, keep_per_product, votes_before):
        """Keeps no event times (every id stays); forgets votes cast before `votes_before`
        (by their first_at) and prunes co-purchases like the SQL."""
        self.statements.append("purge")
        self.customer_pairs = {
            vote
            for vote in self.customer_pairs
            if self.vote_times.get(vote, votes_before) >= votes_before
        }
        deleted = 0
        for product_id in {base for base, _ in self.co_purchases}:
            rows = sorted(
                (
                    (other, row)
                    for (base, other), row in self.co_purchases.items()
                    if base == product_id
                ),
                key=lambda item: (-item[1]["score"], item[0]),
            )
            for other, _ in rows[keep_per_product:]:
                del self.co_purchases[(product_id, other)]
                deleted += 1
        return deleted

    # cards

    def cards(self, product_ids):
        return [self.cards_by_id[p] for p in product_ids if p in self.cards_by_id]

    def upsert_cards(self, cards):
        for new in cards:
            old = self.cards_by_id.get(new.product_id)
            self.cards_by_id[new.product_id] = (
                new if old is None else replace(new, available=old.available)
            )

    def archive_cards(self, product_ids):
        for product_id in product_ids:
            if product_id in self.cards_by_id:
                self.cards_by_id[product_id].status = domain.ARCHIVED

    def apply_stock(self, product_id, available, version):
        if product_id not in self.cards_by_id or version <= self.stock_versions.get(product_id, 0):
            return False
        self.stock_versions[product_id] = version
        self.cards_by_id[product_id].available = available
        return True

    # candidates

    def co_purchase_candidates(self, product_id, limit):
        rows = [
            Candidate(self.cards_by_id[other], row["score"])
            for (base, other), row in self.co_purchases.items()
            if base == product_id and other in self.cards_by_id
        ]
        rows.sort(key=lambda c: -c.score)
        return rows[:limit]

    def similar_candidates(self, card, limit, include_out_of_stock=False):
        """The pool the SQL reads (the leaf within a band, the parent's leaves and the brand in
        the band), its best `limit` by similarity: the contract, not the SQL's tiers."""
        rows = self.category_rows
        parent = rows[card.category_id].parent_id if card.category_id in rows else None

        def in_pool(c):
            distance = abs(c.price_band - card.price_band)
            if c.category_id == card.category_id:
                return distance <= 1
            sibling = parent is not None and c.category_id in rows
            sibling = sibling and rows[c.category_id].parent_id == parent
            brand = bool(card.brand and c.brand and c.brand.casefold() == card.brand.casefold())
            return distance == 0 and (sibling or brand)

        pool = [
            Candidate(c, domain.similarity(card, c, rows))
            for c in self.cards_by_id.values()
            if in_pool(c)
        ]
        return domain.rank(pool, limit, card.product_id, include_out_of_stock)

    def trending_rows(self, scope, limit):
        return [
            Candidate(self.cards_by_id[p], score)
            for p, score in self.trending.get(scope, [])
            if p in self.cards_by_id
        ][:limit]

    def recompute_trending(self, today, days, top):
        rows = []
        for (day, product_id), sale in self.sales.items():
            category_id = self.cards_by_id[product_id].category_id
            root = domain.root_of(category_id, self.category_rows)
            rows.append((day, product_id, category_id, root, sale["units"]))
        self.trending = domain.trending_table(rows, today, days, top)
        return sum(len(v) for v in self.trending.values())

    # categories

    def categories(self, category_ids):
        return {c: self.category_rows[c] for c in category_ids if c in self.category_rows}

    def find_category(self, id_or_slug):
        return next(
            (c for c in self.category_rows.values() if id_or_slug in (c.category_id, c.slug)),
            None,
        )

    def upsert_category(self, category):
        old = self.category_rows.get(category.category_id)
        self.category_rows[category.category_id] = category
        if old is not None and old.path != category.path:  # the subtree follows a move
            for key, row in list(self.category_rows.items()):
                if row.path.startswith(old.path + "/"):
                    moved = category.path + row.path[len(old.path) :]
                    self.category_rows[key] = replace(row, path=moved)

    def delete_category(self, category_id):
        self.category_rows.pop(category_id, None)

    # what the tests read

    def votes(self, a: str, b: str) -> int:
        return self.co_purchases.get((a, b), {}).get("votes", 0)


class FakeViewHistory(domain.ViewHistory):
    """Histories {key: {product_id: viewed_at ms}} keyed `u:<user_id>` or `g:<cart_id>`, as the
    Redis keys; `dirty` is the flag."""

    def __init__(self, keep: int = domain.Settings.viewed_max):
        self.keep = keep
        self.histories: dict[str, dict[str, float]] = {}
        self.dirty = False
        self.marks = 0

    @staticmethod
    def key(viewer: Viewer) -> str:
        return f"u:{viewer.user_id}" if viewer.user_id else f"g:{viewer.cart_id}"

    def record(self, viewer, product_id, at: datetime):
        key = self.key(viewer)
        self.histories[key] = domain.remember(
            self.histories.get(key, {}), product_id, at.timestamp() * 1000, self.keep
        )

    def recent(self, viewer, limit):
        history = self.histories.get(self.key(viewer), {})
        return list(history)[:limit]  # remember/merge keep them most recent first

    def merge(self, guest_cart_id, user_id):
        guest = self.histories.pop(f"g:{guest_cart_id}", None)
        if guest is None:
            return False
        user_key = f"u:{user_id}"
        self.histories[user_key] = domain.merge_histories(
            self.histories.get(user_key, {}), guest, self.keep
        )
        return True

    def mark_dirty(self):
        self.dirty = True
        self.marks += 1

    def take_dirty(self):
        was, self.dirty = self.dirty, False
        return was


class FakeProductSource(domain.ProductSource):
    """The catalog's products {id: card} and categories {id: category}; `asked` lists the ids
    of each call."""

    def __init__(
        self,
        products: Mapping[str, ProductCard] | None = None,
        categories: Mapping[str, Category] | None = None,
    ):
        self.products = dict(products or {})
        self.category_rows = dict(categories or {})
        self.asked: list[Sequence[str]] = []

    def cards(self, product_ids):
        self.asked.append(list(product_ids))
        return [replace(self.products[p]) for p in product_ids if p in self.products]

    def category(self, category_id):
        return self.category_rows.get(category_id)
