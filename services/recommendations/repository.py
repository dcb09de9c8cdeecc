"""The recommendations repository on a SQLAlchemy session (the worker's, committed by the service).

Writes are set-based, one statement each: an order's pairs, votes and sales are three upserts over
`unnest` of the values, so an order costs about five statements whatever its size. Rows that
several orders may upsert at once are written in key order, so two transactions lock them in the
same order and wait for each other instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer, String

from services.common.database import SqlRepository, insert
from services.recommendations.domain import (
    ARCHIVED,
    Candidate,
    Category,
    ProductCard,
    RecommendationsRepository,
)
from services.recommendations.models import (
    co_purchases,
    customer_pairs,
    processed_events,
    rec_categories,
    rec_products,
    trending,
)

_CARD_COLUMNS = (
    rec_products.c.product_id,
    rec_products.c.slug,
    rec_products.c.name,
    rec_products.c.price,
    rec_products.c.currency,
    rec_products.c.image,
    rec_products.c.category_id,
    rec_products.c.brand,
    rec_products.c.status,
    rec_products.c.available,
    rec_products.c.rating_average,
    rec_products.c.rating_count,
)

# The pairs of one order, both directions, in key order (see the module docstring).
_ADD_CO_PURCHASES = text(
    """
    INSERT INTO co_purchases (product_id, other_id, score, votes, last_at)
    SELECT pair.product_id, pair.other_id, :weight, 1, :at
    FROM (
        SELECT a AS product_id, b AS other_id FROM unnest(:a, :b) AS t(a, b)
        UNION ALL
        SELECT b, a FROM unnest(:a, :b) AS t(a, b)
    ) AS pair
    ORDER BY pair.product_id, pair.other_id
    ON CONFLICT (product_id, other_id) DO UPDATE
    SET score = co_purchases.score + excluded.score,
        votes = co_purchases.votes + 1,
        last_at = GREATEST(co_purchases.last_at, excluded.last_at)
    """
).bindparams(
    bindparam("a", type_=ARRAY(String)),
    bindparam("b", type_=ARRAY(String)),
)

# One order's units per product on `day`, the category and its root taken from the card (a
# product without a card is skipped; a category this service does not know is its own root).
_ADD_DAILY_SALES = text(
    """
    INSERT INTO sales_daily (day, product_id, category_id, root_category_id, units, orders)
    SELECT :day, p.product_id, p.category_id,
           COALESCE(NULLIF(split_part(c.path, '/', 1), ''), p.category_id), u.units, 1
    FROM unnest(:ids, :units) AS u(product_id, units)
    JOIN rec_products p ON p.product_id = u.product_id
    LEFT JOIN rec_categories c ON c.category_id = p.category_id
    ORDER BY p.product_id
    ON CONFLICT (day, product_id) DO UPDATE
    SET units = sales_daily.units + excluded.units,
        orders = sales_daily.orders + 1,
        category_id = excluded.category_id,
        root_category_id = excluded.root_category_id
    """
).bindparams(
    bindparam("ids", type_=ARRAY(String)),
    bindparam("units", type_=ARRAY(Integer)),
)

# domain.trending_table in one statement: each product's velocity over the window (a day `age`
# days old weighs (days - age) / days), the scopes it sold in (all, each leaf, each root), and
# the top rows per scope by velocity, ties by product id.
_RECOMPUTE_TRENDING = text(
    """
    INSERT INTO trending (scope, rank, product_id, score)
    WITH sales AS (
        SELECT product_id, category_id, root_category_id,
               (units * (:days - (CAST(:today AS date) - day)))::float8 / :days AS weight
        FROM sales_daily
        WHERE day <= CAST(:today AS date) AND day > CAST(:today AS date) - :days
    ),
    scores AS (
        SELECT product_id, sum(weight) AS score FROM sales
        GROUP BY product_id HAVING sum(weight) > 0
    ),
    scoped AS (
        SELECT 'all' AS scope, product_id FROM scores
        UNION SELECT 'cat:' || category_id, product_id FROM sales
        UNION SELECT 'cat:' || root_category_id, product_id FROM sales
    ),
    ranked AS (
        SELECT scoped.scope, scoped.product_id, scores.score,
               row_number() OVER (
                   PARTITION BY scoped.scope ORDER BY scores.score DESC, scoped.product_id
               ) AS rank
        FROM scoped JOIN scores ON scores.product_id = scoped.product_id
    )
    SELECT scope, rank, product_id, score FROM ranked WHERE rank <= :top
    """
)


# Similar products (domain.similarity), tier by tier. Within the product's own leaf category and
# one price band either side the score is 6 + brand (2) + band (2 equal, 1 next), so the tiers
# below, read in this order, are the leaf's candidates best first: same brand and band (10),
# same brand next band (9), same band (8), next band (7). Each tier is one range of
# ix_rec_products_similar(_brand) already sorted by ratings (the ranking's tie-break), read up to
# :n, so a read touches at most 6 x :n rows whatever the category's size. Brands compare by
# lower() here and by casefold() in the domain, which re-scores and ranks what this returns.
_CARD_SQL = (
    "product_id, slug, name, price, currency, image, category_id, brand, status, available, "
    "rating_average, rating_count"
)
_ELIGIBLE_SQL = "status = 'active' AND product_id <> :self AND available >= :min_available"
_RATINGS_SQL = "ORDER BY rating_count DESC NULLS LAST, product_id LIMIT :n"
_SAME_BRAND = "lower(brand) = lower(:brand)"
_OTHER_BRAND = "(CAST(:brand AS text) IS NULL OR lower(brand) IS DISTINCT FROM lower(:brand))"


def _tier(score: int, where: str) -> str:
    return (
        f"(SELECT {_CARD_SQL}, {score} AS tier FROM rec_products "  # noqa: S608 (constants)
        f"WHERE {_ELIGIBLE_SQL} AND category_id = :category AND {where} {_RATINGS_SQL})"
    )


_SIMILAR_LEAF = text(
    "SELECT * FROM ("  # noqa: S608 (constants; values are bound)
    + " UNION ALL ".join(
        _tier(score, where)
        for score, where in (
            (10, f"{_SAME_BRAND} AND price_band = :band"),
            (9, f"{_SAME_BRAND} AND price_band = :band - 1"),
            (9, f"{_SAME_BRAND} AND price_band = :band + 1"),
            (8, f"{_OTHER_BRAND} AND price_band = :band"),
            (7, f"{_OTHER_BRAND} AND price_band = :band - 1"),
            (7, f"{_OTHER_BRAND} AND price_band = :band + 1"),
        )
    )
    + ") AS leaf ORDER BY tier DESC, rating_count DESC NULLS LAST, product_id LIMIT :n"
)

# When the leaf has fewer than :n: its sibling categories (same parent) in the same band, each
# sibling one sorted index range, and the same brand in the same band elsewhere (at most 6 points
# each, below every leaf candidate); the use case scores and ranks them.
_SIMILAR_NEAR = text(
    f"""
    SELECT near.* FROM rec_categories sibling
    CROSS JOIN LATERAL (
        SELECT {_CARD_SQL} FROM rec_products
        WHERE {_ELIGIBLE_SQL} AND category_id = sibling.category_id AND price_band = :band
        {_RATINGS_SQL}
    ) AS near
    WHERE sibling.parent_id = (
        SELECT parent_id FROM rec_categories WHERE category_id = :category
    ) AND sibling.category_id <> :category
    UNION ALL
    (SELECT {_CARD_SQL} FROM rec_products
     WHERE {_ELIGIBLE_SQL} AND {_SAME_BRAND} AND price_band = :band
       AND category_id <> :category
     {_RATINGS_SQL})
    """  # noqa: S608 (constants; values are bound)
)

# Each product's co-purchases past its `keep` best: the long tail of hub products, which no read
# reaches (a read takes 3 x 24 at most). Only products holding more than `keep` rows are ranked.
_PRUNE_CO_PURCHASES = text(
    """
    DELETE FROM co_purchases AS c
    USING (
        SELECT product_id, other_id FROM (
            SELECT product_id, other_id,
                   row_number() OVER (
                       PARTITION BY product_id ORDER BY score DESC, other_id
                   ) AS position
            FROM co_purchases
            WHERE product_id IN (
                SELECT product_id FROM co_purchases GROUP BY product_id HAVING count(*) > :keep
            )
        ) AS ranked
        WHERE position > :keep
    ) AS tail
    WHERE c.product_id = tail.product_id AND c.other_id = tail.other_id
    """
)


def _card(row: Any) -> ProductCard:
    return ProductCard(
        product_id=row.product_id,
        slug=row.slug,
        name=row.name,
        price=int(row.price),
        currency=row.currency,
        image=row.image,
        category_id=row.category_id,
        brand=row.brand,
        status=row.status,
        available=int(row.available or 0),
        rating_average=float(row.rating_average or 0),
        rating_count=int(row.rating_count or 0),
    )


def _category(row: Any) -> Category:
    return Category(
        category_id=row.category_id, slug=row.slug, parent_id=row.parent_id, path=row.path
    )


class SqlRecommendationsRepository(SqlRepository, RecommendationsRepository):
    """`domain.RecommendationsRepository` on the worker's session; events, commit and rollback
    from `SqlRepository`."""

    # orders

    def first_delivery(self, event_id: str | None, consumer: str) -> bool:
        return processed_events.first_delivery(self.session, event_id, consumer)

    def record_customer_pairs(
        self, user_id: str, pairs: Sequence[tuple[str, str]], at: datetime
    ) -> list[tuple[str, str]]:
        if not pairs:
            return []
        rows = [
            {"user_id": user_id, "product_a": a, "product_b": b, "first_at": at}
            for a, b in sorted(pairs)
        ]
        inserted = self.session.execute(
            insert(customer_pairs)
            .values(rows)
            .on_conflict_do_nothing()
            .returning(customer_pairs.c.product_a, customer_pairs.c.product_b)
        ).all()
        return sorted((row.product_a, row.product_b) for row in inserted)

    def add_co_purchases(
        self, pairs: Sequence[tuple[str, str]], weight: float, at: datetime
    ) -> None:
        if not pairs:
            return
        self.session.execute(
            _ADD_CO_PURCHASES,
            {"a": [a for a, _ in pairs], "b": [b for _, b in pairs], "weight": weight, "at": at},
        )

    def add_daily_sales(self, day: date, units: Mapping[str, int]) -> None:
        if not units:
            return
        ids = sorted(units)
        self.session.execute(
            _ADD_DAILY_SALES, {"day": day, "ids": ids, "units": [int(units[i]) for i in ids]}
        )

    def purge(self, events_before: datetime, keep_per_product: int, votes_before: datetime) -> int:
        processed_events.purge(self.session, events_before)
        self.session.execute(delete(customer_pairs).where(customer_pairs.c.first_at < votes_before))
        result = self.session.execute(_PRUNE_CO_PURCHASES, {"keep": int(keep_per_product)})
        return result.rowcount or 0

    # cards

    def cards(self, product_ids: Sequence[str]) -> list[ProductCard]:
        if not product_ids:
            return []
        rows = self.session.execute(
            select(*_CARD_COLUMNS).where(rec_products.c.product_id.in_(list(product_ids)))
        )
        return [_card(row) for row in rows]

    def upsert_cards(self, cards: Sequence[ProductCard]) -> None:
        if not cards:
            return
        now = datetime.now(UTC)
        rows = [
            {
                "product_id": card.product_id,
                "slug": card.slug,
                "name": card.name,
                "price": card.price,
                "currency": card.currency,
                "image": card.image,
                "category_id": card.category_id,
                "brand": card.brand,
                "price_band": card.price_band,
                "status": card.status,
                "available": card.available,
                "rating_average": card.rating_average,
                "rating_count": card.rating_count,
                "updated_at": now,
            }
            for card in sorted(cards, key=lambda c: c.product_id)
        ]
        statement = insert(rec_products).values(rows)
        # stock and its version belong to inventory's stock_changed (apply_stock): an existing
        # card keeps them, whatever the catalog's denormalised copy says
        kept = {"product_id", "available", "stock_version"}
        statement = statement.on_conflict_do_update(
            index_elements=[rec_products.c.product_id],
            set_={
                column.name: statement.excluded[column.name]
                for column in rec_products.columns
                if column.name not in kept
            },
        )
        self.session.execute(statement)

    def archive_cards(self, product_ids: Sequence[str]) -> None:
        if not product_ids:
            return
        self.session.execute(
            update(rec_products)
            .where(rec_products.c.product_id.in_(sorted(product_ids)))
            .values(status=ARCHIVED, updated_at=datetime.now(UTC))
        )

    def apply_stock(self, product_id: str, available: int, version: int) -> bool:
        result = self.session.execute(
            update(rec_products)
            .where(rec_products.c.product_id == product_id, rec_products.c.stock_version < version)
            .values(available=available, stock_version=version)
        )
        return bool(result.rowcount)

    # candidates

    def co_purchase_candidates(self, product_id: str, limit: int) -> list[Candidate]:
        rows = self.session.execute(
            select(*_CARD_COLUMNS, co_purchases.c.score)
            .select_from(
                co_purchases.join(
                    rec_products, rec_products.c.product_id == co_purchases.c.other_id
                )
            )
            .where(co_purchases.c.product_id == product_id)
            .order_by(co_purchases.c.score.desc(), co_purchases.c.other_id)
            .limit(limit)
        )
        return [Candidate(_card(row), float(row.score)) for row in rows]

    def similar_candidates(
        self, card: ProductCard, limit: int, include_out_of_stock: bool = False
    ) -> list[ProductCard]:
        params = {
            "self": card.product_id,
            "category": card.category_id,
            "brand": card.brand,
            "band": card.price_band,
            "min_available": 0 if include_out_of_stock else 1,
            "n": int(limit),
        }
        found = {row.product_id: _card(row) for row in self.session.execute(_SIMILAR_LEAF, params)}
        if len(found) < limit:
            for row in self.session.execute(_SIMILAR_NEAR, params):
                found.setdefault(row.product_id, _card(row))
        return list(found.values())

    def trending_rows(self, scope: str, limit: int) -> list[Candidate]:
        rows = self.session.execute(
            select(*_CARD_COLUMNS, trending.c.score)
            .select_from(
                trending.join(rec_products, rec_products.c.product_id == trending.c.product_id)
            )
            .where(trending.c.scope == scope)
            .order_by(trending.c.rank)
            .limit(limit)
        )
        return [Candidate(_card(row), float(row.score)) for row in rows]

    def recompute_trending(self, today: date, days: int, top: int) -> int:
        self.session.execute(delete(trending))
        result = self.session.execute(
            _RECOMPUTE_TRENDING, {"today": today, "days": int(days), "top": int(top)}
        )
        return result.rowcount or 0

    # categories

    def categories(self, category_ids: Iterable[str]) -> dict[str, Category]:
        ids = sorted(set(category_ids))
        if not ids:
            return {}
        rows = self.session.execute(
            select(rec_categories).where(rec_categories.c.category_id.in_(ids))
        )
        return {row.category_id: _category(row) for row in rows}

    def find_category(self, id_or_slug: str) -> Category | None:
        row = self.session.execute(
            select(rec_categories)
            .where(
                or_(
                    rec_categories.c.category_id == id_or_slug,
                    rec_categories.c.slug == id_or_slug,
                )
            )
            # an id that is also another category's slug: the id wins
            .order_by((rec_categories.c.category_id == id_or_slug).desc())
            .limit(1)
        ).first()
        return _category(row) if row is not None else None

    def upsert_category(self, category: Category) -> None:
        values = {
            "category_id": category.category_id,
            "parent_id": category.parent_id,
            "slug": category.slug,
            "path": category.path or category.category_id,
        }
        old_path = self.session.execute(
            select(rec_categories.c.path).where(
                rec_categories.c.category_id == category.category_id
            )
        ).scalar()
        # a slug moved from a deleted category to this one: the old row gives it up
        self.session.execute(
            delete(rec_categories).where(
                rec_categories.c.slug == category.slug,
                rec_categories.c.category_id != category.category_id,
            )
        )
        statement = insert(rec_categories).values(values)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[rec_categories.c.category_id],
                set_={k: statement.excluded[k] for k in values if k != "category_id"},
            )
        )
        if old_path is not None and old_path != values["path"]:
            # a moved category: the catalog announces only the category itself, so its
            # subtree's paths follow here (old prefix replaced by the new one)
            self.session.execute(
                update(rec_categories)
                .where(func.starts_with(rec_categories.c.path, old_path + "/"))
                .values(path=values["path"] + func.substr(rec_categories.c.path, len(old_path) + 1))
            )

    def delete_category(self, category_id: str) -> None:
        self.session.execute(
            delete(rec_categories).where(rec_categories.c.category_id == category_id)
        )
