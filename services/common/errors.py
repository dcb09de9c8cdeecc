"""The one exception hierarchy every service raises across RPC.

Every subclass of `BazaarError` registers itself with nameko's exception registry, so a caller that
imports the defining module receives the exception as itself (not a `RemoteError`).
`details` travels as a JSON string inside the exception's args: nameko's serializer stringifies
every non-string value (`3` would arrive as `"3"`), but passes strings through untouched.
"""

from __future__ import annotations

import json
from typing import Any

from nameko.exceptions import deserialize_to_instance


class BazaarError(Exception):
    """Base of every expected error; `details` carries machine-readable context (fields...)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        deserialize_to_instance(cls)

    def __init__(self, message: str = "", details: dict[str, Any] | str | None = None):
        # a str is the JSON form received over RPC
        parsed = json.loads(details) if isinstance(details, str) else details
        self._details: dict[str, Any] = parsed or {}
        encoded = json.dumps(self._details, default=str, separators=(",", ":"))
        super().__init__(message or self.__doc__ or type(self).__name__, encoded)

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        return self.args[0]

    @property
    def details(self) -> dict[str, Any]:
        return self._details


deserialize_to_instance(BazaarError)


class ValidationFailed(BazaarError):
    """The input is invalid; `details` maps each bad field to its messages."""


class NotFound(BazaarError):
    """The thing asked for does not exist (or is not the caller's to see)."""


class Conflict(BazaarError):
    """The request conflicts with the current state."""


class Forbidden(BazaarError):
    """The caller may not do this."""


class ServiceUnavailable(BazaarError):
    """A service this request needs did not answer in time."""
