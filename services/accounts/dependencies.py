"""Infrastructure of the accounts service: argon2 password hashing, EdDSA access tokens and the
key of the unsubscribe links.

`Security` loads the signing key and reads the settings once per container (in `setup()`), and
injects a `SecurityKit` holding the hasher, the signer, the unsubscribe tokens and the token
lifetimes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import argon2
import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from eventlet import tpool
from nameko.extensions import DependencyProvider

from services.accounts import domain
from services.common.config import JWT, PASSWORD_HASHING, PASSWORD_RESET_TTL


class Argon2Hasher(domain.PasswordHasher):
    """argon2id with the configured parameters. Hashing is CPU-bound and argon2-cffi releases the
    GIL, so it runs in eventlet's thread pool instead of blocking the hub (and AMQP heartbeats)."""

    def __init__(self, params: dict[str, Any] | None = None):
        params = params or {}
        self._hasher = argon2.PasswordHasher(
            time_cost=int(params.get("time_cost", argon2.DEFAULT_TIME_COST)),
            memory_cost=int(params.get("memory_cost", argon2.DEFAULT_MEMORY_COST)),
            parallelism=int(params.get("parallelism", argon2.DEFAULT_PARALLELISM)),
        )
        self._dummy_hash = self._hasher.hash("not a real password 0")

    def hash(self, password: str) -> str:
        return tpool.execute(self._hasher.hash, password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return bool(tpool.execute(self._hasher.verify, password_hash, password))
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def waste_time(self, password: str) -> None:
        self.verify(self._dummy_hash, password)


class JwtSigner(domain.AccessTokenSigner):
    """EdDSA access tokens with claims sub, role, jti, iss, aud, iat, exp."""

    def __init__(self, private_key: Any, issuer: str, audience: str, algorithm: str = "EdDSA"):
        self._key = private_key
        self._issuer = issuer
        self._audience = audience
        self._algorithm = algorithm

    @classmethod
    def from_config(cls, settings: dict[str, Any], private_key: Any = None) -> JwtSigner:
        return cls(
            private_key if private_key is not None else load_private_key(settings),
            issuer=settings["issuer"],
            audience=settings["audience"],
            algorithm=settings.get("algorithm", "EdDSA"),
        )

    def sign(self, user: domain.User, now: datetime, ttl: int) -> str:
        iat = int(now.timestamp())
        claims = {
            "sub": user.id,
            "role": user.role,
            "jti": uuid.uuid4().hex,
            "iss": self._issuer,
            "aud": self._audience,
            "iat": iat,
            "exp": iat + ttl,
        }
        return jwt.encode(claims, self._key, algorithm=self._algorithm)


def load_private_key(jwt_settings: dict[str, Any]) -> Any:
    """The JWT signing key (JWT.private_key_path, PEM, unencrypted)."""
    pem = Path(jwt_settings["private_key_path"]).read_bytes()
    return load_pem_private_key(pem, password=None)


UNSUBSCRIBE_KEY_INFO = b"bazaar-unsubscribe-v1"


def unsubscribe_key(private_key: Any) -> bytes:
    """The HMAC key of the unsubscribe links, derived by HKDF-SHA256 from the JWT private key
    (its PKCS#8 DER bytes) under its own `info`: no second secret to deploy, and the derived key
    reveals nothing of the signing key. Rotating the JWT key voids older links (the profile's
    switch still works)."""
    material = private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=UNSUBSCRIBE_KEY_INFO).derive(
        material
    )


def settings_from_config(config: dict[str, Any]) -> domain.Settings:
    jwt_settings = config.get(JWT, {})
    defaults = domain.Settings()
    return domain.Settings(
        access_ttl=int(jwt_settings.get("access_ttl", defaults.access_ttl)),
        refresh_ttl=int(jwt_settings.get("refresh_ttl", defaults.refresh_ttl)),
        refresh_absolute_ttl=int(
            jwt_settings.get("refresh_absolute_ttl", defaults.refresh_absolute_ttl)
        ),
        reset_ttl=int(config.get(PASSWORD_RESET_TTL, defaults.reset_ttl)),
    )


@dataclass(frozen=True)
class SecurityKit:
    hasher: domain.PasswordHasher
    signer: domain.AccessTokenSigner
    settings: domain.Settings
    unsubscribe: domain.UnsubscribeTokens


def security_from_config(config: dict[str, Any]) -> SecurityKit:
    private_key = load_private_key(config[JWT])
    return SecurityKit(
        hasher=Argon2Hasher(config.get(PASSWORD_HASHING)),
        signer=JwtSigner.from_config(config[JWT], private_key),
        settings=settings_from_config(config),
        unsubscribe=domain.UnsubscribeTokens(unsubscribe_key(private_key)),
    )


class Security(DependencyProvider):
    """Injects the container's `SecurityKit` (key and parameters loaded once, in setup)."""

    kit: SecurityKit

    def setup(self):
        self.kit = security_from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.kit
