"""Search planning and category rules on plain objects (no database)."""

from services.catalog.domain import (
    CategoryNode,
    build_tree,
    category_path,
    lexicon_words,
    plan_search,
    slugify,
    words,
)
from services.common.pagination import page_meta

DICTIONARY = {"headphones", "wireless", "noise", "cancelling", "sony", "speaker", "espresso"}


def plan(query):
    return plan_search(
        query,
        known=lambda t: t in DICTIONARY,
        has_prefix=lambda t: any(w.startswith(t) for w in DICTIONARY),
        corrections=lambda t: ["headphones"] if t == "hedphones" else [],
    )


def test_a_typo_is_replaced_by_the_closest_dictionary_word():
    searched = plan("hedphones")
    assert searched.tsquery() == "headphones"
    assert searched.corrected_text() == "headphones"


def test_a_word_being_typed_matches_as_a_prefix():
    assert plan("headph").tsquery() == "headph:*"


def test_every_word_of_a_multi_word_query_is_required():
    assert plan("wireless noise cancelling").tsquery() == "wireless & noise & cancelling"
    assert plan("wireless noise cancelling").tsquery("or") == "wireless | noise | cancelling"


def test_a_partly_typed_last_word_is_a_prefix_after_whole_words():
    assert plan("wireless headph").tsquery() == "wireless & headph:*"


def test_punctuation_and_operators_never_reach_the_tsquery():
    searched = plan("sony & !(speaker) | 'x':*")
    assert searched.tsquery() == "sony & speaker"


def test_unknown_words_without_a_correction_are_searched_as_typed():
    assert plan("zzz").tsquery() == "zzz:*"


def test_corrections_that_tie_are_all_searched():
    searched = plan_search(
        "colr",
        known=lambda t: False,
        has_prefix=lambda t: False,
        corrections=lambda t: ["color", "colour"],
    )
    assert searched.tsquery() == "(color | colour)"


def test_an_empty_query_plans_nothing():
    assert not plan("  !! ")


def test_words_are_lowercased_and_accents_stripped():
    assert words("Écouteurs SANS-fil") == ["ecouteurs", "sans", "fil"]
    assert slugify("De'Longhi Espresso Machine!") == "de-longhi-espresso-machine"


def test_the_dictionary_keeps_name_and_brand_words_but_not_numbers_or_short_words():
    assert lexicon_words("Sony WH 1000 Wireless", "Sony") == {"sony", "wireless"}


def test_a_category_tree_nests_children_and_counts_descendant_products():
    nodes = [
        CategoryNode("e", None, "electronics", "Electronics", "", "/e/", 0, 1),
        CategoryNode("a", "e", "audio", "Audio", "", "/e/a/", 0, 0),
        CategoryNode("h", "a", "headphones", "Headphones", "", "/e/a/h/", 0, 5),
        CategoryNode("k", None, "kitchen", "Kitchen", "", "/k/", 1, 2),
    ]
    tree = [node.as_dict() for node in build_tree(nodes)]
    assert [root["slug"] for root in tree] == ["electronics", "kitchen"]
    assert tree[0]["product_count"] == 6
    assert tree[0]["children"][0]["children"][0]["slug"] == "headphones"
    assert tree[0]["children"][0]["children"][0]["depth"] == 2


def test_a_category_path_extends_its_parents():
    assert category_path(None, "e") == "/e/"
    assert category_path("/e/", "a") == "/e/a/"


def test_page_meta_counts_pages():
    assert page_meta(1, 20, 41) == {"page": 1, "limit": 20, "total": 41, "total_pages": 3}
    assert page_meta(1, 20, 0)["total_pages"] == 0


def test_a_brand_filter_becomes_a_brand_weighted_tsquery():
    from services.catalog.domain import brand_tsquery

    assert brand_tsquery(["sony", "The North Face"]) == "((sony:B) | (the:B & north:B & face:B))"
    assert brand_tsquery(["h&m"]) is None


def test_the_lexicon_cache_forgets_words_after_its_ttl():
    from services.catalog.search import LexiconCache

    cache = LexiconCache(ttl=-1)
    cache.put("sony", (True, True, []))
    assert cache.get("sony") is None
    fresh = LexiconCache(ttl=60)
    fresh.put("sony", (True, True, []))
    assert fresh.get("sony") == (True, True, [])
