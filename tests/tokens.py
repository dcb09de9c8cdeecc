"""Access tokens minted in tests with the test signing key, including forged ones."""

from __future__ import annotations

import base64
import json
import time
import uuid
from pathlib import Path

import jwt


def claims(config: dict, **overrides) -> dict:
    settings = config["JWT"]
    now = int(time.time())
    base = {
        "sub": overrides.pop("sub", str(uuid.uuid4())),
        "role": "customer",
        "jti": uuid.uuid4().hex,
        "iss": settings["issuer"],
        "aud": settings["audience"],
        "iat": now,
        "exp": now + 900,
    }
    base.update(overrides)
    return base


def mint(config: dict, **overrides) -> str:
    """A valid access token (EdDSA, the test private key) with `overrides` applied to its claims."""
    key = Path(config["JWT"]["private_key_path"]).read_text()
    return jwt.encode(claims(config, **overrides), key, algorithm="EdDSA")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(config: dict, **overrides) -> str:
    """`alg: none`, no signature."""
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(claims(config, **overrides)).encode())}."


def hs256_with_public_key(config: dict, **overrides) -> str:
    """The classic key-confusion forgery: HMAC-signed with the public key as the secret."""
    import hashlib
    import hmac

    secret = Path(config["JWT"]["public_key_path"]).read_bytes()
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims(config, **overrides)).encode())
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def tampered(config: dict, **overrides) -> str:
    """A validly signed token whose payload was then changed (role escalated to admin)."""
    token = mint(config, **overrides)
    header, _, signature = token.split(".")
    payload = _b64(json.dumps(claims(config, role="admin")).encode())
    return f"{header}.{payload}.{signature}"
