"""The inventory service on real RabbitMQ and Postgres, with a listener recording its events."""

import pytest
from nameko.events import event_handler
from nameko.standalone.rpc import ServiceRpcProxy

from services.inventory.service import InventoryService
from tests.helpers import truncate_tables as truncate_once

EVENTS: list[tuple[str, dict]] = []


class Listener:
    name = "inventory_listener"

    @event_handler("inventory", "stock_changed")
    def on_stock_changed(self, payload):
        EVENTS.append(("stock_changed", payload))

    @event_handler("inventory", "stock_low")
    def on_stock_low(self, payload):
        EVENTS.append(("stock_low", payload))

    @event_handler("inventory", "reservation_expired")
    def on_reservation_expired(self, payload):
        EVENTS.append(("reservation_expired", payload))


def truncate_tables(config, service):
    """Empty the tables, retrying when a concurrent process (another stack on the same test
    database, e.g. an e2e run) makes PostgreSQL pick TRUNCATE as a deadlock victim."""
    from sqlalchemy.exc import OperationalError

    for attempt in range(5):
        try:
            return truncate_once(config, service)
        except OperationalError:
            if attempt == 4:
                raise


@pytest.fixture(autouse=True)
def clean_inventory_tables(config):
    truncate_tables(config, "inventory")
    yield
    truncate_tables(config, "inventory")


@pytest.fixture
def inventory_config(service_config):
    return {
        **service_config,
        "max_workers": 60,
        "OUTBOX": {"interval": 0.05, "batch_size": 200},
        "INVENTORY": {"reservation_ttl": 900, "expiry_interval": 0.2, "expiry_batch": 100},
    }


@pytest.fixture
def events():
    EVENTS.clear()
    yield EVENTS
    EVENTS.clear()


@pytest.fixture
def inventory_runner(runner_factory, inventory_config, events):
    runner = runner_factory(inventory_config, InventoryService, Listener)
    runner.start()
    return runner


@pytest.fixture
def inventory(inventory_runner, inventory_config):
    with ServiceRpcProxy("inventory", inventory_config, timeout=30) as proxy:
        yield proxy
