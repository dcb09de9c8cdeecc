"""The web app: the built storefront and back office (web/dist) answered from the gateway's origin.

Static files are answered in the WSGI app itself (`ApiWsgiApp`), for GET and HEAD of a path no
route matched and outside the API's prefixes: no worker, no Redis call, no rate limit, so a page
load's ten assets cost ten file reads. The API's own 404s and 405s are untouched: those prefixes
never reach this module.

    /assets/<hashed name>     a year, immutable (Vite puts a content hash in every name)
    /admin, /admin/...        dist/admin/index.html, the back office's shell (no-cache)
    a file of dist            its bytes (short cache), e.g. /favicon.svg, /api-docs/...
    /assets/..., or any missing name with a dot: a plain 404 (a stale chunk must not become HTML)
    anything else             dist/index.html, the storefront's shell (its router decides)

Every file is answered with its ETag (conditional GET, 304) and, when the build made them
(web/scripts/compress.mjs), its `.br` or `.gz` copy as Accept-Encoding allows. When web/dist is
missing, the shells answer a 503 page saying to run `make web`.

`PageRoute` declares the routes whose shell carries data (a product's title, meta, JSON-LD) or
that answer XML (the sitemap): `api` routes that the OpenAPI document leaves out.
"""

from __future__ import annotations

import html
import logging
import mimetypes
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import orjson
from nameko.extensions import DependencyProvider
from werkzeug.security import safe_join
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from gateway.api import ApiRoute, ApiServer
from gateway.metrics import LATENCY, REQUESTS
from services.common.config import MEDIA, PAYMENTS, WEB, public_url
from services.common.errors import NotFound

log = logging.getLogger("gateway.web")

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
SHORT = "public, max-age=3600"
# paths the web app never answers: the API, its files and the operations endpoints keep their
# own JSON 404s and 405s
RESERVED = ("/api", "/media", "/ws", "/health", "/ready", "/metrics", "/sitemap")
# werkzeug adds "; charset=utf-8" to text types
CONTENT_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webp": "image/webp",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".wasm": "application/wasm",
}
# preferred first when the client accepts both equally
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
STOREFRONT_SHELL = "index.html"
ADMIN_SHELL = "admin/index.html"
HEAD_MARKER = "<!--bazaar:head-->"
_TITLE = re.compile(r"<title>.*?</title>", re.S)
_DESCRIPTION = re.compile(r'<meta\s+name="description"[^>]*>\s*', re.S)
_ROOT = '<div id="root"></div>'

# Stripe.js is served by Stripe only (never bundled): its script, the iframes of its Payment
# Element and 3-D Secure, and its API (https://docs.stripe.com/security/guide#content-security-policy)
STRIPE_SCRIPTS = ("https://js.stripe.com", "https://*.js.stripe.com")
STRIPE_FRAMES = (*STRIPE_SCRIPTS, "https://hooks.stripe.com")
STRIPE_API = ("https://api.stripe.com",)


def content_security_policy(*, stripe: bool = False, media_origin: str | None = None) -> str:
    """The policy of the storefront's and back office's HTML (the API reference at /api/docs
    has its own, gateway/openapi.py DOCS_POLICY).

    - script-src 'self': the build emits no inline script (JSON-LD blocks are data, never run).
    - connect-src 'self': CSP 3 lets 'self' match ws:/wss: of the same host and port, so the
      live updates' same-origin /ws needs no ws:// source (Chromium does; see the browser tier).
    - style-src 'self' with style-src-attr 'unsafe-inline': stylesheets only from the build,
      but pages set style attributes (a rating's --rating, a bar's width, facet indents), and
      blocking attributes would break them the day React or a page writes one through
      setAttribute. An attribute can hold no selector, so it cannot read the page (the CSS
      exfiltration 'unsafe-inline' in style-src would allow); it can only restyle an element.
    - img-src data: blob:: inline SVG icons and an upload's preview (URL.createObjectURL).
    - Stripe's origins only when payments use Stripe (PAYMENTS_PROVIDER=stripe).
    """
    scripts, frames, connect, images = (
        ["'self'"],
        ["'self'"],
        ["'self'"],
        ["'self'", "data:", "blob:"],
    )
    if stripe:
        scripts += STRIPE_SCRIPTS
        frames += STRIPE_FRAMES
        connect += STRIPE_API
    if media_origin:
        images.append(media_origin)
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": connect,
        "frame-src": frames,
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def _origin(url: str | None) -> str | None:
    """The origin of an absolute URL (a media CDN), else None (a path on this origin)."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


NOT_BUILT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bazaar: the web app is not built</title>
<meta name="robots" content="noindex"></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The web app is not built yet</h1>
<p>The gateway serves the storefront and the back office from <code>{root}</code>, which holds no
build. Run <code>make web</code> (or <code>make run</code>, which builds it), then reload.</p>
<p>The API itself answers: <a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>
"""


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def cache_control(relative: str) -> str:
    if relative.startswith("assets/"):
        return IMMUTABLE
    return REVALIDATE if relative.endswith(".html") else SHORT


