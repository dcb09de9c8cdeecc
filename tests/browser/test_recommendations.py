"""A guest sees what other customers bought with a product, and finds it again on the home page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import stocked_product
from tests.e2e.conftest import procfile_entries
from tests.e2e.shop import buy_together, ids_of, recommended
from tests.helpers import wait_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        "recommendations" not in procfile_entries(),
        reason="E2E_SERVICES leaves out the recommendations service",
    ),
]


def test_a_guest_sees_what_customers_also_bought_and_finds_it_again_on_the_home_page(
    page, api, seller_headers, new_customer
):
    # two customers bought a kettle with a teapot (through the API: the journey is the third's)
    kettle = stocked_product(api, seller_headers, name="Browser Kettle", stock=10)
    teapot = stocked_product(api, seller_headers, name="Browser Teapot", stock=10)
    for _ in range(2):
        buy_together(api, new_customer(), [kettle["id"], teapot["id"]])
    wait_for(
        lambda: teapot["id"] in ids_of(recommended(api, kettle["id"])), timeout=30, interval=0.5
    )

    page.goto(f"/products/{kettle['slug']}")
    expect(page.get_by_role("heading", level=1, name=kettle["name"])).to_be_visible()
    also_bought = page.get_by_role("region", name="Customers also bought")
    expect(also_bought.get_by_role("link", name=teapot["name"])).to_be_visible()
    expect(also_bought.get_by_role("link", name=kettle["name"])).to_have_count(0)

    also_bought.get_by_role("link", name=teapot["name"]).click()
    expect(page.get_by_role("heading", level=1, name=teapot["name"])).to_be_visible()

    # both views were kept with the guest's cart, the latest first (back home through the
    # header: a reload could cut the last view's request short)
    page.get_by_role("link", name="Bazaar", exact=True).click()
    recently = page.get_by_role("region", name="Recently viewed")
    names = recently.get_by_role("heading", level=3)
    expect(names).to_have_count(2)
    expect(names).to_have_text([teapot["name"], kettle["name"]])
