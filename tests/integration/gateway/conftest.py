import pytest


@pytest.fixture(scope="session", autouse=True)
def test_databases():
    """The gateway owns no database: nothing to migrate for these tests."""
