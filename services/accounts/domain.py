"""Accounts rules: registration, passwords, access/refresh tokens, resets, profiles, addresses.

Pure Python: the repository, password hasher and token signer are ports (abstract classes below)
implemented with SQLAlchemy, argon2 and PyJWT in `repository.py` / `dependencies.py`, and by fakes
in the unit tests. Every method works inside the caller's unit of work; the caller commits.

Refresh tokens are opaque random strings stored only as SHA-256 hashes, grouped in families (one
per login). Refreshing spends the presented token and issues the next one of the family; a spent
token presented again revokes the whole family. A token lives `refresh_ttl` from its issue
(sliding), and never beyond its family's absolute expiry (`refresh_absolute_ttl` from the login).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.accounts.exceptions import (
    InvalidUnsubscribeToken,
    WeakPassword,
)
from services.common.ports import Transactional

ROLES = ("customer", "seller", "admin")
DEFAULT_ROLE = "customer"
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
# The email's local part is only checked when it is long enough to be meaningful ("jo@x.io").
MIN_LOCAL_PART_CHECKED = 3

# Common passwords of 10+ characters (shorter ones already fail the length rule), lowercase.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "0987654321",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qwertyuiop",
        "qwerty1234",
        "qwerty12345",
        "qwerty123456",
        "password1234",
        "password123",
        "password12",
        "password01",
        "password1!",
        "passw0rd123",
        "p@ssword123",
        "p@ssw0rd123",
        "abc1234567",
        "abcd123456",
        "a123456789",
        "1234567890a",
        "iloveyou123",
        "welcome123",
        "welcome1234",
        "letmein123",
        "admin12345",
        "admin123456",
        "administrator1",
        "changeme123",
        "football123",
        "baseball123",
        "sunshine123",
        "princess123",
        "monkey12345",
        "dragon12345",
        "trustno1234",
        "starwars123",
        "superman123",
        "michael1234",
        "whatever123",
        "q1w2e3r4t5",
        "zaq12wsxcde",
        "1q2w3e4r5t6y",
        "test123456",
        "testing123",
        "default123",
        "secret1234",
        "computer123",
        "internet123",
        "bazaar12345",
        "bazaar123456",
    }
)


def new_id() -> str:
    return str(uuid.uuid4())


def new_opaque_token() -> str:
    """A refresh or reset token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What is stored of an opaque token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """Emails are compared and stored stripped and lowercased."""
    return email.strip().lower()


# Each password rule: what a form states before submitting (the requirement) and the field error
# when it is broken. password_problems() reports the errors and password_policy() publishes both,
# so the form shows exactly what the server checks.
PASSWORD_RULES = {
    "min_length": (
        f"At least {MIN_PASSWORD_LENGTH} characters",
        f"Must be at least {MIN_PASSWORD_LENGTH} characters long.",
    ),
    "max_length": (
        f"At most {MAX_PASSWORD_LENGTH} characters",
        f"Must be at most {MAX_PASSWORD_LENGTH} characters long.",
    ),
    "letter": ("At least one letter", "Must contain at least one letter."),
    "digit": ("At least one digit", "Must contain at least one digit."),
    "common": ("Not a common password", "Is too common."),
    "email": ("Does not contain your email address", "Must not contain your email address."),
}


def password_problems(password: str, email: str = "") -> list[str]:
    """Every reason `password` is too weak (empty when it is acceptable)."""
    local_part = normalise_email(email).split("@", 1)[0]
    broken = {
        "min_length": len(password) < MIN_PASSWORD_LENGTH,
        "max_length": len(password) > MAX_PASSWORD_LENGTH,
        "letter": not any(ch.isalpha() for ch in password),
        "digit": not any(ch.isdigit() for ch in password),
        "common": password.lower() in COMMON_PASSWORDS,
        "email": len(local_part) >= MIN_LOCAL_PART_CHECKED and local_part in password.lower(),
    }
    return [PASSWORD_RULES[rule][1] for rule, failed in broken.items() if failed]


