import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from services.accounts.service import AccountsService
from tests.helpers import truncate_tables


@pytest.fixture(autouse=True)
def clean_accounts_tables(config):
    truncate_tables(config, "accounts")
    yield
    truncate_tables(config, "accounts")


@pytest.fixture
def accounts_config(service_config):
    return {**service_config, "OUTBOX": {"interval": 0.05, "batch_size": 100}}


@pytest.fixture
def accounts_container(container_factory, accounts_config):
    container = container_factory(AccountsService, accounts_config)
    container.start()
    return container


@pytest.fixture
def accounts(accounts_container, accounts_config):
    """A standalone RPC proxy to the running accounts service."""
    with ServiceRpcProxy("accounts", accounts_config, timeout=15) as proxy:
        yield proxy
