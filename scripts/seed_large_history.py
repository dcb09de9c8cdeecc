"""Order history for the recommendations benchmark: `make seed-large N=1000000 ORDERS=100000`.

Generates ORDERS deterministic orders over the N products of `seed_large.product_rows` and loads
what the recommendations service would have built from their `order_confirmed` events straight
into its database with COPY: the product cards (`rec_products`, from the same rows the catalog
got), the categories, one vote per customer per pair (`customer_pairs`), the co-purchase sums
(`co_purchases`, both directions), daily sales (`sales_daily`), then trending once through the
service's own repository. The aggregation uses the service's domain rules (`order_pairs`,
`vote_weight`, `price_band`, `units_sold`), so the tables are what the events would have made.
Orders' own tables are not written: the benchmark measures the recommendations service, and a
million-product catalog with orders nobody can open in the back office is only a benchmark.

The baskets: a product's popularity follows Zipf (s = 1.1) over a fixed ranking, popularity rank
r being product `prod-((r * 7919) % N + 1)` (k6/recommendations.js asks for the same hot set);
an order has 1-5 lines; after its first line 80% of lines come from the first line's root
category; about 30% of orders repeat an earlier basket of the same customer, which exercises the
one-vote-per-customer rule.
"""

from __future__ import annotations

import bisect
import io
import itertools
import math
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from services.recommendations import domain

STRIDE = 7919  # coprime with 10**k: rank -> product is a permutation for N = 10**k
ZIPF_S = 1.1
SAME_ROOT = 0.8
REPEAT = 0.3


def product_of(rank: int, count: int) -> int:
    """The product index (1-based) at popularity rank `rank` (0-based)."""
    return (rank * STRIDE) % count + 1


class Baskets:
    """Deterministic orders: (user_id, at, [(product_id, quantity, price)])."""

    def __init__(self, products: dict[int, tuple[str, int]], roots: dict[str, str], seed: int = 7):
        # products: index -> (leaf category id, price); roots: leaf id -> root id
        self.count = len(products)
        if math.gcd(STRIDE, self.count) != 1:
            raise ValueError(f"N must not be a multiple of {STRIDE} (the ranking permutes by it)")
        self.products = products
        self.rng = random.Random(seed)
        weights = [1 / (rank + 1) ** ZIPF_S for rank in range(self.count)]
        self.cumulative = list(itertools.accumulate(weights))
        # per root: the ranks of its products in popularity order, with their cumulative weights
        by_root: dict[str, list[int]] = defaultdict(list)
        for rank in range(self.count):
            category, _ = products[product_of(rank, self.count)]
            by_root[roots.get(category, category)].append(rank)
        self.root_ranks = dict(by_root)
        self.root_cumulative = {
            root: list(itertools.accumulate(weights[rank] for rank in ranks))
            for root, ranks in by_root.items()
        }
        self.roots = roots

    def _pick(self, cumulative: list[float]) -> int:
        return bisect.bisect_left(cumulative, self.rng.random() * cumulative[-1])

    def _basket(self) -> list[int]:
        first = product_of(self._pick(self.cumulative), self.count)
        root = self.roots.get(self.products[first][0], self.products[first][0])
        basket = [first]
        for _ in range(self.rng.randint(1, 5) - 1):
            if self.rng.random() < SAME_ROOT:
                rank = self.root_ranks[root][self._pick(self.root_cumulative[root])]
            else:
                rank = self._pick(self.cumulative)
            basket.append(product_of(rank, self.count))
        return basket

    def orders(
        self, total: int, customers: int, days: int, now: datetime
    ) -> Iterator[tuple[str, datetime, list[tuple[str, int, int]]]]:
        earlier: dict[int, list[int]] = {}
        span = days * 86400
        for n in range(total):
            customer = self.rng.randrange(customers)
            if customer in earlier and self.rng.random() < REPEAT:
                basket = earlier[customer]
            else:
                basket = earlier[customer] = self._basket()
            # orders spread evenly over the window, oldest first
            at = now - timedelta(seconds=span * (total - n) / total)
            lines = [(f"prod-{i}", self.rng.randint(1, 3), self.products[i][1]) for i in basket]
            yield f"cust-{customer}", at, lines


class History:
    """What the service's record_order would have stored for these orders."""

    def __init__(self, settings: domain.Settings):
        self.settings = settings
        self.first_vote: dict[tuple[str, str, str], datetime] = {}
        self.co: dict[tuple[str, str], list] = {}  # (a, b) -> [score, votes, last_at]
        self.daily: dict[tuple[date, str], list[int]] = {}  # (day, product) -> [units, orders]

    def add(self, user_id: str, at: datetime, lines: list[tuple[str, int, int]]) -> None:
        ids = [product_id for product_id, _, _ in lines]
        for a, b in domain.order_pairs(ids, self.settings.max_lines):
            key = (user_id, a, b)
            if key in self.first_vote:
                continue  # one vote per customer per pair
            self.first_vote[key] = at
            weight = domain.vote_weight(at, self.settings.half_life)
            for pair in ((a, b), (b, a)):
                row = self.co.setdefault(pair, [0.0, 0, at])
                row[0] += weight
                row[1] += 1
                row[2] = at
        units = domain.units_sold({"product_id": p, "quantity": q} for p, q, _ in lines)
        for product_id, quantity in units.items():
            row = self.daily.setdefault((at.date(), product_id), [0, 0])
            row[0] += quantity
            row[1] += 1


