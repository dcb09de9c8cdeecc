"""The MEDIA config block (config/bazaar.yaml) as `domain.MediaSettings`, read the same way by
the service and the gateway."""

from __future__ import annotations

from typing import Any

from services.media.domain import ImageLimits, MediaSettings

MEDIA = "MEDIA"  # {root, base_url, max_bytes, max_pixels, quality, await_moderation, workers}


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def settings_from_config(config: dict) -> MediaSettings:
    """The MEDIA block of `config`, each missing key at MediaSettings' default."""
    block = config.get(MEDIA) or {}
    defaults = MediaSettings()
    return MediaSettings(
        root=str(block.get("root", defaults.root)),
        base_url=str(block.get("base_url", defaults.base_url)),
        limits=ImageLimits(
            max_bytes=int(block.get("max_bytes", defaults.limits.max_bytes)),
            max_pixels=int(block.get("max_pixels", defaults.limits.max_pixels)),
        ),
        quality=int(block.get("quality", defaults.quality)),
        variants={k: int(v) for k, v in (block.get("variants") or defaults.variants).items()},
        await_moderation=_flag(block.get("await_moderation", defaults.await_moderation)),
        workers=int(block.get("workers", defaults.workers)),
        cache_max_age=int(block.get("cache_max_age", defaults.cache_max_age)),
    )
