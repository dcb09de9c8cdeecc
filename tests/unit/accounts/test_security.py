"""The real adapters: argon2 hashing with configured parameters, EdDSA access tokens."""

from datetime import UTC, datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.accounts.dependencies import Argon2Hasher, JwtSigner, settings_from_config
from services.accounts.domain import User

LOW = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def test_argon2_verifies_the_right_password_only():
    hasher = Argon2Hasher(LOW)
    hashed = hasher.hash("sturdy-walrus-42")
    assert hashed.startswith("$argon2id$") and "sturdy" not in hashed
    assert hasher.verify(hashed, "sturdy-walrus-42")
    assert not hasher.verify(hashed, "sturdy-walrus-43")
    assert not hasher.verify("not a hash", "sturdy-walrus-42")


def test_a_hash_made_with_other_parameters_needs_a_rehash():
    old = Argon2Hasher(LOW).hash("sturdy-walrus-42")
    assert not Argon2Hasher(LOW).needs_rehash(old)
    assert Argon2Hasher({**LOW, "time_cost": 2}).needs_rehash(old)


def test_access_tokens_are_eddsa_with_every_required_claim():
    key = Ed25519PrivateKey.generate()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signer = JwtSigner(key, issuer="bazaar-accounts", audience="bazaar")
    now = datetime.now(UTC)
    user = User("u-1", "j@x.io", "h", "J", "D", now, now, role="seller")
    token = signer.sign(user, now, 900)
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"
    claims = jwt.decode(
        token, public_pem, algorithms=["EdDSA"], audience="bazaar", issuer="bazaar-accounts"
    )
    assert claims["sub"] == "u-1" and claims["role"] == "seller"
    assert claims["exp"] - claims["iat"] == 900 and claims["jti"]
    assert signer.sign(user, now, 900) != token  # a fresh jti each time
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, public_pem, algorithms=["EdDSA"], audience="elsewhere")


def test_lifetimes_come_from_config():
    settings = settings_from_config(
        {
            "JWT": {"access_ttl": 60, "refresh_ttl": 120, "refresh_absolute_ttl": 600},
            "PASSWORD_RESET_TTL": 30,
        }
    )
    assert (settings.access_ttl, settings.refresh_ttl) == (60, 120)
    assert (settings.refresh_absolute_ttl, settings.reset_ttl) == (600, 30)
