"""Web app benchmark: how soon shoppers see the storefront, and how much JavaScript it costs them.

Against a running platform (`make run`, or the dev stack) in headless Chromium (Debian's
`chromium`, never a downloaded browser):

  * time from navigation start to the product grid shown, on the home page and on a search
    (`/search?q=...`), and to the product page shown, over N loads each (default 20), p50/p95;
    "shown" is the first animation frame after the element is in the DOM (the frame that paints
    it), read with performance.now() in the page, whose origin is the navigation's start;
  * each load cold (a fresh browser context: empty HTTP cache, no cookies or storage, a first
    visit) and warm (a reload in one context: hashed assets from the cache, the HTML shell and
    the API revalidated);
  * the initial JavaScript of the storefront (`/`) and of the back office (`/admin`): the entry
    script and its modulepreload imports, as the served HTML names them, gzipped (level 9, as
    the build's .gz copies).

    .venv/bin/python scripts/bench_web.py                      # http://localhost:8000
    .venv/bin/python scripts/bench_web.py --base-url http://localhost:8000 --loads 20 \
        --query headphones --json var/bench/web.json

Targets (issue 12): product grid shown p95 < 500 ms over 20 loads; storefront initial JS <= 120 KB
gzipped. Not a test: the figures depend on the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests

GRID_TARGET_MS = 500.0
STOREFRONT_JS_TARGET = 120 * 1024
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
# What "shown" means on each page: a product card's link in the page's main region (the grid has
# rendered its cards), the product's own heading inside its article (the product is on screen).
GRID = 'main ul li a[href^="/products/"]'
PRODUCT = "main article h1"
# Installed before any script of the page runs: note the first frame at which `selector` matches.
WATCH = """
((selector) => {
  window.__shownAt = null;
  const seen = () => {
    if (window.__shownAt !== null || !document.querySelector(selector)) return false;
    requestAnimationFrame(() => {
      if (window.__shownAt === null) window.__shownAt = performance.now();
    });
    return true;
  };
  const observer = new MutationObserver(() => { if (seen()) observer.disconnect(); });
  observer.observe(document, { childList: true, subtree: true });
})(%s);
"""


@dataclass
class Series:
    name: str
    mode: str
    samples: list[float] = field(default_factory=list)
    # per cold load: when the HTML, the last script and the last API answer that arrived before
    # "shown" were in
    phases: list[dict] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]  # nearest rank

    def phase_medians(self) -> dict:
        return {
            name: round(sorted(p[name] for p in self.phases)[len(self.phases) // 2], 1)
            for name in ("html", "scripts", "api")
        }

    def summary(self) -> dict:
        return {
            "name": self.name,
            "mode": self.mode,
            "loads": len(self.samples),
            "p50": round(self.percentile(50), 1),
            "p95": round(self.percentile(95), 1),
            "min": round(min(self.samples), 1),
            "max": round(max(self.samples), 1),
            "samples": [round(s, 1) for s in self.samples],
            **({"phasesMedian": self.phase_medians()} if self.phases else {}),
        }


class EntryScripts(HTMLParser):
    """The module scripts and modulepreload links an HTML shell names."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("type") == "module" and attributes.get("src"):
            self.found.append(attributes["src"])
        elif tag == "link" and attributes.get("rel") == "modulepreload" and attributes.get("href"):
            self.found.append(attributes["href"])


def fetch(url: str) -> bytes:
    # identity encoding: the file's own bytes, compressed here
    response = requests.get(url, timeout=30, headers={"Accept-Encoding": "identity"})
    response.raise_for_status()
    return response.content


@dataclass
class Bundle:
    page: str
    files: list[dict]

    @property
    def raw(self) -> int:
        return sum(f["bytes"] for f in self.files)

    @property
    def gzipped(self) -> int:
        return sum(f["gzip"] for f in self.files)


def initial_js(base_url: str, path: str) -> Bundle:
    parser = EntryScripts()
    parser.feed(fetch(urljoin(base_url, path)).decode("utf-8", "replace"))
    if not parser.found:
        raise SystemExit(f"{path}: the HTML names no module script. Is the web app built?")
    return bundle_of(base_url, path, list(dict.fromkeys(parser.found)))


