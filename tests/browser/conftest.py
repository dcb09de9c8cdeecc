"""The browser tier: shoppers' and staff's journeys in headless Chromium against the whole stack.

The stack is the one both tiers share (the plugin tests/stack.py: every service on test databases,
a free port, the seeds; started once per run, whichever tier comes first); its gateway serves the
built web app (web/dist, or `WEB_ROOT`), so `make web` must have run first. One Chromium per run;
a fresh context (cookies, localStorage) per test. A failing test leaves a screenshot of each of
its pages and their console errors under var/test/browser/<test name>*.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from services.common.config import ROOT

ARTIFACTS = ROOT / "var" / "test" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
# a shared 2-core machine runs the whole stack beside the browser: generous, but bounded
ACTION_TIMEOUT_MS = 15_000
EXPECT_TIMEOUT_MS = 15_000


def web_root() -> Path:
    root = Path(os.environ.get("WEB_ROOT") or "web/dist")
    return root if root.is_absolute() else ROOT / root


@pytest.fixture(scope="session")
def web_build() -> Path:
    """The built web app; the run fails at once, before any stack starts, when it is missing."""
    root = web_root()
    for shell in ("index.html", "admin/index.html"):
        if not (root / shell).is_file():
            pytest.fail(
                f"the web app is not built: {root / shell} is missing. Run `make web` first.",
                pytrace=False,
            )
    return root


@pytest.fixture(scope="session")
def stack(web_build, stack):
    """The shared stack (tests/stack.py, the same session fixture as the e2e tier's: one
    stack per run), checked to serve the storefront's shell; its base URL."""
    shell = requests.get(f"{stack}/", timeout=10)
    if shell.status_code != 200 or 'id="root"' not in shell.text:
        pytest.fail(
            f"the gateway does not serve the storefront's shell at / "
            f"({shell.status_code}): run `make web`.\n{shell.text[:500]}",
            pytrace=False,
        )
    return stack


@pytest.fixture(scope="session")
def browser() -> Browser:
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS
    )
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    yield browser
    browser.close()
    # No playwright.stop(): under the eventlet monkey-patching of tests/conftest.py it waits
    # forever for the driver's exit. The driver exits by itself when its pipe closes with this
    # process.


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, for the fixtures' teardown to see a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class Browsing:
    """The contexts (one per person: a shopper, an admin) a test opened, and their console."""

    def __init__(self, browser: Browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []
        self.console: list[str] = []

    def new_context(self, **options) -> BrowserContext:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = self.browser.new_context(base_url=self.base_url, **options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        index = len(self.contexts)
        # Context-wide listeners, added here and not from a "page" event handler: under eventlet
        # a Playwright call made inside an event handler never returns.
        context.on("console", lambda message: self._console(index, message))
        context.on(
            "weberror", lambda error: self.console.append(f"[context {index}] {error.error}")
        )
        context.on("response", lambda response: self._response(index, response))
        self.contexts.append(context)
        return context

    def new_page(self, **options) -> Page:
        return self.new_context(**options).new_page()

    def _response(self, index: int, response) -> None:
        if response.status >= 400:
            request = response.request
            self.console.append(
                f"[context {index}] HTTP {response.status} {request.method} {response.url}"
            )

    def _console(self, index: int, message) -> None:
        if message.type in ("error", "warning"):
            self.console.append(f"[context {index}] console.{message.type}: {message.text}")

    def keep_evidence(self, name: str) -> list[Path]:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        kept = []
        pages = [page for context in self.contexts for page in context.pages]
        for number, page in enumerate(pages):
            path = ARTIFACTS / (f"{name}.png" if number == 0 else f"{name}-{number + 1}.png")
            try:
                page.screenshot(path=str(path), full_page=True, timeout=10_000)
                kept.append(path)
            except Exception as exc:  # a crashed page still leaves its console
                self.console.append(f"(no screenshot of page {number + 1}: {exc})")
        urls = "\n".join(f"page {n + 1}: {p.url}" for n, p in enumerate(pages))
        log = ARTIFACTS / f"{name}.console.txt"
        log.write_text(f"{urls}\n\n" + ("\n".join(self.console) or "no console errors") + "\n")
        kept.append(log)
        return kept

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser, stack, request):
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    for stale in ARTIFACTS.glob(f"{name}*"):  # an earlier run's evidence would mislead
        stale.unlink()
    session = Browsing(browser, stack)
    yield session
    report = getattr(request.node, "report_call", None) or getattr(
        request.node, "report_setup", None
    )
    if report is not None and report.failed:
        kept = session.keep_evidence(name)
        print("\nkept for the failing journey: " + ", ".join(str(p) for p in kept))
    session.close()


@pytest.fixture
def page(browsing) -> Page:
    """A page in a fresh context: a new visitor with no cookies and an empty localStorage."""
    return browsing.new_page()
