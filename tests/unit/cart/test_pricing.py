"""Pricing and rounding of a cart (services.cart.domain.price_cart), as tables."""

from datetime import UTC, datetime, timedelta

import pytest

from services.cart.domain import CartLine, Coupon, PricingSettings, coupon_discount, price_cart

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
PRICING = PricingSettings(tax_basis_points=800, free_shipping_threshold=10000, flat_shipping=599)


def product(pid, price, status="active", currency="USD"):
    return {
        "id": pid,
        "name": f"Product {pid}",
        "price": price,
        "image": f"/img/{pid}.jpg",
        "status": status,
        "currency": currency,
    }


def lines_of(*quantities_and_prices):
    return [
        CartLine(f"p{i}", quantity, price, position=i)
        for i, (quantity, price) in enumerate(quantities_and_prices)
    ]


def catalog_of(lines):
    return {line.product_id: product(line.product_id, line.price_at_add) for line in lines}


@pytest.mark.parametrize(
    ("items", "subtotal", "tax", "shipping", "total"),
    [
        # one line under the free-shipping threshold: flat fee
        ([(1, 1999)], 1999, 160, 599, 2758),  # 159.92 -> 160
        # tax rounds half up on the whole order: 1006 * 8% = 80.48 -> 80
        ([(2, 503)], 1006, 80, 599, 1685),
        ([(1, 625), (1, 1)], 626, 50, 599, 1275),  # 50.08 -> 50
        ([(1, 1)], 1, 0, 599, 600),  # 0.08 -> 0
        ([(1, 7)], 7, 1, 599, 607),  # 0.56 -> 1
        # exactly at the threshold: free shipping
        ([(1, 10000)], 10000, 800, 0, 10800),
        # one cent under the threshold: flat fee
        ([(1, 9999)], 9999, 800, 599, 11398),  # 799.92 -> 800
        # several lines over the threshold
        ([(3, 2500), (2, 1250)], 10000, 800, 0, 10800),
        # an empty cart costs nothing, not even shipping
        ([], 0, 0, 0, 0),
    ],
)
def test_cart_is_priced_with_tax_rounded_half_up_and_shipping_by_threshold(
    items, subtotal, tax, shipping, total
):
    lines = lines_of(*items)
    quote = price_cart(lines, catalog_of(lines), PRICING, now=NOW)
    assert (
        quote["subtotal"],
        quote["discount"],
        quote["tax"],
        quote["shipping"],
        quote["total"],
    ) == (subtotal, 0, tax, shipping, total)
    assert quote["currency"] == "USD"


@pytest.mark.parametrize(
    ("coupon_type", "value", "subtotal", "discount"),
    [
        ("percent", 10, 1999, 200),  # 199.9 -> 200
        ("percent", 15, 1010, 152),  # 151.5 -> 152 (half up)
        ("percent", 15, 1030, 155),  # 154.5 -> 155
        ("percent", 33, 100, 33),
        ("percent", 100, 4321, 4321),
        ("fixed", 500, 1999, 500),
        ("fixed", 5000, 1999, 1999),  # never more than the subtotal
    ],
)
def test_coupon_discount_rounds_half_up_and_never_exceeds_subtotal(
    coupon_type, value, subtotal, discount
):
    coupon = Coupon(code="C", type=coupon_type, value=value)
    assert coupon_discount(coupon, subtotal) == discount


def test_tax_and_free_shipping_are_computed_on_the_discounted_subtotal():
    lines = lines_of((1, 10500))
    coupon = Coupon(code="TEN", type="percent", value=10)
    quote = price_cart(lines, catalog_of(lines), PRICING, coupon, NOW)
    assert quote["discount"] == 1050
    assert quote["tax"] == 756  # 9450 * 8% = 756
    assert quote["shipping"] == 599  # 94.50 after discount is under 100
    assert quote["total"] == 10500 - 1050 + 756 + 599
    assert quote["coupon"] == {"code": "TEN", "type": "percent", "value": 10}


@pytest.mark.parametrize(
    ("price", "remaining"),
    [(2500, 7500), (9999, 1), (10000, 0), (25000, 0)],
)
def test_the_quote_says_how_much_more_buys_free_shipping(price, remaining):
    lines = lines_of((1, price))
    quote = price_cart(lines, catalog_of(lines), PRICING, now=NOW)
    assert quote["free_shipping_threshold"] == 10000
    assert quote["free_shipping_remaining"] == remaining
    assert (quote["shipping"] == 0) == (remaining == 0)


