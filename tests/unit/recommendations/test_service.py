"""RecommendationsService's entrypoints through worker_factory: the fakes of the repository and
the view history (tests/unit/recommendations/fakes.py) for our own ports, a MagicMock only for
the catalog's proxy (another service). Each entrypoint loads its arguments, runs its use case in
one unit of work and dumps the result."""

from __future__ import annotations

from contextlib import contextmanager
from unittest.mock import MagicMock

import pytest
from nameko.exceptions import RemoteError
from nameko.testing.services import worker_factory

from services.common.clock import iso, utcnow
from services.common.errors import ValidationFailed
from services.recommendations.dependencies import RecommendationsSettings
from services.recommendations.domain import Category
from services.recommendations.exceptions import CategoryUnknown, ProductUnknown
from services.recommendations.service import RecommendationsService
from tests.unit.fakes import CountingSession, FakeDatabase
from tests.unit.recommendations.fakes import FakeRecommendationsRepository, FakeViewHistory, card

CATEGORIES = [
    Category("root", "home", None, "root"),
    Category("leaf", "mugs", "root", "root/leaf"),
]


class LockedViewHistory(FakeViewHistory):
    """The fake history with the trending lock `RedisViewHistory` holds: `free` says whether
    this instance gets it."""

    def __init__(self, free: bool = True):
        super().__init__()
        self.free = free
        self.claims: list[float] = []

    @contextmanager
    def trending_turn(self, seconds):
        self.claims.append(seconds)
        yield self.free


def catalog_product(product_id: str, **fields) -> dict:
    """A product as the catalog's get_products dumps it (the fields a card takes)."""
    return {
        "id": product_id,
        "slug": product_id,
        "name": product_id.title(),
        "price": 1500,
        "currency": "EUR",
        "image": f"/media/{product_id}.webp",
        "category_id": "leaf",
        "brand": "Acme",
        "status": "active",
        "available": 4,
        "rating_average": 4.25,
        "rating_count": 3,
        **fields,
    }


@pytest.fixture
def repo():
    return FakeRecommendationsRepository(
        [card("a", brand="Acme"), card("b"), card("c", available=0)], CATEGORIES
    )


@pytest.fixture
def service(repo):
    return worker_factory(
        RecommendationsService,
        db=FakeDatabase(CountingSession(repo)),
        repo=repo,
        views=LockedViewHistory(),
        tunables=RecommendationsSettings(),
        catalog_rpc=MagicMock(),
    )


def order(event_id: str, user_id: str | None, *product_ids: str, at: str | None = None) -> dict:
    return {
        "event_id": event_id,
        "order_id": f"order-{event_id}",
        "user_id": user_id,
        "total": 3000,
        "currency": "EUR",
        "occurred_at": at or "2026-03-01T10:00:00+00:00",
        "lines": [{"product_id": p, "quantity": 1, "price": 1000} for p in product_ids],
    }


# reads


def test_recommend_answers_cards_and_names_the_source_kind_and_limit(service):
    service.handle_order_confirmed(order("e1", "u1", "a", "b"))
    found = service.recommend("a", limit=3)
    assert found["meta"] == {"source": "also_bought", "kind": "also_bought", "limit": 3}
    assert found["data"] == [
        {
            "product_id": "b",
            "slug": "b",
            "name": "B",
            "price": 1000,
            "currency": "EUR",
            "image": None,
            "rating_average": 0.0,
            "rating_count": 0,
            "available": 5,
        }
    ]


def test_recommend_without_votes_says_it_fell_back_to_similar(service):
    found = service.recommend("a", kind="also_bought", include_out_of_stock=True)
    assert found["meta"]["source"] == "similar"
    assert {c["product_id"] for c in found["data"]} == {"b", "c"}


