"""Hand-written fakes of the accounts ports: an in-memory repository, hasher and signer (the
clock and the recorded transaction from tests/unit/fakes.py)."""

from __future__ import annotations

from datetime import datetime

from services.accounts import domain, usecases
from services.accounts.exceptions import EmailTaken
from tests.unit.fakes import FakeClock, RecordedTransaction


class FakeRepository(RecordedTransaction, usecases.AccountsRepository):
    """Rows in dicts; events are `recorded` (the use cases never commit: the service does)."""

    def __init__(self):
        super().__init__()
        self.users: dict[str, domain.User] = {}
        self.families: dict[str, domain.TokenFamily] = {}
        self.tokens: dict[str, domain.RefreshToken] = {}
        self.resets: dict[str, domain.PasswordReset] = {}
        self.address_book: dict[str, domain.Address] = {}

    def add_user(self, user):
        if any(u.email == user.email for u in self.users.values()):
            raise EmailTaken("taken", {"email": user.email})
        self.users[user.id] = user

    def get_user(self, user_id, *, for_update=False):
        return self.users.get(user_id)

    def get_user_by_email(self, email):
        return next((u for u in self.users.values() if u.email == email), None)

    def list_users(self, *, page, limit, q, role):
        users = sorted(self.users.values(), key=lambda u: u.created_at, reverse=True)
        if role:
            users = [u for u in users if u.role == role]
        if q:
            q = q.lower()
            users = [
                u for u in users if q in u.email or q in f"{u.first_name} {u.last_name}".lower()
            ]
        return users[(page - 1) * limit : page * limit], len(users)

    def reminder_recipients(self, user_ids):
        return [
            u.id
            for u in self.users.values()
            if u.id in user_ids and u.is_active and u.cart_reminders
        ]

    def active_admins(self):
        admins = [u for u in self.users.values() if u.role == "admin" and u.is_active]
        return sorted(admins, key=lambda u: u.id)

    def add_family(self, family):
        self.families[family.id] = family

    def get_family(self, family_id, *, for_update=False):
        return self.families.get(family_id)

    def active_families(self, user_id):
        return [f for f in self.families.values() if f.user_id == user_id and f.revoked_at is None]

    def add_refresh_token(self, token):
        self.tokens[token.token_hash] = token

    def get_refresh_token(self, token_hash):
        return self.tokens.get(token_hash)

    def add_password_reset(self, reset):
        self.resets[reset.token_hash] = reset

    def get_password_reset(self, token_hash):
        return self.resets.get(token_hash)

    def pending_password_resets(self, user_id):
        return [r for r in self.resets.values() if r.user_id == user_id and r.used_at is None]

    def addresses(self, user_id):
        own = [a for a in self.address_book.values() if a.user_id == user_id]
        return sorted(own, key=lambda a: (not a.is_default, a.created_at))

    def add_address(self, address):
        self.address_book[address.id] = address

    def delete_address(self, address):
        del self.address_book[address.id]

    def flush(self):
        defaults: dict[str, int] = {}
        for address in self.address_book.values():
            if address.is_default:
                defaults[address.user_id] = defaults.get(address.user_id, 0) + 1
        assert all(n <= 1 for n in defaults.values()), "two default addresses"

    def event_types(self):
        return [event_type for event_type, _ in self.recorded]


class FakeHasher(domain.PasswordHasher):
    """'v<version>$<password>'; hashes of an older version need a rehash."""

    def __init__(self, version: int = 1):
        self.version = version
        self.wasted = 0

    def hash(self, password):
        return f"v{self.version}${password}"

    def verify(self, password_hash, password):
        return password_hash.split("$", 1)[1] == password

    def needs_rehash(self, password_hash):
        return not password_hash.startswith(f"v{self.version}$")

    def waste_time(self, password):
        self.wasted += 1


class FakeSigner(domain.AccessTokenSigner):
    def __init__(self):
        self.issued: list[tuple[str, str, datetime, int]] = []

    def sign(self, user, now, ttl):
        self.issued.append((user.id, user.role, now, ttl))
        return f"access-{user.id}-{len(self.issued)}"


UNSUBSCRIBE_KEY = b"unit-test unsubscribe key, 32 by"


class SequentialTokens:
    def __init__(self):
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"opaque-{self.count}"


def make_accounts(**settings: int) -> tuple[usecases.Accounts, FakeRepository, FakeClock]:
    repo = FakeRepository()
    clock = FakeClock()
    accounts = usecases.Accounts(
        repo=repo,
        hasher=FakeHasher(),
        signer=FakeSigner(),
        settings=domain.Settings(**settings),
        clock=clock,
        new_token=SequentialTokens(),
        unsubscribe_links=domain.UnsubscribeTokens(UNSUBSCRIBE_KEY),
    )
    return accounts, repo, clock
