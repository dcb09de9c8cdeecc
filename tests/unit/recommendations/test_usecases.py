"""The recommendations use cases over fakes of their ports (recommendations/usecases.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.common.errors import ValidationFailed
from services.recommendations import domain
from services.recommendations.domain import Category, Settings
from services.recommendations.exceptions import CategoryUnknown, ProductUnknown
from services.recommendations.usecases import Recommendations
from tests.unit.fakes import FakeClock
from tests.unit.recommendations.fakes import (
    FakeProductSource,
    FakeRecommendationsRepository,
    FakeViewHistory,
    card,
)

CATEGORIES = [
    Category("root", "root", None, "root"),
    Category("leaf", "leaf", "root", "root/leaf"),
    Category("sibling", "sibling", "root", "root/sibling"),
    Category("other", "other", None, "other"),
]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def repo():
    cards = [
        card("a", category_id="leaf", brand="Acme"),
        card("b", category_id="leaf"),
        card("c", category_id="sibling"),
        card("d", category_id="other", price=90_000),
    ]
    return FakeRecommendationsRepository(cards, CATEGORIES)


@pytest.fixture
def views():
    return FakeViewHistory(keep=3)


@pytest.fixture
def catalog():
    return FakeProductSource()


@pytest.fixture
def recs(repo, views, catalog, clock):
    return Recommendations(repo, views, catalog, Settings(viewed_max=3), clock)


def order(event_id, user_id, *product_ids, at=None, quantity=1):
    event = {
        "event_id": event_id,
        "user_id": user_id,
        "lines": [{"product_id": p, "quantity": quantity, "price": 1000} for p in product_ids],
    }
    if at is not None:
        event["occurred_at"] = at.isoformat()
    return event


# co-purchases


def test_one_customers_repeat_orders_count_once(recs, repo):
    assert recs.record_order(order("e1", "u1", "a", "b"))
    assert recs.record_order(order("e2", "u1", "b", "a"))
    assert repo.votes("a", "b") == repo.votes("b", "a") == 1


def test_two_customers_count_twice(recs, repo, clock):
    recs.record_order(order("e1", "u1", "a", "b", at=clock.now))
    recs.record_order(order("e2", "u2", "a", "b", at=clock.now))
    assert repo.votes("a", "b") == repo.votes("b", "a") == 2
    weight = domain.vote_weight(clock.now, Settings.half_life)
    assert repo.co_purchases[("a", "b")]["score"] == pytest.approx(2 * weight)


def test_a_repeat_customer_votes_for_their_new_pairs_only(recs, repo):
    recs.record_order(order("e1", "u1", "a", "b"))
    recs.record_order(order("e2", "u1", "a", "b", "c"))
    assert (repo.votes("a", "b"), repo.votes("a", "c"), repo.votes("b", "c")) == (1, 1, 1)


def test_order_with_one_product_makes_no_pairs(recs, repo):
    recs.record_order(order("e1", "u1", "a", quantity=2))
    assert repo.co_purchases == {}
    assert "record_customer_pairs" not in repo.statements
    assert [row["units"] for row in repo.sales.values()] == [2]


def test_lines_past_the_cap_are_ignored(repo, views, catalog, clock):
    recs = Recommendations(repo, views, catalog, Settings(max_lines=2), clock)
    recs.record_order(order("e1", "u1", "a", "b", "c"))
    assert set(repo.co_purchases) == {("a", "b"), ("b", "a")}
    # sales count every line
    assert {p for _, p in repo.sales} == {"a", "b", "c"}


def test_same_order_confirmed_twice_counts_once(recs, repo, views, clock):
    event = order("e1", "u1", "a", "b", at=clock.now)
    assert recs.record_order(event)
    views.dirty = False
    assert not recs.record_order(event)
    assert repo.votes("a", "b") == 1
    assert repo.sales[(clock.now.date(), "a")] == {"units": 1, "orders": 1}
    assert not views.dirty


def test_an_order_is_counted_on_the_day_it_happened(recs, repo, clock):
    yesterday = clock.now - timedelta(days=1)
    recs.record_order(order("e1", "u1", "a", at=yesterday))
    assert list(repo.sales) == [(yesterday.date(), "a")]


def test_an_order_marks_readers_stale_and_one_publish_tells_them(recs, repo, views):
    recs.record_order(order("e1", "u1", "a", "b"))
    recs.record_order(order("e2", "u2", "a", "b"))
    assert recs.publish_changes()
    assert not recs.publish_changes()
    repo.commit()
    assert repo.events == [("recommendations_changed", {"at": recs.clock().isoformat()})]


def test_a_trending_recompute_that_wrote_rows_marks_readers_stale(recs, views):
    assert recs.recompute_trending() == 0  # no sales yet: nothing a reader could see changed
    assert not views.dirty
    recs.record_order(order("e1", "u1", "a", "b"))
    assert recs.publish_changes()
    assert recs.recompute_trending() > 0
    assert views.dirty and recs.publish_changes()


def test_votes_past_their_keeping_are_forgotten_so_a_new_purchase_votes_again(recs, repo, clock):
    long_ago = clock.now - timedelta(days=200)
    recs.record_order(order("e1", "u1", "a", "b", at=long_ago))
    recs.record_order(order("e2", "u2", "a", "b"))
    recs.purge()
    assert repo.customer_pairs == {("u2", "a", "b")}  # u1's vote, 200 days old, is gone
    assert repo.votes("a", "b") == 2  # the co-purchase sums it added stay, decayed
    recs.record_order(order("e3", "u1", "a", "b"))  # u1 buys the pair again: a fresh vote
    assert repo.votes("a", "b") == 3
    recs.record_order(order("e4", "u2", "a", "b"))  # u2's vote is recent: still one
    assert repo.votes("a", "b") == 3


# reads


def test_also_bought_ranks_by_co_purchases(recs):
    recs.record_order(order("e1", "u1", "a", "b"))
    recs.record_order(order("e2", "u2", "a", "b"))
    recs.record_order(order("e3", "u3", "a", "c"))
    result = recs.recommend("a", "also_bought", limit=8)
    assert result.source == "also_bought"
    assert [c.product_id for c in result.items] == ["b", "c"]


def test_results_exclude_the_product_archived_and_out_of_stock(recs, repo):
    for i, other in enumerate(["b", "c", "d"]):
        recs.record_order(order(f"e{i}", f"u{i}", "a", other))
    recs.archive_product("b")
    assert recs.apply_stock("c", 0, version=1)
    result = recs.recommend("a", "also_bought")
    assert (result.source, [c.product_id for c in result.items]) == ("also_bought", ["d"])


def test_out_of_stock_included_when_asked(recs):
    recs.record_order(order("e1", "u1", "a", "b"))
    recs.apply_stock("b", 0, version=1)
    assert recs.recommend("a").source != "also_bought"
    result = recs.recommend("a", include_out_of_stock=True)
    assert result.source == "also_bought"
    assert [(c.product_id, c.available) for c in result.items] == [("b", 0)]


def test_also_bought_falls_back_to_similar_then_trending_and_says_so(recs, repo, clock):
    # no co-purchases: similar (a, b and c share the root)
    result = recs.recommend("a", "also_bought")
    assert result.source == "similar"
    assert [c.product_id for c in result.items] == ["b", "c"]
    # nothing similar in stock either: trending
    repo.cards_by_id["b"].available = 0
    repo.cards_by_id["c"].status = domain.ARCHIVED
    recs.record_order(order("e1", "u1", "d", at=clock.now))
    recs.recompute_trending()
    result = recs.recommend("a", "also_bought")
    assert (result.source, [c.product_id for c in result.items]) == ("trending", ["d"])
    assert recs.recommend("a", "similar").source == "trending"


def test_similar_prefers_same_leaf_then_brand_then_price_band(recs, repo):
    repo.cards_by_id["e"] = card("e", category_id="other", brand="Acme", price=1000)
    repo.cards_by_id["f"] = card("f", category_id="other", brand="Acme", price=1600)
    result = recs.recommend("a", "similar", limit=8)
    # b: same leaf (8); c: same root and band (4), as e: same brand and band (4, after c by
    # id); f: same brand in the next band, outside the pool (another category's products come
    # in only in the same band); d: another root and brand, no candidate
    assert [c.product_id for c in result.items] == ["b", "c", "e"]


def test_recommend_for_an_unknown_product_is_product_unknown(recs):
    with pytest.raises(ProductUnknown):
        recs.recommend("nope")


def test_trending_by_category_slug_and_for_all(recs, repo, clock):
    recs.record_order(order("e1", "u1", "a", "d", at=clock.now, quantity=2))
    recs.record_order(order("e2", "u2", "c", at=clock.now - timedelta(days=2)))
    recs.recompute_trending()
    assert [c.product_id for c in recs.trending().items] == ["a", "d", "c"]
    assert [c.product_id for c in recs.trending("root").items] == ["a", "c"]
    assert [c.product_id for c in recs.trending("sibling", limit=1).items] == ["c"]
    assert recs.trending("other").source == "trending"
    with pytest.raises(CategoryUnknown):
        recs.trending("nope")


# catalog and inventory events


def test_refresh_products_copies_cards_and_archives_the_ones_gone(recs, repo, catalog):
    catalog.products["a"] = card("a", name="Renamed", available=99)
    catalog.products["new"] = card("new", available=4)
    recs.refresh_products(["a", "b", "new"])
    assert catalog.asked == [["a", "b", "new"]]
    assert repo.cards_by_id["a"].name == "Renamed"
    assert repo.cards_by_id["a"].available == 5  # stock stays inventory's
    assert repo.cards_by_id["new"].available == 4
    assert repo.cards_by_id["b"].status == domain.ARCHIVED


def test_an_older_stock_version_is_ignored(recs, repo):
    assert recs.apply_stock("a", 3, version=2)
    assert not recs.apply_stock("a", 9, version=1)
    assert repo.cards_by_id["a"].available == 3


def test_category_changes_follow_the_catalog(recs, repo, catalog):
    catalog.category_rows["new"] = Category("new", "new", "root", "root/new")
    recs.refresh_category("new", "created")
    assert repo.find_category("new") == Category("new", "new", "root", "root/new")
    recs.refresh_category("new", "deleted")
    assert repo.find_category("new") is None


# recently viewed


def test_recently_viewed_is_bounded_most_recent_first(recs, clock):
    for product_id in ["a", "b", "c", "a", "d"]:
        recs.record_view(product_id, user_id="u1")
        clock.advance(seconds=1)
    assert [c.product_id for c in recs.recently_viewed(user_id="u1")] == ["d", "a", "c"]
    assert [c.product_id for c in recs.recently_viewed(user_id="u1", limit=2)] == ["d", "a"]


def test_recently_viewed_drops_archived_and_keeps_out_of_stock(recs, clock):
    for product_id in ["a", "b", "c"]:
        recs.record_view(product_id, cart_id="cart-1")
        clock.advance(seconds=1)
    recs.archive_product("b")
    recs.apply_stock("a", 0, version=1)
    shown = recs.recently_viewed(cart_id="cart-1")
    assert [(c.product_id, c.available) for c in shown] == [("c", 5), ("a", 0)]


def test_guest_views_merge_into_the_user_once(recs, views, clock):
    recs.record_view("a", user_id="u1")
    clock.advance(seconds=1)
    recs.record_view("b", cart_id="cart-1")
    clock.advance(seconds=1)
    recs.record_view("c", cart_id="cart-1")
    assert recs.merge_views("cart-1", "u1")
    assert not recs.merge_views("cart-1", "u1")
    assert [c.product_id for c in recs.recently_viewed(user_id="u1")] == ["c", "b", "a"]
    assert recs.recently_viewed(cart_id="cart-1") == []


def test_view_of_unknown_product_is_product_unknown(recs, views):
    with pytest.raises(ProductUnknown) as raised:
        recs.record_view("nope", user_id="u1")
    assert raised.value.details == {"product_id": "nope"}
    assert views.histories == {}


def test_a_view_needs_exactly_one_viewer(recs):
    with pytest.raises(ValidationFailed):
        recs.record_view("a")
    with pytest.raises(ValidationFailed):
        recs.record_view("a", user_id="u1", cart_id="cart-1")