def test_an_empty_cart_lacks_nothing_for_free_shipping():
    quote = price_cart([], {}, PRICING, now=NOW)
    assert (quote["shipping"], quote["free_shipping_remaining"]) == (0, 0)


def test_settings_change_tax_threshold_and_fee():
    pricing = PricingSettings(
        tax_basis_points=2000, free_shipping_threshold=500, flat_shipping=1000
    )
    lines = lines_of((1, 499))
    quote = price_cart(lines, catalog_of(lines), pricing, now=NOW)
    assert (quote["tax"], quote["shipping"]) == (100, 1000)  # 99.8 -> 100


def test_lines_are_repriced_from_the_catalog_and_changed_prices_are_flagged():
    lines = [CartLine("a", 2, 1000, 1), CartLine("b", 1, 500, 2)]
    products = {"a": product("a", 1200), "b": product("b", 500)}
    quote = price_cart(lines, products, PRICING, now=NOW)
    first, second = quote["lines"]
    assert (
        first["price"],
        first["line_total"],
        first["price_changed"],
        first["previous_price"],
    ) == (1200, 2400, True, 1000)
    assert (second["price_changed"], second["previous_price"]) == (False, None)
    assert quote["subtotal"] == 2900


def test_lines_of_products_no_longer_on_sale_are_listed_but_not_charged():
    lines = [
        CartLine("gone", 1, 1000, 1),
        CartLine("archived", 1, 700, 2),
        CartLine("ok", 1, 300, 3),
    ]
    products = {"archived": product("archived", 700, status="archived"), "ok": product("ok", 300)}
    quote = price_cart(lines, products, PRICING, now=NOW)
    assert [line["available"] for line in quote["lines"]] == [False, False, True]
    assert [line["line_total"] for line in quote["lines"]] == [0, 0, 300]
    assert quote["subtotal"] == 300


def test_lines_keep_the_order_in_which_they_were_added():
    lines = [CartLine("late", 1, 100, 5), CartLine("early", 1, 100, 1)]
    products = {"late": product("late", 100), "early": product("early", 100)}
    quote = price_cart(lines, products, PRICING, now=NOW)
    assert [line["product_id"] for line in quote["lines"]] == ["early", "late"]


def test_a_coupon_that_no_longer_applies_gives_no_discount_and_says_why():
    lines = lines_of((1, 1000))
    expired = Coupon(code="OLD", type="percent", value=10, ends_at=NOW - timedelta(days=1))
    quote = price_cart(lines, catalog_of(lines), PRICING, expired, NOW)
    assert quote["discount"] == 0
    assert quote["coupon"] is None
    assert quote["coupon_error"]["error"] == "CouponExpired"


def test_a_coupon_below_its_minimum_gives_no_discount_until_the_cart_reaches_it():
    coupon = Coupon(code="BIG", type="fixed", value=1000, min_subtotal=5000)
    small = lines_of((1, 4999))
    assert price_cart(small, catalog_of(small), PRICING, coupon, NOW)["discount"] == 0
    enough = lines_of((1, 5000))
    assert price_cart(enough, catalog_of(enough), PRICING, coupon, NOW)["discount"] == 1000


def test_a_quote_line_names_its_products_seller_for_the_order_to_record():
    lines = lines_of((1, 500), (1, 700))
    products = catalog_of(lines)
    products[lines[0].product_id]["seller_id"] = "seller-a"
    quote = price_cart(lines, products, PRICING, now=NOW)
    assert [line["seller_id"] for line in quote["lines"]] == ["seller-a", None]


def test_tax_and_percent_discounts_round_as_money_percent_of_does():
    """percent_of (basis points) gives what the cart's own half-up rounding gave: tax at any
    basis points, and a percent coupon's `value`% as value x 100 basis points."""
    from decimal import ROUND_HALF_UP, Decimal

    from services.common.money import percent_of

    def half_up(value):
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    for amount in [*range(0, 2000), 99_999_999, 10**12 + 5]:
        for points in (1, 5, 250, 800, 825, 1000, 1999):
            assert percent_of(amount, points) == half_up(Decimal(amount) * points / 10000)
        for percent in (1, 5, 10, 15, 33, 50, 99, 100):
            assert percent_of(amount, percent * 100) == half_up(Decimal(amount) * percent / 100)