@pytest.mark.parametrize(
    "arguments",
    [{"limit": 0}, {"limit": 25}, {"kind": "popular"}, {"limit": "8"}, {"product_id": "a b"}],
)
def test_recommend_refuses_bad_arguments_before_any_read(service, arguments):
    with pytest.raises(ValidationFailed):
        service.recommend(**{"product_id": "a", **arguments})
    assert service.db.session.commits == 0


def test_recommend_for_a_product_without_a_card_is_product_unknown_and_rolls_back(service):
    with pytest.raises(ProductUnknown):
        service.recommend("missing")
    assert (service.db.session.commits, service.db.session.rollbacks) == (0, 1)


def test_trending_takes_a_category_slug_and_refuses_an_unknown_one(service, repo):
    repo.trending = {"cat:leaf": [("b", 3.0), ("a", 2.0)], "all": [("a", 1.0)]}
    found = service.trending(category="mugs", limit=1)
    assert [c["product_id"] for c in found["data"]] == ["b"]
    assert found["meta"] == {"source": "trending", "kind": "trending", "limit": 1}
    assert [c["product_id"] for c in service.trending()["data"]] == ["a"]
    with pytest.raises(CategoryUnknown):
        service.trending(category="nowhere")
    # a slug as long as the catalog allows (120) is looked up, one longer is refused
    with pytest.raises(CategoryUnknown):
        service.trending(category="s" * 120)
    with pytest.raises(ValidationFailed):
        service.trending(category="s" * 121)


# recently viewed


def test_views_come_back_most_recent_first_with_archived_products_dropped(service, repo):
    for product_id in ("a", "b", "c"):
        service.record_view(product_id, cart_id="cart-1")
    repo.archive_cards(["b"])
    viewed = service.recently_viewed(cart_id="cart-1")
    assert [c["product_id"] for c in viewed["data"]] == ["c", "a"]
    assert next(c for c in viewed["data"] if c["product_id"] == "c")["available"] == 0


@pytest.mark.parametrize(
    "viewer", [{}, {"user_id": "u1", "cart_id": "cart-1"}, {"cart_id": ""}, {"user_id": "x\n"}]
)
def test_a_view_needs_exactly_one_valid_viewer(service, viewer):
    with pytest.raises(ValidationFailed):
        service.record_view("a", **viewer)
    with pytest.raises(ValidationFailed):
        service.recently_viewed(**viewer)


def test_a_view_of_an_unknown_product_is_product_unknown(service):
    with pytest.raises(ProductUnknown):
        service.record_view("missing", user_id="u1")
    assert service.recently_viewed(user_id="u1") == {"data": []}


# events


def test_the_same_order_confirmed_twice_votes_once_and_marks_dirty_once(service, repo):
    service.handle_order_confirmed(order("e1", "u1", "a", "b"))
    service.handle_order_confirmed(order("e1", "u1", "a", "b"))
    assert repo.votes("a", "b") == 1
    assert service.views.marks == 1
    assert service.db.session.commits == 2  # the repeat commits its empty claim check


def test_a_malformed_order_event_is_dropped_without_a_unit_of_work(service, repo):
    service.handle_order_confirmed({"event_id": "e9", "lines": [{"product_id": "a"}]})
    assert repo.statements == []
    assert service.db.session.commits == 0


def test_a_new_product_is_copied_from_the_catalog_once_per_event(service, repo):
    service.catalog_rpc.get_products.return_value = [catalog_product("d")]
    service.handle_product_created({"product_id": "d", "status": "active", "name": "D"})
    service.catalog_rpc.get_products.assert_called_once_with(["d"])
    stored = repo.cards(["d"])[0]
    assert (stored.price, stored.brand, stored.image, stored.available) == (
        1500,
        "Acme",
        "/media/d.webp",
        4,
    )
    assert service.views.dirty


