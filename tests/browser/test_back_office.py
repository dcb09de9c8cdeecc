"""The back office in the browser: an admin's product reaches the shop with its picture, an order
shipped with tracking reaches the customer's open page live, a flagged review is approved into
the shop; a seller is not offered, and cannot open, what only admins may do."""

from __future__ import annotations

import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.browser.journeys import (
    mark_unreloaded,
    order_status,
    record_live_frames,
    sign_in,
    sign_in_to_back_office,
    still_same_document,
    stocked_product,
    unique,
    wait_for_live_frame,
)
from tests.e2e.shop import cart_with, place
from tests.helpers import wait_for

pytestmark = pytest.mark.browser

MEDIA_TIMEOUT_MS = 60_000  # decode, four WebP variants, the image classifier, then publication


@pytest.fixture
def product_picture(tmp_path):
    path = tmp_path / "lamp.png"
    image = Image.new("RGB", (800, 600), (32, 96, 160))
    draw = ImageDraw.Draw(image)
    draw.ellipse((250, 120, 550, 420), fill=(240, 200, 60))
    draw.rectangle((380, 400, 420, 560), fill=(60, 60, 60))
    image.save(path)
    return path


def test_an_admin_creates_a_product_with_a_picture_and_shoppers_find_it_in_search(
    browsing, product_picture
):
    admin = browsing.new_page()
    sign_in_to_back_office(admin, "admin", "/admin/products")
    admin.get_by_role("link", name="New product").click()
    expect(admin.get_by_role("heading", name="New product")).to_be_visible()
    name = unique("Aurora Lantern")
    form = admin.get_by_role("form", name="Product details")
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Brand").fill("Lumen & Co")
    form.get_by_label("Category").select_option("cat-desks")
    form.get_by_label("Price", exact=True).fill("64.50")
    form.get_by_label("Description").fill("A warm lantern for long evenings.")
    form.get_by_role("button", name="Create product").click()

    expect(admin).to_have_url(re.compile(r"/admin/products/[^/]+$"))
    images = admin.get_by_role("region", name="Images")
    images.get_by_label("Choose images").set_input_files(product_picture)
    expect(images.get_by_text("Published")).to_be_visible(timeout=MEDIA_TIMEOUT_MS)

    shopper = browsing.new_page()
    shopper.goto("/")
    shopper.get_by_role("searchbox", name="Search products").fill(name)
    shopper.keyboard.press("Enter")
    link = shopper.get_by_role("link", name=name)
    expect(link).to_be_visible()
    link.click()
    expect(shopper.get_by_role("heading", level=1, name=name)).to_be_visible()
    expect(shopper.get_by_text("$64.50").first).to_be_visible()
    picture = shopper.get_by_role("img", name=name, exact=True)
    expect(picture).to_have_attribute("srcset", re.compile(r"/media/.+\.webp"))


def test_an_admin_ships_an_order_with_tracking_and_the_customers_open_order_page_follows_live(
    browsing, api, seller_headers, new_customer
):
    customer = new_customer()
    product = stocked_product(
        api, seller_headers, price="30.00", stock=5, name=unique("Ship Stool")
    )
    placed = place(api, customer, cart_with(api, customer, product["id"]), method="cod")
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]

    shopper = browsing.new_page()
    record_live_frames(shopper)
    sign_in(shopper, customer["email"], customer["password"], next_path=f"/orders/{order_id}")
    expect(order_status(shopper)).to_have_text("Order status: Confirmed")
    expect(shopper.get_by_text("Live updates on")).to_be_visible()
    mark_unreloaded(shopper)

    admin = browsing.new_page()
    sign_in_to_back_office(admin, "admin", f"/admin/orders/{order_id}")
    admin.get_by_label("New status").select_option("processing")
    admin.get_by_role("button", name="Mark as processing").click()
    expect(order_status(shopper)).to_have_text("Order status: Being prepared")

    tracking = admin.get_by_role("region", name="Tracking")
    tracking.get_by_label("Carrier").fill("Royal Mail")
    tracking.get_by_label("Tracking number").fill("RM123456785GB")
    tracking.get_by_role("button", name="Save tracking and ship").click()
    expect(admin.get_by_text("Tracking saved: the order is shipped")).to_be_visible()

    expect(order_status(shopper)).to_have_text("Order status: Shipped")
    expect(shopper.get_by_text("Royal Mail RM123456785GB")).to_be_visible()
    wait_for_live_frame(shopper, order_id, "order_status_changed")
    assert still_same_document(shopper), "the customer's page reloaded instead of following live"


