"""The rate limiter's own rules, without Redis: how a verdict becomes a refusal and its headers,
whose account a limit counts, and which sign-in outcomes stay counted. The window itself runs in
Redis (tests/integration/gateway/test_rate_limits.py)."""

import contextlib

import pytest

from gateway.errors import RateLimited
from gateway.ratelimit import (
    _TAKE_BACK,
    AccountLimit,
    Admission,
    Limit,
    RateLimiter,
    account_subject,
    refusal_headers,
)
from services.accounts.exceptions import AccountDisabled, InvalidCredentials

LOGIN = Limit("login_account", "rl:login_account:account:x", 5, 900, 45_000_000, "account")


def refused_after(retry_us: int) -> RateLimited:
    with pytest.raises(RateLimited) as refused:
        RateLimiter.judge(LOGIN, [0, retry_us])
    return refused.value


@pytest.mark.parametrize(
    ("retry_us", "seconds"),
    [(0, 1), (1, 1), (1_000_000, 1), (1_000_001, 2), (899_999_999, 900), (900_000_000, 900)],
)
def test_retry_after_is_whole_seconds_rounded_up_and_never_zero(retry_us, seconds):
    assert refused_after(retry_us).details["retryAfter"] == seconds


def test_a_refusal_says_whose_limit_it_is_and_its_headers_say_the_same():
    refused = refused_after(12_500_000)
    assert refused.details == {
        "retryAfter": 13,
        "limit": 5,
        "window": 900,
        "scope": "account",
        "policy": "login_account",
    }
    assert refusal_headers(refused.details) == {
        "Retry-After": "13",
        "RateLimit-Policy": '"login_account";q=5;w=900',
        "RateLimit": '"login_account";r=0;t=13',
    }


def test_an_admission_names_its_bucket_and_what_remains():
    assert RateLimiter.judge(LOGIN, [1, "20000", 3]) == Admission(LOGIN, "20000", 3)


def test_an_account_is_its_normalised_email_and_its_key_holds_no_address():
    assert account_subject(" Victim@Example.COM ") == account_subject("victim@example.com")
    assert account_subject("victim@example.com") != account_subject("victim2@example.com")
    assert "victim" not in account_subject("victim@example.com")
    assert len(account_subject("a" * 250 + "@x.io")) == len(account_subject("a@x.io"))


def test_a_window_is_cut_in_buckets_and_runs_on_redis_time_unless_told():
    limiter = RateLimiter(FakeRedis(), {"auth": {"limit": 10, "window": 60}})
    limit = limiter.limit("auth", "ip:203.0.113.9")
    assert (limit.key, limit.width_us, limit.scope) == (
        "rl:auth:ip:203.0.113.9",
        3_000_000,
        "client",
    )
    assert limit.args() == [10, 60_000_000, 3_000_000, ""]
    assert limit.args(now_us=42) == [10, 60_000_000, 3_000_000, 42]
    assert limiter.limit("nothing-configured", "ip:203.0.113.9") is None


class FakeRedis:
    """Answers the limiter's scripts with queued verdicts and records what each was sent: the
    window's logic is Redis's (integration tests); here only what the limiter does with it."""

    def __init__(self, verdicts=()):
        self.verdicts = list(verdicts)
        self.calls: list[tuple[str, list, list]] = []

    def register_script(self, source):
        name = "refund" if source.endswith(_TAKE_BACK) else "hit"

        def script(keys, args):
            self.calls.append((name, keys, args))
            return self.verdicts.pop(0) if name == "hit" else None

        return script


LIMITS = {"login_account": {"limit": 5, "window": 900}}
FAILED_LOGINS = AccountLimit("login_account", counts=(InvalidCredentials,))


def attempt(redis, rule, outcome):
    limiter = RateLimiter(redis, LIMITS)
    return limiter.attempt(rule, {"email": "Shopper@Example.com", "password": "x"}, outcome)


def raising(exc):
    def outcome():
        raise exc

    return outcome


def test_a_failed_sign_in_stays_counted():
    redis = FakeRedis([[1, "7", 4]])
    with pytest.raises(InvalidCredentials):
        attempt(redis, FAILED_LOGINS, raising(InvalidCredentials("no")))
    assert [name for name, _, _ in redis.calls] == ["hit"]
    assert redis.calls[0][1] == [f"rl:login_account:{account_subject('shopper@example.com')}"]


@pytest.mark.parametrize(
    "outcome",
    [lambda: {"accessToken": "a"}, raising(AccountDisabled("off")), raising(TimeoutError())],
    ids=["signed in", "disabled after a matching password", "accounts did not answer"],
)
def test_any_other_outcome_is_taken_back_from_the_bucket_it_was_counted_in(outcome):
    redis = FakeRedis([[1, "7", 4]])
    with contextlib.suppress(AccountDisabled, TimeoutError):  # the outcome is the route's
        attempt(redis, FAILED_LOGINS, outcome)
    assert [(name, args) for name, _, args in redis.calls] == [
        ("hit", [5, 900_000_000, 45_000_000, ""]),
        ("refund", ["7", 45_000_000]),
    ]


def test_a_refused_attempt_never_runs():
    ran = []
    with pytest.raises(RateLimited):
        attempt(FakeRedis([[0, 30_000_000]]), FAILED_LOGINS, lambda: ran.append(1))
    assert ran == []


def test_without_counts_every_attempt_stays_counted():
    redis = FakeRedis([[1, "7", 4]])
    assert attempt(redis, AccountLimit("login_account"), lambda: "sent") == "sent"
    assert [name for name, _, _ in redis.calls] == ["hit"]