def reserved(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in RESERVED) or (
        path.startswith("/sitemap") and path.endswith(".xml")
    )


@dataclass(frozen=True)
class Page:
    """What a shell carries beyond the build's own: a title, head tags (already escaped), the
    summary crawlers read inside #root (replaced by React), and the status."""

    title: str
    head: str = ""
    body: str = ""
    status: int = 200

    def as_json(self) -> str:
        return orjson.dumps(self.__dict__).decode()

    @classmethod
    def from_json(cls, text: str) -> Page:
        return cls(**orjson.loads(text))


class WebApp:
    """The files of one build directory (default web/dist, config WEB.root)."""

    def __init__(self, root: str | Path, policy: str | None = None):
        self.root = Path(root).resolve()
        self.policy = policy or content_security_policy()
        self._templates: dict[str, tuple[int, str]] = {}

    @classmethod
    def from_config(cls, config: dict) -> WebApp:
        stripe = (config.get(PAYMENTS) or {}).get("provider") == "stripe"
        media = _origin((config.get(MEDIA) or {}).get("base_url"))
        policy = content_security_policy(stripe=stripe, media_origin=media)
        return cls((config.get(WEB) or {}).get("root") or "web/dist", policy)

    # -- the WSGI app's fallback ---------------------------------------------------------------

    def serves(self, request: Request) -> bool:
        """True for a GET or HEAD that the web app answers (no route matched it)."""
        return request.method in ("GET", "HEAD") and not reserved(request.path)

    def respond(self, request: Request) -> Response:
        started = time.perf_counter()
        response = self._respond(request)
        REQUESTS.labels(request.method, "(web)", response.status_code).inc()
        LATENCY.labels(request.method, "(web)").observe(time.perf_counter() - started)
        log.debug("%s %s %s", request.method, request.path, response.status_code)
        return response

    def _respond(self, request: Request) -> Response:
        path = request.path
        if path == "/admin" or path.startswith("/admin/"):
            return self.shell_file(request, ADMIN_SHELL)
        relative = path.lstrip("/")
        if relative and self._file(relative) is not None:
            return self.file_response(request, relative)
        # a missing file (a stale chunk, /config/bazaar.yaml, /.env) is a 404, never the shell:
        # no storefront page has a dot in its last segment (slugs are lowercase-words-like-this)
        if relative.startswith("assets/") or "." in relative.rsplit("/", 1)[-1]:
            return Response("not found\n", status=404, content_type="text/plain; charset=utf-8")
        return self.shell_file(request, STOREFRONT_SHELL)

    # -- files ---------------------------------------------------------------------------------

    def _file(self, relative: str) -> Path | None:
        """The file under the root, or None: no escape from it, no hidden file (.built)."""
        if any(part.startswith(".") for part in relative.split("/")):
            return None
        joined = safe_join(str(self.root), relative)
        if joined is None:
            return None
        path = Path(joined)
        return path if path.is_file() else None

    def file_response(self, request: Request, relative: str) -> Response:
        path = self._file(relative)
        if path is None:
            return Response("not found\n", status=404, content_type="text/plain; charset=utf-8")
        variants = [(c, path.with_name(path.name + s)) for c, s in ENCODINGS]
        variants = [(coding, p) for coding, p in variants if p.is_file()]
        chosen, coding = path, None
        accepted = request.accept_encodings
        best = max((accepted[c] for c, _ in variants), default=0)
        if best > 0:
            coding, chosen = next((c, p) for c, p in variants if accepted[c] == best)
        response = send_file(
            str(chosen), request.environ, mimetype=content_type(path.name), conditional=True
        )
        del response.headers["Content-Disposition"]  # send_file's; these are pages, not downloads
        if coding:
            response.headers["Content-Encoding"] = coding
        if variants:
            response.vary.add("Accept-Encoding")
        response.headers["Cache-Control"] = cache_control(relative)
        # nosniff and the other headers every answer carries: gateway/security.py
        if relative.endswith(".html"):
            response.headers["Content-Security-Policy"] = self.policy
        return response

    # -- shells --------------------------------------------------------------------------------

    def built(self, shell: str = STOREFRONT_SHELL) -> bool:
        return self._file(shell) is not None

    def not_built(self) -> Response:
        body = NOT_BUILT_PAGE.format(root=html.escape(str(self.root)))
        response = Response(body, status=503, content_type="text/html; charset=utf-8")
        response.headers["Cache-Control"] = "no-store"
        response.headers["Retry-After"] = "30"
        response.headers["Content-Security-Policy"] = self.policy
        return response

    def shell_file(self, request: Request, shell: str) -> Response:
        """A shell as built (its precompressed copy when accepted), or the 503 page."""
        if not self.built(shell):
            return self.not_built()
        return self.file_response(request, shell)

    def template(self, shell: str = STOREFRONT_SHELL) -> str | None:
        """The shell's HTML, read again only when the build changed it."""
        path = self._file(shell)
        if path is None:
            return None
        mtime = path.stat().st_mtime_ns
        cached = self._templates.get(shell)
        if cached is None or cached[0] != mtime:
            cached = (mtime, path.read_text(encoding="utf-8"))
            self._templates[shell] = cached
        return cached[1]

    def page_response(self, request: Request, page: Page) -> Response:
        """The storefront's shell carrying `page` (its title, head tags and summary)."""
        template = self.template()
        if template is None:
            return self.not_built()
        response = Response(
            render_shell(template, page),
            status=page.status,
            content_type="text/html; charset=utf-8",
        )
        response.headers["Cache-Control"] = REVALIDATE
        response.headers["Content-Security-Policy"] = self.policy
        if page.status == 200:
            response.add_etag()
            response.make_conditional(request)
        return response


