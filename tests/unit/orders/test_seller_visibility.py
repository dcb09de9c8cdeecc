"""Who sees an order: its customer, admins, and the sellers whose products it holds."""

from services.common.actor import SYSTEM, Actor
from services.orders import domain

SELLER_A = Actor("seller-a", "seller")
ADMIN = Actor("admin-1", "admin")


def test_a_seller_sees_an_order_holding_one_of_their_lines():
    assert domain.order_visible("buyer", ["seller-b", "seller-a"], "seller-a", True, SELLER_A)


def test_a_seller_does_not_see_an_order_of_other_sellers_or_of_the_shop():
    assert not domain.order_visible("buyer", ["seller-b", None], "seller-a", True, SELLER_A)


def test_a_seller_sees_what_they_bought_as_a_customer():
    assert domain.order_visible("seller-a", ["seller-b"], "seller-a", True, SELLER_A)


def test_admins_and_the_platform_see_every_order_and_customers_only_theirs():
    assert domain.order_visible("buyer", ["seller-b"], None, True, ADMIN)
    assert domain.order_visible("buyer", [], None, True, SYSTEM)
    assert not domain.order_visible("buyer", ["seller-b"], "someone", False, SYSTEM)


def test_each_snapshot_line_carries_its_products_seller():
    quote = [
        {"product_id": "mug", "price": 500, "quantity": 1, "seller_id": "seller-a"},
        {"product_id": "tea", "price": 300, "quantity": 2, "seller_id": None},
    ]
    products = {"mug": {"name": "Mug"}, "tea": {"name": "Tea"}}
    lines = domain.snapshot_lines(quote, products)  # the quote carries the catalog's seller
    assert [line["seller_id"] for line in lines] == ["seller-a", None]
