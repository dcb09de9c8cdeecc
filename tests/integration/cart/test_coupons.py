"""Coupons in Postgres: admin CRUD, applying (each failure code), redemption under concurrency."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from services.cart.exceptions import (
    CouponAlreadyUsed,
    CouponCodeTaken,
    CouponExhausted,
    CouponExpired,
    CouponInactive,
    CouponMinimumNotMet,
    CouponNotFound,
    CouponNotYetValid,
)
from services.common.errors import ValidationFailed
from tests.helpers import engine_for

NOW = datetime.now(UTC)


def iso(delta_days):
    return (NOW + timedelta(days=delta_days)).isoformat()


def new_coupon(cart, code="SAVE10", **changes):
    return cart.create_coupon({"code": code, "type": "percent", "value": 10, **changes})


@pytest.fixture
def filled_cart(cart, shop):
    shop.product("mug", 2500)
    cart_id = cart.create_cart()["id"]
    cart.add_item(cart_id, "mug", 2)  # subtotal 5000
    return cart_id


def test_admin_creates_lists_updates_and_deletes_coupons(cart):
    created = new_coupon(cart, "spring-sale", min_subtotal=2000, usage_limit=100, ends_at=iso(30))
    assert created["code"] == "SPRING-SALE" and created["times_used"] == 0
    assert created["active"] is True and created["min_subtotal"] == 2000
    assert cart.get_coupon("spring-sale")["id"] == created["id"]
    listed = cart.list_coupons(page=1, limit=10)
    assert listed["meta"] == {"page": 1, "limit": 10, "total": 1, "total_pages": 1}
    updated = cart.update_coupon("SPRING-SALE", {"value": 20, "active": False})
    assert (updated["value"], updated["active"]) == (20, False)
    assert cart.list_coupons(active=True)["data"] == []
    cart.delete_coupon("SPRING-SALE")
    with pytest.raises(CouponNotFound):
        cart.get_coupon("SPRING-SALE")


def test_coupon_codes_are_unique(cart):
    new_coupon(cart, "ONCE")
    with pytest.raises(CouponCodeTaken):
        new_coupon(cart, "once")
    new_coupon(cart, "OTHER")
    with pytest.raises(CouponCodeTaken):
        cart.update_coupon("OTHER", {"code": "ONCE"})


@pytest.mark.parametrize(
    "data",
    [
        {"code": "X", "type": "percent", "value": 10},  # code too short
        {"code": "BAD", "type": "percent", "value": 101},
        {"code": "BAD", "type": "bogus", "value": 10},
        {"code": "BAD", "type": "fixed", "value": 0},
        {"code": "BAD", "type": "fixed", "value": 500, "starts_at": iso(2), "ends_at": iso(1)},
        {"code": "BAD", "type": "fixed", "value": 500, "usage_limit": 0},
    ],
)
def test_invalid_coupons_are_refused(cart, data):
    with pytest.raises(ValidationFailed):
        cart.create_coupon(data)


def test_an_update_that_breaks_a_rule_across_fields_is_refused(cart):
    new_coupon(cart, "PCT")
    with pytest.raises(ValidationFailed):
        cart.update_coupon("PCT", {"value": 150})


def test_applying_a_valid_coupon_discounts_the_cart(cart, filled_cart):
    new_coupon(cart, "SAVE10")
    result = cart.apply_coupon(filled_cart, "save10")
    assert result["coupon"] == {"code": "SAVE10", "type": "percent", "value": 10}
    assert (
        result["subtotal"],
        result["discount"],
        result["tax"],
        result["shipping"],
        result["total"],
    ) == (5000, 500, 360, 599, 5459)
    removed = cart.remove_coupon(filled_cart)
    assert (removed["coupon"], removed["discount"]) == (None, 0)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"active": False}, CouponInactive),
        ({"ends_at": iso(-1), "starts_at": iso(-10)}, CouponExpired),
        ({"starts_at": iso(1)}, CouponNotYetValid),
        ({"min_subtotal": 5001}, CouponMinimumNotMet),
    ],
)
def test_applying_a_coupon_that_does_not_apply_says_why(cart, filled_cart, changes, error):
    new_coupon(cart, "NOPE", **changes)
    with pytest.raises(error):
        cart.apply_coupon(filled_cart, "NOPE")
    assert cart.get_cart(filled_cart)["coupon"] is None


def test_applying_an_unknown_coupon_is_not_found(cart, filled_cart):
    with pytest.raises(CouponNotFound):
        cart.apply_coupon(filled_cart, "NOSUCH")


def test_minimum_not_met_names_the_minimum(cart, filled_cart):
    new_coupon(cart, "BIG", min_subtotal=10000)
    with pytest.raises(CouponMinimumNotMet) as raised:
        cart.apply_coupon(filled_cart, "BIG")
    assert str(raised.value.details["minimum"]) == "10000"


def test_an_exhausted_coupon_cannot_be_applied(cart, filled_cart):
    new_coupon(cart, "ONE", usage_limit=1)
    cart.redeem_coupon("ONE", "order-1", "user-1")
    with pytest.raises(CouponExhausted):
        cart.apply_coupon(filled_cart, "ONE")


def test_a_customer_at_their_limit_cannot_apply_it_again(cart, shop):
    shop.product("mug", 2500)
    new_coupon(cart, "WELCOME", per_customer_limit=1)
    cart.redeem_coupon("WELCOME", "order-1", "user-1")
    mine = cart.get_user_cart("user-1")["id"]
    cart.add_item(mine, "mug", 1, "user-1")
    with pytest.raises(CouponAlreadyUsed):
        cart.apply_coupon(mine, "WELCOME", "user-1")
    # a guest may apply it; the limit is checked again at redemption
    guest = cart.create_cart()["id"]
    cart.add_item(guest, "mug", 1)
    assert cart.apply_coupon(guest, "WELCOME")["discount"] == 250
    with pytest.raises(CouponAlreadyUsed):
        cart.redeem_coupon("WELCOME", "order-2", "user-1")


def test_a_coupon_that_stops_applying_gives_no_discount_but_stays_attached(cart, shop, filled_cart):
    new_coupon(cart, "MIN", min_subtotal=4000)
    cart.apply_coupon(filled_cart, "MIN")
    below = cart.update_item(filled_cart, "mug", 1)
    assert below["discount"] == 0 and below["coupon"] is None
    assert below["coupon_error"]["error"] == "CouponMinimumNotMet"
    assert cart.update_item(filled_cart, "mug", 2)["discount"] == 500


def test_redeeming_is_idempotent_per_order(cart, config):
    new_coupon(cart, "TWICE", usage_limit=5)
    cart.redeem_coupon("TWICE", "order-1", "user-1")
    cart.redeem_coupon("TWICE", "order-1", "user-1")
    assert cart.get_coupon("TWICE")["times_used"] == 1
    with engine_for(config, "cart").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM coupon_redemptions")).scalar() == 1


def test_the_first_redemption_of_an_order_announces_coupon_redeemed_once(cart, cart_config):
    from tests.helpers import wait_for
    from tests.integration.cart.test_carts import listen

    new_coupon(cart, "SAY")
    received = []
    listener = listen(cart_config, "coupon_redeemed", received)
    try:
        cart.redeem_coupon("SAY", "order-1", "user-1")
        cart.redeem_coupon("SAY", "order-1", "user-1")
        wait_for(lambda: received, timeout=5)
        cart.redeem_coupon("SAY", "order-2", "user-1")
        wait_for(lambda: len(received) == 2, timeout=5)
    finally:
        listener.kill()
    assert [(e["code"], e["order_id"], e["user_id"]) for e in received] == [
        ("SAY", "order-1", "user-1"),
        ("SAY", "order-2", "user-1"),
    ]


def test_thirty_concurrent_redemptions_of_a_five_use_coupon_give_exactly_five(cart):
    new_coupon(cart, "FIVE", usage_limit=5)
    calls = [cart.redeem_coupon.call_async("FIVE", f"order-{i}", f"user-{i}") for i in range(30)]
    outcomes = []
    for call in calls:
        try:
            call.result()
            outcomes.append("redeemed")
        except CouponExhausted:
            outcomes.append("exhausted")
    assert outcomes.count("redeemed") == 5 and outcomes.count("exhausted") == 25
    assert cart.get_coupon("FIVE")["times_used"] == 5


def test_concurrent_redemptions_by_one_customer_respect_the_per_customer_limit(cart):
    new_coupon(cart, "MINE", per_customer_limit=2)
    calls = [cart.redeem_coupon.call_async("MINE", f"order-{i}", "user-1") for i in range(10)]
    redeemed = 0
    for call in calls:
        try:
            call.result()
            redeemed += 1
        except CouponAlreadyUsed:
            pass
    assert redeemed == 2


def test_releasing_gives_the_use_back_and_is_idempotent(cart):
    new_coupon(cart, "BACK", usage_limit=1)
    cart.redeem_coupon("BACK", "order-1", "user-1")
    cart.release_coupon("order-1")
    cart.release_coupon("order-1")
    cart.release_coupon("never-redeemed")
    assert cart.get_coupon("BACK")["times_used"] == 0
    cart.redeem_coupon("BACK", "order-2", "user-2")
    assert cart.get_coupon("BACK")["times_used"] == 1


def test_a_redeemed_coupon_is_kept_as_deleted_and_its_code_can_be_reused(cart):
    new_coupon(cart, "OLD")
    cart.redeem_coupon("OLD", "order-1", "user-1")
    cart.delete_coupon("OLD")
    with pytest.raises(CouponNotFound):
        cart.get_coupon("OLD")
    assert new_coupon(cart, "OLD")["times_used"] == 0


def test_merge_keeps_a_still_valid_guest_coupon(cart, shop):
    shop.product("mug", 2500)
    new_coupon(cart, "KEEP")
    guest = cart.create_cart()["id"]
    cart.add_item(guest, "mug", 2)
    cart.apply_coupon(guest, "KEEP")
    merged = cart.merge_carts(guest, "user-1")
    assert merged["coupon"]["code"] == "KEEP" and merged["discount"] == 500


def test_merge_drops_a_guest_coupon_the_user_has_used_up(cart, shop):
    shop.product("mug", 2500)
    new_coupon(cart, "ONCE", per_customer_limit=1)
    cart.redeem_coupon("ONCE", "order-1", "user-1")
    guest = cart.create_cart()["id"]
    cart.add_item(guest, "mug", 2)
    cart.apply_coupon(guest, "ONCE")
    assert cart.merge_carts(guest, "user-1")["coupon"] is None
