"""stats loads its arguments at the RPC boundary: a window outside 1-366 days (or a top list
outside 1-100) is a ValidationFailed (400 at the gateway), not silently clamped, and the
database is not asked anything."""

import pytest
from nameko.testing.services import worker_factory

from services.common.errors import ValidationFailed
from services.orders.service import OrdersService


class UntouchableDb:
    @property
    def session(self):
        raise AssertionError("the database must not be used for invalid input")


@pytest.mark.parametrize(
    ("days", "top", "field"),
    [(0, 10, "days"), (367, 10, "days"), ("30", 10, "days"), (30, 0, "top"), (30, 101, "top")],
)
def test_stats_refuse_a_window_or_top_list_out_of_range(days, top, field):
    service = worker_factory(OrdersService, db=UntouchableDb())
    with pytest.raises(ValidationFailed) as raised:
        service.stats(days, top)
    assert set(raised.value.details["fields"]) == {field}
