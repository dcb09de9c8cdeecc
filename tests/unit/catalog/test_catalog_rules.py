"""The catalog's rules on plain objects: prices, slugs, the category tree, the search fallback."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from services.catalog import domain
from services.catalog.exceptions import CategoryNotEmpty, InvalidProduct, SlugTaken
from services.common.actor import SYSTEM, Actor
from services.common.errors import Conflict, ValidationFailed

NOW = datetime(2026, 1, 2, tzinfo=UTC)


def test_a_compare_at_price_below_the_price_is_refused_naming_the_field():
    with pytest.raises(InvalidProduct) as raised:
        domain.check_compare_at(1000, 999)
    assert isinstance(raised.value, ValidationFailed)
    assert raised.value.details == {"fields": {"compare_at_price": ["Must be at least the price."]}}


def test_a_compare_at_price_equal_to_the_price_or_none_is_fine():
    domain.check_compare_at(1000, 1000)
    domain.check_compare_at(1000, None)


def test_the_default_slug_is_made_of_the_name_and_an_asked_one_wins():
    assert domain.default_slug(None, "Sony WH-1000XM5 Écouteurs") == "sony-wh-1000xm5-ecouteurs"
    assert domain.default_slug("", "!!!") == "item"
    assert domain.default_slug("my-slug", "Sony") == "my-slug"


def test_a_slug_held_by_another_is_taken_but_ones_own_is_not():
    domain.check_slug_free("lamp", None)
    domain.check_slug_free("lamp", "p-1", own_id="p-1")
    with pytest.raises(SlugTaken) as raised:
        domain.check_slug_free("lamp", "p-2", own_id="p-1")
    assert raised.value.details == {"slug": "lamp"}


def test_an_unknown_category_is_refused_naming_category_id():
    domain.check_category_known("c-1", True)
    with pytest.raises(InvalidProduct) as raised:
        domain.check_category_known("c-9", False)
    assert raised.value.details == {"fields": {"category_id": ["No category has id c-9."]}}


def test_a_category_cannot_move_under_itself_or_its_descendants():
    for parent_path in ("/e/", "/e/a/"):
        with pytest.raises(InvalidProduct) as raised:
            domain.check_category_move(parent_path, "/e/")
        assert set(raised.value.details["fields"]) == {"parent_id"}
    domain.check_category_move("/k/", "/e/")
    domain.check_category_move(None, "/e/a/")  # to the root


def test_a_category_with_products_or_children_cannot_be_deleted():
    category = SimpleNamespace(id="c-1", slug="audio")
    domain.check_category_empty(category, 0, 0)
    for products, children in ((2, 0), (0, 1)):
        with pytest.raises(CategoryNotEmpty) as raised:
            domain.check_category_empty(category, products, children)
        assert isinstance(raised.value, Conflict)
        assert raised.value.details == {
            "category_id": "c-1",
            "products": products,
            "children": children,
        }
    assert str(raised.value) == "category audio still holds products or subcategories"


def test_ancestors_are_the_path_above_a_category_root_first():
    assert domain.ancestor_ids("/e/a/h/") == ["e", "a"]
    assert domain.ancestor_ids("/e/") == []


def test_a_node_is_found_anywhere_in_the_tree():
    leaf = domain.CategoryNode("h", "a", "headphones", "Headphones", "", "/e/a/h/", 0)
    mid = domain.CategoryNode("a", "e", "audio", "Audio", "", "/e/a/", 0, children=[leaf])
    root = domain.CategoryNode("e", None, "electronics", "Electronics", "", "/e/", 0)
    root.children = [mid]
    assert domain.find_node([root], "h") is leaf
    assert domain.find_node([root], "x") is None


def plan(*terms):
    return domain.SearchPlan([domain.SearchTerm(t) for t in terms])


def test_a_text_search_tries_every_word_then_any_word_then_trigram():
    assert domain.search_strategies(plan("sony", "headphones"), "sony headphones") == [
        "and",
        "or",
        "trigram",
    ]


def test_one_word_skips_the_any_word_step():
    assert domain.search_strategies(plan("sony"), "sony") == ["and", "trigram"]


def test_a_text_without_plannable_words_is_matched_by_trigram_and_no_text_matches_all():
    assert domain.search_strategies(domain.SearchPlan([]), "a") == ["trigram"]
    assert domain.search_strategies(None, "") == ["none"]


def test_the_fallback_stops_at_the_first_strategy_that_finds_something():
    tried = []

    def run(strategy):
        tried.append(strategy)
        return domain.ProductPage([], {"total": 3 if strategy == "or" else 0})

    page = domain.search_with_fallback(plan("sony", "kettle"), "sony kettle", run)
    assert tried == ["and", "or"] and page.total == 3


def test_the_fallback_returns_the_last_strategys_empty_page_when_nothing_matches():
    tried = []

    def run(strategy):
        tried.append(strategy)
        return domain.ProductPage([], {"total": 0, "strategy": strategy})

    page = domain.search_with_fallback(plan("zzz"), "zzz", run)
    assert tried == ["and", "trigram"] and page.meta["strategy"] == "trigram"


def test_a_search_is_sorted_by_relevance_a_listing_newest_first_unless_asked():
    assert domain.default_sort(None, "sony") == "relevance"
    assert domain.default_sort(None, "") == "newest"
    assert domain.default_sort("price_asc", "sony") == "price_asc"


def test_the_searched_text_is_q_or_its_alias_search_trimmed():
    assert domain.search_text({"q": "  sony "}) == "sony"
    assert domain.search_text({"q": None, "search": "kettle"}) == "kettle"
    assert domain.search_text({}) == ""


def test_the_query_meta_says_how_the_text_was_interpreted():
    typo = domain.SearchPlan([domain.SearchTerm("headphones", alternatives=["headphone"])])
    assert domain.query_meta("hedphones", typo, "relevance") == {
        "text": "hedphones",
        "interpreted": "headphone",
        "sort": "relevance",
    }
    assert domain.query_meta("", None, "newest")["text"] is None


def test_a_seller_lists_only_their_own_products_whatever_they_ask():
    seller = Actor(user_id="s-1", role="seller")
    assert domain.scoped_to({"seller_id": "s-2"}, seller)["seller_id"] == "s-1"
    assert domain.scoped_to({"seller_id": "s-2"}, SYSTEM)["seller_id"] == "s-2"


def test_featured_lists_one_to_fifty():
    assert [domain.featured_limit(n) for n in (0, 8, 500, "3")] == [1, 8, 50, 3]


def test_changes_are_applied_and_only_real_ones_reported():
    product = SimpleNamespace(name="Lamp", price=1000)
    diff = domain.apply_changes(product, {"name": "Lamp", "price": 900})
    assert diff == {"price": (1000, 900)} and product.price == 900


def test_archiving_twice_changes_once():
    product = SimpleNamespace(status="active", updated_at=None)
    assert domain.archive(product, NOW) is True
    assert product.status == "archived" and product.updated_at == NOW
    assert domain.archive(product, NOW) is False


def test_a_processed_upload_becomes_an_image_of_its_largest_variant():
    image = domain.image_of_media(
        {"media_id": "m-1", "url": "/o.webp", "variants": {"medium": "/m", "thumbnail": "/t"}}
    )
    assert image == {
        "id": "m-1",
        "url": "/m",
        "thumbnail_url": "/t",
        "medium_url": "/m",
        "large_url": None,
    }
    assert domain.image_of_media({"media_id": "m-2", "url": "/o.webp"})["url"] == "/o.webp"
    with pytest.raises(KeyError):
        domain.image_of_media({"url": "/o.webp"})


def test_a_price_change_announces_the_price_before():
    product = SimpleNamespace(
        id="p", slug="lamp", name="Lamp", price=900, currency="USD", category_id="c",
        status="active", seller_id=None,
    )  # fmt: skip
    payload = domain.update_announcement(product, "u-1", {"price": (1000, 900), "name": (1, 2)})
    assert payload["changed"] == ["name", "price"] and payload["previous_price"] == 1000
    assert "previous_price" not in domain.update_announcement(product, None, {"name": (1, 2)})


def test_sitemap_pages_start_after_the_last_id_of_the_page_before():
    cuts = [
        SimpleNamespace(last="b", n=2, lastmod=NOW),
        SimpleNamespace(last="c", n=1, lastmod=NOW),
    ]
    assert domain.slug_pages(cuts) == [
        domain.SlugPage(None, 2, NOW),
        domain.SlugPage("b", 1, NOW),
    ]
