"""Search, filters, sorting and facets against PostgreSQL full-text and trigram indexes."""

from services.catalog.schemas import ListQuery


def search(store, **query):
    return store.list_products(ListQuery().load(query))


def ids(result):
    return [p["id"] for p in result["data"]]


def test_a_name_match_ranks_above_a_description_match(catalog):
    result = search(catalog, q="headphones")
    assert set(ids(result)[:2]) == {"p-sony-nc", "p-bose-nc"}
    assert ids(result)[-1] == "p-jbl-speaker"  # only its description mentions headphones


def test_a_typo_still_finds_the_product(catalog):
    result = search(catalog, q="hedphones")
    assert "p-sony-nc" in ids(result)
    assert result["meta"]["query"]["interpreted"] == "headphones"


def test_a_prefix_finds_the_words_it_starts(catalog):
    assert {"p-sony-nc", "p-bose-nc"} <= set(ids(search(catalog, q="headph")))


def test_a_multi_word_query_puts_the_product_with_every_word_first(catalog):
    result = search(catalog, q="wireless noise cancelling")
    assert ids(result)[0] == "p-sony-nc"


def test_search_is_an_alias_of_q(catalog):
    assert ids(search(catalog, search="kettle")) == ["p-kettle"]


def test_a_brand_name_matches(catalog):
    assert set(ids(search(catalog, q="jbl"))) == {"p-jbl-buds", "p-jbl-speaker"}


def test_a_parent_category_includes_its_descendants(catalog):
    result = search(catalog, category="audio")
    assert set(ids(result)) == {"p-sony-nc", "p-bose-nc", "p-jbl-buds", "p-jbl-speaker"}
    assert set(ids(search(catalog, category="c-electronics"))) == set(ids(result))


def test_filters_by_brand_price_range_and_stock_combine(catalog):
    assert set(ids(search(catalog, brand="jbl,bose"))) == {
        "p-bose-nc",
        "p-jbl-buds",
        "p-jbl-speaker",
    }
    assert set(ids(search(catalog, min_price=5000, max_price=10000))) == {
        "p-jbl-speaker",
        "p-kettle",
    }
    in_stock = ids(search(catalog, q="noise cancelling", in_stock=True))
    assert in_stock == ["p-sony-nc"]


def test_sorts_by_price_both_ways_newest_and_rating(catalog):
    assert ids(search(catalog, sort="price_asc"))[0] == "p-jbl-buds"
    assert ids(search(catalog, sort="price_desc"))[0] == "p-sony-nc"
    assert ids(search(catalog, sort="newest"))[0] == "p-kettle"
    assert ids(search(catalog, sort="rating"))[0] == "p-sony-nc"


def test_pages_carry_totals(catalog):
    result = search(catalog, sort="price_asc", limit=2, page=2)
    assert result["meta"]["total"] == 5 and result["meta"]["total_pages"] == 3
    assert ids(result) == ["p-jbl-speaker", "p-bose-nc"]


def test_facets_count_per_category_and_brand_and_give_the_price_range(catalog):
    facets = search(catalog, q="wireless")["meta"]["facets"]
    assert facets["categories"] == [
        {"id": "c-headphones", "slug": "headphones", "name": "Headphones", "count": 3}
    ]
    assert {f["brand"]: f["count"] for f in facets["brands"]} == {"Sony": 1, "Bose": 1, "JBL": 1}
    assert facets["price"] == {"min": 4999, "max": 34999}


def test_a_page_without_facets_still_carries_its_total(catalog):
    result = search(catalog, q="wireless", facets=False)
    assert "facets" not in result["meta"]
    assert result["meta"]["total"] == 3 and len(ids(result)) == 3


def test_archived_products_leave_the_storefront_but_stay_readable(catalog, session):
    catalog.archive_product("p-kettle")
    session.commit()
    assert "p-kettle" not in ids(search(catalog))
    assert catalog.get_product("p-kettle")["status"] == "archived"


def test_a_list_page_carries_availability_and_images(catalog):
    product = search(catalog, q="bose")["data"][0]
    assert product["in_stock"] is False and product["available"] == 0
    assert product["image"] == "/media/images/p-bose-nc.webp"
    assert product["category"] == {"id": "c-headphones", "slug": "headphones", "name": "Headphones"}


def test_an_older_stock_event_does_not_overwrite_a_newer_one(catalog, session):
    assert catalog.apply_stock("p-sony-nc", 2, 5)
    assert not catalog.apply_stock("p-sony-nc", 9, 4)
    assert not catalog.apply_stock("p-sony-nc", 2, 5)
    session.commit()
    assert catalog.get_product("p-sony-nc")["available"] == 2


def test_a_newer_stock_event_with_the_same_availability_is_no_change(catalog, session):
    assert catalog.apply_stock("p-sony-nc", 2, 5)
    # a committed reservation: on hand and reserved fall together, availability stays
    assert not catalog.apply_stock("p-sony-nc", 2, 6)
    # its version was kept: an event older than it cannot bring back an older level
    assert not catalog.apply_stock("p-sony-nc", 9, 6)
    assert catalog.apply_stock("p-sony-nc", 1, 7)
    session.commit()
    assert catalog.get_product("p-sony-nc")["available"] == 1
