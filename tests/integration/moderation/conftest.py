"""The moderation service on real RabbitMQ and Postgres, with the real offline models."""

from collections import defaultdict

import pytest
from nameko.events import event_handler
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy

from services.moderation.service import ModerationService
from tests.helpers import truncate_tables

SEEN: dict[str, list] = defaultdict(list)


class ModerationListener:
    """Records what moderation publishes, as reviews and media would receive it."""

    name = "moderation_listener"

    @event_handler("moderation", "content_moderated")
    def handle_content_moderated(self, payload):
        SEEN["content_moderated"].append(payload)


@pytest.fixture(autouse=True)
def clean_moderation_tables(config):
    truncate_tables(config, "moderation")
    SEEN.clear()
    yield
    truncate_tables(config, "moderation")


@pytest.fixture
def media_root(tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    return root


@pytest.fixture
def moderation_config(service_config, media_root):
    moderation = {**service_config["MODERATION"]}
    moderation["image"] = {**moderation["image"], "media_root": str(media_root)}
    return {**service_config, "OUTBOX": {"interval": 0.05}, "MODERATION": moderation}


@pytest.fixture
def moderation(container_factory, moderation_config):
    """Start the listener, then moderation; yields an RPC proxy to moderation."""
    container_factory(ModerationListener, moderation_config).start()
    container_factory(ModerationService, moderation_config).start()
    with ServiceRpcProxy("moderation", moderation_config, timeout=15) as proxy:
        yield proxy


@pytest.fixture
def dispatch(moderation_config):
    return event_dispatcher(moderation_config)


@pytest.fixture
def seen():
    return SEEN
