"""An order id longer than any stored one (orders.id is a 36-character UUID) is ORDER_NOT_FOUND
before the idempotency claim, whose String(60) `operation` column holds "set_tracking:<id>": the
fuzzer's 200-character ids made cancel, status and tracking answer 500."""

import pytest
from nameko.testing.services import worker_factory

from services.orders.exceptions import OrderNotFound
from services.orders.service import OrdersService

LONG_ID = "0" * 200


class UntouchableDb:
    @property
    def session(self):
        raise AssertionError("the database must not be used for an id that names no order")


@pytest.fixture
def service():
    return worker_factory(OrdersService, db=UntouchableDb())


def test_cancelling_an_impossible_order_id_is_not_found(service):
    with pytest.raises(OrderNotFound):
        service.cancel_order(LONG_ID, "u1", idempotency_key="k1", request_hash="h")


def test_moving_an_impossible_order_id_is_not_found(service):
    with pytest.raises(OrderNotFound):
        service.update_status(LONG_ID, "processing", "u1", idempotency_key="k1", request_hash="h")


def test_tracking_an_impossible_order_id_is_not_found(service):
    with pytest.raises(OrderNotFound):
        service.set_tracking(LONG_ID, "UPS", "1Z", user_id="u1", idempotency_key="k1")
