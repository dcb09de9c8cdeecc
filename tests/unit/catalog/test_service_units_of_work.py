"""The catalog service's entrypoints through worker_factory with the fakes: each runs its use case
in a unit of work, committed when it succeeds and rolled back when it raises, and dumps the
result in the RPC shape."""

import pytest
from nameko.testing.services import worker_factory

from services.catalog.exceptions import CategoryNotEmpty, ProductNotFound
from services.catalog.service import CatalogService
from tests.unit.catalog.fakes import FakeRepository, FakeSearch
from tests.unit.fakes import CountingSession, FakeDatabase


@pytest.fixture
def service():
    repo = FakeRepository()
    repo.add_category_row("c-k", "kitchen", "Kitchen")
    return worker_factory(
        CatalogService, db=FakeDatabase(CountingSession(repo)), repo=repo, search=FakeSearch(repo)
    )


def test_a_created_product_is_committed_once_and_returned_in_the_rpc_shape(service):
    product = service.create_product({"name": "Kettle", "category_id": "c-k", "price": 4999})
    assert product["slug"] == "kettle" and product["category"]["slug"] == "kitchen"
    assert product["in_stock"] is False and product["images"] == []
    assert (service.db.session.commits, service.db.session.rollbacks) == (1, 0)
    assert [name for name, _ in service.repo.events] == ["product_created"]


def test_a_refused_change_is_rolled_back(service):
    with pytest.raises(ProductNotFound):
        service.update_product("nope", {"price": 1})
    service.create_product({"name": "Kettle", "category_id": "c-k", "price": 4999})
    with pytest.raises(CategoryNotEmpty):
        service.delete_category("c-k")
    assert (service.db.session.commits, service.db.session.rollbacks) == (1, 2)


def test_a_listing_is_dumped_with_its_meta_and_a_seller_sees_their_own(service):
    service.create_product({"name": "Kettle", "category_id": "c-k", "price": 4999})
    service.create_product(
        {"name": "Mug", "category_id": "c-k", "price": 999},
        {"user_id": "s-1", "role": "seller"},
    )
    page = service.list_products({}, {"user_id": "s-1", "role": "seller"})
    assert [p["name"] for p in page["data"]] == ["Mug"]
    assert page["meta"]["query"] == {"text": None, "interpreted": None, "sort": "newest"}


def test_a_category_is_read_back_after_its_change_is_committed(service):
    created = service.create_category({"name": "Mugs", "parent_id": "c-k"})
    assert created["ancestors"] == [{"id": "c-k", "name": "Kitchen"}]
    assert service.db.session.commits == 2  # the change, then the read of what it returns


def test_a_stock_event_for_a_product_is_committed_and_announced_once(service):
    product = service.create_product({"name": "Kettle", "category_id": "c-k", "price": 4999})
    event = {"product_id": product["id"], "available": 3, "version": 1}
    service.handle_stock_changed(event)
    service.handle_stock_changed(event)
    assert [name for name, _ in service.repo.events].count("availability_changed") == 1
    assert service.get_product(product["id"])["available"] == 3


def test_a_change_that_changes_nothing_is_rolled_back_words_and_all(service):
    service.repo.add_product_row("p-1", "c-k", name="Steel Kettle", slug="steel-kettle", price=10)
    assert service.update_product("p-1", {"price": 10})["price"] == 10
    assert service.archive_product("p-1")["status"] == "archived"
    assert service.archive_product("p-1")["status"] == "archived"
    assert service.repo.rollbacks == 2  # the no-op update and the second archive
    assert service.repo.search_terms == set()  # the update's words were not kept
    assert [name for name, _ in service.repo.events] == ["product_archived"]
