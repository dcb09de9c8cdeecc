"""gzip for the answers the gateway generates: API JSON (cache hits too), HTML shells, /metrics.
`ApiWsgiApp` passes every response through `Compression.negotiate`.

- Only a body of at least `min_bytes` (config COMPRESSION.min_bytes, 1 KB) is compressed: below
  it the 20 bytes of gzip framing and the CPU buy almost nothing. A page of 20 demo products
  is 24.8 KB of JSON, 3.9 KB gzipped (docs/benchmarks-compression.md: bytes and CPU by level).
- `Vary: Accept-Encoding` on every compressible answer, compressed or not, so a shared cache
  keeps the two representations apart.
- Files (`send_file`: the web app's build, which gateway/web.py serves precompressed as .br/.gz,
  and /media images) are passed through untouched, as is anything already encoded, a partial
  (206) answer, or one marked `Cache-Control: no-transform`. A streamed answer is left to
  compress itself as it streams (the sitemap: gateway/sitemap.py `xml_response`).
- The gzip representation's ETag is the weak form of the identity one (as nginx does): both are
  the same content, and werkzeug's If-None-Match check (weak comparison, RFC 9110 13.1.2) makes a
  304 for either. A 304 is given the ETag the 200 it revalidates carried.
- HEAD gets the headers GET would (Content-Encoding, the compressed Content-Length).

- The response cache's answers are compressed once per process (`Compression.gzip`).

The level (COMPRESSION.level) trades CPU for bytes: 5, the knee the benchmark found. BREACH (secrets
guessed from compressed sizes) needs a victim's browser sending credentials automatically with an
attacker's request: the API authenticates with a bearer header, never a cookie, so it does not.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict

from werkzeug.wrappers import Request, Response

from services.common.config import COMPRESSION

DEFAULT_LEVEL = 5
DEFAULT_MIN_BYTES = 1024
# bodies and their gzip kept for the response cache's answers (a hit is a dict lookup, ~10 µs,
# instead of a compression, ~250 µs for a page of 20 products at level 5)
DEFAULT_MEMO_BYTES = 8 * 1024 * 1024
COMPRESSIBLE = ("application/json", "application/xml", "text/")
_GZIP_WBITS = 31  # zlib's gzip container (header with mtime 0, CRC-32 trailer)


def compressible(mimetype: str) -> bool:
    return mimetype.startswith(COMPRESSIBLE) or mimetype.endswith(("+json", "+xml"))


def gzip_bytes(data: bytes, level: int) -> bytes:
    """`data` as a gzip member, in one call (gzip.compress adds a GzipFile per call)."""
    return zlib.compress(data, level, wbits=_GZIP_WBITS)


def accepts_gzip(request: Request) -> bool:
    """Whether Accept-Encoding allows gzip (q > 0, or * does)."""
    header = request.environ.get("HTTP_ACCEPT_ENCODING", "").lower()
    if "gzip" not in header and "*" not in header:
        return False
    if ";" not in header:  # no q-values: a browser's "gzip, deflate, br, zstd"
        return True
    return request.accept_encodings["gzip"] > 0


class Compression:
    """One per gateway process (its WSGI app). The response cache's answers (`X-Cache` HIT or
    MISS: the public reads every shopper repeats) are compressed once per process: their gzip is
    remembered by body, least recently used first out, up to `memo_bytes` of bodies and gzip."""

    def __init__(
        self,
        level: int = DEFAULT_LEVEL,
        min_bytes: int = DEFAULT_MIN_BYTES,
        memo_bytes: int = DEFAULT_MEMO_BYTES,
    ):
        if not 1 <= level <= 9:
            raise ValueError(f"COMPRESSION.level must be 1-9, not {level}")
        self.level = level
        self.min_bytes = min_bytes
        self.memo_bytes = memo_bytes
        self._memo: OrderedDict[bytes, bytes] = OrderedDict()
        self._memo_size = 0

    @classmethod
    def from_config(cls, config: dict) -> Compression:
        settings = config.get(COMPRESSION) or {}
        memo = settings.get("memo_bytes")
        return cls(
            int(settings.get("level") or DEFAULT_LEVEL),
            int(settings.get("min_bytes") or DEFAULT_MIN_BYTES),
            DEFAULT_MEMO_BYTES if memo in (None, "") else int(memo),
        )

    def negotiate(self, request: Request, response: Response) -> Response:
        """`response`, gzip-compressed when the client accepts gzip and it is worth it."""
        status = response.status_code
        if (
            response.direct_passthrough
            or not response.is_sequence
            or status < 200
            or status in (204, 206)
            or "Content-Encoding" in response.headers
            or not compressible(response.mimetype or "")
            or "no-transform" in response.headers.get("Cache-Control", "")
        ):
            return response
        # werkzeug's header properties parse and write back (vary, accept_encodings, get_etag:
        # ~25 µs together); the common shapes are read directly
        if "Vary" in response.headers:
            response.vary.add("Accept-Encoding")
        else:
            response.headers["Vary"] = "Accept-Encoding"
        if not accepts_gzip(request):
            return response
        if response.content_length is not None and response.content_length < self.min_bytes:
            return response
        data = response.get_data()
        if len(data) < self.min_bytes:
            return response
        if "ETag" in response.headers:
            etag, weak = response.get_etag()
            if etag and not weak:
                response.set_etag(etag, weak=True)
        if status != 304:  # a 304 sends no body: only its ETag had to match the 200's
            response.set_data(self.gzip(data, repeated="X-Cache" in response.headers))
            response.headers["Content-Encoding"] = "gzip"
        return response

    def gzip(self, data: bytes, repeated: bool = False) -> bytes:
        """`data` gzipped; remembered when it is `repeated` (a response-cache answer)."""
        if not repeated or self.memo_bytes <= 0:
            return gzip_bytes(data, self.level)
        zipped = self._memo.get(data)
        if zipped is not None:
            self._memo.move_to_end(data)
            return zipped
        zipped = gzip_bytes(data, self.level)
        size = len(data) + len(zipped)
        if size <= self.memo_bytes // 4:  # one huge body must not flush all the others
            self._memo[data] = zipped
            self._memo_size += size
            while self._memo_size > self.memo_bytes:
                body, old = self._memo.popitem(last=False)
                self._memo_size -= len(body) + len(old)
        return zipped
