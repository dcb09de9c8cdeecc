"""Stock on hand stays within its bound (MAX_STOCK, well inside the INTEGER column): repeated
adjustments are refused with a 400 naming delta before they would overflow, and nothing changes."""

import pytest

from services.common.errors import ValidationFailed
from services.common.fields import MAX_QUANTITY, MAX_STOCK


def test_an_adjustment_beyond_the_stock_bound_is_refused_and_changes_nothing(inventory):
    inventory.set_stock("mug", MAX_STOCK - MAX_QUANTITY, "count")
    assert inventory.adjust_stock("mug", MAX_QUANTITY, "delivery")["on_hand"] == MAX_STOCK
    with pytest.raises(ValidationFailed) as refused:
        inventory.adjust_stock("mug", 1, "one more")
    assert set(refused.value.details["fields"]) == {"delta"}
    assert inventory.get_stock(["mug"])["mug"]["on_hand"] == MAX_STOCK


def test_stock_far_below_the_bound_still_moves_both_ways(inventory):
    inventory.set_stock("mug", MAX_STOCK, "count")
    assert inventory.adjust_stock("mug", -MAX_QUANTITY, "damaged")["on_hand"] == (
        MAX_STOCK - MAX_QUANTITY
    )
