"""Coupon rules (each failure code) and what may go in a cart."""

from datetime import UTC, datetime, timedelta

import pytest

from services.cart import exceptions
from services.cart.domain import (
    CartSettings,
    Coupon,
    PricingSettings,
    check_coupon,
    check_quantity,
    ensure_sellable,
    line_limit,
    merge_caps,
    normalize_code,
    storefront_options,
)
from services.common.errors import ValidationFailed

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def coupon(**changes):
    return Coupon(**{"code": "SAVE", "type": "percent", "value": 10, **changes})


@pytest.mark.parametrize(
    ("changes", "subtotal", "uses", "error"),
    [
        ({"active": False}, 5000, 0, exceptions.CouponInactive),
        ({"starts_at": NOW + DAY}, 5000, 0, exceptions.CouponNotYetValid),
        ({"ends_at": NOW - DAY}, 5000, 0, exceptions.CouponExpired),
        ({"ends_at": NOW}, 5000, 0, exceptions.CouponExpired),  # the end is exclusive
        ({"usage_limit": 5, "times_used": 5}, 5000, 0, exceptions.CouponExhausted),
        ({"per_customer_limit": 1}, 5000, 1, exceptions.CouponAlreadyUsed),
        ({"min_subtotal": 5001}, 5000, 0, exceptions.CouponMinimumNotMet),
    ],
)
def test_each_reason_a_coupon_cannot_apply_raises_its_own_error(changes, subtotal, uses, error):
    with pytest.raises(error) as raised:
        check_coupon(coupon(**changes), subtotal, NOW, uses)
    assert raised.value.details["code"] == "SAVE"


def test_minimum_not_met_names_the_minimum():
    with pytest.raises(exceptions.CouponMinimumNotMet) as raised:
        check_coupon(coupon(min_subtotal=2500), 2000, NOW)
    assert raised.value.details["minimum"] == 2500
    assert raised.value.details["subtotal"] == 2000


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"starts_at": NOW, "ends_at": NOW + DAY},  # the start is inclusive
        {"usage_limit": 5, "times_used": 4},
        {"per_customer_limit": 2},
        {"min_subtotal": 5000},  # exactly the minimum
    ],
)
def test_a_coupon_within_all_its_rules_applies(changes):
    check_coupon(coupon(**changes), 5000, NOW, customer_uses=1)


def test_coupon_codes_are_case_insensitive():
    assert normalize_code("  save10 ") == "SAVE10"


def test_only_active_products_in_the_cart_currency_are_sellable():
    ensure_sellable({"id": "p", "status": "active", "currency": "USD"}, "p", "USD")
    with pytest.raises(exceptions.ProductUnavailable):
        ensure_sellable(None, "p", "USD")
    with pytest.raises(exceptions.ProductUnavailable):
        ensure_sellable({"id": "p", "status": "draft"}, "p", "USD")
    with pytest.raises(exceptions.CurrencyMismatch):
        ensure_sellable({"id": "p", "status": "active", "currency": "EUR"}, "p", "USD")


PRODUCT = {"id": "p1", "name": "Teapot"}


def test_quantity_must_be_positive():
    with pytest.raises(ValidationFailed):
        check_quantity(PRODUCT, 0, 10, 99)


def test_quantity_over_the_line_maximum_is_refused():
    with pytest.raises(exceptions.LineLimitExceeded) as raised:
        check_quantity(PRODUCT, 100, 1000, 99)
    assert raised.value.details["max"] == 99


def test_quantity_over_stock_names_the_product_and_what_is_available():
    with pytest.raises(exceptions.InsufficientStock) as raised:
        check_quantity(PRODUCT, 4, 3, 99, in_cart=1)
    assert raised.value.details == {
        "product_id": "p1",
        "name": "Teapot",
        "requested": 4,
        "available": 3,
        "in_cart": 1,
    }
    assert "Teapot" in raised.value.message


def test_a_line_may_hold_the_smaller_of_stock_and_line_maximum():
    assert line_limit(5, 99) == 5
    assert line_limit(500, 99) == 99
    assert line_limit(-2, 99) == 0


def test_merge_caps_are_zero_for_products_no_longer_sellable():
    products = {"a": {"id": "a", "status": "active"}, "b": {"id": "b", "status": "archived"}}
    stock = {"a": {"available": 3}, "b": {"available": 10}}
    assert merge_caps(["a", "b", "c"], products, stock, 99, "USD") == {"a": 3, "b": 0, "c": 0}


def test_the_storefront_states_the_configured_shipping_and_quantity_terms():
    pricing = PricingSettings.from_config(
        {"currency": "EUR", "free_shipping_threshold": 5000, "flat_shipping": 450}
    )
    settings = CartSettings.from_config({"line_max": 12, "few_left": 3})
    assert storefront_options(pricing, settings) == {
        "currency": "EUR",
        "free_shipping_threshold": 5000,
        "flat_shipping": 450,
        "max_per_line": 12,
        "few_left": 3,
    }


def test_few_left_defaults_to_five_when_not_configured():
    assert CartSettings.from_config({"line_max": 10}).few_left == 5
