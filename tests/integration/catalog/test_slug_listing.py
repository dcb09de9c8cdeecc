"""The sitemap's listing of the catalog: active products by keyset in id order, cut into pages,
and every category, on the real test database."""

import pytest

PAGE = 2


@pytest.fixture
def listed(catalog, session):
    """The table's products with one archived: the sitemap must not list it."""
    catalog.archive_product("p-kettle")
    session.commit()
    return catalog


def walk(store, limit):
    after, seen = None, []
    while True:
        rows = store.list_product_slugs(after, limit)
        if not rows:
            return seen
        seen.extend(rows)
        after = rows[-1]["id"]


def test_keyset_pages_list_every_active_product_once_in_id_order(listed):
    rows = walk(listed, limit=PAGE)
    ids = [row["id"] for row in rows]
    assert ids == sorted(ids)
    assert set(ids) == {"p-sony-nc", "p-bose-nc", "p-jbl-buds", "p-jbl-speaker"}
    sony = next(row for row in rows if row["id"] == "p-sony-nc")
    assert sony["slug"] == "sony-wh-1000xm5-wireless-noise-cancelling-headphones"
    assert sony["updated_at"].endswith("+00:00")


def test_pages_say_where_each_starts_and_how_many_it_holds(listed):
    pages = listed.product_slug_pages(PAGE)
    assert [page["count"] for page in pages] == [2, 2]
    assert pages[0]["after"] is None
    first = listed.list_product_slugs(None, PAGE)
    second = listed.list_product_slugs(pages[1]["after"], PAGE)
    assert pages[1]["after"] == first[-1]["id"]
    assert {row["id"] for row in first}.isdisjoint(row["id"] for row in second)
    assert pages[1]["lastmod"] == max(row["updated_at"] for row in second)


def test_no_active_product_means_no_page(store):
    assert store.product_slug_pages(PAGE) == []
    assert store.list_product_slugs(None, PAGE) == []


def test_categories_are_listed_parents_first(catalog):
    slugs = [row["slug"] for row in catalog.list_category_slugs()]
    assert set(slugs) == {"electronics", "audio", "headphones", "speakers", "kitchen"}
    assert slugs.index("electronics") < slugs.index("audio") < slugs.index("headphones")


def test_a_listing_stops_at_upto_compared_by_the_database(listed):
    ids = [row["id"] for row in listed.list_product_slugs(None, 10)]
    assert [row["id"] for row in listed.list_product_slugs(None, 10, ids[1])] == ids[:2]
    assert [row["id"] for row in listed.list_product_slugs(ids[0], 10, ids[2])] == ids[1:3]
    assert listed.list_product_slugs(ids[1], 10, ids[1]) == []
