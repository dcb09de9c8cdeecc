"""CartService methods through worker_factory: an in-memory cart store (a hand-written fake of
`Carts`), MagicMock proxies for catalog and inventory (other services)."""

from datetime import UTC, datetime, timedelta
from unittest.mock import MagicMock

import pytest
from nameko.testing.services import worker_factory

from services.cart.carts import StoredCart
from services.cart.domain import CartSettings, PricingSettings
from services.cart.exceptions import (
    CartItemNotFound,
    CartNotFound,
    InsufficientStock,
    ProductUnavailable,
)
from services.cart.service import CartService
from services.common.errors import ValidationFailed


class FakeSnapshots:
    """Keeps nothing: every lookup goes to the (mocked) catalog and inventory."""

    def get_many(self, ids, stock_ids=()):
        return {}, {}

    def put_many(self, products, stock=None):
        pass

    def drop(self, product_id):
        pass


class FakeCarts:
    """The verbs of `services.cart.carts.RedisCarts` over dicts."""

    def __init__(self, line_max=99):
        self.settings = CartSettings(line_max=line_max)
        self.pricing = PricingSettings()
        self.products = FakeSnapshots()
        self.data: dict[str, dict] = {}
        self.users: dict[str, str] = {}

    def create(self, user_id=None):
        cart_id = f"cart-{len(self.data) + 1}"
        self.data[cart_id] = {"user_id": user_id or "", "seq": "0"}
        return self.read(cart_id)

    def user_cart_id(self, user_id):
        if user_id not in self.users:
            self.users[user_id] = self.create(user_id).id
        return self.users[user_id]

    def read(self, cart_id):
        if cart_id not in self.data:
            raise CartNotFound("cart not found", {"cart_id": cart_id})
        return StoredCart(cart_id, dict(self.data[cart_id]), 60)

    def set_line(self, cart, product_id, quantity, limit, price, add):
        data = self.data[cart.id]
        current = int(data.get(f"q:{product_id}", 0))
        if not add and not current:
            raise CartItemNotFound("no such item")
        wanted = current + quantity if add else quantity
        if wanted > limit:
            return -2, current, self.read(cart.id)
        data.update({f"q:{product_id}": str(wanted), f"p:{product_id}": str(price)})
        data.setdefault(f"s:{product_id}", str(len(data)))
        return 1, wanted, self.read(cart.id)

    def remove_line(self, cart, product_id):
        data = self.data[cart.id]
        if data.pop(f"q:{product_id}", None) is None:
            raise CartItemNotFound("no such item")

    def set_coupon(self, cart, code):
        self.data[cart.id]["coupon"] = code or ""

    def delete(self, cart_id):
        return self.data.pop(cart_id, None) is not None


def fake_call(value):
    call = MagicMock()
    call.result.return_value = value
    return call


@pytest.fixture
def service():
    worker = worker_factory(CartService, carts=FakeCarts())
    products = {
        "mug": {
            "id": "mug",
            "name": "Mug",
            "price": 1250,
            "currency": "USD",
            "status": "active",
            "image": None,
        },
        "draft": {
            "id": "draft",
            "name": "Draft",
            "price": 100,
            "currency": "USD",
            "status": "draft",
            "image": None,
        },
    }
    stock = {"mug": 3, "draft": 10}
    worker.catalog_rpc.get_products.call_async.side_effect = lambda ids: fake_call(
        [products[i] for i in ids if i in products]
    )
    worker.inventory_rpc.get_stock.call_async.side_effect = lambda ids: fake_call(
        {i: {"available": stock[i]} for i in ids if i in stock}
    )
    return worker


def test_add_item_prices_the_line_from_the_catalog(service):
    cart_id = service.create_cart()["id"]
    result = service.add_item(cart_id, "mug", 2)
    assert result["lines"][0]["price"] == 1250 and result["subtotal"] == 2500
    assert result["total"] == 2500 + 200 + 599


def test_add_item_refuses_more_than_in_stock(service):
    cart_id = service.create_cart()["id"]
    service.add_item(cart_id, "mug", 2)
    with pytest.raises(InsufficientStock) as raised:
        service.add_item(cart_id, "mug", 2)
    assert raised.value.details["available"] == 3
    assert service.get_cart(cart_id)["lines"][0]["quantity"] == 2


def test_add_item_refuses_inactive_products_and_bad_quantities(service):
    cart_id = service.create_cart()["id"]
    with pytest.raises(ProductUnavailable):
        service.add_item(cart_id, "draft", 1)
    with pytest.raises(ValidationFailed):
        service.add_item(cart_id, "mug", 0)


def test_update_to_zero_removes_the_line(service):
    cart_id = service.create_cart()["id"]
    service.add_item(cart_id, "mug", 1)
    assert service.update_item(cart_id, "mug", 0)["lines"] == []
    with pytest.raises(CartItemNotFound):
        service.update_item(cart_id, "mug", 1)


def test_another_users_cart_is_not_found(service):
    cart_id = service.get_user_cart("user-1")["id"]
    with pytest.raises(CartNotFound):
        service.get_cart(cart_id, "user-2")
    with pytest.raises(CartNotFound):
        service.get_cart(cart_id)
    assert service.get_cart(cart_id, "user-1")["user_id"] == "user-1"


def test_an_empty_cart_is_priced_without_asking_the_catalog(service):
    service.create_cart()
    service.catalog_rpc.get_products.call_async.assert_not_called()


def test_expires_at_is_in_the_future(service):
    expires = datetime.fromisoformat(service.create_cart()["expires_at"])
    assert datetime.now(UTC) < expires < datetime.now(UTC) + timedelta(minutes=2)


@pytest.mark.parametrize("changes", [None, [], "value=5", 5])
def test_coupon_changes_must_be_an_object(service, changes):
    with pytest.raises(ValidationFailed) as raised:
        service.update_coupon("ANY", changes)
    assert raised.value.message == "invalid input"
    assert raised.value.details == {"fields": {"_schema": ["Must be an object."]}}
    assert not service.coupons.get_row.called  # refused before the use case


def test_coupon_changes_keep_only_the_fields_named():
    from services.cart.schemas import CouponChanges
    from services.common.schemas import load

    assert load(CouponChanges(), {"value": 5, "active": False}, partial=True) == {
        "value": 5,
        "active": False,
    }
