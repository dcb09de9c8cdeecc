"""Abandoned-cart reminders on the whole stack (tests/stack.py runs the cart's sweep every second
and calls a cart idle after 3 s): an idle cart's owner gets one email with the cart's lines, a
link back to it and an unsubscribe link that works signed out; an ordered cart, or an opted-out
customer's, gets none; the admin figures count what was sent and what was recovered.

The stack's file mail sink is shared by every test, so emails are picked by recipient and subject.
"Nothing was sent" is judged once a control customer's cart, left idle after the one under test,
has had its reminder: the sweep takes carts oldest first, so it has been past the other by then.
"""

from __future__ import annotations

import email
import email.policy
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from services.common.config import ROOT
from tests.e2e.shop import cart_with, new_product, place
from tests.helpers import wait_for

MAIL_DIR = ROOT / "var" / "test" / "mail"
SUBJECT = "You left something in your cart"
TIMEOUT = 30  # seconds: 3 s idle + a sweep each second + the outbox, the broker and the email


def reminders_to(address: str) -> list[email.message.EmailMessage]:
    """The cart reminder emails in the sink addressed to `address`."""
    found = []
    for eml in MAIL_DIR.glob("*.eml"):
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        if message["To"] == address and message["Subject"] == SUBJECT:
            found.append(message)
    return found


def wait_for_reminders(address: str, count: int = 1) -> list[email.message.EmailMessage]:
    return wait_for(lambda: len(reminders_to(address)) >= count and reminders_to(address), TIMEOUT)


def unsubscribe_link(message) -> str:
    plain = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S+/unsubscribe\?token=\S+", plain).group(0)


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def stocked_product_with_image(api) -> dict:
    listing = api.get("/api/products", params={"inStock": "true", "limit": 50}).json()
    with_image = [p for p in listing["data"] if p.get("image") and p.get("available", 0) > 0]
    if not with_image:
        pytest.skip("no seeded product with an image in stock")
    return with_image[0]


@pytest.fixture
def sweep_passed(api, seller_headers, new_customer):
    """Call after leaving a cart idle: returns once a later idle cart (a control customer's) has
    had its reminder, i.e. the sweep has judged every cart left idle before it."""

    def wait() -> None:
        control = new_customer()
        cart_with(api, control, new_product(api, seller_headers)["id"])
        wait_for_reminders(control["email"])

    return wait


def test_idle_cart_gets_one_reminder(api, new_customer, sweep_passed):
    customer = new_customer()
    product = stocked_product_with_image(api)
    cart_with(api, customer, product["id"], quantity=2)

    [message] = wait_for_reminders(customer["email"])
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"2 x {product['name']} at {product['price']} USD" in plain
    # the image, the cart link and the unsubscribe link open on the stack's own origin
    [image] = re.findall(r'<img src="([^"]+)"', html)
    # the picture the storefront shows, made absolute (not fetched: the stack's seed draws its
    # pictures under var/media while its gateway serves var/test/media)
    assert image == f"{api.base_url}{product['image']}"
    assert f"Return to your cart: {api.base_url}/cart\n" in plain
    assert api.get("/cart").status_code == 200
    link = unsubscribe_link(message)
    assert link.startswith(f"{api.base_url}/unsubscribe?token=")
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert f'href="{link}"' in html

    sweep_passed()
    sweep_passed()  # more sweeps, each past the cart again: still the one email
    assert len(reminders_to(customer["email"])) == 1


def test_no_reminder_after_the_order(api, seller_headers, new_customer, sweep_passed):
    customer = new_customer()
    cart_id = cart_with(api, customer, new_product(api, seller_headers)["id"])
    placed = place(api, customer, cart_id, method="cod")
    assert placed.status_code == 201, placed.text

    sweep_passed()
    assert reminders_to(customer["email"]) == []


def test_no_reminder_for_an_opted_out_user(api, seller_headers, new_customer, sweep_passed):
    customer = new_customer()
    changed = api.put(
        "/api/users/profile", headers=customer["headers"], json={"cartReminders": False}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["cartReminders"] is False
    cart_with(api, customer, new_product(api, seller_headers)["id"])

    sweep_passed()
    assert reminders_to(customer["email"]) == []


def test_unsubscribe_link_works_without_signing_in(api, seller_headers, new_customer, sweep_passed):
    customer = new_customer()
    product = new_product(api, seller_headers)
    cart_id = cart_with(api, customer, product["id"])
    [message] = wait_for_reminders(customer["email"])
    token = token_of(unsubscribe_link(message))

    # the page opens signed out (the storefront app), and only the POST unsubscribes
    assert api.get("/unsubscribe", params={"token": token}).status_code == 200
    assert api.get("/api/users/profile", headers=customer["headers"]).json()["cartReminders"]
    for _ in range(2):  # a second click answers the same
        done = api.post("/api/unsubscribe", json={"token": token})
        assert done.status_code == 200, done.text
        assert done.json() == {"topic": "cart_reminders", "unsubscribed": True}
    profile = api.get("/api/users/profile", headers=customer["headers"]).json()
    assert profile["cartReminders"] is False

    forged = api.post("/api/unsubscribe", json={"token": token[:-2] + "xx"})
    assert (forged.status_code, forged.json()["error"]) == (400, "INVALID_UNSUBSCRIBE_TOKEN")

    # a new idle cart (the reminded one deleted) gets nothing
    deleted = api.delete(f"/api/cart/{cart_id}", headers=customer["headers"])
    assert deleted.status_code == 204, deleted.text
    assert cart_with(api, customer, product["id"]) != cart_id
    sweep_passed()
    assert len(reminders_to(customer["email"])) == 1


def test_admin_stats_count_sent_and_recovered(api, admin_headers, seller_headers, new_customer):
    def stats() -> dict:
        response = api.get("/api/admin/stats/reminders", params={"days": 1}, headers=admin_headers)
        assert response.status_code == 200, response.text
        return response.json()

    before = stats()
    customer = new_customer()
    cart_id = cart_with(api, customer, new_product(api, seller_headers)["id"])
    wait_for_reminders(customer["email"])
    assert stats()["sent"] >= before["sent"] + 1

    placed = place(api, customer, cart_id, method="cod")  # the reminded cart ordered: recovered
    assert placed.status_code == 201, placed.text
    wait_for(lambda: stats()["recovered"] >= before["recovered"] + 1, TIMEOUT)
    after = stats()
    assert after["recovered"] <= after["sent"]
    assert 0 < after["recoveryRate"] <= 1