def password_policy() -> dict[str, Any]:
    """The rules password_problems() applies, for a form to show before it submits: the limits
    (lengths counted in characters) and every rule's requirement and error text. The
    common-password list stays here."""
    return {
        "min_length": MIN_PASSWORD_LENGTH,
        "max_length": MAX_PASSWORD_LENGTH,
        "requires_letter": True,
        "requires_digit": True,
        "email_local_part_min": MIN_LOCAL_PART_CHECKED,
        "rules": [
            {"id": rule, "label": label, "text": text}
            for rule, (label, text) in PASSWORD_RULES.items()
        ],
    }


def check_password(password: str, email: str) -> None:
    """Raise `WeakPassword` naming every problem of `password`."""
    problems = password_problems(password, email)
    if problems:
        raise WeakPassword("password is too weak", {"fields": {"password": problems}})


# --- unsubscribe links ----------------------------------------------------------------------

# What an unsubscribe link can turn off: the topic names the User flag it clears.
UNSUBSCRIBE_TOPICS = ("cart_reminders",)
UNSUBSCRIBE_MAC_BYTES = 16  # 128 bits of HMAC-SHA256: unforgeable, and a short enough link
MAX_REMINDER_USERS = 500  # ids per reminder_preferences call (the cart sweeps in batches of 200)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    """The bytes `_b64` wrote as `text`, and only those: characters outside the URL-safe
    alphabet (which urlsafe_b64decode skips) or a non-canonical spelling raise binascii.Error,
    so one token has one spelling."""
    raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    if _b64(raw) != text:
        raise binascii.Error("not the canonical spelling")
    return raw


class UnsubscribeTokens:
    """Signed unsubscribe links: `b64url(user_id).b64url(topic).b64url(mac[:16])`, the MAC an
    HMAC-SHA256 under `key` of the first two parts as written. A link does not expire (an old
    email must keep working) and names no secret; it only ever turns a topic off. The key comes
    from dependencies.py (derived from the JWT signing key: rotating that voids older links)."""

    def __init__(self, key: bytes):
        if len(key) < 16:
            raise ValueError("the unsubscribe key must be at least 128 bits")
        self._key = key

    def _mac(self, signed: str) -> bytes:
        digest = hmac.new(self._key, signed.encode("ascii"), hashlib.sha256).digest()
        return digest[:UNSUBSCRIBE_MAC_BYTES]

    def issue(self, user_id: str, topic: str) -> str:
        """The token of `user_id`'s `topic` link (one of UNSUBSCRIBE_TOPICS; ValueError else)."""
        if topic not in UNSUBSCRIBE_TOPICS:
            raise ValueError(f"unknown unsubscribe topic {topic!r}")
        signed = f"{_b64(user_id.encode())}.{_b64(topic.encode())}"
        return f"{signed}.{_b64(self._mac(signed))}"

    def read(self, token: str) -> tuple[str, str]:
        """(user_id, topic) of a token this key issued; raises InvalidUnsubscribeToken for a
        malformed, forged or altered one, or one naming an unknown topic. The MAC is compared in
        constant time, before anything else of the token is trusted."""
        parts = token.split(".")
        if len(parts) != 3 or not all(parts):
            raise InvalidUnsubscribeToken("this unsubscribe link is not valid")
        try:
            mac = _unb64(parts[2])
            signed = f"{parts[0]}.{parts[1]}"
            expected = self._mac(signed)
        except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
            raise InvalidUnsubscribeToken("this unsubscribe link is not valid") from exc
        if not hmac.compare_digest(mac, expected):
            raise InvalidUnsubscribeToken("this unsubscribe link is not valid")
        try:
            user_id, topic = _unb64(parts[0]).decode(), _unb64(parts[1]).decode()
        except (binascii.Error, ValueError) as exc:  # signed by us, so never in practice
            raise InvalidUnsubscribeToken("this unsubscribe link is not valid") from exc
        if topic not in UNSUBSCRIBE_TOPICS:
            raise InvalidUnsubscribeToken("this unsubscribe link is not valid")
        return user_id, topic


# --- entities (mapped to tables imperatively in models.py) -------------------------------------


@dataclass(eq=False)
class User:
    id: str
    email: str
    password_hash: str
    first_name: str
    last_name: str
    created_at: datetime
    updated_at: datetime
    phone: str | None = None
    role: str = DEFAULT_ROLE
    is_active: bool = True
    cart_reminders: bool = True  # abandoned-cart reminder emails


