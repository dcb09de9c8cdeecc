"""Validation at the RPC boundary: marshmallow errors become `ValidationFailed` (a 400)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError

from services.common.errors import ValidationFailed


def load(schema: Schema, data: Any, **kwargs: Any) -> Any:
    """`schema.load(data)`, raising `ValidationFailed` whose details name every bad field."""
    try:
        return schema.load(data, **kwargs)
    except ValidationError as exc:
        details = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise ValidationFailed("invalid input", {"fields": details}) from exc
