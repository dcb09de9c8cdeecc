"""The cart service on real RabbitMQ, Redis and Postgres, with stand-ins for catalog and inventory.

Catalog and inventory are other services: here they are two tiny nameko services answering
`get_products` and `get_stock` from in-memory tables the test fills (`shop` fixture), and counting
the ids they were asked for (`CALLS`).
"""

from collections import Counter

import pytest
from nameko.rpc import rpc
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy

from services.cart.service import CartService
from tests.helpers import truncate_tables

PRODUCTS: dict[str, dict] = {}
STOCK: dict[str, int] = {}
VERSIONS: Counter = Counter()
CALLS: Counter = Counter()


class FakeCatalog:
    name = "catalog"

    @rpc
    def get_products(self, product_ids):
        CALLS["catalog"] += 1
        return [PRODUCTS[pid] for pid in product_ids if pid in PRODUCTS]


class FakeInventory:
    name = "inventory"

    @rpc
    def get_stock(self, product_ids):
        CALLS["inventory"] += 1
        return {
            pid: {
                "on_hand": STOCK[pid],
                "reserved": 0,
                "available": STOCK[pid],
                "low_stock_threshold": 5,
                "version": VERSIONS[pid],
            }
            for pid in product_ids
            if pid in STOCK
        }


class Shop:
    """What the stand-in catalog and inventory know. `set_stock(..., announce=True)` also sends
    `stock_changed` as inventory does (needs `config`)."""

    config: dict | None = None

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
        VERSIONS[pid] += 1
        return PRODUCTS[pid]

    def reprice(self, pid, price):
        PRODUCTS[pid]["price"] = price

    def set_stock(self, pid, stock, announce=False):
        STOCK[pid] = stock
        VERSIONS[pid] += 1
        if announce:
            self.announce(pid, stock, VERSIONS[pid])

    def announce(self, pid, available, version):
        dispatch = event_dispatcher(self.config)
        dispatch(
            "inventory",
            "stock_changed",
            {"product_id": pid, "available": available, "on_hand": available, "version": version},
        )


@pytest.fixture(autouse=True)
def clean_cart_tables(config):
    truncate_tables(config, "cart")
    yield
    truncate_tables(config, "cart")


def _forget():
    for table in (PRODUCTS, STOCK, VERSIONS, CALLS):
        table.clear()


@pytest.fixture
def shop():
    _forget()
    yield Shop()
    _forget()


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
    shop.config = cart_config
    runner = runner_factory(cart_config, CartService, FakeCatalog, FakeInventory)
    runner.start()
    return runner


@pytest.fixture
def cart(cart_runner, cart_config):
    """A standalone RPC proxy to the running cart service."""
    with ServiceRpcProxy("cart", cart_config, timeout=15) as proxy:
        yield proxy