PHASES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const before = performance.getEntriesByType("resource")
    .filter((e) => e.responseEnd <= window.__shownAt);
  const last = (test) => Math.max(0, ...before.filter((e) => test(new URL(e.name).pathname))
    .map((e) => e.responseEnd));
  return {
    html: nav ? nav.responseEnd : 0,
    scripts: last((path) => path.endsWith(".js")),
    api: last((path) => path.startsWith("/api/")),
  };
}"""


def new_context(browser, **options):
    """A browser context for one measurement. `bypass_csp`: the shells' Content-Security-Policy
    forbids eval, which Playwright's wait_for_function needs; the page itself runs as served."""
    return browser.new_context(bypass_csp=True, **options)


def load(page, url: str, timeout_ms: float) -> float:
    page.goto(url, wait_until="commit")
    page.wait_for_function("window.__shownAt !== null", timeout=timeout_ms)
    return float(page.evaluate("window.__shownAt"))


SCRIPTS_BEFORE_SHOWN = """() => [...new Set(performance.getEntriesByType("resource")
  .filter((e) => new URL(e.name).pathname.endsWith(".js") && e.startTime <= window.__shownAt)
  .map((e) => new URL(e.name).pathname))]"""


def scripts_before_shown(browser, base_url: str, path: str, selector: str, args) -> list[str]:
    """The .js files a first visit to `path` fetched before the element was shown."""
    context = new_context(browser)
    context.add_init_script(WATCH % json.dumps(selector))
    page = context.new_page()
    load(page, urljoin(base_url, path), args.timeout_ms)
    found = page.evaluate(SCRIPTS_BEFORE_SHOWN)
    context.close()
    return found


def bundle_of(base_url: str, page: str, paths: list[str]) -> Bundle:
    files = []
    for src in paths:
        body = fetch(urljoin(base_url, src))
        files.append({"file": src, "bytes": len(body), "gzip": len(gzip.compress(body, 9))})
    return Bundle(page, files)


def measure(browser, base_url: str, name: str, path: str, selector: str, args) -> list[Series]:
    script = WATCH % json.dumps(selector)
    url = urljoin(base_url, path)
    cold, warm = Series(name, "cold"), Series(name, "warm")
    for _ in range(args.warmup):  # the server's caches, not the browser's
        context = new_context(browser)
        context.add_init_script(script)
        load(context.new_page(), url, args.timeout_ms)
        context.close()
    for _ in range(args.loads):
        context = new_context(browser, viewport={"width": 1280, "height": 900})
        context.add_init_script(script)
        page = context.new_page()
        cold.samples.append(load(page, url, args.timeout_ms))
        cold.phases.append(page.evaluate(PHASES))
        context.close()
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    context.add_init_script(script)
    page = context.new_page()
    load(page, url, args.timeout_ms)  # fills the HTTP cache
    for _ in range(args.loads):
        warm.samples.append(load(page, url, args.timeout_ms))
    context.close()
    return [cold, warm]


