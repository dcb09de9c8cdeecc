from pathlib import Path

import pytest

from tests.helpers import migrate_test_databases


@pytest.fixture(scope="session", autouse=True)
def test_databases(config, request):
    """Create and migrate, once per run, the `*_test` databases of the services whose tests were
    collected: the directory under tests/integration/ names the service, and a module that needs
    another service's database says so with `DATABASES = ("accounts", ...)`. One service's tests
    never wait on another's migrations."""
    here = Path(__file__).parent
    services = set()
    for item in request.session.items:
        path = Path(item.fspath)
        if here in path.parents and path.parent != here:
            services.add(path.relative_to(here).parts[0])
        services.update(getattr(item.module, "DATABASES", ()))
    migrate_test_databases(config, services)


@pytest.fixture
def http(gateway_config):
    """A requests session on the gateway a module starts (it defines `gateway_config`, with
    WEB_SERVER_ADDRESS): `http.get("/api/...")`."""
    import requests

    base = f"http://{gateway_config['WEB_SERVER_ADDRESS']}"

    class Http(requests.Session):
        def request(self, method, url, *args, **kwargs):
            return super().request(method, base + url, *args, **kwargs)

    with Http() as session:
        yield session
