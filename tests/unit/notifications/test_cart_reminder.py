"""The abandoned-cart reminder on fakes of the ports: what it shows (the cart's lines now, with
images and current prices), when it sends nothing (gone or empty cart, opted-out or inactive user),
once per reminder; and the real templates and message: links to pages the web app has, and the
List-Unsubscribe header."""

import re
from email import message_from_bytes
from email.policy import default
from urllib.parse import unquote, urlsplit

import pytest

from services.common.errors import ServiceUnavailable, ValidationFailed
from services.common.schemas import load
from services.notifications import domain
from services.notifications.mail import Templates, build_message
from services.notifications.schemas import CartAbandoned
from services.notifications.usecases import Notifications
from tests.unit.notifications.fakes import (
    NOW,
    FakeDirectory,
    FakeEmailLog,
    FakeInbox,
    FakePostman,
    FakePusher,
)

SHOP = FakePostman.storefront_url
ADA = {
    "id": "user-1",
    "email": "ada@example.com",
    "first_name": "Ada",
    "is_active": True,
    "cart_reminders": True,
}


def line(product_id, name, price, quantity, image, available=True):
    return {
        "product_id": product_id,
        "name": name,
        "price": price,
        "quantity": quantity,
        "image": image,
        "line_total": price * quantity if available else 0,
        "available": available,
        "previous_price": None,
    }


CART = {
    "id": "cart-1",
    "user_id": "user-1",
    "lines": [
        line("p-1", "Teapot", 2450, 2, "/media/images/seed/teapot.webp"),
        line("p-2", "Cup", 500, 1, "https://cdn.example/cup.webp"),
        line("p-3", "Gone lamp", 9900, 1, None, available=False),
    ],
    "subtotal": 5400,
    "currency": "USD",
}


def abandoned(reminder_id="rem-1", cart_id="cart-1", user_id="user-1"):
    return {
        "event_id": f"evt-{reminder_id}",
        "reminder_id": reminder_id,
        "cart_id": cart_id,
        "user_id": user_id,
        "touched_at": "2026-01-01T00:00:00+00:00",
        "lines": [{"product_id": "p-1", "quantity": 2}],
    }


@pytest.fixture
def directory():
    return FakeDirectory(users={"user-1": dict(ADA)}, carts={"cart-1": CART})


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


def test_the_reminder_shows_the_lines_on_sale_with_image_and_current_price(notifications):
    email_id = notifications.remind_cart(abandoned())

    email = notifications.emails.rows[email_id]
    assert (email.to_address, email.kind, email.event_type, email.status) == (
        "ada@example.com",
        "cart_reminder",
        "cart_abandoned",
        "sent",
    )
    context = email.rendered.context
    assert context["cart"]["lines"] == [
        {
            "product_id": "p-1",
            "name": "Teapot",
            "quantity": 2,
            "price": 2450,
            "line_total": 4900,
            "image": f"{SHOP}/media/images/seed/teapot.webp",
        },
        {
            "product_id": "p-2",
            "name": "Cup",
            "quantity": 1,
            "price": 500,
            "line_total": 500,
            "image": "https://cdn.example/cup.webp",
        },
    ]
    assert (context["cart"]["subtotal"], context["cart"]["currency"]) == (5400, "USD")
    assert context["links"]["cart"] == f"{SHOP}/cart"
    # the token is quoted whole into the query string
    assert context["links"]["unsubscribe"] == (f"{SHOP}/unsubscribe?token=signed.user-1%2Fx%2By%3D")
    assert notifications.inbox.rows == [] and notifications.pusher.pushed == []


def test_the_same_reminder_delivered_twice_sends_one_email(notifications):
    notifications.remind_cart(abandoned())
    assert notifications.remind_cart(abandoned()) is None

    assert len(notifications.emails.rows) == 1 and len(notifications.postman.sent) == 1


def test_the_next_reminder_of_the_same_cart_is_another_email(notifications):
    notifications.remind_cart(abandoned("rem-1"))
    notifications.remind_cart(abandoned("rem-2"))

    assert len(notifications.postman.sent) == 2


@pytest.mark.parametrize(
    "cart",
    [
        None,  # expired, deleted or emptied by the order
        {**CART, "lines": []},
        {**CART, "lines": [line("p-3", "Gone lamp", 9900, 1, None, available=False)]},
    ],
    ids=["gone", "empty", "nothing-on-sale"],
)
def test_a_gone_or_empty_cart_gets_no_email(notifications, directory, cart):
    directory.carts = {"cart-1": cart} if cart else {}

    assert notifications.remind_cart(abandoned()) is None
    assert notifications.emails.rows == {} and notifications.postman.sent == []
    assert ("unsubscribe_token", "user-1") not in directory.calls


def test_another_users_cart_gets_no_email(notifications, directory):
    directory.users["user-2"] = {**ADA, "id": "user-2", "email": "bob@example.com"}

    assert notifications.remind_cart(abandoned(user_id="user-2")) is None
    assert notifications.postman.sent == []


@pytest.mark.parametrize("change", [{"cart_reminders": False}, {"is_active": False}])
def test_an_opted_out_or_inactive_user_gets_nothing_and_the_cart_is_not_read(
    notifications, directory, change
):
    directory.users["user-1"].update(change)

    assert notifications.remind_cart(abandoned()) is None
    assert notifications.emails.rows == {}
    assert directory.calls == [("user", "user-1")]