def _copy(cursor, table: str, columns: str, rows) -> int:
    buffer = io.StringIO()
    n = 0
    for n, row in enumerate(rows, 1):  # noqa: B007
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
    print(f"  {table}: {n} rows", flush=True)
    return n


def _catalog_products(count: int, product_rows) -> Iterator[list[str]]:
    for row in product_rows(count):
        yield row.rstrip("\n").split("\t")


def seed_history(
    config: dict,
    count: int,
    orders: int,
    customers: int | None,
    days: int,
    product_rows,
    categories: list[tuple],
) -> None:
    """Load the recommendations tables for `count` products and `orders` generated orders.
    `product_rows` and `categories` are seed_large's (the same products the catalog got)."""
    import psycopg2
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from services.common.config import db_uri
    from services.recommendations.repository import SqlRecommendationsRepository

    started = time.monotonic()
    settings = domain.Settings()
    uri = db_uri(config, "recommendations")
    conn = psycopg2.connect(uri)
    cursor = conn.cursor()
    cursor.execute("SET synchronous_commit = off")
    cursor.execute(
        "TRUNCATE rec_products, rec_categories, customer_pairs, co_purchases, sales_daily, "
        "trending, processed_events"
    )
    # catalog path "/root/leaf/" -> this service's "root/leaf"
    roots = {}
    category_rows = []
    for category_id, parent_id, slug, _name, path, _position in categories:
        ids = [part for part in path.split("/") if part]
        roots[category_id] = ids[0]
        category_rows.append((category_id, parent_id, slug, "/".join(ids)))
    _copy(cursor, "rec_categories", "category_id, parent_id, slug, path", category_rows)

    products: dict[int, tuple[str, int]] = {}
    now = datetime.now(UTC)

    def cards():
        for fields in _catalog_products(count, product_rows):
            index = int(fields[0].split("-")[1])
            price = int(fields[6])
            products[index] = (fields[5], price)
            # id, category, brand, price, currency, band, status, available, version, name,
            # slug, image, rating, reviews, updated_at
            yield (
                fields[0], fields[5], fields[4], price, fields[8], domain.price_band(price),
                fields[11], fields[14], fields[15], fields[2], fields[1], None, fields[12],
                fields[13], now.isoformat(),
            )  # fmt: skip

    _copy(
        cursor,
        "rec_products",
        "product_id, category_id, brand, price, currency, price_band, status, available, "
        "stock_version, name, slug, image, rating_average, rating_count, updated_at",
        cards(),
    )
    conn.commit()
    print(f"cards in {time.monotonic() - started:.0f}s", flush=True)

    began = time.monotonic()
    baskets = Baskets(products, roots)
    history = History(settings)
    for user_id, at, lines in baskets.orders(orders, customers or max(orders // 4, 1), days, now):
        history.add(user_id, at, lines)
    print(
        f"{orders} orders -> {len(history.first_vote)} votes, {len(history.co)} co-purchase "
        f"rows, {len(history.daily)} daily rows in {time.monotonic() - began:.0f}s",
        flush=True,
    )
    _copy(
        cursor,
        "customer_pairs",
        "user_id, product_a, product_b, first_at",
        ((u, a, b, at.isoformat()) for (u, a, b), at in history.first_vote.items()),
    )
    _copy(
        cursor,
        "co_purchases",
        "product_id, other_id, score, votes, last_at",
        ((a, b, repr(s), v, at.isoformat()) for (a, b), (s, v, at) in history.co.items()),
    )
    _copy(
        cursor,
        "sales_daily",
        "day, product_id, category_id, root_category_id, units, orders",
        (
            (day, p, products[int(p[5:])][0], roots[products[int(p[5:])][0]], u, o)
            for (day, p), (u, o) in history.daily.items()
        ),
    )
    conn.commit()
    conn.autocommit = True
    for table in (
        "rec_products",
        "rec_categories",
        "customer_pairs",
        "co_purchases",
        "sales_daily",
    ):
        cursor.execute(f"VACUUM ANALYZE {table}")
    conn.close()

    engine = create_engine(uri)
    with Session(engine) as session:
        began = time.monotonic()
        rows = SqlRecommendationsRepository(session).recompute_trending(
            now.date(), settings.trending_days, settings.trending_top
        )
        session.commit()
        print(f"trending: {rows} rows in {time.monotonic() - began:.1f}s", flush=True)
    engine.dispose()
    print(f"recommendations ready in {time.monotonic() - started:.0f}s", flush=True)
