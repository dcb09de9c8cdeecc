"""Inventory rules on plain objects: line merging, lock order, the low-stock transition."""

from services.inventory.domain import (
    StockLevel,
    low_stock_transition,
    merge_lines,
    stock_changed,
)


def level(on_hand, reserved=0, threshold=5, alerted=False):
    return StockLevel("p", on_hand, reserved, threshold, alerted, 1)


def test_lines_of_one_product_are_summed_and_ordered_by_product_id():
    lines = [
        {"product_id": "b", "quantity": 1},
        {"product_id": "a", "quantity": 2},
        {"product_id": "b", "quantity": 3},
    ]
    assert merge_lines(lines) == [("a", 2), ("b", 4)]


def test_stock_low_fires_when_available_stock_reaches_the_threshold():
    assert low_stock_transition(level(5)) == (True, True)


def test_stock_low_does_not_fire_again_while_still_below():
    assert low_stock_transition(level(3, alerted=True)) == (True, False)


def test_stock_low_re_arms_once_stock_rises_above_the_threshold():
    assert low_stock_transition(level(9, alerted=True)) == (False, False)


def test_reserved_units_count_against_availability():
    assert level(8, reserved=4).available == 4
    assert low_stock_transition(level(8, reserved=4)) == (True, True)


def test_stock_changed_carries_availability_and_a_version():
    assert stock_changed(level(8, reserved=3)) == {
        "product_id": "p",
        "available": 5,
        "on_hand": 8,
        "reserved": 3,
        "version": 1,
    }
