"""Demo users (README.md, the development users of `make seed`): admin, seller and customer
@bazaar.dev. Idempotent: existing emails are left alone. The demo passwords contain their email's
local part, which the strength rule forbids for real registrations, so they are written here
directly (hashed), not via register."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from services.accounts import models  # noqa: F401  (maps the domain classes)
from services.accounts.dependencies import Argon2Hasher
from services.accounts.domain import User
from services.accounts.repository import SqlAccountsRepository
from services.common.clock import utcnow
from services.common.config import PASSWORD_HASHING, db_uri
from services.common.demo import demo_user_id
from services.common.outbox import OutboxWriter

USERS = [
    ("admin@bazaar.dev", "Admin-pass-1234", "Ada", "Admin", "admin"),
    ("seller@bazaar.dev", "Seller-pass-1234", "Sam", "Seller", "seller"),
    ("customer@bazaar.dev", "Customer-pass-1234", "Casey", "Customer", "customer"),
]


def seed(config: dict[str, Any]) -> None:
    engine = create_engine(db_uri(config, "accounts"))
    hasher = Argon2Hasher(config.get(PASSWORD_HASHING))
    try:
        with Session(engine) as session:
            repo = SqlAccountsRepository(session, OutboxWriter())
            created = 0
            for email, password, first_name, last_name, role in USERS:
                if repo.get_user_by_email(email) is not None:
                    continue
                now = utcnow()
                repo.add_user(
                    User(
                        # stable ids: the catalog seed names the demo seller as the owner
                        id=demo_user_id(email),
                        email=email,
                        password_hash=hasher.hash(password),
                        first_name=first_name,
                        last_name=last_name,
                        role=role,
                        created_at=now,
                        updated_at=now,
                    )
                )
                created += 1
            session.commit()
        print(f"accounts: {created} user(s) created")
    finally:
        engine.dispose()
