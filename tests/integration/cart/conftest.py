"""The cart service on real RabbitMQ, Redis and Postgres, with stand-ins for catalog and inventory.

Catalog and inventory are other services: here they are two tiny nameko services answering
`get_products` and `get_stock` from in-memory tables the test fills (`shop` fixture).
"""

import pytest
from nameko.rpc import rpc
from nameko.standalone.rpc import ServiceRpcProxy

from services.cart.service import CartService
from tests.helpers import truncate_tables

PRODUCTS: dict[str, dict] = {}
STOCK: dict[str, int] = {}


class FakeCatalog:
    name = "catalog"

    @rpc
    def get_products(self, product_ids):
        return [PRODUCTS[pid] for pid in product_ids if pid in PRODUCTS]


class FakeInventory:
    name = "inventory"

    @rpc
    def get_stock(self, product_ids):
        return {
            pid: {
                "on_hand": STOCK[pid],
                "reserved": 0,
                "available": STOCK[pid],
                "low_stock_threshold": 5,
            }
            for pid in product_ids
            if pid in STOCK
        }


class Shop:
    """What the stand-in catalog and inventory know."""

    def product(self, pid, price, stock=100, status="active", name=None):
        PRODUCTS[pid] = {
            "id": pid,
            "name": name or f"Product {pid}",
            "price": price,
            "currency": "USD",
            "status": status,
            "image": f"/media/{pid}.jpg",
        }
        STOCK[pid] = stock
        return PRODUCTS[pid]

    def reprice(self, pid, price):
        PRODUCTS[pid]["price"] = price

    def set_stock(self, pid, stock):
        STOCK[pid] = stock


@pytest.fixture(autouse=True)
def clean_cart_tables(config):
    truncate_tables(config, "cart")
    yield
    truncate_tables(config, "cart")


@pytest.fixture
def shop():
    PRODUCTS.clear()
    STOCK.clear()
    yield Shop()
    PRODUCTS.clear()
    STOCK.clear()


@pytest.fixture
def cart_config(service_config, redis_client):
    return {
        **service_config,
        "max_workers": 10,
        "OUTBOX": {"interval": 0.05, "batch_size": 100},
        "CART": {"guest_ttl": 604800, "user_ttl": 2592000, "line_max": 10, "product_cache_ttl": 60},
        "PRICING": {
            "currency": "USD",
            "tax_basis_points": 800,
            "free_shipping_threshold": 10000,
            "flat_shipping": 599,
        },
    }


@pytest.fixture
def cart_runner(runner_factory, cart_config, shop):
    runner = runner_factory(cart_config, CartService, FakeCatalog, FakeInventory)
    runner.start()
    return runner


@pytest.fixture
def cart(cart_runner, cart_config):
    """A standalone RPC proxy to the running cart service."""
    with ServiceRpcProxy("cart", cart_config, timeout=15) as proxy:
        yield proxy
