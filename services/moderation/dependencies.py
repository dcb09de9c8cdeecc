"""What the moderation service reads from its container: the policy in config `MODERATION`. The
models' providers (`TextModel`, `ImageModel`) are in classifiers.py, the SQL in repository.py."""

from __future__ import annotations

from services.moderation.classifiers import settings
from services.moderation.domain import Policy, policy_from_settings


def policy_from_config(config: dict) -> Policy:
    """The moderation policy of a service's config (defaults for what it leaves out)."""
    return policy_from_settings(settings(config))
