"""A guest finds a product: home, search as you type (with a typo), filters, product page, cart."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import cart_link

pytestmark = pytest.mark.browser


def results(page):
    """The listing's results region, named by its count heading ("12 products")."""
    return page.get_by_role("region", name=re.compile(r"\d[\d,]* products?$"))


def test_a_guest_browses_searches_with_a_typo_filters_opens_a_product_and_adds_it_to_the_cart(
    page,
):
    page.goto("/")
    expect(page.get_by_role("heading", name="Featured products")).to_be_visible()
    expect(page.get_by_role("heading", name="Shop by category")).to_be_visible()
    expect(cart_link(page, 0)).to_be_visible()

    page.get_by_role("searchbox", name="Search products").fill("hedphones")
    expect(page).to_have_url(re.compile(r"/search\?(.*&)?q=hedphones"))
    expect(page.get_by_role("heading", name="Results for “hedphones”")).to_be_visible()
    found = results(page)
    names = found.get_by_role("link")
    expect(names.first).to_contain_text("Headphones")

    page.get_by_role("checkbox", name=re.compile(r"^Sony")).check()
    expect(page).to_have_url(re.compile(r"brand=Sony"))
    cards = results(page).get_by_role("listitem")
    expect(cards.first).to_be_visible()
    expect(cards.filter(has_not_text="Sony")).to_have_count(0)

    first = results(page).get_by_role("link").first
    product_name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1, name=product_name)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/products/[\w-]+$"))

    page.get_by_role("button", name="Add to cart").click()
    added = page.get_by_role("status").filter(has=page.get_by_role("link", name="View cart"))
    expect(added).to_contain_text("Added")
    expect(cart_link(page, 1)).to_be_visible()

    # the guest's cart is kept across a reload
    page.reload()
    expect(cart_link(page, 1)).to_be_visible()


def test_a_guest_on_a_phone_opens_the_filters_narrows_to_in_stock_and_adds_to_the_cart(
    browsing,
):
    page = browsing.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto("/")
    page.get_by_role("searchbox", name="Search products").fill("speaker")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?(.*&)?q=speaker"))
    expect(results(page).get_by_role("link").first).to_be_visible()

    toggle = page.get_by_role("button", name=re.compile(r"^Show filters"))
    toggle.click()
    expect(page.get_by_role("button", name=re.compile(r"^Hide filters"))).to_have_attribute(
        "aria-expanded", "true"
    )
    page.get_by_role("checkbox", name="In stock only").check()
    expect(page).to_have_url(re.compile(r"inStock=true"))
    cards = results(page).get_by_role("listitem")
    expect(cards.first).to_be_visible()
    expect(cards.filter(has_text="Out of stock")).to_have_count(0)

    first = results(page).get_by_role("link").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    page.get_by_role("button", name="Add to cart").click()
    expect(cart_link(page, 1)).to_be_visible()
