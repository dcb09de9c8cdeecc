"""The reviews service on real RabbitMQ and Postgres, with stand-ins for orders and catalog.

Orders and catalog are other services: here two tiny nameko services answer `has_purchased` and
`get_products` from in-memory tables the test fills, and a listener records the events reviews
publishes (as catalog and notifications would receive them).
"""

from collections import defaultdict

import pytest
from nameko.events import event_handler
from nameko.rpc import rpc
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy

from services.reviews.service import ReviewsService
from tests.helpers import truncate_tables

PRODUCTS: dict[str, dict] = {}
PURCHASES: set[tuple[str, str]] = set()
SEEN: dict[str, list] = defaultdict(list)


class FakeOrders:
    name = "orders"

    @rpc
    def has_purchased(self, user_id, product_id):
        return (user_id, product_id) in PURCHASES


class FakeCatalog:
    name = "catalog"

    @rpc
    def get_products(self, product_ids):
        return [PRODUCTS[pid] for pid in product_ids if pid in PRODUCTS]


class ReviewsListener:
    name = "reviews_listener"

    @event_handler("reviews", "review_submitted")
    def handle_review_submitted(self, payload):
        SEEN["review_submitted"].append(payload)

    @event_handler("reviews", "review_published")
    def handle_review_published(self, payload):
        SEEN["review_published"].append(payload)

    @event_handler("reviews", "review_rejected")
    def handle_review_rejected(self, payload):
        SEEN["review_rejected"].append(payload)

    @event_handler("reviews", "rating_changed")
    def handle_rating_changed(self, payload):
        SEEN["rating_changed"].append(payload)


class Shop:
    """What the stand-in catalog and orders know."""

    def product(self, pid, status="active"):
        PRODUCTS[pid] = {"id": pid, "name": f"Product {pid}", "status": status}
        return pid

    def purchase(self, user_id, product_id):
        PURCHASES.add((user_id, product_id))


@pytest.fixture(autouse=True)
def clean_reviews_tables(config):
    truncate_tables(config, "reviews")
    PRODUCTS.clear()
    PURCHASES.clear()
    SEEN.clear()
    yield
    truncate_tables(config, "reviews")


@pytest.fixture
def shop():
    return Shop()


@pytest.fixture
def seen():
    return SEEN


@pytest.fixture
def reviews_config(service_config):
    return {**service_config, "OUTBOX": {"interval": 0.05}, "RPC_TIMEOUT": 2}


@pytest.fixture
def neighbours(container_factory, reviews_config):
    """The stand-ins and the listener, started before the service under test."""
    for cls in (FakeOrders, FakeCatalog, ReviewsListener):
        container_factory(cls, reviews_config).start()


@pytest.fixture
def reviews(neighbours, container_factory, reviews_config):
    container_factory(ReviewsService, reviews_config).start()
    with ServiceRpcProxy("reviews", reviews_config, timeout=15) as proxy:
        yield proxy


@pytest.fixture
def dispatch(reviews_config):
    return event_dispatcher(reviews_config)
