"""The shells' Content-Security-Policy (gateway/web.py) breaks no page: the storefront's and the
back office's main pages render under it in Chromium with no violation reported, the live
updates' same-origin WebSocket connects under connect-src 'self', and the API reference keeps its
own policy."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import record_live_frames, sign_in_to_back_office
from tests.browser.test_accessibility import PAGES, data  # noqa: F401  (a fixture: the product)

VIOLATION = re.compile(r"Content Security Policy|Refused to (load|execute|apply|connect|frame)")


def violations(browsing) -> list[str]:
    return [line for line in browsing.console if VIOLATION.search(line)]


@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_renders_under_the_policy(name, page, browsing, data, new_customer):  # noqa: F811
    visit = PAGES[name]
    visit.open(page, {**data, "customer": new_customer()})
    expect(visit.shown(page)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Loading\b"))).to_have_count(0)
    assert "script-src 'self'" in page.evaluate(
        "async () => (await fetch(location.href)).headers.get('content-security-policy')"
    )
    assert not violations(browsing), f"{name} ({page.url}): " + "\n".join(violations(browsing))


def test_the_live_updates_socket_connects_under_connect_src_self(page: Page, browsing):
    record_live_frames(page)
    sign_in_to_back_office(page, "admin", "/admin/dashboard")
    page.wait_for_function(
        "() => (window.__liveFrames || []).some((frame) => frame.type === 'ready')"
    )
    assert not violations(browsing), "\n".join(violations(browsing))


def test_the_api_reference_renders_under_its_own_policy(page: Page, browsing):
    response = page.goto("/api/docs")
    assert "'unsafe-inline'" in response.headers["content-security-policy"]  # Swagger UI's
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    assert not violations(browsing), "\n".join(violations(browsing))
