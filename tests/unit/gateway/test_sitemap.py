"""The sitemap reads the catalog in keyset order, page by page, from boundaries kept in Redis;
its XML is streamed, and gzipped when accepted."""

import gzip
import xml.etree.ElementTree as ET

import pytest
from werkzeug.wrappers import Request

from gateway.sitemap import SitemapSource, xml_response

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "https://shop.example"


class FakeRedis:
    def __init__(self):
        self.values, self.expiry = {}, {}

    def get(self, key):
        return self.values.get(key)

    def set(self, key, value, ex=None):
        self.values[key] = value
        self.expiry[key] = ex


class FakeCatalog:
    """The catalog's listing RPCs over `count` products p-001.. (ids sort as numbers do)."""

    def __init__(self, count):
        self.rows = [
            {"id": f"p-{n:03}", "slug": f"product-{n}", "updated_at": f"2026-11-{n % 28 + 1:02}"}
            for n in range(1, count + 1)
        ]
        self.calls = []

    def product_slug_pages(self, size):
        self.calls.append(("pages", size))
        pages, after = [], None
        rows = sorted(self.rows, key=lambda r: self.key(r["id"]))
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            lastmod = max(r["updated_at"] for r in chunk)
            pages.append({"after": after, "count": len(chunk), "lastmod": lastmod})
            after = chunk[-1]["id"]
        return pages

    def key(self, product_id):
        """The database's order of ids (the C collation's here: Python's own)."""
        return product_id

    def list_product_slugs(self, after, limit, upto=None):
        self.calls.append(("list", after, limit))
        key = self.key
        return [
            r
            for r in sorted(self.rows, key=lambda r: key(r["id"]))
            if (after is None or key(r["id"]) > key(after))
            and (upto is None or key(r["id"]) <= key(upto))
        ][:limit]


class EnglishCollationCatalog(FakeCatalog):
    """A database ordering ids as en_US does: punctuation ignored at first, so "p_a" sorts
    before "p-b", where Python's code points (and the C collation) put every "p-" first."""

    def __init__(self, ids):
        super().__init__(0)
        self.rows = [{"id": i, "slug": f"product-{i}", "updated_at": "2026-11-01"} for i in ids]

    def key(self, product_id):
        return (product_id.replace("-", "").replace("_", ""), product_id)


def source(page_size=4, redis=None):
    return SitemapSource(redis or FakeRedis(), BASE, page_size, ttl=600)


def parse(chunks) -> ET.Element:
    return ET.fromstring("".join(chunks))


def locs(root: ET.Element) -> list[str]:
    return [e.text for e in root.iterfind(".//s:loc", NS)]


def test_the_index_lists_the_categories_and_one_entry_per_product_page():
    root = parse(source(page_size=4).index(FakeCatalog(10)))
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert locs(root) == [
        f"{BASE}/sitemap-categories.xml",
        f"{BASE}/sitemap-products-1.xml",
        f"{BASE}/sitemap-products-2.xml",
        f"{BASE}/sitemap-products-3.xml",
    ]
    lastmods = [e.text for e in root.iterfind(".//s:lastmod", NS)]
    assert len(lastmods) == 3


def test_the_pages_cover_every_product_once_in_keyset_order():
    catalog, sitemap = FakeCatalog(10), source(page_size=4)
    seen = []
    for number in (1, 2, 3):
        rows = sitemap.product_rows(catalog, number)
        seen.extend(r["id"] for r in rows)
        assert len(rows) <= 4
    assert seen == [r["id"] for r in catalog.rows]
    listed_after = [c[1] for c in catalog.calls if c[0] == "list"]
    assert listed_after[0] is None and "p-004" in listed_after and "p-008" in listed_after


def test_a_page_past_the_last_is_none():
    assert source(page_size=4).product_rows(FakeCatalog(10), 4) is None
    assert source(page_size=4).product_rows(FakeCatalog(10), 0) is None


def test_page_boundaries_are_asked_once_and_kept_for_the_ttl():
    redis, catalog = FakeRedis(), FakeCatalog(10)
    sitemap = source(page_size=4, redis=redis)
    sitemap.product_rows(catalog, 1)
    sitemap.product_rows(catalog, 2)
    assert [c for c in catalog.calls if c[0] == "pages"] == [("pages", 4)]
    assert redis.expiry == {"sitemap:pages:4": 600}


def test_a_product_created_after_the_boundaries_lands_in_exactly_one_page():
    catalog, sitemap = FakeCatalog(8), source(page_size=4)
    sitemap.product_pages(catalog)  # boundaries: after None, after p-004
    catalog.rows.insert(2, {"id": "p-002a", "slug": "new", "updated_at": "2026-12-01"})
    first = [r["id"] for r in sitemap.product_rows(catalog, 1)]
    second = [r["id"] for r in sitemap.product_rows(catalog, 2)]
    assert "p-002a" in first and "p-002a" not in second
    assert first[-1] == "p-004" and second[0] == "p-005"


def test_a_page_is_read_in_chunks(monkeypatch):
    monkeypatch.setattr("gateway.sitemap.CHUNK", 3)
    catalog = FakeCatalog(10)
    rows = source(page_size=10).product_rows(catalog, 1)
    assert len(rows) == 10
    assert [c[2] for c in catalog.calls if c[0] == "list"][:4] == [3, 3, 3, 3]


def test_product_pages_hold_absolute_product_urls_with_lastmod():
    sitemap = source(page_size=4)
    root = parse(sitemap.products(sitemap.product_rows(FakeCatalog(10), 1)))
    assert locs(root) == [f"{BASE}/products/product-{n}" for n in range(1, 5)]
    assert root.find(".//s:url/s:lastmod", NS).text == "2026-11-02"


def test_categories_are_listed_as_category_urls():
    rows = [{"id": "c", "slug": "home & garden", "updated_at": None}]
    root = parse(source().categories(rows))
    assert locs(root) == [f"{BASE}/categories/home%20%26%20garden"]


@pytest.mark.parametrize("accept, encoded", [("gzip, br", True), ("identity", False)])
def test_the_xml_is_streamed_and_gzipped_when_accepted(accept, encoded):
    request = Request.from_values("/sitemap.xml", headers={"Accept-Encoding": accept})
    response = xml_response(request, iter(["<a>", "</a>"]), 600)
    assert response.is_streamed
    assert response.headers["Cache-Control"] == "public, max-age=600"
    assert "Accept-Encoding" in response.headers["Vary"]
    body = b"".join(response.response)
    if encoded:
        assert response.headers["Content-Encoding"] == "gzip"
        body = gzip.decompress(body)
    assert body == b"<a></a>"


def test_pages_are_cut_in_the_databases_order_of_ids_not_pythons():
    # en_US: p_a < p-b < p_c < p-d; Python and C: p-b < p-d < p_a < p_c
    catalog = EnglishCollationCatalog(["p-b", "p_a", "p-d", "p_c"])
    sitemap = source(page_size=2)
    first = [r["id"] for r in sitemap.product_rows(catalog, 1)]
    second = [r["id"] for r in sitemap.product_rows(catalog, 2)]
    assert first == ["p_a", "p-b"]
    assert second == ["p_c", "p-d"]