def test_a_user_who_is_gone_gets_nothing(notifications, directory):
    directory.users = {}

    assert notifications.remind_cart(abandoned()) is None
    assert notifications.emails.rows == {}


def test_accounts_being_down_is_raised_for_the_handler_to_retry(notifications, directory):
    def down(user_id):
        raise ServiceUnavailable("accounts is down")

    directory.user = down
    with pytest.raises(ServiceUnavailable):
        notifications.remind_cart(abandoned())
    assert notifications.emails.rows == {}


def test_the_event_needs_its_reminder_cart_and_user():
    loaded = load(CartAbandoned(), abandoned())
    assert (loaded["reminder_id"], loaded["cart_id"], loaded["user_id"]) == (
        "rem-1",
        "cart-1",
        "user-1",
    )
    with pytest.raises(ValidationFailed):
        load(CartAbandoned(), {"cart_id": "cart-1", "user_id": "user-1"})


# -- the real templates -------------------------------------------------------------------------


def rendered_reminder():
    context = {
        "recipient": {"first_name": "Ada", "email": "ada@example.com"},
        "data": abandoned(),
        "cart": {
            "lines": domain.reminder_lines(CART, SHOP),
            "subtotal": CART["subtotal"],
            "currency": "USD",
        },
        "links": {
            "storefront": SHOP,
            "cart": f"{SHOP}/cart",
            "unsubscribe": f"{SHOP}/unsubscribe?token=abc.def.ghi",
        },
    }
    return Templates().render("cart_reminder", context)


def test_the_email_lists_images_names_quantities_prices_and_the_subtotal():
    rendered = rendered_reminder()

    assert rendered.subject == "You left something in your cart"
    assert rendered.text.startswith("Hello Ada,\n")  # the subject is not repeated in the body
    assert "2 x Teapot at 24.50 USD: 49.00 USD" in rendered.text
    assert "1 x Cup at 5.00 USD: 5.00 USD" in rendered.text
    assert "Subtotal: 54.00 USD" in rendered.text
    assert "Gone lamp" not in rendered.text and "Gone lamp" not in rendered.html
    assert f'<img src="{SHOP}/media/images/seed/teapot.webp" alt="Teapot"' in rendered.html
    assert '<img src="https://cdn.example/cup.webp" alt="Cup"' in rendered.html
    assert "49.00 USD" in rendered.html and "54.00 USD" in rendered.html


def test_every_link_opens_a_page_of_the_web_app():
    rendered = rendered_reminder()
    links = re.findall(r"https?://[^\s\"'<>]+", rendered.text + rendered.html)
    pages = {urlsplit(link).path + "?" + urlsplit(link).query for link in links}
    assert pages >= {"/cart?", "/unsubscribe?token=abc.def.ghi"}
    for link in links:
        parts = urlsplit(unquote(link))
        if link.startswith(SHOP):
            assert parts.path in ("", "/", "/cart", "/unsubscribe") or parts.path.startswith(
                "/media/"
            ), link
        else:
            assert link == "https://cdn.example/cup.webp"


def test_the_message_carries_the_unsubscribe_page_as_list_unsubscribe():
    rendered = rendered_reminder()
    assert rendered.list_unsubscribe == f"{SHOP}/unsubscribe?token=abc.def.ghi"

    message = build_message(
        sender="Bazaar <no-reply@bazaar.dev>",
        to="ada@example.com",
        rendered=rendered,
        message_id="<m-1@bazaar.dev>",
    )
    parsed = message_from_bytes(bytes(message), policy=default)
    assert parsed["List-Unsubscribe"] == f"<{SHOP}/unsubscribe?token=abc.def.ghi>"
    assert parsed["List-Unsubscribe-Post"] is None  # the page asks for a click (see mail.py)


def test_a_long_unsubscribe_url_is_written_as_it_is_not_as_encoded_words():
    url = f"{SHOP}/unsubscribe?token=" + "A" * 48 + "." + "B" * 20 + "." + "C" * 22
    rendered = Templates().render(
        "cart_reminder",
        {
            "recipient": {"first_name": "Ada"},
            "cart": {"lines": [], "currency": "USD"},
            "links": {"storefront": SHOP, "cart": f"{SHOP}/cart", "unsubscribe": url},
        },
    )
    raw = bytes(build_message(sender="b@b.dev", to="a@b.dev", rendered=rendered, message_id="<m>"))
    assert f"\nList-Unsubscribe: <{url}>\n".encode() in raw.replace(b"\r\n", b"\n")
    assert b"=?utf-8?" not in raw


def test_other_emails_carry_no_list_unsubscribe():
    rendered = Templates().render(
        "welcome", {"recipient": {"first_name": "Ada"}, "links": {"storefront": SHOP}}
    )
    assert rendered.list_unsubscribe is None
    message = build_message(
        sender="b@bazaar.dev", to="ada@example.com", rendered=rendered, message_id="<m@b>"
    )
    assert message["List-Unsubscribe"] is None


def test_a_media_path_becomes_an_absolute_url_and_nothing_stays_nothing():
    assert domain.absolute_url("https://shop.example/", "/media/a.webp") == (
        "https://shop.example/media/a.webp"
    )
    assert domain.absolute_url("https://shop.example", "media/a.webp") == (
        "https://shop.example/media/a.webp"
    )
    assert domain.absolute_url("https://shop.example", "http://cdn/a.webp") == "http://cdn/a.webp"
    assert domain.absolute_url("https://shop.example", None) is None
