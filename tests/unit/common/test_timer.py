"""`configured_timer`: the interval is the configuration's when it has the key, the
decorator's when not, read when the container sets the entrypoint up."""

from types import SimpleNamespace

from services.common.timer import ConfiguredTimer


def set_up(config: dict) -> ConfiguredTimer:
    timer = ConfiguredTimer("ORDERS", "sweep_interval", 5)
    timer.container = SimpleNamespace(config=config)
    timer.setup()
    return timer


def test_the_configured_interval_wins():
    assert set_up({"ORDERS": {"sweep_interval": "0.5"}}).interval == 0.5


def test_the_decorators_interval_when_the_config_has_none():
    assert set_up({"ORDERS": {}}).interval == 5.0
    assert set_up({}).interval == 5.0