def product_slug(base_url: str) -> str:
    listing = json.loads(fetch(urljoin(base_url, "/api/products?limit=1&sort=price_asc")))
    return listing["data"][0]["slug"]


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"  # KiB: 120 KB is 122,880 bytes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default="http://localhost:8000")
    parser.add_argument("--loads", type=int, default=20, help="loads per page and mode")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured loads per page first")
    parser.add_argument("--query", default="headphones", help="the search measured")
    parser.add_argument("--product", help="slug of the product page measured (default: one)")
    parser.add_argument("--timeout-ms", type=float, default=30_000)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    base_url = args.base_url.rstrip("/") + "/"

    from playwright.sync_api import sync_playwright

    try:
        total = json.loads(fetch(urljoin(base_url, "/api/products?limit=1")))["meta"]["total"]
    except requests.RequestException as exc:
        print(f"the platform does not answer at {base_url}: {exc}", file=sys.stderr)
        return 1
    slug = args.product or product_slug(base_url)
    bundles = [initial_js(base_url, "/"), initial_js(base_url, "/admin")]
    started = time.time()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        series = [
            *measure(browser, base_url, "grid shown: home", "/", GRID, args),
            *measure(
                browser,
                base_url,
                "grid shown: search",
                f"/search?q={args.query}",
                GRID,
                args,
            ),
            *measure(browser, base_url, "product page shown", f"/products/{slug}", PRODUCT, args),
        ]
        first_view = {
            "home": scripts_before_shown(browser, base_url, "/", GRID, args),
            "product": scripts_before_shown(browser, base_url, f"/products/{slug}", PRODUCT, args),
        }
        browser.close()
    views = [bundle_of(base_url, name, paths) for name, paths in first_view.items()]

    print(
        f"\n{base_url}  catalog: {total:,} products  loads: {args.loads} per row  "
        f"search: ?q={args.query}  product: {slug}  ({time.time() - started:.0f} s)\n"
    )
    print(f"{'page':<28} {'mode':<5} {'p50 ms':>8} {'p95 ms':>8} {'min':>7} {'max':>7}")
    for s in series:
        row = s.summary()
        flag = ""
        if s.name.startswith("grid") and row["p95"] >= GRID_TARGET_MS:
            flag = "  over the 500 ms target"
        print(
            f"{s.name:<28} {s.mode:<5} {row['p50']:>8.1f} {row['p95']:>8.1f} "
            f"{row['min']:>7.1f} {row['max']:>7.1f}{flag}"
        )
    print(
        f"\n{'cold loads, medians (ms from navigation)':<34} {'HTML':>6} {'scripts':>8} "
        f"{'API':>6} {'shown':>6}"
    )
    for s in series:
        if s.phases:
            m = s.phase_medians()
            print(
                f"{s.name:<34} {m['html']:>6.0f} {m['scripts']:>8.0f} {m['api']:>6.0f} "
                f"{s.percentile(50):>6.0f}"
            )
    print(f"\n{'initial JavaScript (HTML entry)':<52} {'files':>5} {'raw':>10} {'gzip':>10}")
    for bundle in bundles:
        flag = ""
        if bundle.page == "/" and bundle.gzipped > STOREFRONT_JS_TARGET:
            flag = "  over the 120 KB target"
        label = "storefront (/)" if bundle.page == "/" else "back office (/admin)"
        print(
            f"{label:<52} {len(bundle.files):>5} {kb(bundle.raw):>10} "
            f"{kb(bundle.gzipped):>10}{flag}  ({bundle.gzipped:,} bytes)"
        )
        for f in bundle.files:
            print(f"    {f['file']:<48} {'':>5} {kb(f['bytes']):>10} {kb(f['gzip']):>10}")
    print(
        f"\n{'JavaScript fetched before shown (first visit)':<52} {'files':>5} "
        f"{'raw':>10} {'gzip':>10}"
    )
    for view in views:
        print(
            f"{view.page:<52} {len(view.files):>5} {kb(view.raw):>10} {kb(view.gzipped):>10}"
            f"  ({view.gzipped:,} bytes)"
        )
    storefront, admin = bundles
    shared = {f["file"] for f in storefront.files} & {f["file"] for f in admin.files}
    leaked = [f["file"] for f in storefront.files if re.search(r"/admin[^/]*$", f["file"])]
    print(
        f"\nshared with the back office: {', '.join(sorted(shared)) or 'nothing'}; "
        f"admin chunks in the storefront's initial load: {', '.join(leaked) or 'none'}"
    )

    if args.json:
        with open(args.json, "w") as out:
            json.dump(
                {
                    "baseUrl": base_url,
                    "catalogTotal": total,
                    "timings": [s.summary() for s in series],
                    "initialJs": [
                        {"page": b.page, "bytes": b.raw, "gzip": b.gzipped, "files": b.files}
                        for b in bundles
                    ],
                    "firstViewJs": [
                        {"page": v.page, "bytes": v.raw, "gzip": v.gzipped, "files": v.files}
                        for v in views
                    ],
                    "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                },
                out,
                indent=2,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
