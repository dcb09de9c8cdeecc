import pytest

from services.orders import domain
from services.orders.exceptions import IllegalTransition, NotCancellable, ProductUnavailable


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("pending", "awaiting_payment"),
        ("pending", "confirmed"),
        ("awaiting_payment", "confirmed"),
        ("awaiting_payment", "cancelled"),
        ("confirmed", "processing"),
        ("processing", "shipped"),
        ("shipped", "delivered"),
        ("delivered", "refunded"),
        ("cancelled", "refunded"),
    ],
)
def test_the_lifecycle_moves_are_legal(current, target):
    domain.check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("pending", "shipped"),
        ("awaiting_payment", "processing"),
        ("confirmed", "delivered"),
        ("shipped", "cancelled"),
        ("delivered", "shipped"),
        ("cancelled", "confirmed"),
        ("refunded", "cancelled"),
    ],
)
def test_skipping_or_going_back_is_an_illegal_transition(current, target):
    with pytest.raises(IllegalTransition) as raised:
        domain.check_transition(current, target)
    assert raised.value.details["from"] == current
    assert raised.value.details["to"] == target


def test_staff_cannot_confirm_or_refund_by_hand():
    with pytest.raises(IllegalTransition):
        domain.check_staff_target("awaiting_payment", "confirmed")
    with pytest.raises(IllegalTransition):
        domain.check_staff_target("delivered", "refunded")
    domain.check_staff_target("confirmed", "processing")


def test_customer_may_cancel_until_shipping():
    for status in ("pending", "awaiting_payment", "confirmed", "processing"):
        domain.check_customer_cancel(status)
    for status in ("shipped", "delivered", "refunded"):
        with pytest.raises(NotCancellable):
            domain.check_customer_cancel(status)


def test_the_storefront_offers_cancel_exactly_when_the_customer_may_cancel():
    assert [s for s in domain.STATUSES if domain.customer_may_cancel(s)] == [
        "pending",
        "awaiting_payment",
        "confirmed",
        "processing",
    ]


def test_snapshot_takes_name_and_image_and_computes_line_totals():
    quote = [{"product_id": "p1", "price": 1999, "quantity": 2, "name": "old", "image": None}]
    products = {"p1": {"name": "Lamp", "image": "/img/lamp.jpg", "status": "active"}}
    [line] = domain.snapshot_lines(quote, products)
    assert line == {
        "position": 0,
        "product_id": "p1",
        "name": "Lamp",
        "price": 1999,
        "quantity": 2,
        "image": "/img/lamp.jpg",
        "line_total": 3998,
        "seller_id": None,
    }


def test_snapshot_of_an_archived_product_is_refused():
    quote = [{"product_id": "p1", "price": 100, "quantity": 1}]
    with pytest.raises(ProductUnavailable) as raised:
        domain.snapshot_lines(quote, {"p1": {"name": "x", "status": "archived"}})
    assert raised.value.details == {"product_id": "p1"}


def test_stock_request_sums_lines_of_the_same_product():
    lines = [
        {"product_id": "a", "quantity": 1},
        {"product_id": "b", "quantity": 2},
        {"product_id": "a", "quantity": 3},
    ]
    assert domain.stock_request(lines) == [
        {"product_id": "a", "quantity": 4},
        {"product_id": "b", "quantity": 2},
    ]
