"""The recommendations service's own costs, on the benchmark data (`make seed-large
N=1000000 ORDERS=100000`), through its real SQL adapter and Redis, without the broker or gateway:

- one `order_confirmed` as `Recommendations.record_order` applies it: ms per order (p50/p95) and
  SQL statements per order (counted by a SQLAlchemy event listener: independent of the machine);
- `recompute_trending`: seconds per run;
- uncached reads (`recommend` per kind, `trending`) for the product with the most co-purchase
  rows (the worst fan-out) and for typical ones: ms and statements per read;
- the size of every table.

The orders are generated like the seed's (scripts/seed_large_history.py) with fresh event ids and
customers, so they add to the history (a benchmark database, not a shop's).
  make bench-recommendations [ORDERS=10000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.common.clock import utcnow  # noqa: E402
from services.common.config import db_uri, load_config  # noqa: E402
from services.recommendations import domain  # noqa: E402

TABLES = (
    "rec_products",
    "rec_categories",
    "customer_pairs",
    "co_purchases",
    "sales_daily",
    "trending",
)


class NoCatalog(domain.ProductSource):
    """record_order and the reads never ask the catalog; a call here is a bug in the bench."""

    def cards(self, product_ids):
        raise AssertionError("the catalog was asked")

    def category(self, category_id):
        raise AssertionError("the catalog was asked")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(name: str, millis: list[float], statements: list[int]) -> str:
    return (
        f"{name:<34} n={len(millis):>5}  p50 {percentile(millis, 0.5):7.2f} ms  "
        f"p95 {percentile(millis, 0.95):7.2f} ms  p99 {percentile(millis, 0.99):7.2f} ms  "
        f"statements {statistics.mean(statements):.2f}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--reads", type=int, default=300)
    args = parser.parse_args(argv)

    import redis
    from sqlalchemy import create_engine, event, text
    from sqlalchemy.orm import Session

    from scripts.seed_large_history import Baskets
    from services.recommendations.repository import SqlRecommendationsRepository
    from services.recommendations.usecases import Recommendations
    from services.recommendations.views import RedisViewHistory, ViewSettings, register_scripts

    config = load_config()
    engine = create_engine(db_uri(config, "recommendations"), pool_size=2)
    client = redis.Redis.from_url(config["REDIS_URL"], decode_responses=True)
    scripts = register_scripts(client)
    counted = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_):
        counted[0] += 1

    def use_cases(session: Session) -> Recommendations:
        views = RedisViewHistory(client, scripts, ViewSettings(), session=session)
        return Recommendations(SqlRecommendationsRepository(session), views, NoCatalog())

    with engine.connect() as conn:
        products = {
            int(row.product_id[5:]): (row.category_id, row.price)
            for row in conn.execute(text("SELECT product_id, category_id, price FROM rec_products"))
        }
        roots = {
            row.category_id: row.path.split("/")[0]
            for row in conn.execute(text("SELECT category_id, path FROM rec_categories"))
        }
    if not products:
        print("no cards: run make seed-large N=... ORDERS=... first")
        return 1
    print(f"{len(products)} cards")

    # one order_confirmed at a time, each its own transaction, as the handler runs it
    baskets = Baskets(products, roots, seed=int(time.time()))
    run = uuid.uuid4().hex[:8]
    millis, statements, pairs = [], [], 0
    orders = baskets.orders(args.orders, max(args.orders // 4, 1), 1, utcnow())
    for n, (user_id, at, lines) in enumerate(orders):
        payload = {
            "event_id": f"bench-{run}-{n}",
            "user_id": f"bench-{run}-{user_id}",
            "occurred_at": at,
            "lines": [{"product_id": p, "quantity": q, "price": c} for p, q, c in lines],
        }
        pairs += len(domain.order_pairs([p for p, _, _ in lines]))
        counted[0] = 0
        began = time.perf_counter()
        with Session(engine) as session:
            use_cases(session).record_order(payload)
            session.commit()
        millis.append((time.perf_counter() - began) * 1000)
        statements.append(counted[0])
    print(summary("record_order (one order_confirmed)", millis, statements))
    print(f"{'':<34} {pairs / args.orders:.2f} pairs per order")

    runs = []
    for _ in range(3):
        began = time.perf_counter()
        with Session(engine) as session:
            rows = use_cases(session).recompute_trending()
            session.commit()
        runs.append(time.perf_counter() - began)
    print(f"{'recompute_trending':<34} {rows} rows  {min(runs):.2f}-{max(runs):.2f} s over 3 runs")

    with engine.connect() as conn:
        widest = conn.execute(
            text(
                "SELECT product_id, count(*) AS n FROM co_purchases GROUP BY product_id "
                "ORDER BY n DESC LIMIT 1"
            )
        ).one()
        typical = [
            row.product_id
            for row in conn.execute(
                text("SELECT product_id FROM rec_products TABLESAMPLE SYSTEM (1) LIMIT :n"),
                {"n": args.reads},
            )
        ]
    print(f"widest fan-out: {widest.product_id} with {widest.n} co-purchase rows")

    def timed(name, calls):
        millis, statements, sources = [], [], {}
        for call in calls:
            counted[0] = 0
            began = time.perf_counter()
            with Session(engine) as session:
                result = call(use_cases(session))
                session.commit()
            millis.append((time.perf_counter() - began) * 1000)
            statements.append(counted[0])
            sources[result.source] = sources.get(result.source, 0) + 1
        print(summary(name, millis, statements) + f"  sources {sources}")

    for kind in domain.KINDS:
        timed(
            f"recommend {kind}, widest",
            [lambda uc, kind=kind: uc.recommend(widest.product_id, kind, 8)] * args.reads,
        )
        timed(
            f"recommend {kind}, typical",
            [lambda uc, p=p, kind=kind: uc.recommend(p, kind, 8) for p in typical],
        )
    timed("trending all", [lambda uc: uc.trending(None, 12)] * args.reads)
    timed("trending lcat-audio", [lambda uc: uc.trending("lcat-audio", 12)] * args.reads)

    with engine.connect() as conn:
        for table in TABLES:
            rows = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
            size = conn.execute(text(f"SELECT pg_total_relation_size('{table}')")).scalar()
            print(f"{table:<16} {rows:>10} rows  {size / 2**20:8.1f} MiB with indexes")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
