"""list_payment_events loads its argument at the RPC boundary: a bad order id is a
ValidationFailed (400 at the gateway) before the database is asked anything."""

import pytest
from nameko.testing.services import worker_factory

from services.common.errors import ValidationFailed
from services.payments.service import PaymentsService


class UntouchableDb:
    @property
    def session(self):
        raise AssertionError("the database must not be used for invalid input")


@pytest.mark.parametrize("order_id", [None, "", "o" * 37, 42])
def test_payment_events_refuse_a_missing_or_malformed_order_id(order_id):
    service = worker_factory(PaymentsService, db=UntouchableDb())
    with pytest.raises(ValidationFailed) as raised:
        service.list_payment_events(order_id)
    assert set(raised.value.details["fields"]) == {"order_id"}
