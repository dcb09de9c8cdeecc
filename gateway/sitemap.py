"""The sitemap: an index of pages of at most `page_size` product URLs each, plus the categories.

Product pages follow the catalog's keyset order (product id). Their boundaries come from one
catalog RPC (`product_slug_pages`: one scan, 0.7 s over a million products here), kept in Redis
for `ttl` seconds; page n then holds the ids after its boundary up to the next page's, read in
chunks by keyset (`list_product_slugs`, which compares both bounds in the database's own order),
so a page costs the same at the millionth product as at the first, and a product created
meanwhile lands in exactly one page. XML is written as a stream, gzipped when the client accepts
it.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

from nameko.extensions import DependencyProvider
from werkzeug.wrappers import Response

from gateway.seo import category_url, product_url
from services.common.config import WEB, public_url
from services.common.redis import RedisClient

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000  # the sitemap protocol's limit for one file
CHUNK = 5_000  # products a listing RPC returns at once
URLS_PER_WRITE = 500


def _lastmod(value: str | None) -> str:
    return f"<lastmod>{escape(value)}</lastmod>" if value else ""


def index_xml(locations: Iterable[tuple[str, str | None]]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NAMESPACE}">\n'
    for loc, lastmod in locations:
        yield f"<sitemap><loc>{escape(loc)}</loc>{_lastmod(lastmod)}</sitemap>\n"
    yield "</sitemapindex>\n"


def urlset_xml(urls: Iterable[tuple[str, str | None]]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NAMESPACE}">\n'
    batch: list[str] = []
    for loc, lastmod in urls:
        batch.append(f"<url><loc>{escape(loc)}</loc>{_lastmod(lastmod)}</url>\n")
        if len(batch) >= URLS_PER_WRITE:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
    yield "</urlset>\n"


def gzipped(chunks: Iterable[str]) -> Iterator[bytes]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for chunk in chunks:
        data = compressor.compress(chunk.encode())
        if data:
            yield data
    yield compressor.flush()


def xml_response(request, chunks: Iterable[str], max_age: int) -> Response:
    """A streamed XML answer, gzipped when the client accepts it."""
    if request.accept_encodings["gzip"] > 0:
        response = Response(gzipped(chunks), content_type="application/xml; charset=utf-8")
        response.headers["Content-Encoding"] = "gzip"
    else:
        body = (chunk.encode() for chunk in chunks)
        response = Response(body, content_type="application/xml; charset=utf-8")
    response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


@dataclass
class SitemapSource:
    """The sitemap's reads of the catalog for one request (`catalog` is its RPC proxy)."""

    redis: object
    public_url: str
    page_size: int
    ttl: int

    def product_pages(self, catalog) -> list[dict]:
        """[{after, count, lastmod}] per product page; from Redis while fresh."""
        key = f"sitemap:pages:{self.page_size}"
        cached = self.redis.get(key)
        if cached is not None:
            return json.loads(cached)
        pages = catalog.product_slug_pages(self.page_size)
        self.redis.set(key, json.dumps(pages), ex=self.ttl)
        return pages

    def index(self, catalog) -> Iterator[str]:
        pages = self.product_pages(catalog)
        locations = [(f"{self.public_url}/sitemap-categories.xml", None)]
        locations += [
            (f"{self.public_url}/sitemap-products-{n}.xml", page["lastmod"])
            for n, page in enumerate(pages, start=1)
        ]
        return index_xml(locations)

    def product_rows(self, catalog, number: int) -> list[dict] | None:
        """The products of page `number` (1-based): ids after its boundary up to the next
        page's; None when there is no such page."""
        pages = self.product_pages(catalog)
        if not 1 <= number <= len(pages):
            return None
        after = pages[number - 1]["after"]
        upto = pages[number]["after"] if number < len(pages) else None
        rows: list[dict] = []
        while len(rows) < MAX_URLS:
            # the catalog compares ids against both bounds: the database's collation orders
            # them, not Python's code points (they differ for "p-a" and "p_b" under en_US)
            wanted = min(CHUNK, MAX_URLS - len(rows))
            chunk = catalog.list_product_slugs(after, wanted, upto)
            rows.extend(chunk)
            if len(chunk) < wanted:
                break
            after = chunk[-1]["id"]
        return rows

    def products(self, rows: list[dict]) -> Iterator[str]:
        return urlset_xml(
            (product_url(row["slug"], self.public_url), row["updated_at"]) for row in rows
        )

    def categories(self, rows: list[dict]) -> Iterator[str]:
        return urlset_xml(
            (category_url(row["slug"], self.public_url), row["updated_at"]) for row in rows
        )


class Sitemaps(DependencyProvider):
    """Injects a `SitemapSource` configured from WEB (sitemap_page_size, sitemap_ttl) and
    PUBLIC_URL."""

    redis = RedisClient()

    def setup(self):
        config = self.container.config
        web = config.get(WEB) or {}
        self.public_url = public_url(config)
        self.page_size = max(1, min(int(web.get("sitemap_page_size", 10_000)), MAX_URLS))
        self.ttl = int(web.get("sitemap_ttl", 600))

    def get_dependency(self, worker_ctx):
        return SitemapSource(self.redis.client, self.public_url, self.page_size, self.ttl)
