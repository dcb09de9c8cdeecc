"""Access-token verification: the public key only, an algorithm allow-list, issuer and audience."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jwt
from nameko.extensions import SharedExtension

from gateway.errors import Unauthorized
from services.common.config import JWT

ALLOWED_ALGORITHMS = ["EdDSA"]
REQUIRED_CLAIMS = ["sub", "role", "jti", "iss", "aud", "iat", "exp"]


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request."""

    user_id: str
    role: str
    token_id: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class TokenVerifier(SharedExtension):
    """Loads the accounts service's public key once per container and verifies bearer tokens."""

    def setup(self):
        settings = self.container.config[JWT]
        self.public_key = Path(settings["public_key_path"]).read_text()
        self.issuer = settings["issuer"]
        self.audience = settings["audience"]
        self.leeway = int(settings.get("leeway", 0))
        # Never take the algorithm from the token header: the allow-list is ours.
        self.algorithms = [settings.get("algorithm", "EdDSA")]
        assert set(self.algorithms) <= set(ALLOWED_ALGORITHMS), "JWT algorithm not allowed"

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self.public_key,
                algorithms=self.algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("access token expired", {"reason": "expired"}) from exc
        except jwt.InvalidTokenError as exc:
            raise Unauthorized("invalid access token", {"reason": "invalid"}) from exc
        return Principal(
            user_id=str(claims["sub"]), role=str(claims["role"]), token_id=claims["jti"]
        )

    def from_header(self, header: str | None) -> Principal | None:
        """The principal of an `Authorization: Bearer` header; None when the header is absent."""
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("expected 'Authorization: Bearer <token>'", {"reason": "scheme"})
        return self.verify(token.strip())
