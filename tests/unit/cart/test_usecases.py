"""The cart use cases (`usecases.Carts`) on hand-written fakes of their ports."""

from datetime import UTC, datetime, timedelta

import pytest

from services.cart.exceptions import (
    CartNotFound,
    CouponAlreadyUsed,
    CouponCodeTaken,
    CouponExhausted,
    CouponExpired,
    InsufficientStock,
    LineLimitExceeded,
)
from services.common.errors import ValidationFailed
from tests.unit.cart.fakes import make_carts

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def world():
    carts, store, snapshots, source, coupons = make_carts(line_max=10)
    source.add("mug", 1250, stock=5)
    source.add("pen", 100, stock=50)
    return carts, store, snapshots, source, coupons


def test_adding_a_product_prices_it_and_keeps_its_snapshot_for_the_next_add(world):
    carts, _, snapshots, source, _ = world
    cart_id = carts.create_cart().cart.id
    priced = carts.add_item(cart_id, "mug", 2)
    assert (priced.quote["subtotal"], priced.quote["tax"], priced.quote["total"]) == (
        2500,
        200,
        2500 + 200 + 599,
    )
    assert source.asked == [(["mug"], ["mug"])] and "mug" in snapshots.products
    carts.add_item(cart_id, "mug", 1)
    assert source.asked == [(["mug"], ["mug"])]


def test_an_add_beyond_the_stock_or_the_line_maximum_is_refused_and_changes_nothing(world):
    carts, store, _, _, _ = world
    cart_id = carts.create_cart().cart.id
    carts.add_item(cart_id, "mug", 4)
    with pytest.raises(InsufficientStock) as raised:
        carts.add_item(cart_id, "mug", 2)
    assert raised.value.details["available"] == 5 and raised.value.details["in_cart"] == 4
    with pytest.raises(LineLimitExceeded):
        carts.add_item(cart_id, "pen", 11)
    assert store.read(cart_id).quantity_of("mug") == 4


def test_updating_to_zero_removes_the_line(world):
    carts, _, _, _, _ = world
    cart_id = carts.create_cart().cart.id
    carts.add_item(cart_id, "pen", 2)
    assert carts.update_item(cart_id, "pen", 0).quote["lines"] == []


def test_a_users_cart_is_not_found_by_anybody_else(world):
    carts, _, _, _, _ = world
    cart_id = carts.get_user_cart("u1").cart.id
    with pytest.raises(CartNotFound):
        carts.get_cart(cart_id, "u2")
    assert carts.get_cart(cart_id, "u1").cart.user_id == "u1"


def test_quotes_always_ask_the_catalog(world):
    carts, _, _, source, _ = world
    cart_id = carts.create_cart().cart.id
    carts.add_item(cart_id, "mug", 1)
    carts.quote(cart_id)
    assert source.asked[-1] == (["mug"], [])


def test_a_coupon_applies_and_a_deleted_one_is_reported(world):
    carts, _, _, _, coupons = world
    coupons.add(code="ten", type="percent", value=10)
    cart_id = carts.create_cart().cart.id
    carts.add_item(cart_id, "mug", 2)
    priced = carts.apply_coupon(cart_id, " Ten ")
    assert priced.quote["coupon"] == {"code": "TEN", "type": "percent", "value": 10}
    assert priced.quote["discount"] == 250
    carts.delete_coupon("TEN")
    assert carts.get_cart(cart_id).quote["coupon_error"]["error"] == "CouponNotFound"


def test_an_expired_coupon_is_refused_when_applied(world):
    carts, _, _, _, coupons = world
    coupons.add(code="OLD", type="fixed", value=100, ends_at=NOW - timedelta(days=1))
    cart_id = carts.create_cart().cart.id
    with pytest.raises(CouponExpired) as raised:
        carts.apply_coupon(cart_id, "OLD")
    assert raised.value.details["ends_at"] == "2025-12-31T12:00:00+00:00"


def test_a_merge_sums_the_lines_capped_at_stock_and_announces_it_once(world):
    carts, _, _, _, coupons = world
    guest = carts.create_cart().cart.id
    carts.add_item(guest, "mug", 4)
    user_cart = carts.get_user_cart("u1").cart.id
    carts.add_item(user_cart, "mug", 3, "u1")
    merged = carts.merge_carts(guest, "u1")
    assert merged.cart.id == user_cart and merged.cart.quantity_of("mug") == 5
    assert coupons.events == [
        ("cart_merged", {"guest_cart_id": guest, "cart_id": user_cart, "user_id": "u1"})
    ]
    assert len(coupons.commits) == 1
    carts.merge_carts(guest, "u1")
    assert len(coupons.events) == 1 and len(coupons.commits) == 1


def test_an_ordered_cart_is_emptied_once_per_event(world):
    carts, store, _, _, _ = world
    cart_id = carts.create_cart().cart.id
    carts.add_item(cart_id, "pen", 1)
    carts.empty_ordered_cart(cart_id, "evt-1")
    carts.add_item(cart_id, "pen", 2)
    carts.empty_ordered_cart(cart_id, "evt-1")
    assert store.read(cart_id).quantity_of("pen") == 2


def test_a_redemption_is_counted_once_per_order_and_announced(world):
    carts, _, _, _, coupons = world
    row = coupons.add(code="ONCE", type="fixed", value=100, per_customer_limit=1)
    carts.redeem_coupon("once", "order-1", "u1")
    carts.redeem_coupon("once", "order-1", "u1")
    assert row.times_used == 1
    assert coupons.recorded == [
        ("coupon_redeemed", {"code": "ONCE", "order_id": "order-1", "user_id": "u1"})
    ]
    with pytest.raises(CouponAlreadyUsed) as raised:
        carts.redeem_coupon("once", "order-2", "u1")
    assert str(raised.value.message) == "coupon ONCE already used"
    carts.release_coupon("order-1")
    carts.redeem_coupon("once", "order-2", "u1")
    assert row.times_used == 1


def test_an_exhausted_coupon_is_refused_without_counting_the_customers_uses(world):
    carts, _, _, _, coupons = world
    coupons.add(code="FEW", type="fixed", value=100, usage_limit=1, per_customer_limit=5)
    carts.redeem_coupon("FEW", "order-1", "u1")
    counted = coupons.counted
    with pytest.raises(CouponExhausted):
        carts.redeem_coupon("FEW", "order-2", "u2")
    assert coupons.counted == counted


def test_a_coupon_code_is_unique_on_create_and_on_rename(world):
    carts, _, _, _, _ = world
    carts.create_coupon({"code": "ONE", "type": "fixed", "value": 100})
    carts.create_coupon({"code": "TWO", "type": "fixed", "value": 100})
    with pytest.raises(CouponCodeTaken):
        carts.create_coupon({"code": "one", "type": "fixed", "value": 5})
    with pytest.raises(CouponCodeTaken):
        carts.update_coupon("TWO", {"code": "one"})
    assert carts.update_coupon("TWO", {"code": "three"}).code == "THREE"


def test_an_update_is_judged_on_the_merged_coupon(world):
    carts, _, _, _, coupons = world
    coupons.add(code="PCT", type="percent", value=10)
    with pytest.raises(ValidationFailed) as raised:
        carts.update_coupon("PCT", {"value": 150})
    assert raised.value.details == {"fields": {"value": ["A percent coupon takes at most 100."]}}
    with pytest.raises(ValidationFailed):
        carts.update_coupon("PCT", {"starts_at": NOW, "ends_at": NOW})
    assert carts.update_coupon("PCT", {"type": "fixed", "value": 150}).value == 150
