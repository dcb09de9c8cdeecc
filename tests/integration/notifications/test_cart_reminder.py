"""The abandoned-cart reminder against RabbitMQ, PostgreSQL and the file mail sink: a
`cart_abandoned` event becomes one .eml with the cart's lines and both links (cart, unsubscribe,
also as List-Unsubscribe), once per reminder; a cart that is gone sends nothing. The accounts and
cart services are replaced."""

import email
import email.policy

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_waiter, replace_dependencies
from sqlalchemy import text

from services.cart.exceptions import CartNotFound
from services.notifications.mail import storefront_url
from services.notifications.service import NotificationsService
from tests.helpers import engine_for, wait_for

pytestmark = pytest.mark.integration

ADA = {
    "id": "user-1",
    "email": "ada@example.com",
    "first_name": "Ada",
    "is_active": True,
    "cart_reminders": True,
}
CART = {
    "id": "cart-1",
    "cart_id": "cart-1",
    "user_id": "user-1",
    "lines": [
        {
            "product_id": "p-1",
            "name": "Teapot",
            "price": 2450,
            "quantity": 2,
            "image": "/media/images/seed/teapot.webp",
            "line_total": 4900,
            "available": True,
        }
    ],
    "subtotal": 4900,
    "currency": "USD",
}
TOKEN = "dXNlci0x.Y2FydF9yZW1pbmRlcnM.c2lnbmVk"


@pytest.fixture
def reminders(container_factory, service_config, tmp_path):
    cfg = {**service_config, "MAIL": {**service_config["MAIL"], "dir": str(tmp_path / "mail")}}
    cfg["MAIL"]["transport"] = "file"
    container = container_factory(NotificationsService, cfg)
    accounts, cart = replace_dependencies(container, "accounts_rpc", "cart_rpc")
    accounts.get_user.return_value = ADA
    accounts.unsubscribe_token.return_value = TOKEN
    cart.get_cart.return_value = CART
    container.start()
    container.mail = tmp_path / "mail"
    container.cfg = cfg
    return container, accounts, cart


def abandon(container, reminder_id="rem-1"):
    payload = {
        "event_id": f"evt-{reminder_id}",
        "reminder_id": reminder_id,
        "cart_id": "cart-1",
        "user_id": "user-1",
        "touched_at": "2026-12-01T10:00:00+00:00",
        "lines": [{"product_id": "p-1", "quantity": 2}],
    }
    with entrypoint_waiter(container, "handle_cart_abandoned", timeout=10):
        event_dispatcher(container.cfg)("cart", "cart_abandoned", payload)


def logged(cfg):
    with engine_for(cfg, "notifications").connect() as conn:
        return conn.execute(text("SELECT kind, to_address, status FROM emails")).all()


def test_an_abandoned_cart_becomes_one_email_with_its_lines_and_both_links(reminders):
    container, accounts, cart = reminders
    abandon(container)
    abandon(container)  # redelivered: still one email

    wait_for(lambda: [row.status for row in logged(container.cfg)] == ["sent"])
    [eml] = list(container.mail.glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    shop = storefront_url(container.cfg)
    unsubscribe = f"{shop}/unsubscribe?token={TOKEN}"
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == "You left something in your cart"
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "2 x Teapot at 24.50 USD: 49.00 USD" in plain
    assert f"{shop}/cart" in plain and unsubscribe in plain
    assert f'href="{shop}/cart"' in html and f'href="{unsubscribe}"' in html
    assert f'src="{shop}/media/images/seed/teapot.webp"' in html
    cart.get_cart.assert_called_with("cart-1", "user-1")
    accounts.unsubscribe_token.assert_called_with("user-1", "cart_reminders")


def test_a_cart_that_is_gone_sends_nothing(reminders):
    container, _, cart = reminders
    cart.get_cart.side_effect = CartNotFound("no such cart", {"cart_id": "cart-1"})
    abandon(container)

    assert logged(container.cfg) == []
    assert list(container.mail.glob("*.eml")) == []


def test_an_opted_out_user_gets_nothing_and_their_cart_is_not_read(reminders):
    container, accounts, cart = reminders
    accounts.get_user.return_value = {**ADA, "cart_reminders": False}
    abandon(container)

    assert logged(container.cfg) == []
    cart.get_cart.assert_not_called()
