"""Errors the notifications service raises; callers receive them as themselves."""

from services.common.errors import BazaarError, NotFound


class NotificationsError(BazaarError):
    """Base of the notifications service's errors."""


class NotificationNotFound(NotificationsError, NotFound):
    """No notification with this id in the caller's inbox."""
