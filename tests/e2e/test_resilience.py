"""The order saga survives its infrastructure failing in the middle of a burst of checkouts
(docs/architecture.md#recovery-what-survives-a-restart: nothing is lost when a service or the
broker restarts mid-saga).

Each test lets customers check out concurrently (place the order, pay it with the simulated
provider), breaks something while they do, and lets every customer retry what failed with the
same Idempotency-Key, as a client should. A failed request must be a clean error (a 5xx with an
error body, or 409 while the first attempt is still in flight), never a hang. Once the stack is
ready again, everything must agree exactly: every order `confirmed` or `cancelled`, the product's
stock equal to what it was less the units of the confirmed orders with nothing left reserved,
every confirmed order paid and no cancelled one holding money, one order-confirmed notification
per confirmed order, every outbox drained and no event dead-lettered.
"""

from __future__ import annotations

import contextlib
import shlex
import signal
import subprocess
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import text

from services.common.config import ROOT
from tests.e2e.conftest import STACK, VHOST, Api, procfile_entries
from tests.e2e.shop import cart_with, new_product, place
from tests.helpers import engine_for, wait_for

CARD = "4242424242424242"
BUYERS = 32
STOCK = 26  # fewer units than buyers: the last checkouts are refused as out of stock
OUTAGE = 5.0  # seconds RabbitMQ stays stopped
STAGGER = 0.3  # seconds between two buyers' first requests: the burst outlasts the failure
KEEP_TRYING = 40.0  # how long (s) a buyer retries a failed request before giving up
SETTLE = 75.0  # how long (s) the stack may take to finish every saga once it is ready again
TERMINAL = ("confirmed", "cancelled")
OUTBOX_SERVICES = ("accounts", "cart", "catalog", "inventory", "orders", "payments", "reviews")
DEAD_LETTER_SERVICES = (
    "orders",
    "payments",
    "notifications",
    "reviews",
    "moderation",
    "cart",
    "inventory",
    "recommendations",
)
EXTRA_LOG = ROOT / "var" / "test" / "e2e-extra-instances.log"


@dataclass
class Buyer:
    """One customer's checkout and everything the gateway answered it."""

    customer: dict
    cart_id: str
    answers: list[int] = field(default_factory=list)
    unclean: list[str] = field(default_factory=list)  # hangs, dropped connections, bad bodies
    order: dict | None = None  # what POST /api/orders answered (201)
    placed_at: float | None = None
    paid: bool = False
    refused: str | None = None  # the error code of a final, non-retryable answer


# -- the customers' side ---------------------------------------------------------------------


def _retryable(response: requests.Response | None) -> bool:
    if response is None or response.status_code >= 500:
        return True
    return response.status_code == 409 and _error(response) == "REQUEST_IN_FLIGHT"


def _error(response: requests.Response) -> str | None:
    try:
        return response.json().get("error")
    except ValueError:
        return None


def _send(buyer: Buyer, what: str, call) -> requests.Response | None:
    """One request; None when it got no clean answer (recorded in `buyer.unclean`)."""
    try:
        response = call()
    except requests.RequestException as exc:
        buyer.unclean.append(f"{what}: {type(exc).__name__}: {exc}")
        return None
    buyer.answers.append(response.status_code)
    if response.status_code >= 500 and not _error(response):
        buyer.unclean.append(f"{what}: {response.status_code} without an error body")
    return response


def _answer(buyer: Buyer, what: str, call, deadline: float) -> requests.Response | None:
    """Send until the answer is final (not a 5xx, a dropped connection or an in-flight 409);
    None when `deadline` (monotonic) passed first."""
    while True:
        response = _send(buyer, what, call)
        if not _retryable(response):
            return response
        if time.monotonic() > deadline:
            return None
        time.sleep(0.5)


def checkout(base_url: str, buyer: Buyer, delay: float) -> None:
    """Place the order and pay it by card, retrying failures with the same Idempotency-Key."""
    time.sleep(delay)  # pacing, not waiting: buyers arrive one after another
    deadline = time.monotonic() + KEEP_TRYING
    key = uuid.uuid4().hex
    with Api(base_url) as api:
        response = _answer(
            buyer, "place", lambda: place(api, buyer.customer, buyer.cart_id, key=key), deadline
        )
        if response is None:
            return
        if response.status_code != 201:
            buyer.refused = _error(response) or str(response.status_code)
            return
        buyer.order, buyer.placed_at = response.json(), time.monotonic()

        body = {"intentId": buyer.order["payment"]["intentId"], "cardNumber": CARD}
        response = _answer(
            buyer,
            "confirm",
            lambda: api.post("/api/payments/confirm", headers=buyer.customer["headers"], json=body),
            deadline,
        )
        if response is None:
            return
        if response.status_code != 200 or response.json().get("status") != "succeeded":
            buyer.refused = f"confirm: {response.status_code} {response.text[:200]}"
            return
        buyer.paid = True


