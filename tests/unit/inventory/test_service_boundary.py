"""The inventory service validates RPC arguments before touching its database."""

import pytest
from nameko.testing.services import worker_factory

from services.common.errors import ValidationFailed
from services.inventory.service import InventoryService


class UntouchableDb:
    @property
    def session(self):
        raise AssertionError("the database must not be used for invalid input")


@pytest.fixture
def inventory():
    return worker_factory(InventoryService, db=UntouchableDb())


def test_a_zero_quantity_line_is_refused_naming_the_field(inventory):
    with pytest.raises(ValidationFailed) as raised:
        inventory.reserve("order-1", [{"product_id": "p", "quantity": 0}], 60)
    assert "lines" in raised.value.details["fields"]


def test_a_reservation_needs_lines(inventory):
    with pytest.raises(ValidationFailed):
        inventory.reserve("order-1", [], 60)


def test_an_adjustment_needs_a_reason_and_a_non_zero_delta(inventory):
    with pytest.raises(ValidationFailed) as raised:
        inventory.adjust_stock("p", 0, "")
    assert {"delta", "reason"} <= set(raised.value.details["fields"])


def test_stock_cannot_be_set_below_zero(inventory):
    with pytest.raises(ValidationFailed) as raised:
        inventory.set_stock("p", -1, "recount")
    assert "quantity" in raised.value.details["fields"]