def test_an_admin_approves_a_flagged_review_and_it_appears_on_the_product_page(
    browsing, api, seller_headers, new_customer
):
    product = stocked_product(
        api, seller_headers, price="25.00", stock=5, name=unique("Review Kettle")
    )
    customer = new_customer()
    title = unique("Not for me")
    written = api.post(
        "/api/reviews",
        headers=customer["headers"],
        json={
            "productId": product["id"],
            "rating": 2,
            "title": title,
            "content": "This design is dumb",
        },
    )
    assert written.status_code == 201, written.text
    review_id = written.json()["id"]

    def flagged():
        status = api.get(f"/api/reviews/{review_id}", headers=customer["headers"]).json()
        return status.get("status") == "flagged"

    wait_for(flagged, timeout=30, interval=0.2)

    guest = browsing.new_page()
    guest.goto(f"/products/{product['slug']}")
    reviews = guest.get_by_role("region", name="Customer reviews")
    expect(reviews).to_be_visible()
    expect(reviews.get_by_text(title)).to_have_count(0)

    admin = browsing.new_page()
    sign_in_to_back_office(admin, "admin", "/admin/reviews")
    card = admin.get_by_role("listitem").filter(has_text=title)
    expect(card).to_contain_text("This design is dumb")
    card.get_by_role("button", name="Approve and publish").click()
    expect(admin.get_by_text("Review published")).to_be_visible()

    guest.reload()
    expect(reviews.get_by_text(title)).to_be_visible()
    expect(reviews).to_contain_text("This design is dumb")


def test_a_seller_is_not_offered_and_cannot_open_the_admin_only_pages(browsing):
    seller = browsing.new_page()
    sign_in_to_back_office(seller, "seller")
    navigation = seller.get_by_role("navigation", name="Back office")
    for offered in ("Orders", "Products", "Inventory"):  # their own orders and products
        expect(navigation.get_by_role("link", name=offered)).to_be_visible()
    for withheld in ("Dashboard", "Reviews", "Coupons", "Users", "Dead letters"):
        expect(navigation.get_by_role("link", name=withheld)).to_have_count(0)

    for path in ("/admin/dashboard", "/admin/users", "/admin/reviews"):
        seller.goto(path)
        expect(seller.get_by_role("heading", name="Not available to your role")).to_be_visible()
        expect(seller.get_by_role("table")).to_have_count(0)


def test_a_seller_finds_only_the_orders_of_their_products_and_moves_one_along(
    browsing, api, seller_headers, admin_headers, new_customer
):
    customer = new_customer()
    theirs = stocked_product(api, seller_headers, price="22.00", stock=3, name=unique("Own Vase"))
    shops = stocked_product(api, admin_headers, price="18.00", stock=3, name=unique("Shop Vase"))
    orders = {}
    for name, product in (("theirs", theirs), ("shops", shops)):
        placed = place(api, customer, cart_with(api, customer, product["id"]), method="cod")
        assert placed.status_code == 201, placed.text
        orders[name] = placed.json()["id"][:8].upper()  # the reference the list shows

    seller = browsing.new_page()
    sign_in_to_back_office(seller, "seller", "/admin/orders")
    table = seller.get_by_role("table", name="Orders")
    expect(table.get_by_role("link", name=orders["theirs"])).to_be_visible()
    expect(table.get_by_role("link", name=orders["shops"])).to_have_count(0)

    table.get_by_role("link", name=orders["theirs"]).click()
    seller.get_by_label("New status").select_option("processing")
    seller.get_by_role("button", name="Mark as processing").click()
    expect(seller.get_by_text("Order is now Processing")).to_be_visible()
