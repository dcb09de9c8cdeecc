"""Sellers see the orders that hold their products, and change only those; admins see all."""

import pytest

from services.orders.exceptions import OrderNotFound
from tests.integration.orders.conftest import ADDRESS

SELLER_A = {"user_id": "seller-a", "role": "seller"}
SELLER_B = {"user_id": "seller-b", "role": "seller"}
ADMIN = {"user_id": "admin-1", "role": "admin"}


@pytest.fixture
def placed(orders, shop):
    """Three cash-on-delivery (confirmed) orders: A's product, B's product, and both."""
    shop.stock("mug-a", 10, "seller-a")
    shop.stock("tea-b", 10, "seller-b")
    shop.stock("house-brand", 10, None)

    def place(*products):
        cart_id = shop.cart([(pid, 500, 1) for pid in products])
        return orders.place_order(
            "buyer-1", cart_id, shipping_address=ADDRESS, payment_method="cod"
        )

    return {"a": place("mug-a"), "b": place("tea-b", "house-brand"), "ab": place("mug-a", "tea-b")}


def test_each_line_records_its_products_seller_at_checkout(placed, shop):
    assert [line["seller_id"] for line in placed["b"]["lines"]] == ["seller-b", None]
    # the seller rides in the cart's quote: checkout makes no catalog call of its own (no
    # catalog stand-in runs here, so one would fail the checkout)
    assert [name for name, *_ in shop.state.calls if name.startswith("get_owner")] == []


def test_a_seller_lists_only_the_orders_holding_their_products(orders, placed):
    def listed(actor, **filters):
        page = orders.list_orders(actor=actor, **filters)
        return {order["id"] for order in page["data"]}, page["meta"]["total"]

    assert listed(SELLER_A) == ({placed["a"]["id"], placed["ab"]["id"]}, 2)
    assert listed(SELLER_A, seller_id="seller-b") == ({placed["a"]["id"], placed["ab"]["id"]}, 2)
    assert listed(ADMIN)[1] == 3
    assert listed(ADMIN, seller_id="seller-b")[0] == {placed["b"]["id"], placed["ab"]["id"]}


def test_a_seller_opens_their_orders_and_another_is_not_found(orders, placed):
    assert orders.get_admin_order(placed["ab"]["id"], SELLER_A)["id"] == placed["ab"]["id"]
    with pytest.raises(OrderNotFound):
        orders.get_admin_order(placed["b"]["id"], SELLER_A)
    with pytest.raises(OrderNotFound):
        orders.get_order(placed["b"]["id"], "seller-a", True, SELLER_A)
    with pytest.raises(OrderNotFound):
        orders.get_history(placed["b"]["id"], "seller-a", True, SELLER_A)
    assert orders.get_admin_order(placed["b"]["id"], ADMIN)["id"] == placed["b"]["id"]


def test_a_seller_cannot_move_or_track_another_sellers_order(orders, placed):
    other = placed["b"]["id"]
    with pytest.raises(OrderNotFound):
        orders.update_status(other, "processing", "seller-a", None, actor=SELLER_A)
    with pytest.raises(OrderNotFound):
        orders.set_tracking(other, "UPS", "1Z", None, "seller-a", actor=SELLER_A)
    assert orders.get_order(other, None, True)["status"] == "confirmed"
    assert orders.get_order(other, None, True)["tracking"] is None


def test_a_seller_moves_and_tracks_an_order_holding_their_product(orders, placed):
    mine = placed["ab"]["id"]
    assert orders.update_status(mine, "processing", "seller-a", None, actor=SELLER_A)["status"] == (
        "processing"
    )
    shipped = orders.set_tracking(mine, "UPS", "1Z", None, "seller-a", actor=SELLER_A)
    assert shipped["status"] == "shipped"


def test_the_customer_still_sees_their_order_whoever_sells_it(orders, placed):
    assert orders.get_order(placed["b"]["id"], "buyer-1")["id"] == placed["b"]["id"]
