import pytest

from tests.helpers import migrate_test_databases


@pytest.fixture(scope="session", autouse=True)
def test_databases(config):
    """Create and migrate the `*_test` databases once per run."""
    migrate_test_databases(config)
