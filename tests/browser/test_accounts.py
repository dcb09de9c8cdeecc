"""Accounts in the browser: registering keeps the guest's cart; a forgotten password is reset from
the emailed link."""

from __future__ import annotations

import email
import email.policy
import re
import uuid

import pytest
from playwright.sync_api import expect

from services.common.config import ROOT
from tests.browser.journeys import (
    account_menu,
    add_to_cart,
    cart_link,
    sign_in,
    stocked_product,
    unique,
)
from tests.helpers import wait_for

pytestmark = pytest.mark.browser

MAIL_DIR = ROOT / "var" / "test" / "mail"


def test_a_guest_registers_from_checkout_and_finds_the_guest_cart_merged(page, api, seller_headers):
    product = stocked_product(api, seller_headers, price="18.00", stock=5, name=unique("Merge Mug"))
    add_to_cart(page, product)

    cart_link(page, 1).click()
    page.get_by_role("link", name="Go to checkout").click()
    expect(page.get_by_role("heading", name="Sign in to check out")).to_be_visible()
    page.get_by_role("link", name="Create an account").click()

    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    email = f"browser-{uuid.uuid4().hex[:10]}@example.com"
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Email").fill(email)
    password = page.get_by_label("Password", exact=True)
    # the rules are shown, and ticked off, before anything is submitted
    expect(page.get_by_text("At least 10 characters (not met yet).")).to_be_attached()
    password.fill("Compiler-1952")
    expect(page.get_by_text("At least 10 characters (met).")).to_be_attached()
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"/checkout$"))
    expect(page.get_by_role("heading", name="Shipping address")).to_be_visible()
    expect(account_menu(page)).to_contain_text("Grace")
    cart_link(page, 1).click()
    lines = page.get_by_role("list", name="Items in your cart")
    expect(lines.get_by_role("listitem")).to_have_count(1)
    expect(lines).to_contain_text(product["name"])


def reset_link_for(address: str) -> str:
    """The link in the password-reset email to `address` (the stack's file mail sink)."""

    def link():
        for eml in MAIL_DIR.glob("*.eml"):
            message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
            if address not in str(message["To"]):
                continue
            body = message.get_body(("plain", "html"))
            found = re.search(
                r"https?://[^\s\"'<>]+/reset-password\?token=[^\s\"'<>]+", body.get_content()
            )
            if found:
                return found.group(0)
        return None

    return wait_for(link, timeout=20, interval=0.2)


def test_a_customer_who_forgot_the_password_resets_it_from_the_emailed_link_and_signs_in(
    page, stack, new_customer
):
    customer = new_customer()
    page.goto("/signin")
    page.get_by_role("link", name="Forgot your password?").click()
    # the sign-in form stays on screen while the next page's code loads: wait for the new page
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    page.get_by_label("Email").fill(customer["email"])
    page.get_by_role("button", name="Send the link").click()
    sent = page.get_by_role("status").filter(has_text="If an account exists")
    expect(sent).to_contain_text(f"If an account exists for {customer['email']}")

    link = reset_link_for(customer["email"])
    # the email links to this storefront, on the gateway's own origin
    assert link.startswith(f"{stack}/reset-password?token="), link
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password").fill("Brand-new-secret-7")
    page.get_by_role("button", name="Set the new password").click()

    expect(page).to_have_url(re.compile(r"/signin\?reset=1$"))
    expect(page.get_by_role("status").filter(has_text="password")).to_contain_text(
        "Your password was changed"
    )
    sign_in(page, customer["email"], "Brand-new-secret-7")
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
