"""A nameko timer whose interval comes from the configuration: `@configured_timer(ORDERS,
"sweep_interval", 5)` fires every `config[ORDERS]["sweep_interval"]` seconds, 5 when the key is
unset. The interval is read when the container sets the entrypoint up (nameko's own `timer`
takes only a constant), so the e2e stack and an operator tune it per environment."""

from __future__ import annotations

from typing import Any

from nameko.timer import Timer


class ConfiguredTimer(Timer):
    def __init__(self, section: str, key: str, interval: float, **kwargs: Any):
        self.section, self.key = section, key
        super().__init__(interval, **kwargs)

    def setup(self) -> None:
        settings = self.container.config.get(self.section) or {}
        self.interval = float(settings.get(self.key, self.interval))
        super().setup()


configured_timer = ConfiguredTimer.decorator
