"""A seller changes the stock of their own products only: inventory asks the catalog (one RPC)
before its first SQL statement; admins are not asked about."""

import pytest
from nameko.testing.services import worker_factory

from services.inventory.exceptions import ProductNotFound
from services.inventory.repository import SqlInventoryRepository
from services.inventory.service import InventoryService

SELLER_A = {"user_id": "seller-a", "role": "seller"}
ADMIN = {"user_id": "admin-1", "role": "admin"}


class ReachedTheDatabase(Exception):
    pass


class RecordingSession:
    """Stands in for the worker's session only to tell whether a call got as far as a statement.
    Ending a transaction that never began sends nothing (as a SQLAlchemy session with no
    connection yet), so the unit of work may commit or roll it back."""

    def execute(self, *args, **kwargs):
        raise ReachedTheDatabase

    get = scalar = scalars = add = flush = execute

    def commit(self):
        pass

    def rollback(self):
        pass


class RecordingDb:
    def __init__(self):
        self.session = RecordingSession()


@pytest.fixture
def inventory():
    db = RecordingDb()
    worker = worker_factory(
        InventoryService, db=db, repo=SqlInventoryRepository(db.session, outbox=None)
    )
    worker.catalog_rpc.get_owners.return_value = {"theirs": "seller-b", "mine": "seller-a"}
    return worker


def test_another_sellers_stock_is_not_found_and_left_untouched(inventory):
    with pytest.raises(ProductNotFound):
        inventory.set_stock("theirs", 5, "recount", SELLER_A)
    with pytest.raises(ProductNotFound):
        inventory.adjust_stock("theirs", 5, "delivery", SELLER_A)
    assert inventory.catalog_rpc.get_owners.call_count == 2


def test_a_product_the_catalog_does_not_know_is_not_found_for_a_seller(inventory):
    with pytest.raises(ProductNotFound):
        inventory.adjust_stock("ghost", 5, "delivery", SELLER_A)


def test_a_sellers_own_product_goes_on_to_the_database(inventory):
    with pytest.raises(ReachedTheDatabase):
        inventory.adjust_stock("mine", 5, "delivery", SELLER_A)


def test_an_admin_changes_any_stock_without_an_rpc_to_the_catalog(inventory):
    with pytest.raises(ReachedTheDatabase):
        inventory.set_stock("theirs", 5, "recount", ADMIN)
    assert inventory.catalog_rpc.get_owners.call_count == 0
