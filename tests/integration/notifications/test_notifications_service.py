"""The notifications service against RabbitMQ, PostgreSQL, Redis and a real SMTP server; the
accounts, orders and catalog services are replaced."""

import email
import email.policy
import json
import uuid

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_hook, entrypoint_waiter, replace_dependencies
from sqlalchemy import text

from services.notifications.exceptions import NotificationNotFound
from services.notifications.mail import storefront_url
from services.notifications.service import NotificationsService
from tests.helpers import engine_for, wait_for

pytestmark = pytest.mark.integration

CUSTOMER = {"id": "user-1", "email": "ada@example.com", "first_name": "Ada", "is_active": True}


def start(container_factory, service_config, mail):
    """The service with mocked accounts, orders and catalog (reachable as `container.mocks`)."""
    cfg = {**service_config, "MAIL": {**service_config["MAIL"], **mail}}
    container = container_factory(NotificationsService, cfg)
    accounts, orders, catalog = replace_dependencies(
        container, "accounts_rpc", "orders_rpc", "catalog_rpc"
    )
    container.mocks = {"accounts": accounts, "orders": orders, "catalog": catalog}
    accounts.get_user.return_value = CUSTOMER
    orders.get_order.return_value = {
        "id": "order-1",
        "user_id": "user-1",
        "lines": [],
        "total": 2599,
        "currency": "USD",
    }
    catalog.get_product.return_value = {"id": "prod-1", "name": "Teapot"}
    container.start()
    return container, accounts, cfg


def smtp(server, **extra):
    return {
        "transport": "smtp",
        "smtp": {"host": "127.0.0.1", "port": server.port, "timeout": 2},
        **extra,
    }


def emails(cfg):
    with engine_for(cfg, "notifications").connect() as conn:
        return conn.execute(
            text("SELECT kind, to_address, status, attempts FROM emails ORDER BY created_at")
        ).all()


def listening(redis_client, channel):
    """A subscription to one live-push channel (what the WebSocket gateway reads)."""
    pubsub = redis_client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(channel)
    return pubsub


def deliver(container, cfg, source, event_type, payload, times=1):
    dispatch = event_dispatcher(cfg)
    for _ in range(times):
        with entrypoint_waiter(container, f"handle_{event_type}", timeout=10):
            dispatch(source, event_type, payload)


def registered(event_id=None):
    payload = {"user_id": "user-1", "email": "ada@example.com", "first_name": "Ada"}
    if event_id:
        payload["event_id"] = event_id
    return payload


@pytest.mark.parametrize("event_id", [str(uuid.uuid4()), None], ids=["outbox-id", "no-id"])
def test_an_event_delivered_twice_sends_one_email(
    container_factory, service_config, smtp_server, event_id
):
    smtp_server.start()
    container, _, cfg = start(container_factory, service_config, smtp(smtp_server))
    deliver(container, cfg, "accounts", "user_registered", registered(event_id), times=2)

    wait_for(lambda: [e.status for e in emails(cfg)] == ["sent"])
    wait_for(lambda: len(smtp_server.messages()) >= 1)
    messages = smtp_server.messages()
    assert len(messages) == 1
    assert messages[0]["To"] == "ada@example.com"
    assert "Welcome" in messages[0]["Subject"]
    assert {part.get_content_type() for part in messages[0].walk()} >= {"text/plain", "text/html"}


def test_a_failed_send_is_retried_until_the_server_answers(
    container_factory, service_config, smtp_server
):
    container, _, cfg = start(
        container_factory, service_config, smtp(smtp_server, retry_base=0.2, max_attempts=20)
    )
    deliver(container, cfg, "accounts", "user_registered", registered(str(uuid.uuid4())))
    wait_for(lambda: emails(cfg)[0].attempts >= 2 and emails(cfg)[0].status == "pending")

    smtp_server.start()
    wait_for(lambda: emails(cfg)[0].status == "sent", timeout=15)
    wait_for(lambda: len(smtp_server.messages()) == 1)


def test_a_shipped_order_is_emailed_with_tracking_put_in_the_inbox_and_pushed(
    container_factory, service_config, smtp_server, redis_client
):
    smtp_server.start()
    container, _, cfg = start(container_factory, service_config, smtp(smtp_server))
    pubsub = listening(redis_client, "push:user:user-1")
    payload = {
        "event_id": str(uuid.uuid4()),
        "order_id": "order-1",
        "user_id": "user-1",
        "from_status": "processing",
        "to_status": "shipped",
        "tracking": {"carrier": "UPS", "number": "1Z999", "url": "https://ups.example/1Z999"},
    }
    deliver(container, cfg, "orders", "order_status_changed", payload, times=2)

    push = wait_for(lambda: pubsub.get_message(timeout=0.1))
    message = json.loads(push["data"])
    assert message["type"] == "order_status_changed"
    assert message["data"]["to_status"] == "shipped"
    assert message["notification"]["title"].endswith("is shipped")
    assert pubsub.get_message(timeout=0.3) is None  # the duplicate is not pushed again

    wait_for(lambda: [e.status for e in emails(cfg)] == ["sent"])
    [mail] = wait_for(smtp_server.messages)
    assert "shipped" in mail["Subject"]
    assert "1Z999" in mail.get_body(("plain",)).get_content()

    with entrypoint_hook(container, "list_inbox") as list_inbox:
        inbox = list_inbox("user-1")
    assert inbox["meta"]["total"] == 1 and inbox["meta"]["unread"] == 1


