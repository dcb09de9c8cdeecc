"""Every link an email carries opens a page the web app has, on the gateway's own origin by default
(STOREFRONT_URL falls back to PUBLIC_URL): the storefront's /reset-password?token=…, /orders/<id>,
the home page, and the back office's inventory for a product."""

import re
from unittest.mock import MagicMock
from urllib.parse import urlsplit

import pytest

from services.common.config import load_config
from services.notifications import domain
from services.notifications.dependencies import RpcDirectory
from services.notifications.mail import Templates, storefront_url
from services.notifications.usecases import Notifications
from tests.unit.notifications.fakes import FakeEmailLog, FakeInbox, FakePusher

SHOP = "https://shop.example"
# the web app's pages that emails link to (web/src/storefront, web/src/admin route tables)
PAGES = [
    r"/",
    r"/reset-password\?token=[A-Za-z0-9%_.~-]+",
    r"/orders/[A-Za-z0-9%_.~-]+",
    r"/account/orders",
    r"/cart",
    r"/products/[a-z0-9-]+",
    r"/admin/inventory\?product=[A-Za-z0-9%_.~-]+",
]
PAYLOAD = {
    "user_id": "u-1",
    "email": "ada@example.com",
    "first_name": "Ada",
    "token": "t0k/en+=",
    "expires_at": "2026-12-01T10:00:00+00:00",
    "order_id": "order-1234",
    "to_status": "shipped",
    "amount": 2599,
    "currency": "USD",
    "reason": "card_declined",
    "product_id": "prod-7",
    "available": 1,
    "threshold": 5,
}
ORDER = {
    "id": "order-1234",
    "lines": [{"name": "Teapot", "quantity": 2, "line_total": 5000}],
    "total": 5400,
    "currency": "USD",
    "tracking": {"carrier": "UPS", "number": "1Z9", "url": "https://ups.example/track/1Z9"},
}
EMAIL_EVENTS = [
    *sorted(event for event, plan in domain.PLANS.items() if plan.email),
    "order_status_changed",
]


class Postman:
    storefront_url = SHOP


@pytest.fixture
def notifications():
    directory = RpcDirectory(
        accounts_rpc=MagicMock(),
        orders_rpc=MagicMock(**{"get_order.return_value": ORDER}),
        catalog_rpc=MagicMock(**{"get_product.return_value": {"name": "Teapot"}}),
        cart_rpc=MagicMock(),
    )
    return Notifications(
        emails=FakeEmailLog(),
        inbox=FakeInbox(),
        postman=Postman(),
        pusher=FakePusher(),
        directory=directory,
    )


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


@pytest.mark.parametrize("event_type", EMAIL_EVENTS)
def test_every_link_in_an_email_opens_a_page_of_the_web_app(notifications, event_type):
    plan = domain.plan(event_type, PAYLOAD)
    context = notifications.context(event_type, PAYLOAD, plan)
    rendered = Templates().render(plan.email, {**context, "recipient": {"first_name": "Ada"}})
    links = links_in(rendered.text) + links_in(rendered.html)
    ours = [link for link in links if link.startswith(SHOP)]
    assert ours, f"{event_type} links to nothing of ours"
    for link in ours:
        parts = urlsplit(link.replace("&amp;", "&"))
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        assert any(re.fullmatch(page, path) for page in PAGES), f"{event_type}: {link}"
    for link in set(links) - set(ours):
        assert link == ORDER["tracking"]["url"]  # the carrier's page, the one outside link


def test_the_reset_link_carries_the_token_and_the_order_link_the_order(notifications):
    context = notifications.context(
        "password_reset_requested", PAYLOAD, domain.plan("password_reset_requested", PAYLOAD)
    )
    assert context["links"]["reset"] == f"{SHOP}/reset-password?token=t0k%2Fen%2B%3D"
    assert context["links"]["order"] == f"{SHOP}/orders/order-1234"


def test_links_point_at_the_gateways_own_origin_unless_told_otherwise(monkeypatch):
    for name in ("STOREFRONT_URL", "PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    assert storefront_url(load_config()) == "http://localhost:8000"
    monkeypatch.setenv("PUBLIC_URL", "https://bazaar.example")
    assert storefront_url(load_config()) == "https://bazaar.example"
    monkeypatch.setenv("STOREFRONT_URL", "https://shop.example/")
    assert storefront_url(load_config()) == "https://shop.example"
