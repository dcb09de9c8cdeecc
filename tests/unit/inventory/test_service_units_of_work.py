"""The service's entrypoints through worker_factory with the fakes: a write commits one unit of
work, a refused one rolls it back, a read commits its read transaction (one unit of work, as a
write: docs/architecture.md, round 2 of issue 14)."""

import pytest
from nameko.testing.services import worker_factory

from services.inventory.exceptions import OutOfStock
from services.inventory.service import InventoryService
from tests.unit.fakes import FakeClock, FakeDatabase
from tests.unit.inventory.fakes import FakeCatalog, FakeRepository


@pytest.fixture
def service():
    return worker_factory(
        InventoryService,
        db=FakeDatabase(),
        repo=FakeRepository(FakeClock()),
        config={"INVENTORY": {"reservation_ttl": 60}},
    )


def test_a_reservation_commits_once_and_one_beyond_the_stock_rolls_back(service):
    service.set_stock("mug", 2, "restock")
    session = service.db.session
    assert (session.commits, session.rollbacks) == (1, 0)
    reservation = service.reserve("o1", [{"product_id": "mug", "quantity": 2}])
    assert reservation["lines"] == [{"product_id": "mug", "quantity": 2}]
    with pytest.raises(OutOfStock):
        service.reserve("o2", [{"product_id": "mug", "quantity": 1}])
    assert (session.commits, session.rollbacks) == (2, 1)
    assert service.get_stock(["mug"])["mug"]["available"] == 0
    assert service.get_reservation("o1")["status"] == "active"
    assert (session.commits, session.rollbacks) == (4, 1)  # the two reads committed theirs


def test_a_sellers_own_product_is_changed_after_one_question_to_the_catalog(service):
    service.catalog_rpc.get_owners.side_effect = FakeCatalog({"mine": "seller-a"}).owners
    level = service.adjust_stock("mine", 3, "delivery", {"user_id": "seller-a", "role": "seller"})
    assert level == {
        "product_id": "mine",
        "on_hand": 3,
        "reserved": 0,
        "available": 3,
        "low_stock_threshold": 5,
    }
    assert service.catalog_rpc.get_owners.call_count == 1
