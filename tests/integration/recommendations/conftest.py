"""The recommendations service on real RabbitMQ, Postgres and Redis, with a stand-in for the
catalog (another service): a tiny nameko service answering `get_products` and `get_category`
from in-memory tables the test fills (`shop`), which can be told to fail (`shop.down`), and a
listener recording the `recommendations_changed` events the service publishes."""

from __future__ import annotations

import pytest
from nameko.events import event_handler
from nameko.rpc import rpc
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import get_container

from services.recommendations.service import RecommendationsService
from tests.helpers import truncate_tables

PRODUCTS: dict[str, dict] = {}
CATEGORIES: dict[str, dict] = {}
STATE = {"down": False}
CHANGED: list[dict] = []


class CatalogDown(Exception):
    pass


class CategoryNotFound(Exception):
    """Arrives at the service as a RemoteError named like the catalog's own."""


class FakeCatalog:
    name = "catalog"

    @rpc
    def get_products(self, product_ids):
        if STATE["down"]:
            raise CatalogDown("the catalog is failing")
        return [PRODUCTS[pid] for pid in product_ids if pid in PRODUCTS]

    @rpc
    def get_category(self, id_or_slug):
        if id_or_slug not in CATEGORIES:
            raise CategoryNotFound(id_or_slug)
        return CATEGORIES[id_or_slug]


class ChangesListener:
    """The gateway's cache invalidation, as far as these tests need it."""

    name = "recommendations_listener"

    @event_handler("recommendations", "recommendations_changed")
    def handle_recommendations_changed(self, payload):
        CHANGED.append(payload)


class Shop:
    """What the stand-in catalog knows, and the events other services would send."""

    def __init__(self, config):
        self.config = config
        self.dispatch = event_dispatcher(config)

    def product(self, pid, price=1000, category_id="mugs", brand=None, available=10):
        PRODUCTS[pid] = {
            "id": pid,
            "slug": pid,
            "name": f"Product {pid}",
            "price": price,
            "currency": "EUR",
            "image": f"/media/{pid}.webp",
            "category_id": category_id,
            "brand": brand,
            "status": "active",
            "available": available,
            "rating_average": 4.5,
            "rating_count": 2,
        }
        return PRODUCTS[pid]

    def category(self, category_id, slug, ancestors=()):
        CATEGORIES[category_id] = {
            "id": category_id,
            "slug": slug,
            "parent_id": ancestors[-1] if ancestors else None,
            "ancestors": [{"id": a, "name": a} for a in ancestors],
        }

    def down(self, failing=True):
        STATE["down"] = failing


def _forget():
    PRODUCTS.clear()
    CATEGORIES.clear()
    CHANGED.clear()
    STATE["down"] = False


@pytest.fixture(autouse=True)
def clean_recommendations_tables(config):
    truncate_tables(config, "recommendations")
    yield
    truncate_tables(config, "recommendations")


@pytest.fixture
def reco_config(service_config, redis_client):
    return {
        **service_config,
        "max_workers": 10,
        "OUTBOX": {"interval": 0.05, "batch_size": 100},
        # the timers stay out of the way unless a test starts its own runner
        "RECOMMENDATIONS": {
            **service_config.get("RECOMMENDATIONS", {}),
            "trending_interval": 3600,
            "publish_interval": 3600,
        },
    }


@pytest.fixture
def shop(reco_config):
    _forget()
    yield Shop(reco_config)
    _forget()


def start(runner_factory, config):
    runner = runner_factory(config, RecommendationsService, FakeCatalog, ChangesListener)
    runner.start()
    return get_container(runner, RecommendationsService)


@pytest.fixture
def container(runner_factory, reco_config, shop):
    return start(runner_factory, reco_config)


@pytest.fixture
def reco(container, reco_config):
    """A standalone RPC proxy to the running recommendations service."""
    with ServiceRpcProxy("recommendations", reco_config, timeout=15) as proxy:
        yield proxy


@pytest.fixture
def deliver(container, shop):
    """deliver(source, event_type, payload): dispatch an event and wait for its handler."""

    def send(source, event_type, payload, handler=None):
        with entrypoint_waiter(container, handler or f"handle_{event_type}", timeout=15):
            shop.dispatch(source, event_type, payload)

    return send
