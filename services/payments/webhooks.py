"""Stripe-compatible webhook signatures: verification (with both timestamp bounds) and signing.

Stripe's `WebhookSignature.verify_header` rejects bad signatures and OLD timestamps only
(docs/architecture.md#stack-facts); a timestamp in the future is rejected here. The simulated
provider signs its events with `sign` so they travel the very same verification path.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import stripe

from services.payments.exceptions import InvalidSignature, InvalidWebhook

DEFAULT_TOLERANCE = 300  # seconds a signed event stays acceptable
FUTURE_TOLERANCE = 30  # clock skew allowed for timestamps ahead of ours


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header value of `payload`."""
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    digest = hmac.new(secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def verify(
    payload: str | bytes,
    header: str | None,
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE,
    future_tolerance: int = FUTURE_TOLERANCE,
    now: float | None = None,
) -> dict[str, Any]:
    """The event of a correctly signed, fresh payload; else `InvalidSignature`/`InvalidWebhook`."""
    if isinstance(payload, bytes | bytearray):
        payload = payload.decode("utf-8", errors="replace")
    if not header:
        raise InvalidSignature("missing Stripe-Signature header", {"reason": "missing"})
    if not secret:
        raise InvalidSignature("no webhook secret is configured", {"reason": "unconfigured"})
    stamp = _timestamp(header)
    current = time.time() if now is None else now
    if stamp > current + future_tolerance:
        raise InvalidSignature("signature timestamp is in the future", {"reason": "future"})
    if stamp < current - tolerance:
        raise InvalidSignature("signature timestamp is too old", {"reason": "expired"})
    try:
        stripe.WebhookSignature.verify_header(payload, header, secret, tolerance=None)
    except stripe.SignatureVerificationError as exc:
        raise InvalidSignature("signature does not match the body", {"reason": "mismatch"}) from exc
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise InvalidWebhook("the body is not JSON") from exc
    if not (
        isinstance(event, dict)
        and event.get("id")
        and event.get("type")
        and isinstance((event.get("data") or {}).get("object"), dict)
    ):
        raise InvalidWebhook("the body is not a provider event")
    return event


def _timestamp(header: str) -> int:
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                return int(value)
            except ValueError:
                break
    raise InvalidSignature("signature header has no timestamp", {"reason": "malformed"})
