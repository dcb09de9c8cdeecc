"""The notifications use cases on fakes of their ports: who is told, once, by which channel, and
in how many transactions."""

import pytest

from services.common.errors import ServiceUnavailable
from services.common.push import ADMINS_CHANNEL, user_channel
from services.notifications.exceptions import NotificationNotFound
from services.notifications.usecases import Notifications
from tests.unit.notifications.fakes import (
    NOW,
    FakeDirectory,
    FakeEmailLog,
    FakeInbox,
    FakePostman,
    FakePusher,
)

ADA = {"id": "user-1", "email": "ada@example.com", "first_name": "Ada", "role": "customer"}


@pytest.fixture
def directory():
    return FakeDirectory(users={"user-1": ADA}, orders={"order-1": {"id": "order-1"}})


@pytest.fixture
def notifications(directory):
    return Notifications(
        emails=FakeEmailLog(),
        inbox=FakeInbox(),
        postman=FakePostman(),
        pusher=FakePusher(),
        directory=directory,
        clock=lambda: NOW,
    )


def confirmed(event_id="evt-1"):
    return {"event_id": event_id, "order_id": "order-1", "user_id": "user-1", "total": 2599}


def test_a_confirmed_order_is_emailed_put_in_the_inbox_and_pushed_in_three_transactions(
    notifications,
):
    notifications.notify("order_confirmed", confirmed())

    [email] = notifications.emails.rows.values()
    assert (email.to_address, email.kind, email.status) == (
        "ada@example.com",
        "order_confirmed",
        "sent",
    )
    assert notifications.postman.sent == [email]
    [(channel, message)] = [p for p in notifications.pusher.pushed if p[0] != ADMINS_CHANNEL]
    assert channel == user_channel("user-1")
    assert message["notification"]["title"] == "Order ORDER-1 confirmed"
    assert ADMINS_CHANNEL in [c for c, _ in notifications.pusher.pushed]  # a new-order alert
    # the writes, the claim of the email, its outcome
    assert len(notifications.emails.commits) == 3


def test_a_redelivered_event_tells_nobody_twice(notifications):
    notifications.notify("order_confirmed", confirmed())
    notifications.notify("order_confirmed", confirmed())

    assert len(notifications.emails.rows) == 1 and len(notifications.postman.sent) == 1
    assert len(notifications.inbox.rows) == 1
    assert len(notifications.pusher.pushed) == 2  # the owner and the admins, once each


def test_a_status_change_without_an_email_asks_no_other_service(notifications, directory):
    payload = {"event_id": "e", "order_id": "order-1", "user_id": "user-1", "to_status": "packed"}
    notifications.notify("order_status_changed", payload)

    assert directory.calls == []
    assert notifications.emails.rows == {}
    assert notifications.inbox.rows[0].title == "Order ORDER-1 is packed"


def test_a_failed_send_waits_for_a_retry_and_the_retry_sends_it(notifications):
    notifications.postman.failures = 1
    notifications.notify(
        "user_registered",
        {"event_id": "e", "user_id": "user-1", "email": "ada@example.com", "first_name": "Ada"},
    )

    [email] = notifications.emails.rows.values()
    assert (email.status, email.attempts) == ("pending", 1)
    assert email.last_error == "ConnectionRefusedError: smtp down"

    notifications.retry_due_emails()
    assert (email.status, email.attempts) == ("sent", 2)


def test_stock_low_alerts_the_active_admins_with_the_products_name(notifications, directory):
    directory.users["admin-1"] = {"id": "admin-1", "email": "a@bazaar.dev", "role": "admin"}
    directory.users["admin-2"] = {"id": "admin-2", "role": "admin", "is_active": False}
    directory.products["prod-1"] = {"name": "Teapot"}

    notifications.notify("stock_low", {"product_id": "prod-1", "available": 1, "threshold": 5})

    assert [e.to_address for e in notifications.emails.rows.values()] == ["a@bazaar.dev"]
    [(channel, message)] = notifications.pusher.pushed
    assert channel == ADMINS_CHANNEL and message["data"]["product_name"] == "Teapot"


def test_an_unreachable_order_service_fails_the_event_before_anything_is_written(
    notifications, directory
):
    def down(order_id):
        raise ServiceUnavailable("orders is down")

    directory.order = down
    with pytest.raises(ServiceUnavailable):
        notifications.notify("order_cancelled", {"order_id": "order-1"})
    assert notifications.inbox.rows == [] and len(notifications.emails.commits) == 0


def test_an_entry_is_marked_read_once_and_only_by_its_owner(notifications):
    notifications.notify("order_confirmed", confirmed())
    [entry] = notifications.list_inbox("user-1", 1, 20, False).rows

    with pytest.raises(NotificationNotFound):
        notifications.mark_read("user-2", entry.id)
    assert notifications.mark_read("user-1", entry.id).read_at == NOW
    assert notifications.mark_all_read("user-1") == 0
    page = notifications.list_inbox("user-1", 1, 20, False)
    assert (page.total, page.unread) == (1, 0)