def render_shell(template: str, page: Page) -> str:
    """The built shell with the page's title, its head tags at the `<!--bazaar:head-->` marker
    (the build's generic description dropped when the page brings its own) and its summary
    inside #root, which React replaces when it renders."""
    out = _TITLE.sub(lambda _: f"<title>{html.escape(page.title)}</title>", template, count=1)
    if 'name="description"' in page.head:
        out = _DESCRIPTION.sub("", out, count=1)
    if HEAD_MARKER in out:
        out = out.replace(HEAD_MARKER, page.head, 1)
    else:
        out = out.replace("</head>", page.head + "</head>", 1)
    if page.body:
        out = out.replace(_ROOT, f'<div id="root">{page.body}</div>', 1)
    return out


class WebBuild(DependencyProvider):
    """Injects the gateway's `WebApp` (the one its WSGI app answers from), for routes that need
    to know what the build holds."""

    server = ApiServer()

    def get_dependency(self, worker_ctx):
        return self.server.web


class PageRoute(ApiRoute):
    """A GET route of the web app, left out of the OpenAPI document.

    With `page=`, the route's method returns the data of a storefront page (one RPC) and
    `page(data, public_url)` turns it into a `Page`, cached in the response cache's namespace
    (`cache=`, invalidated by the same events as the API's reads) and rendered into the current
    build's shell: a rebuild with new asset names shows at once. A `NotFound` from the method is
    the not-found `Page`; any other failure serves the plain shell with a 503, so shoppers still
    get the app. Without `page=`, the method returns a werkzeug Response (the sitemap), as any
    `api` route."""

    documented = False

    def __init__(self, url: str, *, page=None, not_found=None, **kwargs):
        super().__init__("GET", url, **kwargs)
        self.page = page
        self.not_found = not_found

    def cache_key(self, request) -> str:
        if self.page is None:
            return super().cache_key(request)
        return f"page:{request.path}"

    def cached_response(self, request, entry: str) -> Response | None:
        if self.page is None:
            return super().cached_response(request, entry)
        try:
            return self.server.web.page_response(request, Page.from_json(entry))
        except (TypeError, ValueError):
            return None  # an entry another version of the gateway wrote: made again

    def render(self, request, run, cacheable: bool) -> tuple[Response, str | None]:
        """The page rendered into the current build's shell; the cache keeps the `Page`, not
        the HTML, so a rebuild shows at once."""
        if self.page is None:
            return super().render(request, run, cacheable)
        web = self.server.web
        try:
            page = self.page(run(), self.public_url)
        except NotFound:
            page = self.not_found()
        except Exception:
            log.exception("page %s failed; serving the plain shell", request.path)
            response = web.shell_file(request, STOREFRONT_SHELL)
            if response.status_code in (200, 304):
                response.status_code = 503
                response.headers["Retry-After"] = "5"
            return response, None
        return web.page_response(request, page), page.as_json() if cacheable else None

    @property
    def public_url(self) -> str:
        return public_url(self.container.config)


page_route = PageRoute.decorator
