"""Notifications on the whole stack: welcome email in the file sink, the inbox, and live order
updates on the WebSocket within a second, to the right customer only."""

import json
import time
import uuid

import websocket

from services.common.config import ROOT
from tests.e2e.shop import cart_with, new_product, place
from tests.helpers import wait_for


def socket_for(api, customer):
    url = api.base_url.replace("http://", "ws://") + "/ws?token=" + customer["accessToken"]
    client = websocket.create_connection(url, timeout=5)
    assert json.loads(client.recv())["type"] == "ready"
    return client


def next_of_type(client, kind, timeout=5.0, **data):
    """The next message of `kind` whose data has the given values (earlier ones are skipped)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        client.settimeout(max(0.05, deadline - time.monotonic()))
        message = json.loads(client.recv())
        if message["type"] == kind and all(message["data"].get(k) == v for k, v in data.items()):
            return message
    raise AssertionError(f"no {kind} message within {timeout}s")


def silent(client, seconds=1.0):
    client.settimeout(seconds)
    try:
        client.recv()
    except websocket.WebSocketTimeoutException:
        return True
    return False


def test_a_new_customer_receives_one_welcome_email(new_customer):
    customer = new_customer()
    mail_dir = ROOT / "var" / "test" / "mail"

    def welcome():
        # by recipient and subject: the sink also holds this customer's other emails (a cart
        # left idle for the stack's 3 s gets a reminder)
        return [
            p
            for p in mail_dir.glob("*.eml")
            if customer["email"] in p.read_text() and "Subject: Welcome to Bazaar" in p.read_text()
        ]

    [eml] = wait_for(welcome, timeout=15)
    assert "Welcome to Bazaar" in eml.read_text()


def test_order_updates_reach_the_customers_socket_and_inbox_only(
    api, seller_headers, new_customer, idle_queues
):
    customer, stranger = new_customer(), new_customer()
    product = new_product(api, seller_headers)
    mine, theirs = socket_for(api, customer), socket_for(api, stranger)

    placed = place(api, customer, cart_with(api, customer, product["id"]), method="cod")
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]
    assert next_of_type(mine, "order_confirmed")["data"]["orderId"] == order_id

    idle_queues()  # earlier tests' bursts may still be draining
    changed = api.patch(
        f"/api/orders/{order_id}/status",
        headers={**seller_headers, "Idempotency-Key": uuid.uuid4().hex},
        json={"status": "processing"},
    )
    assert changed.status_code == 200, changed.text
    started = time.monotonic()
    update = next_of_type(mine, "order_status_changed", toStatus="processing")
    assert time.monotonic() - started < 1.0
    assert (update["data"]["orderId"], update["data"]["toStatus"]) == (order_id, "processing")
    assert silent(theirs)

    inbox = api.get("/api/notifications", headers=customer["headers"]).json()
    kinds = {n["kind"] for n in inbox["data"]}
    assert {"order_confirmed", "order_status_changed"} <= kinds
    first = inbox["data"][0]["id"]
    assert (
        api.post(f"/api/notifications/{first}/read", headers=stranger["headers"]).status_code == 404
    )
    read = api.post(f"/api/notifications/{first}/read", headers=customer["headers"])
    assert read.status_code == 200 and read.json()["read"] is True
    mine.close()
    theirs.close()
