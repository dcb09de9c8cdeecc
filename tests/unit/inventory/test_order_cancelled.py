"""orders' `order_cancelled` releases the order's reservation (the durable compensation of a
checkout whose `release` RPC was lost), through worker_factory with the fakes: once, like the
`release` RPC, in one unit of work."""

import pytest
from nameko.testing.services import worker_factory

from services.inventory.service import InventoryService
from tests.unit.fakes import CountingSession, FakeClock, FakeDatabase
from tests.unit.inventory.fakes import FakeRepository


def cancelled(order_id, **extra):
    """The payload orders sends (services/orders/domain.py `status_events`) with the outbox's
    event id and time."""
    return {
        "order_id": order_id,
        "user_id": "u1",
        "total": 1200,
        "currency": "USD",
        "reason": "checkout_failed",
        "event_id": f"evt-{order_id}",
        "occurred_at": "2026-12-01T10:00:00+00:00",
        **extra,
    }


def make_service():
    repo = FakeRepository(FakeClock())
    return worker_factory(
        InventoryService,
        db=FakeDatabase(CountingSession(repo)),
        repo=repo,
        config={"INVENTORY": {"reservation_ttl": 60}},
    )


@pytest.fixture
def service():
    return make_service()


def stock(service, product_id="mug"):
    level = service.get_stock([product_id])[product_id]
    return level["on_hand"], level["reserved"]


def test_a_cancelled_orders_active_reservation_is_released_in_one_unit_of_work(service):
    service.set_stock("mug", 5, "restock")
    service.reserve("o1", [{"product_id": "mug", "quantity": 2}])
    session = service.db.session
    commits = session.commits

    service.handle_order_cancelled(cancelled("o1"))

    assert session.commits == commits + 1 and session.rollbacks == 0
    assert service.get_reservation("o1")["status"] == "released"
    assert stock(service) == (5, 0)
    assert service.repo.movements[-1] == ("mug", 0, -2, 5, "released", "o1", None)
    assert [e for e, _ in service.repo.commits[commits]] == ["stock_changed"]


def test_a_repeated_event_or_one_after_the_release_rpc_changes_nothing(service):
    service.set_stock("mug", 5, "restock")
    service.reserve("o1", [{"product_id": "mug", "quantity": 2}])
    service.release("o1")  # orders' fast path got through after all
    movements, commits = list(service.repo.movements), len(service.repo.commits)

    service.handle_order_cancelled(cancelled("o1"))
    service.handle_order_cancelled(cancelled("o1"))

    assert stock(service) == (5, 0)
    assert service.repo.movements == movements
    assert all(events == [] for events in service.repo.commits[commits:])


def test_a_committed_reservation_is_restocked_exactly_as_the_release_rpc_restocks_it():
    by_event, by_rpc = make_service(), make_service()
    for service in (by_event, by_rpc):
        service.set_stock("mug", 5, "restock")
        service.reserve("o1", [{"product_id": "mug", "quantity": 2}])
        service.commit("o1")
        assert stock(service) == (3, 0)

    by_event.handle_order_cancelled(cancelled("o1", reason="customer_request"))
    by_event.handle_order_cancelled(cancelled("o1", reason="customer_request"))
    by_rpc.release("o1")

    assert stock(by_event) == stock(by_rpc) == (5, 0)
    assert by_event.repo.movements == by_rpc.repo.movements
    assert by_event.repo.movements[-1] == ("mug", 2, 0, 5, "restocked", "o1", None)
    assert by_event.get_reservation("o1")["status"] == by_rpc.get_reservation("o1")["status"]
    assert by_event.get_reservation("o1")["status"] == "released"


def test_an_order_without_a_reservation_changes_nothing(service):
    """out_of_stock: inventory refused the reserve, so orders' cancellation finds nothing."""
    service.set_stock("mug", 1, "restock")
    movements = list(service.repo.movements)

    service.handle_order_cancelled(cancelled("never-reserved", reason="out_of_stock"))

    assert stock(service) == (1, 0)
    assert service.repo.movements == movements
    assert service.repo.reservations == {}


@pytest.mark.parametrize("payload", [{}, {"order_id": ""}, {"order_id": 7}, None, "o1"])
def test_a_malformed_event_is_dropped_without_touching_the_database(payload):
    class UntouchableDb:
        @property
        def session(self):
            raise AssertionError("a malformed event must not reach the database")

    service = worker_factory(InventoryService, db=UntouchableDb())
    assert service.handle_order_cancelled(payload) is None
