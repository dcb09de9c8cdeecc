from pathlib import Path

import pytest

from tests.helpers import migrate_test_databases


@pytest.fixture(scope="session", autouse=True)
def test_databases(config, request):
    """Create and migrate, once per run, the `*_test` databases of the services whose tests were
    collected (tests/integration/<service>/...), so one service's tests never wait on another's
    migrations."""
    here = Path(__file__).parent
    services = set()
    for item in request.session.items:
        path = Path(item.fspath)
        if here in path.parents and path.parent != here:
            services.add(path.relative_to(here).parts[0])
    migrate_test_databases(config, services)