def test_a_product_in_a_category_never_announced_brings_its_category_once(service, repo):
    service.catalog_rpc.get_products.return_value = [catalog_product("d", category_id="cups")]
    service.catalog_rpc.get_category.return_value = {
        "id": "cups",
        "slug": "cups",
        "ancestors": [{"id": "root", "name": "Home"}],
    }
    service.handle_product_created({"product_id": "d"})
    service.handle_product_updated({"product_id": "d", "changed": ["rating"]})
    service.catalog_rpc.get_category.assert_called_once_with("cups")
    assert repo.find_category("cups") == Category("cups", "cups", "root", "root/cups")


def test_a_product_the_catalog_no_longer_returns_is_archived(service, repo):
    service.catalog_rpc.get_products.return_value = []
    service.handle_product_updated({"product_id": "a", "changed": ["rating"]})
    assert repo.cards(["a"])[0].status == "archived"


def test_archived_and_stock_events_change_the_card_by_version(service, repo):
    service.handle_stock_changed({"product_id": "b", "available": 0, "version": 3, "on_hand": 0})
    service.handle_stock_changed({"product_id": "b", "available": 9, "version": 2, "on_hand": 9})
    assert repo.cards(["b"])[0].available == 0
    service.handle_product_archived({"product_id": "a", "user_id": None})
    assert repo.cards(["a"])[0].status == "archived"


def test_stock_changed_before_product_created_copies_the_card_and_keeps_the_level(service, repo):
    # the catalog has not applied this stock event yet: its copy still says 0
    service.catalog_rpc.get_products.return_value = [catalog_product("d", available=0)]
    service.handle_stock_changed({"product_id": "d", "available": 6, "version": 2})
    service.handle_product_created({"product_id": "d"})
    assert repo.cards(["d"])[0].available == 6
    service.handle_stock_changed({"product_id": "d", "available": 1, "version": 1})
    assert repo.cards(["d"])[0].available == 6
    assert service.catalog_rpc.get_products.call_count == 2  # one per event that needed it


def test_a_category_is_copied_from_the_catalog_and_forgotten_when_gone(service, repo):
    service.catalog_rpc.get_category.return_value = {
        "id": "new",
        "slug": "new-things",
        "parent_id": "root",
        "ancestors": [{"id": "root", "name": "Home"}],
    }
    service.handle_category_changed({"category_id": "new", "action": "created"})
    assert repo.find_category("new-things") == Category("new", "new-things", "root", "root/new")
    service.catalog_rpc.get_category.side_effect = RemoteError("CategoryNotFound", "gone")
    service.handle_category_changed({"category_id": "new", "action": "updated"})
    assert repo.find_category("new") is None


def test_cart_merged_moves_the_guest_views_to_the_user(service):
    service.record_view("a", cart_id="guest-1")
    service.handle_cart_merged({"guest_cart_id": "guest-1", "cart_id": "c9", "user_id": "u1"})
    assert [c["product_id"] for c in service.recently_viewed(user_id="u1")["data"]] == ["a"]
    assert service.recently_viewed(cart_id="guest-1") == {"data": []}


# timers


def test_publish_changes_records_one_event_per_batch_of_changes(service, repo):
    service.handle_order_confirmed(order("e1", "u1", "a", "b"))
    service.handle_stock_changed({"product_id": "b", "available": 2, "version": 1})
    assert service.publish_changes() is True
    assert service.publish_changes() is False
    assert [event for event, _ in repo.events] == ["recommendations_changed"]


def test_trending_is_recomputed_only_by_the_instance_holding_the_lock(repo):
    views = LockedViewHistory(free=False)
    service = worker_factory(
        RecommendationsService,
        db=FakeDatabase(CountingSession(repo)),
        repo=repo,
        views=views,
        tunables=RecommendationsSettings(trending_interval=2),
    )
    today = iso(utcnow())  # trending looks at the last days before the real clock's today
    service.handle_order_confirmed(order("e1", None, "a", at=today))
    assert service.recompute_trending() is None
    views.free = True
    assert service.recompute_trending() > 0
    assert views.claims == [10, 10]  # lapses after five intervals if the holder dies
    assert repo.trending["all"][0][0] == "a"
