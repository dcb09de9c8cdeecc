from datetime import UTC, datetime

from services.orders import domain

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
ADDRESS = {"line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"}


def test_an_order_from_a_quote_is_pending_unpaid_and_carries_the_quotes_money_and_coupon():
    quote = {
        "subtotal": 2000,
        "discount": 200,
        "tax": 144,
        "shipping": 599,
        "total": 2543,
        "currency": "EUR",
        "coupon": {"code": "SAVE10"},
    }
    fields = domain.new_order("o1", "u1", "c1", quote, ADDRESS, "card", NOW)
    assert fields["status"] == domain.PENDING
    assert (fields["payment_status"], fields["refunded_amount"]) == ("unpaid", 0)
    assert [fields[k] for k in ("subtotal", "discount", "tax", "shipping", "total")] == [
        2000,
        200,
        144,
        599,
        2543,
    ]
    assert (fields["currency"], fields["coupon_code"]) == ("EUR", "SAVE10")
    assert fields["created_at"] == fields["updated_at"] == NOW


def test_a_quote_without_discount_tax_shipping_currency_or_coupon_gets_the_defaults():
    fields = domain.new_order(
        "o1", "u1", "c1", {"subtotal": 500, "total": 500}, ADDRESS, "cod", NOW
    )
    assert [fields[k] for k in ("discount", "tax", "shipping")] == [0, 0, 0]
    assert (fields["currency"], fields["coupon_code"]) == ("USD", None)
