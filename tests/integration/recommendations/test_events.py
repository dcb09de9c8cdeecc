"""The recommendations service's events on real RabbitMQ, Postgres and Redis
(docs/design/recommendations.md §6): each handler applied once, the catalog's and inventory's
changes reaching the cards, views following a guest into their account, a handler that keeps
failing dead-lettered, the debounced announcement, and trending's SQL against the domain's
velocity."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import get_container
from sqlalchemy import text
from sqlalchemy.orm import Session

from services.common.clock import iso
from services.recommendations import domain
from services.recommendations.repository import SqlRecommendationsRepository
from services.recommendations.service import RecommendationsService
from tests.helpers import engine_for, wait_for
from tests.integration.recommendations.conftest import CHANGED, FakeCatalog, start


def rows(config, sql, **params):
    with engine_for(config, "recommendations").connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


def order(event_id, user_id, *lines, at=None):
    return {
        "event_id": event_id,
        "order_id": f"order-{event_id}",
        "user_id": user_id,
        "cart_id": None,
        "total": 1,
        "currency": "EUR",
        "payment_method": "cod",
        "occurred_at": at or iso(datetime.now(UTC)),
        "lines": [{"product_id": p, "quantity": q, "price": 1000} for p, q in lines],
    }


@pytest.fixture
def mugs(shop, deliver):
    """Products a, b (mugs, same band) and c (in the mugs' sibling, cups) with cards."""
    shop.category("home", "home")
    shop.category("mugs", "mugs", ["home"])
    shop.category("cups", "cups", ["home"])
    for category_id in ("home", "mugs", "cups"):
        deliver("catalog", "category_changed", {"category_id": category_id, "action": "created"})
    for pid, category_id in (("a", "mugs"), ("b", "mugs"), ("c", "cups")):
        shop.product(pid, category_id=category_id)
        deliver("catalog", "product_created", {"product_id": pid, "status": "active"})


def test_order_confirmed_twice_with_one_event_id_is_one_vote_and_one_sales_row(
    config, mugs, deliver, redis_client
):
    event = order("evt-1", "user-1", ("a", 2), ("b", 1))
    redis_client.delete("reco:dirty")
    deliver("orders", "order_confirmed", event)
    assert redis_client.get("reco:dirty") == "1"  # set once the votes committed
    deliver("orders", "order_confirmed", event)
    assert rows(config, "SELECT product_id, other_id, votes FROM co_purchases ORDER BY 1") == [
        ("a", "b", 1),
        ("b", "a", 1),
    ]
    assert rows(
        config,
        "SELECT product_id, category_id, root_category_id, units, orders FROM sales_daily "
        "ORDER BY 1",
    ) == [("a", "mugs", "home", 2, 1), ("b", "mugs", "home", 1, 1)]
    # the same customer's next order of the pair votes no more; another customer's does
    deliver("orders", "order_confirmed", order("evt-2", "user-1", ("a", 1), ("b", 1)))
    deliver("orders", "order_confirmed", order("evt-3", "user-2", ("b", 1), ("a", 1)))
    assert rows(config, "SELECT votes FROM co_purchases WHERE product_id = 'a'") == [(2,)]


def test_an_archived_product_stops_being_recommended(reco, mugs, deliver):
    deliver("orders", "order_confirmed", order("evt-1", "user-1", ("a", 1), ("b", 1)))
    found = reco.recommend("a")
    assert (found["meta"]["source"], [c["product_id"] for c in found["data"]]) == (
        "also_bought",
        ["b"],
    )
    deliver("catalog", "product_archived", {"product_id": "b", "user_id": None})
    found = reco.recommend("a")
    assert "b" not in [c["product_id"] for c in found["data"]]
    assert found["meta"]["source"] == "similar"  # c, in the sibling leaf, in the same band
    assert [c["product_id"] for c in found["data"]] == ["c"]


def test_an_older_stock_changed_version_is_ignored(config, reco, mugs, deliver):
    stock = {"product_id": "a", "on_hand": 0, "reserved": 0}
    deliver("inventory", "stock_changed", {**stock, "available": 0, "version": 5})
    deliver("inventory", "stock_changed", {**stock, "available": 7, "version": 4})
    assert rows(
        config, "SELECT available, stock_version FROM rec_products WHERE product_id='a'"
    ) == [(0, 5)]
    # a catalog refresh afterwards keeps inventory's figure
    deliver("catalog", "product_updated", {"product_id": "a", "changed": ["rating"]})
    assert rows(config, "SELECT available FROM rec_products WHERE product_id='a'") == [(0,)]


def test_cart_merged_moves_the_guest_views_into_the_users_once(reco, mugs, deliver, redis_client):
    reco.record_view("a", user_id="user-1")
    reco.record_view("b", cart_id="guest-1")
    reco.record_view("c", cart_id="guest-1")
    merged = {"guest_cart_id": "guest-1", "cart_id": "cart-9", "user_id": "user-1"}
    deliver("cart", "cart_merged", merged)
    deliver("cart", "cart_merged", merged)
    viewed = reco.recently_viewed(user_id="user-1")
    assert [c["product_id"] for c in viewed["data"]] == ["c", "b", "a"]
    assert reco.recently_viewed(cart_id="guest-1") == {"data": []}
    assert redis_client.ttl("reco:viewed:u:user-1") > 7 * 24 * 3600


def test_a_handler_that_keeps_failing_leaves_a_dead_letter_that_replays(
    config, reco, shop, deliver, redis_client
):
    shop.product("d")
    shop.down()
    deliver("catalog", "product_created", {"product_id": "d", "status": "active"})
    letters = reco.list_dead_letters()["data"]
    assert [(x["handler"], x["event_type"], x["attempts"]) for x in letters] == [
        ("handle_product_created", "product_created", 3)
    ]
    assert rows(config, "SELECT count(*) FROM rec_products") == [(0,)]
    assert redis_client.get("reco:dirty") is None  # the attempts rolled back: nothing to say
    shop.down(False)
    reco.replay_dead_letter(letters[0]["id"])
    assert rows(config, "SELECT product_id FROM rec_products") == [("d",)]
    assert redis_client.get("reco:dirty") == "1"


def test_publish_changes_writes_one_recommendations_changed_per_batch_of_changes(
    runner_factory, reco_config, shop, redis_client
):
    # two changes while no publisher runs (the timers of this runner wait an hour)...
    runner = runner_factory(reco_config, RecommendationsService, FakeCatalog)
    runner.start()
    container = get_container(runner, RecommendationsService)
    shop.product("a")
    with entrypoint_waiter(container, "handle_product_created", timeout=15):
        shop.dispatch("catalog", "product_created", {"product_id": "a"})
    stock = {"product_id": "a", "on_hand": 3, "reserved": 0, "available": 3, "version": 1}
    with entrypoint_waiter(container, "handle_stock_changed", timeout=15):
        shop.dispatch("inventory", "stock_changed", stock)
    runner.stop()
    assert redis_client.get("reco:dirty") == "1"
    # ...then a publisher ticking every 0.2 s announces them once
    fast = {
        **reco_config,
        "RECOMMENDATIONS": {**reco_config["RECOMMENDATIONS"], "publish_interval": 0.2},
    }
    publisher = start(runner_factory, fast)
    wait_for(lambda: CHANGED, timeout=10)
    for _ in range(3):  # three more ticks with nothing new: nothing more announced
        with entrypoint_waiter(publisher, "publish_changes", timeout=15):
            pass
    assert len(CHANGED) == 1
    assert set(CHANGED[0]) >= {"at", "event_id", "occurred_at"}
    assert redis_client.get("reco:dirty") is None


def test_trending_sql_matches_domain_velocity(config):
    today = date(2026, 11, 30)
    sales = [
        # (days ago, product, leaf, root, units)
        (0, "p1", "mugs", "home", 3),
        (1, "p1", "mugs", "home", 1),
        (6, "p2", "mugs", "home", 20),
        (2, "p3", "cups", "home", 4),
        (3, "p4", "lamps", "light", 2),
        (7, "p5", "lamps", "light", 50),  # outside the 7-day window
        (-1, "p6", "lamps", "light", 9),  # tomorrow's (a clock ahead): not counted
    ]
    fixture = [(today - timedelta(days=d), p, leaf, root, u) for d, p, leaf, root, u in sales]
    with Session(engine_for(config, "recommendations")) as session:
        for day, product_id, leaf, root, units in fixture:
            session.execute(
                text("INSERT INTO sales_daily VALUES (:day, :product_id, :leaf, :root, :units, 1)"),
                {"day": day, "product_id": product_id, "leaf": leaf, "root": root, "units": units},
            )
        repo = SqlRecommendationsRepository(session)
        written = repo.recompute_trending(today, days=7, top=2)
        session.commit()
    expected = domain.trending_table(fixture, today, days=7, top=2)
    stored = rows(
        config,
        'SELECT scope, rank, product_id, score FROM trending ORDER BY scope COLLATE "C", rank',
    )
    assert written == sum(len(v) for v in expected.values())
    assert [(s, r, p) for s, r, p, _ in stored] == [
        (scope, rank, product_id)
        for scope in sorted(expected)
        for rank, (product_id, _) in enumerate(expected[scope], start=1)
    ]
    scores = {(s, p): score for s, _, p, score in stored}
    for scope, ranked in expected.items():
        for product_id, score in ranked:
            assert scores[(scope, product_id)] == pytest.approx(score)


def test_stock_changed_for_a_product_without_a_card_copies_it_with_that_level(
    config, shop, deliver
):
    shop.product("late", available=0)  # the catalog's copy has not seen the event yet
    stock = {"product_id": "late", "on_hand": 4, "reserved": 0, "available": 4, "version": 3}
    deliver("inventory", "stock_changed", stock)
    deliver("catalog", "product_created", {"product_id": "late", "status": "active"})
    assert rows(
        config, "SELECT available, stock_version FROM rec_products WHERE product_id = 'late'"
    ) == [(4, 3)]
