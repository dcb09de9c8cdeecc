"""The headers a security review expects, on every answer of the gateway, set in one place.

`ApiWsgiApp` passes every request's `start_response` through `SecurityHeaders.wrap`, so they reach
whatever answers: an API route, an error, a 404/405 of an unknown path, a preflight, the web
app's files and shells (gateway/web.py), /media, /metrics, /api/docs, and the WebSocket upgrade's
refusals (eventlet's WebSocketWSGI calls `start_response` itself, so a header set on a werkzeug
Response would miss those). A header the answer already carries wins: the web shells, /api/docs
(gateway/openapi.py DOCS_POLICY) and /media set their own Content-Security-Policy.

    X-Content-Type-Options: nosniff
    X-Frame-Options: DENY                    (and frame-ancestors 'none' in every policy)
    Referrer-Policy: strict-origin-when-cross-origin
    Content-Security-Policy: default-src 'none'; frame-ancestors 'none'; ...
                             on every answer without its own, except scripts, stylesheets,
                             fonts and images (SUBRESOURCES)
    Strict-Transport-Security                only when the shop is served over TLS (config
                                             SECURITY.tls; empty: PUBLIC_URL starts with https)

No `Server` banner: see `QuietProtocol`.
"""

from __future__ import annotations

from nameko.web.server import HttpOnlyProtocol

from services.common.config import SECURITY, public_url

REFERRER_POLICY = "strict-origin-when-cross-origin"
# for what is not a page (JSON, errors, XML, metrics): nothing may load, nothing may frame it, so
# a response opened as a document (a JSON error shown by the browser) can run nothing
RESTRICTIVE_POLICY = (
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# a policy on a script would govern it when run as a worker, and stylesheets, fonts and images
# are never documents: those keep none (the web app's build, /media brings its own)
SUBRESOURCES = ("text/javascript", "application/javascript", "text/css", "font/", "image/")
DEFAULT_HSTS_MAX_AGE = 31536000  # a year: the least the browsers' HSTS preload list accepts


def tls_configured(config: dict) -> bool:
    """True when the shop is served over TLS: config SECURITY.tls when set (true/false), else
    whether PUBLIC_URL is https (a TLS-terminating proxy in front of the gateway is the usual
    deployment, so the request's own scheme cannot tell)."""
    setting = (config.get(SECURITY) or {}).get("tls")
    if isinstance(setting, bool):
        return setting
    if setting not in (None, ""):
        text = str(setting).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return True
        if text in ("false", "0", "no", "off"):
            return False
        raise ValueError(f"SECURITY.tls must be true, false or empty, not {setting!r}")
    return public_url(config).startswith("https://")


class SecurityHeaders:
    """The headers every answer carries (`always`), and the policy of those without their own."""

    def __init__(self, *, hsts: str | None = None):
        self.always: list[tuple[str, str]] = [
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", REFERRER_POLICY),
        ]
        if hsts:
            self.always.append(("Strict-Transport-Security", hsts))

    @classmethod
    def from_config(cls, config: dict) -> SecurityHeaders:
        settings = config.get(SECURITY) or {}
        hsts = None
        if tls_configured(config):
            max_age = int(settings.get("hsts_max_age") or DEFAULT_HSTS_MAX_AGE)
            hsts = f"max-age={max_age}"
            if settings.get("hsts_include_subdomains") in (True, "true"):
                hsts += "; includeSubDomains"
        return cls(hsts=hsts)

    def add_to(self, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """`headers` (a WSGI header list) with the missing security headers appended."""
        present = {name.lower(): value for name, value in headers}
        missing = [(n, v) for n, v in self.always if n.lower() not in present]
        content_type = present.get("content-type", "").lower()
        if "content-security-policy" not in present and not content_type.startswith(SUBRESOURCES):
            missing.append(("Content-Security-Policy", RESTRICTIVE_POLICY))
        return headers + missing if missing else headers

    def wrap(self, start_response):
        """`start_response` adding the security headers to whatever answer starts through it."""

        def start(status, headers, exc_info=None):
            return start_response(status, self.add_to(headers), exc_info)

        return start

    def protocol(self) -> type[HttpOnlyProtocol]:
        """eventlet's HTTP protocol as nameko runs it, without the Server banner and with these
        headers on the answers it writes itself (see `QuietProtocol`)."""
        return type("QuietProtocol", (QuietProtocol,), {"security_headers": tuple(self.always)})


class QuietProtocol(HttpOnlyProtocol):
    """No `Server: BaseHTTP/0.6 Python/3.11` banner.

    eventlet.wsgi (0.41, eventlet/wsgi.py `handle_one_response`) writes the app's answers itself
    and sends no Server header; werkzeug adds none either. But a request that http.server's
    `parse_request` refuses (more than 100 headers: 431, a bad HTTP version: 505, a malformed
    request line: 400) is answered by its `send_error`, whose `send_response` adds
    `Server: <version_string()>` (Lib/http/server.py). This is that `send_response` without the
    banner, with the security headers instead. (The 414 and 400 answers eventlet writes as fixed
    bytes carry neither: no banner, no body.)"""

    security_headers: tuple[tuple[str, str], ...] = ()
    # http.server answers a request line it cannot read as HTTP/0.9: a bare HTML body with no
    # status line and no headers at all. As HTTP/1.0 it gets both (and the connection closes).
    default_request_version = "HTTP/1.0"

    def send_response(self, code, message=None):
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())
        for name, value in (
            *self.security_headers,
            ("Content-Security-Policy", RESTRICTIVE_POLICY),
        ):
            self.send_header(name, value)