def make_buyers(api, new_customer, product_id: str) -> list[Buyer]:
    buyers = []
    for _ in range(BUYERS):
        customer = new_customer()
        buyers.append(Buyer(customer, cart_with(api, customer, product_id)))
    return buyers


def burst(base_url: str, buyers: list[Buyer], disrupt) -> float:
    """Run every buyer's checkout; once a third of them hold an order, call `disrupt()` while the
    rest are still arriving. Returns the moment from which a placed order proves the stack
    recovered (monotonic time): what `disrupt` returns, or else when it finished."""
    with ThreadPoolExecutor(max_workers=len(buyers)) as pool:
        futures = [
            pool.submit(checkout, base_url, buyer, n * STAGGER) for n, buyer in enumerate(buyers)
        ]
        wait_for(
            lambda: sum(b.order is not None for b in buyers) >= BUYERS // 3,
            timeout=30,
            interval=0.05,
        )
        back = disrupt()
        recovered = time.monotonic() if back is None else back
        for future in futures:
            future.result()
    return recovered


# -- the stack's side --------------------------------------------------------------------------


@pytest.fixture
def fresh_rate_limits(config):
    """The burst's writes all come from 127.0.0.1: start from an empty rate-limit window."""
    import redis

    client = redis.Redis.from_url(config["REDIS_URL"])
    for key in client.scan_iter("rl:*"):
        client.delete(key)
    client.close()


