"""The accounts service: users, roles, addresses, access/refresh tokens and password resets.

Entrypoints only: each RPC validates its arguments, runs one use case of `usecases.Accounts` in a
unit of work on the worker's session, and returns JSON (docs/architecture.md#shapes). Events go
through the transactional outbox, published by the `OutboxRelay` timer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from services.accounts import schemas
from services.accounts.dependencies import Security
from services.accounts.domain import password_policy
from services.accounts.exceptions import AccountDisabled, AccountsError, RefreshTokenReused
from services.accounts.models import Base
from services.accounts.repository import SqlAccountsRepository
from services.accounts.usecases import Accounts
from services.common import outbox
from services.common import service as common
from services.common.database import Database, Repository, unit_of_work
from services.common.errors import ValidationFailed
from services.common.rpc import rpc
from services.common.schemas import load

EXPECTED = (AccountsError, ValidationFailed)
# Errors raised after a change that must stick: a reused refresh token revokes its family,
# a deactivated user's refresh revokes the family it used.
_COMMIT_DESPITE = (RefreshTokenReused, AccountDisabled)


# `nameko run services.accounts.service` runs every class with entrypoints found in this module,
# so the base classes (which have entrypoints: ping, the relay timer) are reached via their modules.
class AccountsService(outbox.OutboxRelay, common.BazaarService):
    name = "accounts"

    db = Database(Base)
    repo = Repository(lambda session: SqlAccountsRepository(session, outbox.OutboxWriter()))
    security = Security()

    @contextmanager
    def _accounts(self) -> Iterator[Accounts]:
        """The use cases over the worker's repository, in one unit of work."""
        kit = self.security
        accounts = Accounts(
            repo=self.repo,
            hasher=kit.hasher,
            signer=kit.signer,
            settings=kit.settings,
            unsubscribe_links=kit.unsubscribe,
        )
        with unit_of_work(self.db.session, commit_despite=_COMMIT_DESPITE):
            yield accounts

    # authentication

    @rpc(expected_exceptions=EXPECTED)
    def register(self, email, password, first_name, last_name) -> dict:
        """-> AuthResult; raises EmailTaken, WeakPassword, ValidationFailed."""
        data = load(
            schemas.RegisterSchema(),
            {
                "email": email,
                "password": password,
                "first_name": first_name,
                "last_name": last_name,
            },
        )
        with self._accounts() as accounts:
            result = accounts.register(**data)
        return schemas.dump_auth(result)

    @rpc(expected_exceptions=EXPECTED)
    def authenticate(self, email, password) -> dict:
        """-> AuthResult; raises InvalidCredentials, AccountDisabled."""
        data = load(schemas.CredentialsSchema(), {"email": email, "password": password})
        with self._accounts() as accounts:
            result = accounts.authenticate(**data)
        return schemas.dump_auth(result)

    @rpc(expected_exceptions=EXPECTED)
    def refresh(self, refresh_token) -> dict:
        """-> AuthResult with a new refresh token; raises InvalidRefreshToken, RefreshTokenReused
        (the family is revoked), AccountDisabled."""
        token = load(schemas.TokenSchema(), {"token": refresh_token})["token"]
        with self._accounts() as accounts:
            result = accounts.refresh(token)
        return schemas.dump_auth(result)

    @rpc(expected_exceptions=EXPECTED)
    def revoke(self, refresh_token) -> None:
        """Log out: revoke the token's family (unknown tokens are ignored)."""
        token = load(schemas.TokenSchema(), {"token": refresh_token})["token"]
        with self._accounts() as accounts:
            accounts.revoke(token)

    @rpc(expected_exceptions=EXPECTED)
    def revoke_all(self, user_id) -> dict:
        """Log out everywhere: -> {"revoked": number of families revoked}."""
        user_id = load(schemas.UserIdSchema(), {"user_id": user_id})["user_id"]
        with self._accounts() as accounts:
            return {"revoked": accounts.revoke_all(user_id)}

    @rpc
    def password_policy(self) -> dict:
        """{min_length, max_length, requires_letter, requires_digit, email_local_part_min, rules:
        [{id, label, text}]}: public, what a password form shows before it submits (this service
        still judges every password)."""
        return password_policy()

    # password reset

    @rpc(expected_exceptions=EXPECTED)
    def request_password_reset(self, email) -> None:
        """Event password_reset_requested if the email is an active user's; None either way."""
        email = load(schemas.ResetRequestSchema(), {"email": email})["email"]
        with self._accounts() as accounts:
            accounts.request_password_reset(email)

    @rpc(expected_exceptions=EXPECTED)
    def reset_password(self, token, password) -> None:
        """Raises InvalidResetToken, WeakPassword. Revokes every session; event password_changed."""
        data = load(schemas.ResetPasswordSchema(), {"token": token, "password": password})
        with self._accounts() as accounts:
            accounts.reset_password(data["token"], data["password"])

    # profile

    @rpc(expected_exceptions=EXPECTED)
    def get_user(self, user_id) -> dict:
        """-> User; raises UserNotFound."""
        user_id = load(schemas.UserIdSchema(), {"user_id": user_id})["user_id"]
        with self._accounts() as accounts:
            return schemas.dump_user(accounts.get_user(user_id))

    @rpc(expected_exceptions=EXPECTED)
    def update_profile(self, user_id, changes) -> dict:
        """changes: any of first_name, last_name, phone, cart_reminders -> User; raises
        UserNotFound."""
        user_id = load(schemas.UserIdSchema(), {"user_id": user_id})["user_id"]
        changes = load(schemas.ProfileChangesSchema(), changes)
        with self._accounts() as accounts:
            return schemas.dump_user(accounts.update_profile(user_id, changes))

    # reminders and unsubscribe links

    @rpc(expected_exceptions=EXPECTED)
    def reminder_preferences(self, user_ids) -> list:
        """Those of `user_ids` (at most 500) who are active and opted in to cart reminders, in
        the order asked (the cart's reminder sweep asks once per batch)."""
        user_ids = load(schemas.ReminderPreferencesSchema(), {"user_ids": user_ids})["user_ids"]
        with self._accounts() as accounts:
            return accounts.reminder_preferences(user_ids)

    @rpc(expected_exceptions=EXPECTED)
    def unsubscribe_token(self, user_id, topic="cart_reminders") -> str:
        """The token of the user's unsubscribe link for `topic` (emails put it in
        {storefront}/unsubscribe?token=...). Signed, not stored: it reads no table."""
        args = load(schemas.UnsubscribeTokenSchema(), {"user_id": user_id, "topic": topic})
        with self._accounts() as accounts:
            return accounts.unsubscribe_token(args["user_id"], args["topic"])

    @rpc(expected_exceptions=EXPECTED)
    def unsubscribe(self, token) -> dict:
        """Turn off what an unsubscribe link names -> {"topic", "unsubscribed": True}; idempotent.
        Raises InvalidUnsubscribeToken."""
        token = load(schemas.TokenSchema(), {"token": token})["token"]
        with self._accounts() as accounts:
            return accounts.unsubscribe(token)

    # addresses (a user's own only: another user's address id is AddressNotFound)

    @rpc(expected_exceptions=EXPECTED)
    def list_addresses(self, user_id) -> list:
        """-> [Address], the default first."""
        user_id = load(schemas.UserIdSchema(), {"user_id": user_id})["user_id"]
        with self._accounts() as accounts:
            return [schemas.dump_address(a) for a in accounts.list_addresses(user_id)]

    @rpc(expected_exceptions=EXPECTED)
    def get_address(self, user_id, address_id) -> dict:
        """-> Address; raises AddressNotFound."""
        user_id = load(schemas.UserIdSchema(), {"user_id": user_id})["user_id"]
        with self._accounts() as accounts:
            return schemas.dump_address(accounts.get_address(user_id, str(address_id)))

    @rpc(expected_exceptions=EXPECTED)
    def add_address(self, user_id, address) -> dict:
        """-> Address (the first address, or one with is_default, becomes the default)."""
        user_id = load(schemas.UserIdSchema(), {"user_id": user_id})["user_id"]
        data = load(schemas.AddressSchema(), address)
        with self._accounts() as accounts:
            return schemas.dump_address(accounts.add_address(user_id, data))

    @rpc(expected_exceptions=EXPECTED)
    def update_address(self, user_id, address_id, changes) -> dict:
        """-> Address; raises AddressNotFound."""
        user_id = load(schemas.UserIdSchema(), {"user_id": user_id})["user_id"]
        changes = load(schemas.AddressChangesSchema(), changes, partial=True)
        with self._accounts() as accounts:
            return schemas.dump_address(accounts.update_address(user_id, str(address_id), changes))

    @rpc(expected_exceptions=EXPECTED)
    def delete_address(self, user_id, address_id) -> None:
        """Raises AddressNotFound; a deleted default passes to the oldest remaining address."""
        user_id = load(schemas.UserIdSchema(), {"user_id": user_id})["user_id"]
        with self._accounts() as accounts:
            accounts.delete_address(user_id, str(address_id))

    # administration

    @rpc(expected_exceptions=EXPECTED)
    def list_users(self, page=1, limit=20, q=None, role=None) -> dict:
        """-> Page[User], newest first; q matches email or name, role filters."""
        query = load(
            schemas.ListUsersSchema(), {"page": page, "limit": limit, "q": q, "role": role}
        )
        with self._accounts() as accounts:
            return schemas.dump_user_page(accounts.list_users(**query))

    @rpc(expected_exceptions=EXPECTED)
    def admin_update_user(self, user_id, changes, actor_id) -> dict:
        """changes: role and/or is_active, made by the admin `actor_id` -> User; deactivating
        revokes every session. Raises UserNotFound, OwnAdminAccess, LastActiveAdmin."""
        user_id = load(schemas.UserIdSchema(), {"user_id": user_id})["user_id"]
        actor_id = load(schemas.UserIdSchema(), {"user_id": actor_id})["user_id"]
        changes = load(schemas.AdminChangesSchema(), changes)
        with self._accounts() as accounts:
            user = accounts.admin_update_user(user_id, changes, actor_id=actor_id)
            return schemas.dump_user(user)
