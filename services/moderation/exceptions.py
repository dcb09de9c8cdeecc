"""Errors the moderation service raises; callers receive them as themselves (see common.errors)."""

from services.common.errors import BazaarError, NotFound


class ModerationError(BazaarError):
    """Base of the moderation service's errors."""


class DecisionNotFound(ModerationError, NotFound):
    """No moderation decision exists for this subject."""
