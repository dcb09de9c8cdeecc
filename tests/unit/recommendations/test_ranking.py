"""The recommendations rules on plain data (services/recommendations/domain.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.common.errors import ValidationFailed
from services.recommendations import domain
from services.recommendations.domain import Candidate, Category, Recommendations
from tests.unit.fakes import START
from tests.unit.recommendations.fakes import card

HALF_LIFE = timedelta(days=30)


def test_a_vote_a_half_life_older_weighs_half():
    now = START + timedelta(days=100)
    recent = domain.vote_weight(now, HALF_LIFE)
    older = domain.vote_weight(now - HALF_LIFE, HALF_LIFE)
    assert older == pytest.approx(recent / 2)
    assert domain.decayed(recent, now, HALF_LIFE) == pytest.approx(1.0)
    assert domain.decayed(older, now, HALF_LIFE) == pytest.approx(0.5)
    assert domain.vote_weight(domain.EPOCH, HALF_LIFE) == 1.0


def test_ranking_by_stored_score_equals_ranking_by_decayed_score():
    # each product's stored score: the sum of the weights of its votes' times
    votes = {
        "a": [START, START + timedelta(days=1)],
        "b": [START + timedelta(days=80)],
        "c": [START + timedelta(days=10)] * 3,
        "d": [START + timedelta(days=40), START + timedelta(days=41)],
    }
    stored = {p: sum(domain.vote_weight(t, HALF_LIFE) for t in ts) for p, ts in votes.items()}
    for now in (START + timedelta(days=90), START + timedelta(days=400)):
        decayed = {p: domain.decayed(s, now, HALF_LIFE) for p, s in stored.items()}
        by_age = {p: sum(0.5 ** ((now - t) / HALF_LIFE) for t in ts) for p, ts in votes.items()}
        assert decayed == pytest.approx(by_age)
        assert sorted(stored, key=stored.__getitem__) == sorted(decayed, key=decayed.__getitem__)


def test_order_pairs_are_distinct_sorted_and_unordered():
    assert domain.order_pairs(["c", "a", "b", "a"]) == [("a", "b"), ("a", "c"), ("b", "c")]


def test_order_with_one_product_makes_no_pairs():
    assert domain.order_pairs(["a"]) == []
    assert domain.order_pairs(["a", "a"]) == []
    assert domain.order_pairs([]) == []


def test_lines_past_the_cap_are_ignored():
    assert domain.order_pairs(["a", "b", "c", "d"], max_lines=2) == [("a", "b")]
    assert len(domain.order_pairs([f"p{i:02d}" for i in range(30)], max_lines=20)) == 190


def test_price_band_is_the_log_base_one_and_a_half():
    assert domain.price_band(0) == 0
    assert domain.price_band(1) == 0
    assert domain.price_band(2) == 1
    assert domain.price_band(1000) == domain.price_band(1100) == 17
    assert domain.price_band(1500) == 18


def test_similar_prefers_same_leaf_then_brand_then_price_band():
    categories = {
        "leaf": Category("leaf", "leaf", "root", "root/leaf"),
        "sibling": Category("sibling", "sibling", "root", "root/sibling"),
        "other": Category("other", "other", "elsewhere", "elsewhere/other"),
    }
    base = card("base", category_id="leaf", brand="Acme", price=1000)
    same_leaf = card("same-leaf", category_id="leaf", brand="Other", price=100_000)
    same_brand = card("same-brand", category_id="other", brand="acme", price=1000)
    same_band = card("same-band", category_id="other", brand="Other", price=1050)
    near_band = card("near-band", category_id="other", brand="Other", price=1600)
    far = card("far", category_id="other", brand=None, price=100_000)
    sibling = card("sibling", category_id="sibling", brand=None, price=100_000)

    def score(c):
        return domain.similarity(base, c, categories)

    assert score(same_leaf) > score(same_brand) > score(same_band) > score(near_band) > score(far)
    assert score(same_leaf) > score(sibling) > score(far) == 0
    ranked = domain.rank(
        [Candidate(c, score(c)) for c in (far, near_band, same_band, same_brand, same_leaf)],
        limit=4,
        exclude_id=base.product_id,
    )
    assert [c.product_id for c in ranked] == ["same-leaf", "same-brand", "same-band", "near-band"]


def test_velocity_weighs_recent_days_more():
    assert domain.velocity([(0, 10)], days=7) == 10
    assert domain.velocity([(0, 10)]) > domain.velocity([(3, 10)]) > domain.velocity([(6, 10)])
    assert domain.velocity([(7, 100), (8, 100)], days=7) == 0
    assert domain.velocity([(0, 7), (6, 7)], days=7) == pytest.approx(7 + 1)


def test_trending_table_ranks_by_velocity_per_scope():
    today = date(2026, 3, 1)
    sales = [
        (today, "fresh", "leaf", "root", 5),
        (today - timedelta(days=5), "stale", "leaf", "root", 10),
        (today - timedelta(days=1), "elsewhere", "other", "top", 4),
        (today - timedelta(days=9), "gone", "leaf", "root", 50),
    ]
    table = domain.trending_table(sales, today, days=7, top=2)
    assert [p for p, _ in table["all"]] == ["fresh", "elsewhere"]
    assert [p for p, _ in table["cat:leaf"]] == ["fresh", "stale"]
    assert table["cat:root"] == table["cat:leaf"]
    assert [p for p, _ in table["cat:top"]] == ["elsewhere"]


def test_results_exclude_the_product_archived_and_out_of_stock():
    rows = [
        Candidate(card("self"), 9),
        Candidate(card("archived", status=domain.ARCHIVED), 8),
        Candidate(card("draft", status="draft"), 8),
        Candidate(card("sold-out", available=0), 7),
        Candidate(card("ok"), 1),
    ]
    assert [c.product_id for c in domain.rank(rows, 10, exclude_id="self")] == ["ok"]


def test_out_of_stock_included_when_asked():
    rows = [Candidate(card("sold-out", available=0), 7), Candidate(card("ok"), 1)]
    ranked = domain.rank(rows, 10, exclude_id="self", include_out_of_stock=True)
    assert [c.product_id for c in ranked] == ["sold-out", "ok"]


def test_rank_breaks_ties_by_ratings_then_id_and_cuts_to_the_limit():
    rows = [
        Candidate(card("b"), 1),
        Candidate(card("a"), 1),
        Candidate(card("z", rating_count=3), 1),
        Candidate(card("top"), 2),
    ]
    assert [c.product_id for c in domain.rank(rows, 3)] == ["top", "z", "a"]


def test_also_bought_falls_back_to_similar_then_trending_and_says_so():
    a, b, c = card("a"), card("b"), card("c")
    assert domain.choose_source("also_bought", [a], [b], [c]) == Recommendations("also_bought", [a])
    assert domain.choose_source("also_bought", [], [b], [c]) == Recommendations("similar", [b])
    assert domain.choose_source("also_bought", [], [], [c]) == Recommendations("trending", [c])
    assert domain.choose_source("similar", [a], [b], [c]) == Recommendations("similar", [b])
    assert domain.choose_source("similar", [a], [], [c]) == Recommendations("trending", [c])
    assert domain.choose_source("similar", [], [], []) == Recommendations("trending", [])


def test_a_later_source_is_not_asked_once_one_answers():
    asked = []

    def source(name, items):
        return lambda: asked.append(name) or items

    result = domain.choose_source(
        "also_bought", source("also", [card("a")]), source("similar", []), source("trending", [])
    )
    assert result.source == "also_bought"
    assert asked == ["also"]


def test_an_unknown_kind_is_a_validation_error():
    with pytest.raises(ValidationFailed) as raised:
        domain.choose_source("trending", [], [], [])
    assert "kind" in raised.value.details


def test_remember_moves_the_product_to_the_front_and_keeps_the_newest():
    history: dict[str, float] = {}
    for at, product_id in enumerate(["a", "b", "c", "a", "d"]):
        history = domain.remember(history, product_id, at, keep=3)
    assert list(history) == ["d", "a", "c"]


def test_a_viewer_is_a_user_or_a_guest_cart():
    assert domain.Viewer(user_id="u").user_id == "u"
    with pytest.raises(ValidationFailed):
        domain.Viewer()
    with pytest.raises(ValidationFailed):
        domain.Viewer(user_id="u", cart_id="c")


def test_catalog_shapes_become_cards_and_categories():
    product = {
        "id": "p1",
        "slug": "p-1",
        "name": "P",
        "price": 1299,
        "currency": "EUR",
        "image": "/media/p1.jpg",
        "category_id": "leaf",
        "brand": "Acme",
        "status": "active",
        "available": 3,
        "rating_average": 4.5,
        "rating_count": 2,
        "description": "ignored",
    }
    assert domain.card_from_catalog(product) == card(
        "p1",
        slug="p-1",
        name="P",
        price=1299,
        image="/media/p1.jpg",
        brand="Acme",
        available=3,
        rating_average=4.5,
        rating_count=2,
    )
    pictured = {
        **product,
        "images": [{"url": "/media/p1-large.webp", "medium_url": "/media/p1-medium.webp"}],
    }
    assert domain.card_from_catalog(pictured).image == "/media/p1-medium.webp"
    category = domain.category_from_catalog(
        {"id": "leaf", "slug": "leaf", "ancestors": [{"id": "root", "name": "Root"}]}
    )
    assert category == Category("leaf", "leaf", "root", "root/leaf")
    assert category.root_id == "root"
    assert domain.category_from_catalog({"id": "root", "slug": "root"}).root_id == "root"
