"""Rate limits against a real Redis: the sliding window at a fixed window's edge (time driven
through the scripts' explicit clock), Retry-After, one round trip per check, and the per-account
sign-in and reset limits on a real gateway container, from several client addresses (the gateway
trusts only the socket's address, so each test client binds its own loopback address)."""

import random

import pytest
import redis
import requests
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port
from requests.adapters import HTTPAdapter

from gateway.cache import ResponseCache
from gateway.errors import RateLimited
from gateway.ratelimit import BUCKETS, RateLimiter
from gateway.service import GatewayService
from services.accounts.exceptions import InvalidCredentials

SECOND = 1_000_000  # the scripts' clock counts µs
# a whole minute since the epoch: where the old fixed one-minute window reset its counter
EDGE = 1_800_000_000 * SECOND
LIMIT, WINDOW = 10, 60
SIGNED_IN = {"user": {}, "access_token": "a", "refresh_token": "r", "expires_in": 900}


class Clock:
    """The time the scripts are given instead of Redis's own."""

    def __init__(self, now: int):
        self.now = now

    def __call__(self) -> int:
        return self.now


class CountingRedis(redis.Redis):
    """A client that records the name of every command it sends (one per round trip)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent: list[str] = []

    def execute_command(self, *args, **options):
        self.sent.append(str(args[0]).upper())
        return super().execute_command(*args, **options)


@pytest.fixture
def counting_redis(config, redis_client):
    client = CountingRedis.from_url(config["REDIS_URL"], decode_responses=True)
    yield client
    client.close()


def limiter_at(client, clock, limit=LIMIT, window=WINDOW) -> RateLimiter:
    return RateLimiter(client, {"auth": {"limit": limit, "window": window}}, clock)


def admitted(limiter, subject="ip:198.51.100.7") -> bool:
    try:
        limiter.hit("auth", subject)
    except RateLimited:
        return False
    return True


def refusal(limiter, subject="ip:198.51.100.7") -> RateLimited:
    with pytest.raises(RateLimited) as refused:
        limiter.hit("auth", subject)
    return refused.value


# -- the window -----------------------------------------------------------------------------


def test_the_limit_holds_across_a_fixed_windows_edge_where_the_old_window_let_twice_through(
    redis_client,
):
    clock = Clock(EDGE - SECOND // 10)
    limiter = limiter_at(redis_client, clock)
    before = [admitted(limiter) for _ in range(LIMIT)]
    clock.now = EDGE + SECOND // 10  # the old window had just started a fresh count
    after = [admitted(limiter) for _ in range(LIMIT)]
    assert before == [True] * LIMIT
    assert after == [False] * LIMIT


def test_no_span_of_the_window_ever_holds_more_than_the_limit(redis_client):
    # a greedy client asks twice a second for four windows, starting anywhere in a minute
    clock = Clock(EDGE - 17 * SECOND)
    limiter = limiter_at(redis_client, clock)
    times = []
    for _ in range(4 * WINDOW * 2):
        if admitted(limiter):
            times.append(clock.now)
        clock.now += SECOND // 2
    busiest = max(sum(1 for s in times if t - WINDOW * SECOND < s <= t) for t in times)
    assert busiest == LIMIT
    # and it is still served its limit once per window and a bucket (the window's slack)
    assert len(times) >= 4 * LIMIT * BUCKETS // (BUCKETS + 1)


@pytest.mark.parametrize("seed", range(6))
def test_random_traffic_never_gets_more_than_the_limit_in_a_window_nor_a_refusal_without_cause(
    redis_client, seed
):
    rng = random.Random(seed)
    limit, window = [(1, 10), (3, 60), (10, 60), (50, 30), (7, 7), (10, 60)][seed]
    clock = Clock(EDGE + rng.randrange(60 * SECOND))
    limiter = limiter_at(redis_client, clock, limit, window)
    span, slack = window * SECOND, window * SECOND // BUCKETS
    counted = []
    for _ in range(600):  # bursts and lulls, some requests taken back (successful sign-ins)
        clock.now += int(rng.expovariate(1.0) * span / limit / rng.choice([0.5, 1, 3, 10]))
        try:
            admission = limiter.hit("auth", "ip:a")
        except RateLimited:
            # refused only when the window (give or take a bucket's slack) holds the limit
            assert sum(1 for t in counted if t > clock.now - span - slack) >= limit
            continue
        if rng.random() < 0.1:
            limiter.refund(admission)
        else:
            counted.append(clock.now)
    assert max(sum(1 for s in counted if t - span < s <= t) for t in counted) <= limit


def test_retry_after_is_the_whole_second_the_next_request_is_admitted_at(redis_client):
    clock = Clock(EDGE + 7 * SECOND + 300_000)
    limiter = limiter_at(redis_client, clock)
    for _ in range(LIMIT):
        assert admitted(limiter)
    clock.now += 5 * SECOND
    refused = refusal(limiter)
    wait = refused.details["retryAfter"]
    assert refused.details == {
        "retryAfter": wait,
        "limit": LIMIT,
        "window": WINDOW,
        "scope": "client",
        "policy": "auth",
    }
    assert wait == WINDOW - 5  # the burst leaves the window exactly a window after it came
    clock.now += (wait - 1) * SECOND
    assert not admitted(limiter)
    clock.now += SECOND
    assert admitted(limiter)


def test_refused_requests_are_not_counted_so_a_refusal_ends_when_it_says(redis_client):
    clock = Clock(EDGE)
    limiter = limiter_at(redis_client, clock)
    for _ in range(LIMIT):
        assert admitted(limiter)
    clock.now += SECOND
    wait = refusal(limiter).details["retryAfter"]
    start = clock.now
    while clock.now < start + (wait - 1) * SECOND:  # hammering while refused
        assert not admitted(limiter)
        clock.now += SECOND // 4
    clock.now = start + wait * SECOND
    assert admitted(limiter)


def test_a_request_taken_back_frees_its_place_whichever_bucket_it_was_counted_in(redis_client):
    clock = Clock(EDGE)
    limiter = limiter_at(redis_client, clock, limit=3)
    older = limiter.hit("auth", "ip:a")
    clock.now += 10 * SECOND  # a later bucket: the first one is now among the older ones
    newer = limiter.hit("auth", "ip:a")
    assert newer.remaining == 1 and newer.bucket != older.bucket
    limiter.refund(older)
    limiter.refund(newer)
    assert [admitted(limiter, "ip:a") for _ in range(4)] == [True, True, True, False]


def test_subjects_and_route_classes_are_counted_apart(redis_client):
    limiter = RateLimiter(
        redis_client,
        {"auth": {"limit": 1, "window": 60}, "write": {"limit": 1, "window": 60}},
        Clock(EDGE),
    )
    limiter.hit("auth", "ip:a")
    limiter.hit("auth", "ip:b")
    limiter.hit("write", "ip:a")
    with pytest.raises(RateLimited):
        limiter.hit("auth", "ip:a")


def test_without_a_test_clock_the_window_runs_on_redis_server_time(redis_client):
    def redis_now() -> int:
        seconds, micros = redis_client.time()
        return seconds * SECOND + micros

    limiter = limiter_at(redis_client, None, limit=2)
    before = redis_now()
    admission = limiter.hit("auth", "ip:a")
    after = redis_now()
    width = admission.limit.width_us
    assert before // width <= int(admission.bucket) <= after // width
    limiter.hit("auth", "ip:a")
    assert 1 <= refusal(limiter, "ip:a").details["retryAfter"] <= WINDOW


def test_a_check_is_one_redis_round_trip(counting_redis):
    limiter = limiter_at(counting_redis, Clock(EDGE))
    limiter.hit("auth", "ip:warm-up")  # loads the script once per server
    counting_redis.sent.clear()
    limiter.hit("auth", "ip:a")
    with pytest.raises(RateLimited):
        for _ in range(LIMIT):
            limiter.hit("auth", "ip:a")
    assert counting_redis.sent == ["EVALSHA"] * (LIMIT + 1)


def test_a_cached_read_is_counted_in_the_lookups_own_round_trip_on_the_same_window(
    counting_redis,
):
    clock = Clock(EDGE - SECOND // 10)
    limiter = limiter_at(counting_redis, clock, limit=3)
    cache = ResponseCache(counting_redis, ttl=30)
    cache.store("catalog", "0", "/api/products", '{"data": []}')
    cache.lookup("catalog", "/api/products")  # loads the script
    counting_redis.sent.clear()
    limit = limiter.limit("auth", "ip:a")
    bodies = [cache.lookup("catalog", "/api/products", limit, clock())[1] for _ in range(3)]
    clock.now = EDGE + SECOND // 10
    with pytest.raises(RateLimited):
        cache.lookup("catalog", "/api/products", limit, clock())
    assert bodies == ['{"data": []}'] * 3
    assert counting_redis.sent == ["EVALSHA"] * 4


# -- per account, on the gateway ------------------------------------------------------------


@pytest.fixture
def gateway_config(service_config, redis_client):
    return {
        **service_config,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}",
        "RATE_LIMITS": {
            "auth": {"limit": 100, "window": 60},
            "login_account": {"limit": 3, "window": 900},
            "reset_account": {"limit": 2, "window": 3600},
            "read": {"limit": 1000, "window": 60},
            "write": {"limit": 1000, "window": 60},
        },
    }


@pytest.fixture
def services(container_factory, gateway_config):
    container = container_factory(GatewayService, gateway_config)
    accounts, catalog = replace_dependencies(container, "accounts_rpc", "catalog_rpc")
    catalog.list_products.return_value = {
        "data": [],
        "meta": {"page": 1, "limit": 20, "total": 0, "total_pages": 0},
    }
    container.start()
    return {"accounts": accounts, "catalog": catalog}


@pytest.fixture
def accounts(services):
    return services["accounts"]


class SourceAddress(HTTPAdapter):
    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@pytest.fixture
def client_at(gateway_config):
    """`client_at("127.0.0.7").post(path, ...)`: requests from that loopback address."""
    base = f"http://{gateway_config['WEB_SERVER_ADDRESS']}"
    sessions = []

    def client(address: str):
        session = requests.Session()
        session.mount("http://", SourceAddress(address))
        sessions.append(session)

        class Client:
            def post(self, path, **kwargs):
                return session.post(base + path, **kwargs)

            def get(self, path, **kwargs):
                return session.get(base + path, **kwargs)

        return Client()

    yield client
    for session in sessions:
        session.close()


def login(client_at, address: str, email: str):
    return client_at(address).post("/api/auth/login", json={"email": email, "password": "guess"})


def test_failed_logins_are_limited_per_account_whatever_the_address(accounts, client_at):
    accounts.authenticate.side_effect = InvalidCredentials("invalid email or password")
    answers = [login(client_at, f"127.0.0.{n}", " Victim@Example.com") for n in range(2, 7)]
    assert [a.status_code for a in answers] == [401, 401, 401, 429, 429]
    refused = answers[3]
    assert refused.json()["error"] == "RATE_LIMITED"
    assert refused.json()["details"]["scope"] == "account"
    assert int(refused.headers["Retry-After"]) == 900  # the account's window, not the address's
    assert int(refused.headers["Retry-After"]) == refused.json()["details"]["retryAfter"]
    assert refused.headers["RateLimit-Policy"] == '"login_account";q=3;w=900'
    assert refused.headers["RateLimit"] == '"login_account";r=0;t=900'
    assert accounts.authenticate.call_count == 3  # a refused guess never reaches the password
    # another account from the same addresses is untouched
    assert login(client_at, "127.0.0.2", "someone-else@example.com").status_code == 401


def test_successful_logins_do_not_count_against_the_account(accounts, client_at):
    accounts.authenticate.return_value = SIGNED_IN
    answers = [login(client_at, f"127.0.0.{n}", "shopper@example.com") for n in range(2, 8)]
    assert [a.status_code for a in answers] == [200] * 6
    accounts.authenticate.side_effect = InvalidCredentials("invalid email or password")
    failed = [login(client_at, "127.0.0.9", "shopper@example.com") for _ in range(4)]
    assert [a.status_code for a in failed] == [401, 401, 401, 429]


def test_a_disabled_account_is_not_counted_as_a_guess(accounts, client_at):
    from services.accounts.exceptions import AccountDisabled

    accounts.authenticate.side_effect = AccountDisabled("this account has been deactivated")
    answers = [login(client_at, "127.0.0.2", "gone@example.com") for _ in range(5)]
    assert [a.status_code for a in answers] == [403] * 5


def test_password_reset_emails_are_limited_per_address_emailed(accounts, client_at):
    answers = [
        client_at(f"127.0.0.{n}").post(
            "/api/auth/forgot-password", json={"email": "inbox@example.com"}
        )
        for n in range(2, 5)
    ]
    assert [a.status_code for a in answers] == [202, 202, 429]
    assert int(answers[2].headers["Retry-After"]) == 3600
    assert accounts.request_password_reset.call_count == 2
    other = client_at("127.0.0.2").post(
        "/api/auth/forgot-password", json={"email": "other@example.com"}
    )
    assert other.status_code == 202


def test_account_refusals_are_counted_in_metrics(accounts, client_at):
    def refused_total() -> float:
        for line in client_at("127.0.0.1").get("/metrics").text.splitlines():
            if line.startswith('bazaar_rate_limited_total{route_class="login_account"}'):
                return float(line.split()[-1])
        return 0.0

    before = refused_total()
    accounts.authenticate.side_effect = InvalidCredentials("invalid email or password")
    for _ in range(5):
        login(client_at, "127.0.0.2", "counted@example.com")
    assert refused_total() == before + 2


def test_the_account_key_holds_no_email(accounts, client_at, redis_client):
    accounts.authenticate.side_effect = InvalidCredentials("invalid email or password")
    login(client_at, "127.0.0.2", "private@example.com")
    keys = list(redis_client.scan_iter("rl:login_account:*"))
    assert len(keys) == 1 and "private" not in keys[0]


def commands_on_our_db(redis_client, action) -> list[str]:
    """The commands clients sent to the test's Redis database while `action()` ran (MONITOR sees
    every client). Left out: those a script runs (no round trip of their own) and a new
    connection's handshake (this function's own ECHO may need one)."""
    db = redis_client.connection_pool.connection_kwargs.get("db", 0)
    marker = "end-of-action"
    sent = []
    with redis_client.monitor() as monitor:
        action()
        redis_client.echo(marker)
        for command in monitor.listen():
            if command["command"] == f"ECHO {marker}":
                break
            name = command["command"].split()[0].upper()
            handshake = name in ("SELECT", "HELLO", "CLIENT")
            if command["db"] == db and command["client_type"] != "lua" and not handshake:
                sent.append(name)
    return sent


def test_a_gateway_request_is_one_round_trip_and_a_login_one_per_limit(
    accounts, client_at, redis_client
):
    client = client_at("127.0.0.2")
    accounts.refresh.return_value = SIGNED_IN
    accounts.authenticate.side_effect = InvalidCredentials("invalid email or password")

    def refresh():
        assert client.post("/api/auth/refresh", json={"refreshToken": "r"}).status_code == 200

    def failed_login():
        assert login(client_at, "127.0.0.2", "x@example.com").status_code == 401

    refresh(), failed_login()  # the scripts are loaded once per server
    assert commands_on_our_db(redis_client, refresh) == ["EVALSHA"]
    # the address's limit, then the account's
    assert commands_on_our_db(redis_client, failed_login) == ["EVALSHA", "EVALSHA"]


def test_a_cached_public_read_is_one_round_trip_hit_or_refused(services, client_at, redis_client):
    client = client_at("127.0.0.2")
    assert client.get("/api/products?q=lamp").headers["X-Cache"] == "MISS"

    def hit():
        assert client.get("/api/products?q=lamp").headers["X-Cache"] == "HIT"

    assert commands_on_our_db(redis_client, hit) == ["EVALSHA"]  # the limit and the lookup
    assert services["catalog"].list_products.call_count == 1