def ready(api) -> bool:
    try:
        return api.get("/ready", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def consumers(queue: str) -> int:
    """How many consumers RabbitMQ has on a queue of the e2e vhost right now."""
    from kombu import Connection

    with Connection(f"pyamqp://guest:guest@127.0.0.1:5672/{VHOST}") as conn:
        return conn.channel().queue_declare(queue=queue, passive=True).consumer_count


def rabbitmqctl(*args: str) -> None:
    done = subprocess.run(
        ["rabbitmqctl", *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"rabbitmqctl {' '.join(args)}: {done.stdout}{done.stderr}"


def restart_rabbitmq() -> float:
    """Stop the broker for OUTAGE seconds; returns when it was told to start again. No order can
    be placed while it is stopped, so one placed after that moment was placed after the restart.
    (Measuring from when `start_app` returns instead failed on a loaded machine: the broker takes
    connections while it is still booting, and the last units sold before the command returned.)"""
    rabbitmqctl("stop_app")
    try:
        time.sleep(OUTAGE)  # checkouts arrive while the broker is gone
    finally:
        starting = time.monotonic()
        rabbitmqctl("start_app")
    return starting


class ExtraInstance:
    """Another process of a stack service, started as the Procfile starts it, outside honcho
    (which stops the whole stack when one of its processes exits)."""

    def __init__(self, service: str):
        self.command = shlex.split(procfile_entries()[service])
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with EXTRA_LOG.open("a") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=STACK["env"],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        assert self.process is not None and self.process.poll() is None, "it died by itself"
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def eventually(check, timeout: float = SETTLE, interval: float = 1.0):
    """Run `check` until it stops raising AssertionError; after `timeout` its last error."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(interval)


def table_counts(config, table: str, services, since: datetime | None = None) -> dict[str, int]:
    counts = {}
    for service in services:
        query = f"SELECT count(*) FROM {table}"  # table names are ours, never input
        params = {}
        if since is not None:
            query += " WHERE created_at >= :since"
            params["since"] = since
        with engine_for(config, service).connect() as conn:
            counts[service] = conn.execute(text(query), params).scalar_one()
    return counts


def assert_every_saga_settled(api, seller_headers, config, product, buyers, since) -> None:
    def orders_of(buyer):
        response = api.get("/api/orders", headers=buyer.customer["headers"], params={"limit": 50})
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def all_terminal():
        found = [(buyer, order) for buyer in buyers for order in orders_of(buyer)]
        stuck = [
            (o["id"], o["status"], o["createdAt"]) for _, o in found if o["status"] not in TERMINAL
        ]
        assert not stuck, f"orders not confirmed or cancelled: {stuck}"
        return found

    orders = eventually(all_terminal)
    confirmed = [(b, o) for b, o in orders if o["status"] == "confirmed"]
    assert confirmed, "no order was confirmed at all"
    sold = sum(line["quantity"] for _, o in confirmed for line in o["lines"])

    def stock_agrees():
        level = api.get(f"/api/inventory/{product['id']}", headers=seller_headers).json()
        assert (level["onHand"], level["reserved"], level["available"]) == (
            STOCK - sold,
            0,
            STOCK - sold,
        ), f"stock {level} after {sold} unit(s) sold of {STOCK}"

    eventually(stock_agrees)

    def payments_agree():
        wrong = []
        for buyer, order in orders:
            response = api.get(
                f"/api/payments/order/{order['id']}", headers=buyer.customer["headers"]
            )
            if order["status"] == "confirmed":
                payment = response.json()
                if response.status_code != 200 or (
                    payment["status"],
                    payment["amountRefunded"],
                ) != ("succeeded", "0.00"):
                    wrong.append((order["id"], "confirmed", response.status_code, response.text))
            elif response.status_code == 200:
                payment = response.json()
                if payment["status"] in ("succeeded", "partially_refunded"):
                    wrong.append((order["id"], order["cancelReason"], payment["status"]))
            elif response.status_code != 404:
                wrong.append((order["id"], "cancelled", response.status_code, response.text))
        assert not wrong, f"payments that disagree with their orders: {wrong}"

    eventually(payments_agree)

    # a customer who paid got the goods, or their money back
    for buyer in buyers:
        if buyer.paid:
            assert buyer.order is not None
            [order] = [o for b, o in orders if o["id"] == buyer.order["id"]]
            if order["status"] == "cancelled":
                payment = api.get(
                    f"/api/payments/order/{order['id']}", headers=buyer.customer["headers"]
                ).json()
                assert payment["status"] == "refunded", (order, payment)

    def notified_once_per_confirmation():
        missing = []
        for buyer in buyers:
            inbox = api.get(
                "/api/notifications", headers=buyer.customer["headers"], params={"limit": 100}
            ).json()["data"]
            confirmations = Counter(
                n["data"].get("order_id") for n in inbox if n["kind"] == "order_confirmed"
            )
            mine = {o["id"] for b, o in confirmed if b is buyer}
            if confirmations != Counter(mine):
                missing.append((buyer.customer["email"], dict(confirmations), sorted(mine)))
        assert not missing, f"order-confirmed notifications that differ: {missing}"

    eventually(notified_once_per_confirmation)

    def outboxes_drained():
        left = {s: n for s, n in table_counts(config, "outbox", OUTBOX_SERVICES).items() if n}
        assert not left, f"outbox rows never published: {left}"

    eventually(outboxes_drained)
    letters = table_counts(config, "dead_letters", DEAD_LETTER_SERVICES, since)
    assert not any(letters.values()), f"events dead-lettered during the test: {letters}"


def assert_clean_answers(buyers, recovered: float) -> None:
    # honcho stops the whole stack when one of its processes exits: none may have died
    assert STACK["process"].poll() is None, "a stack process exited during the failure"
    unclean = [problem for buyer in buyers for problem in buyer.unclean]
    assert not unclean, f"requests without a clean answer: {unclean}"
    answers = Counter(status for buyer in buyers for status in buyer.answers)
    assert set(answers) <= {200, 201, 409, 500, 502, 503, 504}, answers
    refused = Counter(buyer.refused for buyer in buyers if buyer.refused)
    assert set(refused) <= {"OUT_OF_STOCK"}, refused
    # the stack took new checkouts after the failure, not only before it
    assert any(b.placed_at and b.placed_at > recovered for b in buyers), answers


# -- the tests ---------------------------------------------------------------------------------


def test_a_rabbitmq_restart_mid_burst_loses_no_order_unit_or_payment(
    api, stack, seller_headers, new_customer, config, fresh_rate_limits
):
    since = datetime.now(UTC)
    product = new_product(api, seller_headers, stock=STOCK, price="12.00")
    buyers = make_buyers(api, new_customer, product["id"])

    recovered = burst(stack, buyers, restart_rabbitmq)
    wait_for(lambda: ready(api), timeout=60, interval=0.5)

    assert_clean_answers(buyers, recovered)
    assert_every_saga_settled(api, seller_headers, config, product, buyers, since)


def test_an_orders_process_killed_mid_burst_loses_no_order_unit_or_payment(
    api, stack, seller_headers, new_customer, config, fresh_rate_limits
):
    since = datetime.now(UTC)
    product = new_product(api, seller_headers, stock=STOCK, price="12.00")
    buyers = make_buyers(api, new_customer, product["id"])
    first, second = ExtraInstance("orders"), ExtraInstance("orders")

    def kill_and_replace():
        first.kill()  # SIGKILL: its unacked messages go back to the queue
        wait_for(lambda: consumers("rpc-orders") == 1, timeout=15, interval=0.1)
        second.start()
        wait_for(lambda: consumers("rpc-orders") == 2, timeout=60, interval=0.2)

    try:
        first.start()
        wait_for(lambda: consumers("rpc-orders") == 2, timeout=60, interval=0.2)
        recovered = burst(stack, buyers, kill_and_replace)
        wait_for(lambda: ready(api), timeout=60, interval=0.5)

        assert_clean_answers(buyers, recovered)
        assert_every_saga_settled(api, seller_headers, config, product, buyers, since)
    finally:
        with contextlib.suppress(Exception):
            first.stop()
        second.stop()
