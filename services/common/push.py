"""The Redis pub/sub channels of live pushes: notifications publishes on them, the gateway's /ws
subscribes to `PUSH_PATTERN` and relays each channel to the sockets it belongs to."""

from __future__ import annotations

PUSH_PATTERN = "push:*"  # every channel below
ADMINS_CHANNEL = "push:admins"  # alerts for every admin


def user_channel(user_id: object) -> str:
    """The channel of one user's own updates ("push:user:<id>")."""
    return f"push:user:{user_id}"
