"""Test-wide setup: test databases, Redis db 15, test keys, and fixtures every tier shares.

Importing this module points the configuration at test resources before anything loads it, so no
test can touch development data: databases `bazaar_<service>_test`, Redis database 15, JWT keys
under `var/test/keys`, RabbitMQ vhosts made per test by nameko's plugin.
"""

import eventlet

# nameko >= 2.13's pytest plugin no longer monkey-patches; services under test need it, exactly as
# `nameko run` does, before anything imports socket-using libraries.
eventlet.monkey_patch()

import os  # noqa: E402

os.environ.setdefault("DB_SUFFIX", "_test")
os.environ.setdefault("REDIS_DB", "15")
os.environ.setdefault("JWT_PRIVATE_KEY_PATH", "var/test/keys/jwt_private.pem")
os.environ.setdefault("JWT_PUBLIC_KEY_PATH", "var/test/keys/jwt_public.pem")
os.environ.setdefault("ARGON2_TIME_COST", "1")
os.environ.setdefault("ARGON2_MEMORY_COST", "1024")

import pytest  # noqa: E402

from services.common.config import ROOT, load_config  # noqa: E402

os.chdir(ROOT)

# the whole-stack fixtures of the e2e and browser tiers: one plugin, so one session fixture
pytest_plugins = ["tests.stack"]


@pytest.fixture(scope="session")
def config():
    """The test configuration (test databases, Redis db 15, test keys), with keys created."""
    from scripts.manage import keys

    cfg = load_config()
    keys(cfg)
    return cfg


@pytest.fixture
def service_config(config, rabbit_config):
    """Config for `container_factory`/`runner_factory`: the test config on a fresh vhost."""
    return {**config, "AMQP_URI": rabbit_config["AMQP_URI"]}


@pytest.fixture
def redis_client(config):
    """A client of the test Redis database, emptied before and after the test."""
    import redis

    client = redis.Redis.from_url(config["REDIS_URL"], decode_responses=True)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def web_session(web_config_port):
    """nameko's fixture imports `werkzeug.urls.url_join`, gone in werkzeug 3
    (docs/architecture.md#stack-facts)."""
    from requests import Session

    base = f"http://127.0.0.1:{web_config_port}"

    class WebSession(Session):
        def request(self, method, url, *args, **kwargs):
            return super().request(method, base + url, *args, **kwargs)

    with WebSession() as session:
        yield session
