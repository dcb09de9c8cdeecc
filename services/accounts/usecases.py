"""The accounts use cases: one class, `Accounts`, over the ports of `domain` (a repository, a
password hasher, a token signer) and one unit of work, which the service commits.

Pure like the domain (no nameko, SQLAlchemy or redis): unit-tested with the fakes in
`tests/unit/accounts/fakes.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from services.accounts.domain import (
    DEFAULT_ROLE,
    AccessTokenSigner,
    AccountsRepository,
    Address,
    AuthResult,
    Page,
    PasswordHasher,
    PasswordReset,
    RefreshToken,
    Settings,
    TokenFamily,
    UnsubscribeTokens,
    User,
    check_password,
    hash_token,
    new_id,
    new_opaque_token,
    normalise_email,
)
from services.accounts.exceptions import (
    AccountDisabled,
    AddressNotFound,
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    InvalidResetToken,
    InvalidUnsubscribeToken,
    LastActiveAdmin,
    OwnAdminAccess,
    RefreshTokenReused,
    UserNotFound,
)
from services.common.clock import utcnow


@dataclass
class Accounts:
    """The accounts use cases over one unit of work."""

    repo: AccountsRepository
    hasher: PasswordHasher
    signer: AccessTokenSigner
    settings: Settings = field(default_factory=Settings)
    clock: Callable[[], datetime] = utcnow
    new_token: Callable[[], str] = new_opaque_token
    # the unsubscribe links' signer; None where none is issued or read (the shell's admin tools)
    unsubscribe_links: UnsubscribeTokens | None = None

    # authentication

    def register(self, email: str, password: str, first_name: str, last_name: str) -> AuthResult:
        """Create a customer and log them in; raises EmailTaken, WeakPassword.
        Event: user_registered {user_id, email, first_name}."""
        email = normalise_email(email)
        check_password(password, email)
        if self.repo.get_user_by_email(email) is not None:
            raise EmailTaken("an account with this email already exists", {"email": email})
        now = self.clock()
        user = self._add_user(email, password, first_name, last_name, DEFAULT_ROLE, now)
        return self._login(user, now)

    def authenticate(self, email: str, password: str) -> AuthResult:
        """Log in with email and password; raises InvalidCredentials, AccountDisabled.
        Rehashes the password when the hashing parameters changed."""
        user = self.repo.get_user_by_email(normalise_email(email))
        if user is None:
            self.hasher.waste_time(password)
            raise InvalidCredentials("invalid email or password")
        if not self.hasher.verify(user.password_hash, password):
            raise InvalidCredentials("invalid email or password")
        if not user.is_active:
            raise AccountDisabled("this account has been deactivated")
        now = self.clock()
        if self.hasher.needs_rehash(user.password_hash):
            user.password_hash = self.hasher.hash(password)
        return self._login(user, now)

    def refresh(self, raw_token: str) -> AuthResult:
        """Spend a refresh token for a new access and refresh token.
        Raises InvalidRefreshToken (unknown, expired, revoked), RefreshTokenReused (the token was
        spent already: its family is now revoked, and the caller must commit that), AccountDisabled.
        """
        now = self.clock()
        token = self.repo.get_refresh_token(hash_token(raw_token))
        if token is None:
            raise InvalidRefreshToken("unknown refresh token")
        family = self.repo.get_family(token.family_id, for_update=True)
        if family is None or family.revoked_at is not None:
            raise InvalidRefreshToken("refresh token revoked")
        if token.used_at is not None:
            family.revoke(now, "reuse")
            raise RefreshTokenReused(
                "refresh token already used; every session of this login is revoked"
            )
        if now >= token.expires_at or now >= family.expires_at:
            raise InvalidRefreshToken("refresh token expired")
        user = self.repo.get_user(family.user_id)
        if user is None:
            raise InvalidRefreshToken("unknown refresh token")
        if not user.is_active:
            family.revoke(now, "disabled")
            raise AccountDisabled("this account has been deactivated")
        token.used_at = now
        return AuthResult(
            user=user,
            access_token=self.signer.sign(user, now, self.settings.access_ttl),
            refresh_token=self._issue_refresh_token(family, now),
            expires_in=self.settings.access_ttl,
        )

    def revoke(self, raw_token: str) -> None:
        """Log out: revoke the token's family. Unknown or already revoked tokens are ignored."""
        token = self.repo.get_refresh_token(hash_token(raw_token))
        if token is None:
            return
        family = self.repo.get_family(token.family_id, for_update=True)
        if family is not None:
            family.revoke(self.clock(), "logout")

    def revoke_all(self, user_id: str, reason: str = "logout_all") -> int:
        """Revoke every refresh-token family of the user; returns how many were active."""
        now = self.clock()
        families = self.repo.active_families(user_id)
        for family in families:
            family.revoke(now, reason)
        return len(families)

    # password reset

    def request_password_reset(self, email: str | None) -> None:
        """Issue a single-use reset token to an active user; silently nothing for unknown emails
        and for None (no email at all: `schemas.ResetRequestSchema`), which asks nothing.
        Event: password_reset_requested {user_id, email, first_name, token, expires_at}."""
        if email is None:
            return
        user = self.repo.get_user_by_email(normalise_email(email))
        if user is None or not user.is_active:
            return
        now = self.clock()
        raw = self.new_token()
        reset = PasswordReset(
            id=new_id(),
            user_id=user.id,
            token_hash=hash_token(raw),
            created_at=now,
            expires_at=now + timedelta(seconds=self.settings.reset_ttl),
        )
        self.repo.add_password_reset(reset)
        self.repo.record_event(
            "password_reset_requested",
            {
                "user_id": user.id,
                "email": user.email,
                "first_name": user.first_name,
                "token": raw,
                "expires_at": reset.expires_at.isoformat(),
            },
        )

    def reset_password(self, raw_token: str, password: str) -> None:
        """Set a new password with a reset token; raises InvalidResetToken, WeakPassword.
        Spends every pending reset token of the user and revokes all their refresh families.
        Event: password_changed {user_id}."""
        now = self.clock()
        reset = self.repo.get_password_reset(hash_token(raw_token))
        if reset is None or reset.used_at is not None or now >= reset.expires_at:
            raise InvalidResetToken("this password-reset link is invalid or has expired")
        user = self.repo.get_user(reset.user_id, for_update=True)
        if user is None or not user.is_active:
            raise InvalidResetToken("this password-reset link is invalid or has expired")
        check_password(password, user.email)
        user.password_hash = self.hasher.hash(password)
        user.updated_at = now
        for pending in self.repo.pending_password_resets(user.id):
            pending.used_at = now
        reset.used_at = now
        self.revoke_all(user.id, "password_reset")
        self.repo.record_event("password_changed", {"user_id": user.id})

    # profile and administration

    def get_user(self, user_id: str) -> User:
        user = self.repo.get_user(user_id)
        if user is None:
            raise UserNotFound("no such user", {"user_id": user_id})
        return user

    def update_profile(self, user_id: str, changes: dict[str, Any]) -> User:
        """Change first_name, last_name, phone and/or cart_reminders."""
        user = self.get_user(user_id)
        for name in ("first_name", "last_name", "phone", "cart_reminders"):
            if name in changes:
                setattr(user, name, changes[name])
        user.updated_at = self.clock()
        return user

    # reminders and unsubscribe links

    def reminder_preferences(self, user_ids: list[str]) -> list[str]:
        """Those of `user_ids` who are active and opted in to cart reminders, each once, in the
        order asked (the caller bounds the batch: schemas.ReminderPreferencesSchema)."""
        wanted = list(dict.fromkeys(user_ids))
        if not wanted:
            return []
        allowed = set(self.repo.reminder_recipients(wanted))
        return [user_id for user_id in wanted if user_id in allowed]

    def unsubscribe_token(self, user_id: str, topic: str) -> str:
        """The token of the user's unsubscribe link for `topic` (the link works signed out)."""
        return self._links().issue(user_id, topic)

    def unsubscribe(self, token: str) -> dict[str, Any]:
        """Turn off the topic a link names: {"topic", "unsubscribed": True}. Idempotent (a
        second click changes nothing and answers the same). Raises InvalidUnsubscribeToken for a
        bad token, or one of a user who no longer exists."""
        user_id, topic = self._links().read(token)
        user = self.repo.get_user(user_id, for_update=True)
        if user is None:
            raise InvalidUnsubscribeToken("this unsubscribe link is not valid")
        if getattr(user, topic):
            setattr(user, topic, False)
            user.updated_at = self.clock()
        return {"topic": topic, "unsubscribed": True}

    def list_users(
        self, page: int = 1, limit: int = 20, q: str | None = None, role: str | None = None
    ) -> Page:
        users, total = self.repo.list_users(page=page, limit=limit, q=q, role=role)
        return Page(items=users, total=total, page=page, limit=limit)

    def admin_update_user(self, user_id: str, changes: dict[str, Any], *, actor_id: str) -> User:
        """Change role and/or is_active on behalf of the admin `actor_id`; deactivating revokes
        every refresh family. Raises UserNotFound; OwnAdminAccess when the actor would demote or
        deactivate themselves; LastActiveAdmin when it would leave the shop with no active admin
        (checked with the active admins locked, so it holds under concurrent changes)."""
        removes_admin = changes.get("role", "admin") != "admin" or changes.get("is_active") is False
        # lock the admins before the user (same order in every transaction: no deadlock)
        admins = self.repo.active_admins() if removes_admin else []
        user = self.repo.get_user(user_id, for_update=True)
        if user is None:
            raise UserNotFound("no such user", {"user_id": user_id})
        if removes_admin and user.role == "admin" and user.is_active:
            if user.id == actor_id:
                raise OwnAdminAccess(
                    "you cannot demote or deactivate your own account; ask another admin",
                    {"user_id": user_id},
                )
            if not any(admin.id != user.id for admin in admins):
                raise LastActiveAdmin(
                    "this is the last active admin: make another admin first",
                    {"user_id": user_id},
                )
        if "role" in changes:
            user.role = changes["role"]
        if "is_active" in changes:
            user.is_active = changes["is_active"]
            if not user.is_active:
                self.revoke_all(user.id, "disabled")
        user.updated_at = self.clock()
        return user

    def grant_admin(
        self, email: str, password: Callable[[], str], first_name: str, last_name: str
    ) -> tuple[User, str]:
        """Make `email` an active admin (the shell's way back in when no admin can sign in):
        an existing account is promoted and reactivated, keeping its password ("restored"); an
        unknown email becomes a new admin with the password `password()` returns, checked by the
        password policy ("created"); an active admin already is left alone ("unchanged").
        Raises WeakPassword. Event (created): user_registered {user_id, email, first_name}."""
        email = normalise_email(email)
        existing = self.repo.get_user_by_email(email)
        now = self.clock()
        if existing is not None:
            user = self.repo.get_user(existing.id, for_update=True) or existing
            if user.role == "admin" and user.is_active:
                return user, "unchanged"
            user.role = "admin"
            user.is_active = True
            user.updated_at = now
            return user, "restored"
        secret = password()
        check_password(secret, email)
        return self._add_user(email, secret, first_name, last_name, "admin", now), "created"

    # addresses

    def list_addresses(self, user_id: str) -> list[Address]:
        return self.repo.addresses(user_id)

    def get_address(self, user_id: str, address_id: str) -> Address:
        for address in self.repo.addresses(user_id):
            if address.id == address_id:
                return address
        raise AddressNotFound("no such address", {"address_id": address_id})

    def add_address(self, user_id: str, data: dict[str, Any]) -> Address:
        """Add an address; the user's first address, or one with is_default, becomes default."""
        self._lock_user(user_id)
        existing = self.repo.addresses(user_id)
        now = self.clock()
        make_default = bool(data.get("is_default")) or not existing
        fields = {k: v for k, v in data.items() if k != "is_default"}
        if make_default:
            self._clear_default(existing)
        address = Address(
            id=new_id(),
            user_id=user_id,
            created_at=now,
            updated_at=now,
            is_default=make_default,
            **fields,
        )
        self.repo.add_address(address)
        return address

    def update_address(self, user_id: str, address_id: str, changes: dict[str, Any]) -> Address:
        """Change an address; is_default=True moves the default here (it cannot be unset, only
        moved, so a user with addresses always has one default)."""
        self._lock_user(user_id)
        address = self.get_address(user_id, address_id)
        for name, value in changes.items():
            if name != "is_default":
                setattr(address, name, value)
        if changes.get("is_default") and not address.is_default:
            self._clear_default(self.repo.addresses(user_id))
            address.is_default = True
        address.updated_at = self.clock()
        return address

    def delete_address(self, user_id: str, address_id: str) -> None:
        """Delete an address; if it was the default, the oldest remaining one becomes default."""
        self._lock_user(user_id)
        address = self.get_address(user_id, address_id)
        self.repo.delete_address(address)
        if address.is_default:
            remaining = [a for a in self.repo.addresses(user_id) if a.id != address.id]
            if remaining:
                oldest = min(remaining, key=lambda a: a.created_at)
                oldest.is_default = True

    # helpers

    def _links(self) -> UnsubscribeTokens:
        if self.unsubscribe_links is None:
            raise RuntimeError("these Accounts were built without the unsubscribe links' key")
        return self.unsubscribe_links

    def _lock_user(self, user_id: str) -> User:
        """Serialise a user's address changes (one default address)."""
        user = self.repo.get_user(user_id, for_update=True)
        if user is None:
            raise UserNotFound("no such user", {"user_id": user_id})
        return user

    def _clear_default(self, addresses: list[Address]) -> None:
        for address in addresses:
            address.is_default = False
        self.repo.flush()

    def _add_user(
        self, email: str, password: str, first_name: str, last_name: str, role: str, now: datetime
    ) -> User:
        """Store a new user (email normalised, password already judged by the policy).
        Event: user_registered {user_id, email, first_name}."""
        user = User(
            id=new_id(),
            email=email,
            password_hash=self.hasher.hash(password),
            first_name=first_name,
            last_name=last_name,
            created_at=now,
            updated_at=now,
            role=role,
        )
        self.repo.add_user(user)
        self.repo.record_event(
            "user_registered", {"user_id": user.id, "email": email, "first_name": first_name}
        )
        return user

    def _login(self, user: User, now: datetime) -> AuthResult:
        family = TokenFamily(
            id=new_id(),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(seconds=self.settings.refresh_absolute_ttl),
        )
        self.repo.add_family(family)
        return AuthResult(
            user=user,
            access_token=self.signer.sign(user, now, self.settings.access_ttl),
            refresh_token=self._issue_refresh_token(family, now),
            expires_in=self.settings.access_ttl,
        )

    def _issue_refresh_token(self, family: TokenFamily, now: datetime) -> str:
        raw = self.new_token()
        expires_at = min(now + timedelta(seconds=self.settings.refresh_ttl), family.expires_at)
        self.repo.add_refresh_token(
            RefreshToken(
                id=new_id(),
                family_id=family.id,
                token_hash=hash_token(raw),
                created_at=now,
                expires_at=expires_at,
            )
        )
        return raw