def test_a_status_change_without_an_email_is_told_from_the_payload_alone(
    container_factory, service_config, smtp_server, redis_client
):
    smtp_server.start()
    container, _, cfg = start(container_factory, service_config, smtp(smtp_server))
    pubsub = listening(redis_client, "push:user:user-1")
    payload = {
        "event_id": str(uuid.uuid4()),
        "order_id": "order-1",
        "user_id": "user-1",
        "from_status": "pending",
        "to_status": "awaiting_payment",
    }
    deliver(container, cfg, "orders", "order_status_changed", payload)

    message = json.loads(wait_for(lambda: pubsub.get_message(timeout=0.1))["data"])
    assert message["notification"]["title"] == "Order ORDER-1 is awaiting payment"
    with entrypoint_hook(container, "list_inbox") as list_inbox:
        assert list_inbox("user-1")["meta"]["total"] == 1
    # an inbox entry and a push need neither the order nor the customer's record
    for mock in container.mocks.values():
        assert mock.mock_calls == []
    assert emails(cfg) == []


def test_stock_low_alerts_every_admin(container_factory, service_config, smtp_server, redis_client):
    smtp_server.start()
    container, accounts, cfg = start(container_factory, service_config, smtp(smtp_server))
    accounts.list_users.return_value = {
        "data": [
            {"id": "admin-1", "email": "a1@bazaar.dev", "first_name": "A", "is_active": True},
            {"id": "admin-2", "email": "a2@bazaar.dev", "first_name": "B", "is_active": True},
        ]
    }
    pubsub = listening(redis_client, "push:admins")
    deliver(
        container,
        cfg,
        "inventory",
        "stock_low",
        {"product_id": "prod-1", "available": 2, "threshold": 5, "nonce": str(uuid.uuid4())},
    )

    alert = json.loads(wait_for(lambda: pubsub.get_message(timeout=0.1))["data"])
    assert alert["type"] == "stock_low" and alert["data"]["product_name"] == "Teapot"
    wait_for(lambda: len(smtp_server.messages()) == 2)
    assert sorted(m["To"] for m in smtp_server.messages()) == ["a1@bazaar.dev", "a2@bazaar.dev"]
    assert all("Teapot" in m["Subject"] for m in smtp_server.messages())


def test_password_reset_mail_goes_to_the_file_sink_with_the_link(
    container_factory, service_config, tmp_path
):
    container, _, cfg = start(
        container_factory, service_config, {"transport": "file", "dir": str(tmp_path / "mail")}
    )
    deliver(
        container,
        cfg,
        "accounts",
        "password_reset_requested",
        {
            "user_id": "user-1",
            "email": "ada@example.com",
            "first_name": "Ada",
            "token": "tok/en+1",
            "expires_at": "2026-11-22T05:00:00+00:00",
        },
    )
    wait_for(lambda: [e.status for e in emails(cfg)] == ["sent"])
    [eml] = list((tmp_path / "mail").glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] == "ada@example.com"
    # the storefront's own page, on the gateway's origin unless STOREFRONT_URL says otherwise
    link = f"{storefront_url(cfg)}/reset-password?token=tok%2Fen%2B1"
    assert link in message.get_body(("plain",)).get_content()
    assert f'href="{link}"' in message.get_body(("html",)).get_content()
    with entrypoint_hook(container, "list_inbox") as list_inbox:
        assert list_inbox("user-1")["meta"]["total"] == 0  # never in the inbox


def test_inbox_entries_are_marked_read_by_their_owner_only(
    container_factory, service_config, tmp_path
):
    container, _, cfg = start(
        container_factory, service_config, {"transport": "file", "dir": str(tmp_path / "mail")}
    )
    for order_id in ("order-1", "order-2"):
        deliver(
            container,
            cfg,
            "orders",
            "order_cancelled",
            {"order_id": order_id, "user_id": "user-1", "reason": "out_of_stock"},
        )
    with entrypoint_hook(container, "list_inbox") as list_inbox:
        first = list_inbox("user-1", 1, 1)
    assert first["meta"] == {"page": 1, "limit": 1, "total": 2, "total_pages": 2, "unread": 2}
    notification_id = first["data"][0]["id"]

    with entrypoint_hook(container, "mark_read") as mark_read:
        with pytest.raises(NotificationNotFound):
            mark_read("user-2", notification_id)
        assert mark_read("user-1", notification_id)["read"] is True
    with entrypoint_hook(container, "mark_all_read") as mark_all_read:
        assert mark_all_read("user-1") == {"updated": 1}
    with entrypoint_hook(container, "list_inbox") as list_inbox:
        assert list_inbox("user-1", unread_only=True)["meta"]["total"] == 0


def test_an_event_that_cannot_be_handled_is_dead_lettered_and_replayable(
    container_factory, service_config, tmp_path, monkeypatch
):
    from services.common import deadletter
    from services.common.errors import ServiceUnavailable

    # down for good: the three ordinary attempts, not a minute of waiting for it to come back
    monkeypatch.setattr(deadletter, "TRANSIENT_WINDOW", 0.0)

    container, accounts, cfg = start(
        container_factory, service_config, {"transport": "file", "dir": str(tmp_path / "mail")}
    )
    accounts.get_user.side_effect = ServiceUnavailable("accounts is down")
    deliver(
        container,
        cfg,
        "orders",
        "order_cancelled",
        {"order_id": "order-1", "user_id": "user-1", "reason": "customer_request"},
    )
    with entrypoint_hook(container, "list_dead_letters") as list_dead_letters:
        [letter] = list_dead_letters()["data"]
    assert letter["event_type"] == "order_cancelled" and emails(cfg) == []

    accounts.get_user.side_effect = None
    with entrypoint_hook(container, "replay_dead_letter") as replay_dead_letter:
        assert replay_dead_letter(letter["id"])["replayed_at"]
    wait_for(lambda: [e.status for e in emails(cfg)] == ["sent"])
