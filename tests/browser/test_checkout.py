"""Checkout in the browser: a card that pays, a card that is declined, cash on delivery, and the
whole checkout with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import (
    ADDRESS,
    DECLINED,
    PAYS,
    add_to_cart,
    cart_link,
    check_out,
    mark_unreloaded,
    order_status,
    record_live_frames,
    sign_in,
    still_same_document,
    stocked_product,
    unique,
    wait_for_live_frame,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def shopper(page, api, seller_headers, new_customer):
    """A signed-in new customer with one stocked product in the cart: (page, product, customer)."""
    customer = new_customer()
    product = stocked_product(api, seller_headers, price="42.00", stock=5, name=unique("Desk Lamp"))
    sign_in(page, customer["email"], customer["password"])
    add_to_cart(page, product)
    return page, product, customer


def test_a_customer_pays_by_card_sees_the_order_confirmed_live_and_finds_it_in_the_history(
    shopper,
):
    page, product, _ = shopper
    record_live_frames(page)
    order_id = check_out(page, card=PAYS)
    mark_unreloaded(page)

    expect(
        page.get_by_role("heading", level=1, name=re.compile(r"^Order [0-9A-F]{8}$"))
    ).to_be_visible()
    expect(page.get_by_text("Live updates on")).to_be_visible()
    expect(order_status(page)).to_have_text("Order status: Confirmed")
    expect(page.get_by_text("Thank you, your order is confirmed.")).to_be_visible()
    wait_for_live_frame(page, order_id, "order_confirmed")
    assert still_same_document(page), "the page reloaded: the status did not arrive live"
    expect(cart_link(page, 0)).to_be_visible()

    page.get_by_role("link", name="All your orders").click()
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()
    reference = order_id.replace("-", "")[:8].upper()
    row = page.get_by_role("listitem").filter(
        has=page.get_by_role("link", name=f"Order {reference}")
    )
    expect(row).to_contain_text("Confirmed")
    expect(row).to_contain_text("$")
    row.get_by_role("link", name=f"Order {reference}").click()
    expect(page.get_by_role("table")).to_contain_text(product["name"])


def test_a_declined_card_says_so_clearly_and_the_order_ends_cancelled(shopper):
    page, *_ = shopper
    check_out(page, card=DECLINED)

    alert = page.get_by_role("alert").filter(has_text="declined")
    expect(alert).to_contain_text("Your card was declined.")
    expect(alert).to_contain_text("You have not been charged")
    expect(order_status(page)).to_have_text("Order status: Cancelled")
    # no error code or raw payload reaches the shopper
    expect(page.get_by_text(re.compile(r"PAYMENT_DECLINED|card_declined|\{\""))).to_have_count(0)

    # the items are still in the cart for another try
    alert.get_by_role("link", name="try again with another card").click()
    expect(page.get_by_role("heading", name="Shipping address")).to_be_visible()
    expect(cart_link(page, 1)).to_be_visible()


def test_cash_on_delivery_confirms_the_order_at_once(shopper):
    page, *_ = shopper
    check_out(page, method="cod")

    expect(order_status(page)).to_have_text("Order status: Confirmed")
    expect(page.get_by_text("You pay when it is delivered.")).to_be_visible()
    delivery = page.get_by_role("region", name="Delivery and payment")
    expect(delivery).to_contain_text("Cash on delivery")
    expect(delivery).to_contain_text(ADDRESS["Address"])


def tab_to(page: Page, name: str | re.Pattern, *, limit: int = 60) -> None:
    """Press Tab until the focused element's accessible name (or label) matches `name`."""
    pattern = name if isinstance(name, re.Pattern) else re.compile(rf"^{re.escape(name)}$")
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el || el === document.body) return "";
              const label = el.labels && el.labels[0] ? el.labels[0].innerText : "";
              const name = el.getAttribute("aria-label") || label || el.innerText || el.value;
              return (name || "").trim();
            }"""
        )
        seen.append(focused)
        if pattern.search(focused):
            return
    raise AssertionError(f"Tab never reached {name!r}; focus went through: {seen}")


def test_a_customer_checks_out_with_the_keyboard_alone(page, api, seller_headers, new_customer):
    customer = new_customer()
    product = stocked_product(api, seller_headers, price="24.00", stock=5, name=unique("Key Lamp"))
    sign_in(page, customer["email"], customer["password"])
    page.goto(f"/products/{product['slug']}")
    expect(page.get_by_role("heading", level=1, name=product["name"])).to_be_visible()

    tab_to(page, "Add to cart")
    page.keyboard.press("Enter")
    expect(cart_link(page, 1)).to_be_visible()
    tab_to(page, "View cart")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    tab_to(page, "Go to checkout")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Shipping address")).to_be_visible()

    for label, value in ADDRESS.items():
        tab_to(page, label)
        page.keyboard.type(value)
    tab_to(page, "Country")
    page.keyboard.type("United K")  # a focused select picks the option typed
    expect(page.get_by_label("Country")).to_have_value("GB")
    tab_to(page, "Continue to payment")
    page.keyboard.press("Enter")

    tab_to(page, "Card")
    page.keyboard.press("Space")
    tab_to(page, "Card number")
    page.keyboard.type(PAYS)
    tab_to(page, "Continue to review")
    page.keyboard.press("Enter")
    tab_to(page, re.compile(r"^Place order"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f-]{36}$"))
    expect(order_status(page)).to_have_text("Order status: Confirmed")
