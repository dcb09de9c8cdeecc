"""Errors the accounts service raises; callers receive them as themselves (see common.errors)."""

from services.common.errors import BazaarError, Conflict, Forbidden, NotFound, ValidationFailed


class AccountsError(BazaarError):
    """Base of the accounts service's errors."""


class EmailTaken(AccountsError, Conflict):
    """An account with this email already exists."""


class WeakPassword(AccountsError, ValidationFailed):
    """The password does not meet the strength rule; details.fields.password says why."""


class InvalidCredentials(AccountsError):
    """Email or password is wrong (never says which)."""


class AccountDisabled(AccountsError, Forbidden):
    """The account has been deactivated."""


class InvalidRefreshToken(AccountsError):
    """The refresh token is unknown, expired or revoked."""


class RefreshTokenReused(InvalidRefreshToken):
    """A spent refresh token was presented again: its whole family has been revoked."""


class InvalidResetToken(AccountsError):
    """The password-reset token is unknown, used or expired."""


class UserNotFound(AccountsError, NotFound):
    """No such user."""


class AddressNotFound(AccountsError, NotFound):
    """No such address for this user."""


class OwnAdminAccess(AccountsError, Conflict):
    """An admin tried to demote or deactivate their own account."""


class LastActiveAdmin(AccountsError, Conflict):
    """The change would leave no active admin to run the shop."""


class InvalidUnsubscribeToken(AccountsError):
    """The unsubscribe link's token is malformed, forged, or names a topic or user we don't know."""
