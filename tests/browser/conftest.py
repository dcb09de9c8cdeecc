"""The browser tier: shoppers' and staff's journeys in headless Chromium against the whole stack.

The stack is the end-to-end tier's (tests/e2e/conftest.py: every service on test databases, a free
port, the seeds); its gateway serves the built web app (web/dist, or `WEB_ROOT`), so `make web`
must have run first. One Chromium per run; a fresh context (cookies, localStorage) per test. A
failing test leaves a screenshot of each of its pages and their console errors under
var/test/browser/<test name>*.
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
from tests.e2e import conftest as e2e
from tests.e2e.conftest import (  # noqa: F401  (fixtures this tier reuses)
    SEEDED,
    admin_headers,
    api,
    new_customer,
    seller_headers,
)

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


def orphaned_stacks() -> list[int]:
    """honcho processes of the e2e Procfile whose pytest is gone (their parent is now init)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        honcho = any(b"honcho" in part for part in cmdline[:2])
        if parent == 1 and honcho and b"Procfile.e2e" in b" ".join(cmdline):
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="session")
def stack(config, request):
    """The e2e tier's running platform, serving the built web app; its base URL.

    Reuses the stack when the e2e tier already started it in this run (so a run of both tiers
    starts it once when e2e comes first), else starts it through the e2e fixture itself.
    """
    root = web_root()
    for shell in ("index.html", "admin/index.html"):
        if not (root / shell).is_file():
            pytest.fail(
                f"the web app is not built: {root / shell} is missing. Run `make web` first.",
                pytrace=False,
            )
    orphans = orphaned_stacks()
    if orphans:
        pytest.fail(
            f"a test stack left by an earlier, killed run still runs (honcho pids {orphans}): "
            "its services consume the same queues and answer for this run. Stop it first "
            "(kill -- -PID for each).",
            pytrace=False,
        )
    process = e2e.STACK.get("process")
    if process is not None and process.poll() is None:
        yield e2e.STACK["env"]["PUBLIC_URL"]
        return
    starting = e2e.stack.__wrapped__(config, request)
    base_url = next(starting)
    try:
        shell = requests.get(f"{base_url}/", timeout=10)
        if shell.status_code != 200 or 'id="root"' not in shell.text:
            pytest.fail(
                f"the gateway does not serve the storefront's shell at / "
                f"({shell.status_code}): run `make web`.\n{shell.text[:500]}",
                pytrace=False,
            )
        yield base_url
    finally:
        starting.close()  # the e2e fixture's teardown: stops the stack


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
