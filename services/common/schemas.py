"""Validation at the boundaries: an RPC's arguments (marshmallow errors become `ValidationFailed`,
a 400) and an event's payload (a malformed one is dropped and logged: no retry would mend it)."""

from __future__ import annotations

import logging
from typing import Any

from marshmallow import Schema, ValidationError

from services.common.errors import ValidationFailed

log = logging.getLogger(__name__)


def load(schema: Schema, data: Any, **kwargs: Any) -> Any:
    """`schema.load(data)`, raising `ValidationFailed` whose details name every bad field."""
    try:
        return schema.load(data, **kwargs)
    except ValidationError as exc:
        details = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise ValidationFailed("invalid input", {"fields": details}) from exc


def load_event(schema: Schema, payload: Any, event_type: str) -> dict | None:
    """The event's payload loaded by `schema`, or None (logged) for a malformed one, which no
    retry would mend: the consumer acknowledges it and changes nothing."""
    try:
        return schema.load(payload if isinstance(payload, dict) else {})
    except ValidationError as exc:
        log.error("dropping malformed %s event: %s", event_type, exc.messages)
        return None
