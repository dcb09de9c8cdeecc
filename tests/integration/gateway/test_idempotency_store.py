"""The gateway's Idempotency-Key store (gateway/idempotency.py) on a real Redis: what a keyed
request costs in round trips, what a repeat gets, and how a key frees itself."""

import pytest
import redis
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from gateway.idempotency import LEASE, TTL, IdempotentResponses
from services.common.idempotency import IdempotencyKeyReused, RequestInFlight


class CountingRedis(redis.Redis):
    """A real client that counts its round trips (every command, script calls included)."""

    round_trips = 0

    def execute_command(self, *args, **options):
        self.round_trips += 1
        return super().execute_command(*args, **options)


@pytest.fixture
def client(config, redis_client):
    counting = CountingRedis.from_url(config["REDIS_URL"], decode_responses=True)
    yield counting
    counting.close()


@pytest.fixture
def store(client, redis_client):
    store = IdempotentResponses(client)
    # Redis learns each script once (redis-py's EVALSHA, then SCRIPT LOAD on NOSCRIPT): counts
    # below are of the steady state
    for script in (store._claim, store._settle):
        script.sha = client.script_load(script.script)
    client.round_trips = 0
    return store


def keyed(key="key-1", body=b'{"quantity":1}', path="/api/cart/c1/items") -> Request:
    headers = {"Idempotency-Key": key} if key else {}
    builder = EnvironBuilder(
        method="POST", path=path, headers=headers, data=body, content_type="application/json"
    )
    return Request(builder.get_environ())


class Route:
    """The route method behind the store: counts its runs and answers what it is told."""

    def __init__(self, *answers: Response):
        self.answers = list(answers)
        self.runs = 0

    def __call__(self) -> Response:
        self.runs += 1
        return self.answers.pop(0)


def ok(text='{"quantity":1}', status=200) -> Response:
    return Response(text, status=status, content_type="application/json")


def respond(store, request, route, user="u-1", body=None):
    return store.respond(request, user, body, True, route, 1024)


def test_a_keyed_request_costs_two_round_trips_a_claim_and_a_store(store, client):
    respond(store, keyed(), Route(ok()))
    assert client.round_trips == 2


def test_a_request_without_a_key_costs_no_round_trip(store, client):
    route = Route(ok())
    assert respond(store, keyed(key=None), route).status_code == 200
    assert client.round_trips == 0 and route.runs == 1


def test_a_repeat_costs_one_round_trip_and_gets_the_first_answer_without_running(store, client):
    route = Route(ok('{"quantity":1}'), ok('{"quantity":2}'))
    first = respond(store, keyed(), route)
    client.round_trips = 0
    again = respond(store, keyed(), route)
    assert route.runs == 1 and client.round_trips == 1
    assert again.get_data() == first.get_data() == b'{"quantity":1}'
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers


def test_the_same_key_with_another_body_is_refused(store):
    respond(store, keyed(body=b'{"quantity":1}'), Route(ok()))
    with pytest.raises(IdempotencyKeyReused):
        respond(store, keyed(body=b'{"quantity":5}'), Route(ok()))


def test_the_same_key_on_another_path_is_refused(store):
    respond(store, keyed(path="/api/cart/c1/items"), Route(ok()))
    with pytest.raises(IdempotencyKeyReused):
        respond(store, keyed(path="/api/cart/c1/coupon"), Route(ok()))


def test_a_repeat_while_the_first_runs_is_in_flight(store):
    def first_run():
        with pytest.raises(RequestInFlight):
            respond(store, keyed(), Route(ok()))
        return ok()

    assert respond(store, keyed(), first_run).status_code == 200


def test_an_in_flight_claim_expires_after_its_lease_and_an_answer_after_a_day(store, redis_client):
    ttls = []

    def route():
        ttls.extend(redis_client.ttl(k) for k in redis_client.scan_iter("idem:*"))
        return ok()

    respond(store, keyed(), route)
    assert len(ttls) == 1 and 0 < ttls[0] <= LEASE
    (stored,) = list(redis_client.scan_iter("idem:*"))
    assert TTL - 5 < redis_client.ttl(stored) <= TTL


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_5xx_frees_the_key_so_a_retry_runs_again(store, status):
    route = Route(ok('{"error":"SERVICE_UNAVAILABLE"}', status=status), ok())
    assert respond(store, keyed(), route).status_code == status
    retried = respond(store, keyed(), route)
    assert retried.status_code == 200 and route.runs == 2
    assert "Idempotent-Replayed" not in retried.headers


def test_a_4xx_refusal_is_stored_and_replayed(store):
    route = Route(ok('{"error":"INSUFFICIENT_STOCK"}', status=409), ok())
    respond(store, keyed(), route)
    again = respond(store, keyed(), route)
    assert again.status_code == 409 and route.runs == 1
    assert again.headers["Idempotent-Replayed"] == "true"


def test_two_users_with_the_same_key_each_get_their_own_answer(store):
    respond(store, keyed(), Route(ok('{"user":"one"}')), user="u-1")
    theirs = respond(store, keyed(), Route(ok('{"user":"two"}')), user="u-2")
    assert theirs.get_data() == b'{"user":"two"}'
    assert "Idempotent-Replayed" not in theirs.headers


def test_an_attempt_that_outlived_its_lease_leaves_the_next_attempts_claim_alone(
    store, redis_client
):
    seen = []

    def slow_first():
        # meanwhile the lease ran out, and a retry claimed the key and is still running
        (key,) = list(redis_client.scan_iter("idem:*"))
        digest = redis_client.hget(key, "fingerprint")
        redis_client.delete(key)
        redis_client.hset(key, mapping={"fingerprint": digest, "token": "the-retry"})
        seen.append(key)
        return ok('{"from":"first"}')

    respond(store, keyed(), slow_first)
    assert redis_client.hgetall(seen[0])["token"] == "the-retry"
    assert "answer" not in redis_client.hgetall(seen[0])
