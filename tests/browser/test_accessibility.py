"""axe-core on the main pages of the storefront and the back office: no serious or critical
violation. Each page is checked once what a person came for is on screen."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from services.common.config import ROOT
from tests.browser.journeys import (
    add_to_cart,
    sign_in,
    sign_in_to_back_office,
    stocked_product,
    unique,
)
from tests.e2e.conftest import SEEDED
from tests.e2e.shop import cart_with, place

pytestmark = pytest.mark.browser

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


@dataclass
class Visit:
    """How a person gets to the page (`open`), and what shows it is there (`shown`)."""

    open: Callable[[Page, dict], None]
    shown: Callable[[Page], object]


def heading(name: str | re.Pattern) -> Callable[[Page], object]:
    return lambda page: page.get_by_role("heading", name=name, level=1)


def as_customer(path: str) -> Callable[[Page, dict], None]:
    def open_(page: Page, data: dict) -> None:
        sign_in(page, *SEEDED["customer"])
        page.goto(path)

    return open_


def as_admin(path: str) -> Callable[[Page, dict], None]:
    return lambda page, data: sign_in_to_back_office(page, "admin", path)


def with_an_order(path: str) -> Callable[[Page, dict], None]:
    """The back office's page once the shop has an order, so its table is checked too."""

    def open_(page: Page, data: dict) -> None:
        cart_id = cart_with(data["api"], data["customer"], data["product"]["id"])
        placed = place(data["api"], data["customer"], cart_id, method="cod")
        assert placed.status_code == 201, placed.text
        sign_in_to_back_office(page, "admin", path)

    return open_


def with_cart(path: str, *, signed_in: bool) -> Callable[[Page, dict], None]:
    def open_(page: Page, data: dict) -> None:
        if signed_in:
            sign_in(page, data["customer"]["email"], data["customer"]["password"])
        add_to_cart(page, data["product"])
        page.goto(path)

    return open_


PAGES = {
    "home": Visit(lambda page, data: page.goto("/"), heading("Find what you need at Bazaar")),
    "listing": Visit(
        lambda page, data: page.goto("/search?q=headphones"),
        lambda page: page.get_by_role("region", name=re.compile(r"\d+ products?$")),
    ),
    "product": Visit(
        lambda page, data: page.goto(f"/products/{data['product']['slug']}"),
        lambda page: page.get_by_role("region", name="Customer reviews"),
    ),
    "cart": Visit(
        with_cart("/cart", signed_in=False),
        lambda page: page.get_by_role("list", name="Items in your cart"),
    ),
    "checkout": Visit(
        with_cart("/checkout", signed_in=True),
        lambda page: page.get_by_role("button", name="Continue to payment"),
    ),
    "sign-in": Visit(lambda page, data: page.goto("/signin"), heading("Sign in")),
    "register": Visit(lambda page, data: page.goto("/register"), heading("Create your account")),
    "account": Visit(as_customer("/account"), heading("Your profile")),
    "account orders": Visit(as_customer("/account/orders"), heading("Your orders")),
    "admin dashboard": Visit(as_admin("/admin/dashboard"), heading("Dashboard")),
    "admin products": Visit(
        as_admin("/admin/products"), lambda page: page.get_by_role("table").first
    ),
    "admin orders": Visit(
        with_an_order("/admin/orders"), lambda page: page.get_by_role("table").first
    ),
}


@pytest.fixture
def page(browsing) -> Page:
    """A new visitor's page that lets the test inject axe-core: an inline script, which the
    shells' Content-Security-Policy rightly refuses (test_content_security_policy.py checks
    these same pages under it)."""
    return browsing.new_page(bypass_csp=True)


@pytest.fixture(scope="module")
def data(api, seller_headers):
    product = stocked_product(api, seller_headers, name=unique("Axe Lamp"), stock=20)
    return {"api": api, "product": product}


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"\n[{violation['impact']}] {violation['id']}: {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"][:8]:
            lines.append(f"  - {' '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            lines.append(f"      {summary}")
        if len(violation["nodes"]) > 8:
            lines.append(f"  ... and {len(violation['nodes']) - 8} more elements")
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_has_no_serious_accessibility_violation(name, page, data, new_customer):
    visit = PAGES[name]
    visit.open(page, {**data, "customer": new_customer()})
    expect(visit.shown(page)).to_be_visible()
    # nothing still loading: axe judges the page as it settles, not a spinner
    expect(page.get_by_text(re.compile(r"^Loading\b"))).to_have_count(0)

    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name} ({page.url}):" + describe(blocking)