@dataclass(eq=False)
class TokenFamily:
    """The refresh tokens descending from one login; `expires_at` is its absolute lifetime."""

    id: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    revoked_reason: str | None = None

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def revoke(self, now: datetime, reason: str) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
            self.revoked_reason = reason


@dataclass(eq=False)
class RefreshToken:
    id: str
    family_id: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(eq=False)
class PasswordReset:
    id: str
    user_id: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(eq=False)
class Address:
    id: str
    user_id: str
    first_name: str
    last_name: str
    address1: str
    city: str
    postal_code: str
    country: str
    created_at: datetime
    updated_at: datetime
    address2: str | None = None
    state: str | None = None
    phone: str | None = None
    is_default: bool = False


@dataclass
class AuthResult:
    user: User
    access_token: str
    refresh_token: str
    expires_in: int


@dataclass(frozen=True)
class Settings:
    """Lifetimes in seconds (config JWT.access_ttl, JWT.refresh_ttl, JWT.refresh_absolute_ttl,
    PASSWORD_RESET_TTL)."""

    access_ttl: int = 900
    refresh_ttl: int = 7 * 24 * 3600
    refresh_absolute_ttl: int = 30 * 24 * 3600
    reset_ttl: int = 3600


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    limit: int


# --- ports ----------------------------------------------------------------------------------


class AccountsRepository(Transactional):
    """Storage of the accounts aggregates, within one transaction (events, commit and rollback:
    `Transactional`)."""

    @abstractmethod
    def add_user(self, user: User) -> None:
        """Raises EmailTaken when another user has the email (also under concurrency)."""

    @abstractmethod
    def get_user(self, user_id: str, *, for_update: bool = False) -> User | None: ...

    @abstractmethod
    def get_user_by_email(self, email: str) -> User | None: ...

    @abstractmethod
    def list_users(
        self, *, page: int, limit: int, q: str | None, role: str | None
    ) -> tuple[list[User], int]: ...

    @abstractmethod
    def reminder_recipients(self, user_ids: list[str]) -> list[str]:
        """Those of `user_ids` that are active users opted in to cart reminders."""

    @abstractmethod
    def active_admins(self) -> list[User]:
        """Every active admin, locked for update in id order: concurrent demotions and
        deactivations of admins serialise here (and cannot deadlock), so two admins removing each
        other at once leave one."""

    @abstractmethod
    def add_family(self, family: TokenFamily) -> None: ...

    @abstractmethod
    def get_family(self, family_id: str, *, for_update: bool = False) -> TokenFamily | None: ...

    @abstractmethod
    def active_families(self, user_id: str) -> list[TokenFamily]:
        """The user's families not revoked yet, locked for update."""

    @abstractmethod
    def add_refresh_token(self, token: RefreshToken) -> None: ...

    @abstractmethod
    def get_refresh_token(self, token_hash: str) -> RefreshToken | None:
        """The token row, locked for update: concurrent refreshes of one token serialise here."""

    @abstractmethod
    def add_password_reset(self, reset: PasswordReset) -> None: ...

    @abstractmethod
    def get_password_reset(self, token_hash: str) -> PasswordReset | None:
        """The reset row, locked for update."""

    @abstractmethod
    def pending_password_resets(self, user_id: str) -> list[PasswordReset]: ...

    @abstractmethod
    def addresses(self, user_id: str) -> list[Address]:
        """The user's addresses, the default first, then oldest first."""

    @abstractmethod
    def add_address(self, address: Address) -> None: ...

    @abstractmethod
    def delete_address(self, address: Address) -> None:
        """Delete at once (before later changes are written)."""

    @abstractmethod
    def flush(self) -> None:
        """Write pending changes now (the one-default-address index checks each statement)."""


class PasswordHasher(ABC):
    @abstractmethod
    def hash(self, password: str) -> str: ...

    @abstractmethod
    def verify(self, password_hash: str, password: str) -> bool: ...

    @abstractmethod
    def needs_rehash(self, password_hash: str) -> bool: ...

    @abstractmethod
    def waste_time(self, password: str) -> None:
        """Spend a verification's time when there is no user, so timing says little."""


class AccessTokenSigner(ABC):
    @abstractmethod
    def sign(self, user: User, now: datetime, ttl: int) -> str:
        """A signed access token for `user`, valid `ttl` seconds from `now`."""
