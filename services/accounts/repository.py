"""The accounts repository on a SQLAlchemy session (the worker's, committed by the service)."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from services.accounts import models  # noqa: F401  (maps the domain classes)
from services.accounts.domain import (
    AccountsRepository,
    Address,
    PasswordReset,
    RefreshToken,
    TokenFamily,
    User,
)
from services.accounts.exceptions import EmailTaken
from services.common import pagination
from services.common.database import SqlRepository


class SqlAccountsRepository(SqlRepository, AccountsRepository):
    """`domain.AccountsRepository` on the worker's session; events, commit and rollback from
    `SqlRepository`."""

    # users

    def add_user(self, user: User) -> None:
        self.session.add(user)
        try:
            self.session.flush()
        except IntegrityError as exc:
            self.session.rollback()
            if "uq_users_email" in str(exc.orig):
                raise EmailTaken(
                    "an account with this email already exists", {"email": user.email}
                ) from exc
            raise

    def get_user(self, user_id: str, *, for_update: bool = False) -> User | None:
        query = select(User).where(User.id == user_id)
        if for_update:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(query).one_or_none()

    def get_user_by_email(self, email: str) -> User | None:
        return self.session.scalars(select(User).where(User.email == email)).one_or_none()

    def list_users(
        self, *, page: int, limit: int, q: str | None, role: str | None
    ) -> tuple[list[User], int]:
        query = select(User)
        if role:
            query = query.where(User.role == role)
        if q:
            pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            full_name = func.concat(User.first_name, " ", User.last_name)
            query = query.where(or_(User.email.ilike(pattern), full_name.ilike(pattern)))
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = self.session.scalars(
            query.order_by(User.created_at.desc(), User.id)
            .offset(pagination.offset(page, limit))
            .limit(limit)
        ).all()
        return list(rows), int(total or 0)

    def reminder_recipients(self, user_ids: list[str]) -> list[str]:
        query = select(User.id).where(
            User.id.in_(user_ids), User.is_active.is_(True), User.cart_reminders.is_(True)
        )
        return list(self.session.scalars(query).all())

    def active_admins(self) -> list[User]:
        # ORDER BY under FOR UPDATE locks the rows in id order in every transaction: two admins
        # demoting each other wait for one another instead of deadlocking. A row that a
        # committed change has made no longer match (demoted, deactivated) is re-checked by
        # PostgreSQL after the wait and left out.
        query = (
            select(User)
            .where(User.role == "admin", User.is_active.is_(True))
            .order_by(User.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(self.session.scalars(query).all())

    # refresh tokens

    def add_family(self, family: TokenFamily) -> None:
        # no ORM relationships, so the unit of work does not order by foreign keys: write the
        # family before its first token
        self.session.add(family)
        self.session.flush()

    def get_family(self, family_id: str, *, for_update: bool = False) -> TokenFamily | None:
        query = select(TokenFamily).where(TokenFamily.id == family_id)
        if for_update:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(query).one_or_none()

    def active_families(self, user_id: str) -> list[TokenFamily]:
        query = (
            select(TokenFamily)
            .where(TokenFamily.user_id == user_id, TokenFamily.revoked_at.is_(None))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(self.session.scalars(query).all())

    def add_refresh_token(self, token: RefreshToken) -> None:
        self.session.add(token)

    def get_refresh_token(self, token_hash: str) -> RefreshToken | None:
        query = (
            select(RefreshToken)
            .where(RefreshToken.token_hash == token_hash)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalars(query).one_or_none()

    # password resets

    def add_password_reset(self, reset: PasswordReset) -> None:
        self.session.add(reset)

    def get_password_reset(self, token_hash: str) -> PasswordReset | None:
        query = (
            select(PasswordReset)
            .where(PasswordReset.token_hash == token_hash)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalars(query).one_or_none()

    def pending_password_resets(self, user_id: str) -> list[PasswordReset]:
        query = select(PasswordReset).where(
            PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None)
        )
        return list(self.session.scalars(query).all())

    # addresses

    def addresses(self, user_id: str) -> list[Address]:
        query = (
            select(Address)
            .where(Address.user_id == user_id)
            .order_by(Address.is_default.desc(), Address.created_at, Address.id)
        )
        return list(self.session.scalars(query).all())

    def add_address(self, address: Address) -> None:
        self.session.add(address)

    def delete_address(self, address: Address) -> None:
        self.session.delete(address)
        self.session.flush()

    def flush(self) -> None:
        self.session.flush()
