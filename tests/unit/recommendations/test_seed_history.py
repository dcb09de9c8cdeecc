"""The benchmark's generated history (scripts/seed_large_history.py) is what the service would
have built from the same orders' events: its aggregation is checked against the use case
`record_order` on the fake repository, order by order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scripts.seed_large_history import STRIDE, Baskets, History, product_of
from services.recommendations import domain
from services.recommendations.usecases import Recommendations
from tests.unit.recommendations.fakes import (
    FakeProductSource,
    FakeRecommendationsRepository,
    FakeViewHistory,
    card,
)

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
LEAVES = {"lcat-audio": "lcat-electronics", "lcat-tv": "lcat-electronics", "lcat-desk": "lcat-home"}


def catalog(count: int) -> dict[int, tuple[str, int]]:
    leaves = sorted(LEAVES)
    return {i: (leaves[i % len(leaves)], 1000 + 37 * i) for i in range(1, count + 1)}


def generated(count: int = 300, orders: int = 400, seed: int = 7):
    baskets = Baskets(catalog(count), LEAVES, seed=seed)
    return list(baskets.orders(orders, orders // 4, 30, NOW))


def test_popularity_ranks_permute_the_products():
    assert sorted(product_of(rank, 1000) for rank in range(1000)) == list(range(1, 1001))


def test_a_product_count_the_stride_divides_is_refused():
    with pytest.raises(ValueError, match="multiple"):
        Baskets(catalog(STRIDE), LEAVES)


def test_the_same_seed_gives_the_same_orders():
    assert generated() == generated()
    assert generated(seed=8) != generated()


def test_popular_products_sell_more_and_some_baskets_repeat():
    orders = generated(orders=2000)
    appearances: dict[str, int] = {}
    for _, _, lines in orders:
        for product_id, _, _ in lines:
            appearances[product_id] = appearances.get(product_id, 0) + 1
    assert appearances[f"prod-{product_of(0, 300)}"] > appearances.get(
        f"prod-{product_of(150, 300)}", 0
    )
    baskets = [(user, tuple(p for p, _, _ in lines)) for user, _, lines in orders]
    assert len(set(baskets)) < len(baskets)  # a customer bought the same basket again
    assert all(1 <= len(lines) <= 5 for _, _, lines in orders)


def test_the_history_is_what_record_order_builds_from_the_same_events():
    orders = generated()
    settings = domain.Settings()
    history = History(settings)
    repo = FakeRecommendationsRepository(
        cards=[card(f"prod-{i}") for i in range(1, 301)],
    )
    use_cases = Recommendations(repo, FakeViewHistory(), FakeProductSource(), settings)
    for n, (user_id, at, lines) in enumerate(orders):
        history.add(user_id, at, lines)
        use_cases.record_order(
            {
                "event_id": f"e{n}",
                "user_id": user_id,
                "occurred_at": at,
                "lines": [{"product_id": p, "quantity": q, "price": c} for p, q, c in lines],
            }
        )
    assert set(history.first_vote) == repo.customer_pairs
    assert set(history.co) == set(repo.co_purchases)
    for key, (score, votes, _) in history.co.items():
        assert votes == repo.co_purchases[key]["votes"]
        assert score == pytest.approx(repo.co_purchases[key]["score"], rel=1e-12)
    assert {key: tuple(row) for key, row in history.daily.items()} == {
        key: (row["units"], row["orders"]) for key, row in repo.sales.items()
    }
