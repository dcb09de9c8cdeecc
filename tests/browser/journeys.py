"""Steps the browser journeys share, done the way a person does them: by the labels and roles on
the page. Data a journey only needs to exist (a stocked product, a customer) comes from the API
(tests/e2e/shop.py), so each journey drives only what it is about."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.conftest import SEEDED
from tests.e2e.shop import new_product
from tests.helpers import wait_for

ADDRESS = {
    "First name": "Ada",
    "Last name": "Lovelace",
    "Address": "1 Loop Road",
    "City": "London",
    "Postal code": "N1 9GU",
    "Phone (for the courier)": "+44 20 7946 0000",
}
PAYS = "4242424242424242"
DECLINED = "4000000000000002"


def unique(word: str) -> str:
    """A product name no other test searches for: the gateway caches public reads by query."""
    return f"{word} {uuid.uuid4().hex[:8]}"


def stocked_product(api, seller_headers, *, stock: int = 5, **fields) -> dict:
    """A new active product with `stock` units, once the catalog says it is in stock: the
    storefront shows the catalog's availability, which follows inventory by an event."""
    product = new_product(api, seller_headers, stock=stock, **fields)

    def in_stock():
        # a fresh query string: the gateway caches the public product read
        fresh = api.get(f"/api/products/{product['id']}", params={"fresh": uuid.uuid4().hex})
        return fresh.status_code == 200 and fresh.json().get("available") == stock

    wait_for(in_stock, timeout=20, interval=0.1)
    return product


def cart_link(page: Page, units: int):
    """The header's cart link, by the count its name says ("Cart, empty", "Cart, 2 items")."""
    words = "empty" if units == 0 else "1 item" if units == 1 else f"{units} items"
    return page.get_by_role("link", name=re.compile(rf"^Cart\s*,\s*{words}$"))


def account_menu(page: Page):
    """The header's account button, shown once signed in ("Your account: Sam")."""
    return page.get_by_role("button", name=re.compile(r"^(your )?account\b", re.IGNORECASE))


def sign_in(page: Page, email: str, password: str, *, next_path: str | None = None) -> None:
    """Sign in on the storefront's page; wait until the header shows the account menu."""
    page.goto(f"/signin?next={next_path}" if next_path else "/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(account_menu(page)).to_be_visible()


def sign_in_to_back_office(page: Page, role: str, path: str = "/admin") -> None:
    email, password = SEEDED[role]
    page.goto(path)
    expect(page.get_by_role("heading", name="Sign in to the back office")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("navigation", name="Back office")).to_be_visible()


def add_to_cart(page: Page, product: dict, *, units: int = 1) -> None:
    """Open the product's page and add it; wait for the header's count to say `units`."""
    page.goto(f"/products/{product['slug']}")
    expect(page.get_by_role("heading", level=1, name=product["name"])).to_be_visible()
    page.get_by_role("button", name="Add to cart").click()
    expect(cart_link(page, units)).to_be_visible()


def fill_new_address(page: Page) -> None:
    for label, value in ADDRESS.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Country").select_option("GB")


def check_out(page: Page, *, method: str = "card", card: str = PAYS) -> str:
    """From the cart in this browser to the order page: a new address, the payment, the review.
    Returns the order's id (from the URL)."""
    page.goto("/checkout")
    expect(page.get_by_role("heading", name="Shipping address")).to_be_visible()
    fill_new_address(page)
    page.get_by_role("button", name="Continue to payment").click()
    if method == "cod":
        page.get_by_role("radio", name="Cash on delivery").check()
    else:
        page.get_by_role("radio", name="Card").check()
        page.get_by_label("Card number").fill(card)
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_role("button", name=re.compile(r"^Place order")).click()
    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f-]{36}$"))
    return page.url.rsplit("/", 1)[1]


def order_status(page: Page):
    """The order page's spoken status line ("Order status: Confirmed")."""
    return page.get_by_role("status").filter(has_text="Order status:")


# Keeps every frame the page's WebSockets receive in window.__liveFrames, from the next document
# on: the proof that a change arrived over the live channel and not by a reload or a refetch.
LIVE_RECORDER = """
(() => {
  const Native = window.WebSocket;
  window.__liveFrames = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        try { window.__liveFrames.push(JSON.parse(String(event.data))); } catch (e) {}
      });
    }
  };
})();
"""


def record_live_frames(page: Page) -> None:
    page.context.add_init_script(LIVE_RECORDER)


def wait_for_live_frame(page: Page, order_id: str, kind: str) -> None:
    """Wait until the page's socket received a `kind` frame about the order."""
    page.wait_for_function(
        """([id, kind]) => (window.__liveFrames || []).some(
             (f) => f.type === kind && f.data && f.data.orderId === id)""",
        arg=[order_id, kind],
    )


def mark_unreloaded(page: Page) -> None:
    """Tag this document: a later `still_same_document` proves no reload happened in between."""
    page.evaluate("window.__journeyMark = 'unreloaded'")


def still_same_document(page: Page) -> bool:
    return page.evaluate("window.__journeyMark === 'unreloaded'")
