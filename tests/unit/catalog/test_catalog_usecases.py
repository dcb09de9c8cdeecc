"""The catalog use cases (usecases.Catalog) on the in-memory fakes of its ports."""

import pytest

from services.catalog import schemas
from services.catalog.exceptions import (
    CategoryNotEmpty,
    CategoryNotFound,
    InvalidProduct,
    ProductNotFound,
    SlugTaken,
)
from services.common.actor import SYSTEM, Actor
from tests.unit.catalog.fakes import FakeProduct, FakeRepository, catalog

SELLER = Actor(user_id="s-1", role="seller")
OTHER_SELLER = Actor(user_id="s-2", role="seller")
ADMIN = Actor(user_id="a-1", role="admin")


@pytest.fixture
def repo():
    repo = FakeRepository()
    repo.add_category_row("c-e", "electronics", "Electronics")
    repo.add_category_row("c-a", "audio", "Audio", parent_id="c-e")
    repo.add_category_row("c-k", "kitchen", "Kitchen")
    return repo


@pytest.fixture
def shop(repo):
    return catalog(repo)


def lamp(**overrides):
    return {"name": "Desk Lamp", "brand": "Ikea", "category_id": "c-k", "price": 2500, **overrides}


def events(repo, kind):
    return [payload for name, payload in repo.events if name == kind]


# products


def test_a_sellers_new_product_is_theirs_slugged_from_its_name_and_announced(shop, repo):
    record = shop.create_product(lamp(images=[{"url": "/l.webp"}]), SELLER)
    assert record.seller_id == "s-1" and record.slug == "desk-lamp"
    assert schemas.dump_product(record)["image"] == "/l.webp"
    (created,) = events(repo, "product_created")
    assert created["product_id"] == record.id and created["user_id"] == "s-1"
    assert {"desk", "lamp", "ikea"} <= shop.search.words  # typos are corrected against them


def test_a_compare_at_price_below_the_price_stores_nothing(shop, repo):
    with pytest.raises(InvalidProduct):
        shop.create_product(lamp(compare_at_price=2000))
    assert repo.products == {} and repo.events == []


def test_a_product_in_an_unknown_category_or_with_a_taken_slug_is_refused(shop):
    shop.create_product(lamp(slug="lamp"))
    with pytest.raises(InvalidProduct) as raised:
        shop.create_product(lamp(category_id="c-x"))
    assert set(raised.value.details["fields"]) == {"category_id"}
    with pytest.raises(SlugTaken):
        shop.create_product(lamp(slug="lamp"))


def test_a_seller_cannot_create_a_product_for_another_seller(shop):
    with pytest.raises(InvalidProduct) as raised:
        shop.create_product(lamp(seller_id="s-2"), SELLER)
    assert set(raised.value.details["fields"]) == {"seller_id"}


def test_an_update_announces_what_changed_and_the_price_before(shop, repo):
    created = shop.create_product(lamp(), SELLER)
    updated = shop.update_product(created.id, {"price": 1999, "name": "Desk Lamp"}, SELLER)
    assert updated.price == 1999
    (payload,) = events(repo, "product_updated")
    assert payload["changed"] == ["price"] and payload["previous_price"] == 2500


def test_an_update_that_changes_nothing_is_not_announced(shop, repo):
    created = shop.create_product(lamp(), SELLER)
    shop.update_product(created.id, {"price": 2500}, SELLER)
    assert events(repo, "product_updated") == []


def test_an_update_that_changes_nothing_keeps_nothing_it_wrote_on_the_way(shop, repo):
    repo.add_product_row("p-1", "c-k", name="Steel Kettle", brand="Smeg", slug="kettle")
    rollbacks = repo.rollbacks
    record = shop.update_product("p-1", {"price": 1000, "name": "Steel Kettle"})
    assert record.name == "Steel Kettle" and record.price == 1000
    assert repo.rollbacks == rollbacks + 1  # the unit of work ends in a rollback
    assert repo.search_terms == set()  # so remember_words' words are not kept
    assert repo.events == [] and repo.products["p-1"].updated_at == FakeProduct.updated_at
    shop.update_product("p-1", {"price": 1200})
    assert repo.rollbacks == rollbacks + 1
    assert {"steel", "kettle", "smeg"} <= repo.search_terms  # a real change keeps them


def test_archiving_an_archived_product_rolls_back_its_lock(shop, repo):
    repo.add_product_row("p-1", "c-k", status="archived")
    rollbacks = repo.rollbacks
    assert shop.archive_product("p-1").status == "archived"
    assert repo.rollbacks == rollbacks + 1 and repo.events == []


def test_an_update_checks_the_compare_at_price_against_the_price_it_keeps(shop):
    created = shop.create_product(lamp(compare_at_price=3000))
    with pytest.raises(InvalidProduct):
        shop.update_product(created.id, {"price": 3500})


def test_another_sellers_product_is_not_found_for_changes(shop):
    created = shop.create_product(lamp(), SELLER)
    with pytest.raises(ProductNotFound):
        shop.update_product(created.id, {"price": 1}, OTHER_SELLER)
    with pytest.raises(ProductNotFound):
        shop.archive_product(created.id, OTHER_SELLER)
    with pytest.raises(InvalidProduct):
        shop.update_product(created.id, {"seller_id": "s-2"}, SELLER)
    assert shop.update_product(created.id, {"seller_id": "s-2"}, ADMIN).seller_id == "s-2"


def test_archiving_twice_announces_once_and_the_product_stays_readable(shop, repo):
    created = shop.create_product(lamp())
    assert shop.archive_product(created.id).status == "archived"
    shop.archive_product(created.id)
    assert len(events(repo, "product_archived")) == 1
    assert shop.get_product(created.id).status == "archived"
    with pytest.raises(ProductNotFound):
        shop.get_product_by_slug(created.slug)


def test_reads_of_missing_products_are_not_found_and_many_skip_them(shop):
    created = shop.create_product(lamp())
    with pytest.raises(ProductNotFound) as raised:
        shop.get_product("nope")
    assert raised.value.details == {"product_id": "nope"}
    assert [r.id for r in shop.get_products([created.id, "nope"])] == [created.id]
    assert shop.get_products([]) == [] and shop.owners([]) == {}


# fed by other services


def test_stock_is_announced_only_when_availability_changes(shop, repo):
    created = shop.create_product(lamp())
    assert shop.apply_stock(created.id, 4, 3) is True
    assert shop.apply_stock(created.id, 4, 3) is False  # repeated
    assert shop.apply_stock(created.id, 9, 2) is False  # older
    assert events(repo, "availability_changed") == [{"product_id": created.id, "available": 4}]


def test_a_rating_is_announced_when_it_changes(shop, repo):
    created = shop.create_product(lamp())
    assert shop.set_rating(created.id, 4.5, 2) is True
    assert shop.set_rating(created.id, 4.5, 2) is False
    assert events(repo, "product_updated") == [{"product_id": created.id, "changed": ["rating"]}]


def test_a_processed_upload_is_attached_once_as_the_last_image(shop, repo):
    created = shop.create_product(lamp(images=[{"url": "/first.webp"}]))
    media = {"media_id": "m-1", "url": "/m.webp", "variants": {"large": "/large.webp"}}
    assert shop.attach_media(created.id, media) is True
    assert shop.attach_media(created.id, media) is False
    images = shop.get_product(created.id).images
    assert [(i["id"], i["url"], i["position"]) for i in images][1:] == [("m-1", "/large.webp", 1)]
    assert len(events(repo, "product_updated")) == 1
    with pytest.raises(ProductNotFound):
        shop.attach_media("nope", media)


def test_an_image_is_detached_only_from_its_own_product(shop, repo):
    created = shop.create_product(lamp())
    shop.attach_media(created.id, {"media_id": "m-1", "url": "/m.webp"})
    shop.detach_media("another-product", "m-1")
    assert len(shop.get_product(created.id).images) == 1
    shop.detach_media(created.id, "m-1")
    assert shop.get_product(created.id).images == []
    assert len(events(repo, "product_updated")) == 2


# listings and search


def test_a_text_search_falls_back_to_any_word_when_no_product_has_every_word(repo):
    shop = catalog(repo, words={"desk", "kettle"})
    created = shop.create_product(lamp())
    shop.search.hits = {"and": [], "or": [created.id]}
    page = shop.list_products({"q": "desk kettle", "page": 1, "limit": 20})
    assert shop.search.tried == ["and", "or"] and [p.id for p in page.products] == [created.id]
    assert page.meta["query"] == {
        "text": "desk kettle",
        "interpreted": "desk kettle",
        "sort": "relevance",
    }


def test_a_search_nothing_matches_ends_with_trigram_similarity(repo):
    shop = catalog(repo, words={"desk"})
    shop.create_product(lamp())
    shop.search.hits = {"and": [], "trigram": []}
    page = shop.list_products({"q": "desk", "page": 1, "limit": 20})
    assert shop.search.tried == ["and", "trigram"] and page.total == 0


def test_a_listing_without_text_matches_everything_newest_first(shop):
    shop.create_product(lamp())
    page = shop.list_products({"page": 1, "limit": 20})
    assert shop.search.tried == ["none"] and shop.search.sorts == ["newest"]
    assert page.total == 1 and page.meta["query"]["text"] is None


def test_a_seller_lists_only_their_own_products(shop):
    shop.create_product(lamp(), SELLER)
    shop.create_product(lamp(name="Kettle"), OTHER_SELLER)
    page = shop.list_products({"page": 1, "limit": 20, "seller_id": "s-2"}, SELLER)
    assert [p.seller_id for p in page.products] == ["s-1"]


def test_featured_products_are_at_most_fifty(shop, repo):
    for n in range(3):
        shop.create_product(lamp(name=f"Lamp {n}", featured=True))
    assert len(shop.featured(2)) == 2 and len(shop.featured(0)) == 1


# categories


def test_a_new_category_sits_under_its_parent_and_is_announced(shop, repo):
    new_id = shop.create_category({"name": "Headphones", "parent_id": "c-a"}, "c-h")
    detail = schemas.dump_category(shop.category_detail(new_id))
    assert detail["slug"] == "headphones" and detail["path"] == "/c-e/c-a/c-h/"
    assert detail["ancestors"] == [
        {"id": "c-e", "name": "Electronics"},
        {"id": "c-a", "name": "Audio"},
    ]
    assert repo.events == [("category_changed", {"category_id": "c-h", "action": "created"})]


def test_a_category_under_an_unknown_parent_or_with_a_taken_slug_is_refused(shop):
    with pytest.raises(CategoryNotFound):
        shop.create_category({"name": "X", "parent_id": "nope"})
    with pytest.raises(SlugTaken):
        shop.create_category({"name": "Kitchen"})


def test_a_category_moves_with_its_subtree_but_never_under_itself(shop, repo):
    with pytest.raises(InvalidProduct):
        shop.update_category("c-e", {"parent_id": "c-a"})
    shop.update_category("c-e", {"parent_id": "c-k", "name": "Electronics & Co"})
    assert repo.categories["c-a"].path == "/c-k/c-e/c-a/"
    tree = schemas.dump_category_tree(shop.category_tree())
    assert [n["slug"] for n in tree] == ["kitchen"]
    assert tree[0]["children"][0]["name"] == "Electronics & Co"


def test_a_category_holding_products_or_children_is_not_deleted(shop, repo):
    shop.create_product(lamp())
    with pytest.raises(CategoryNotEmpty) as raised:
        shop.delete_category("kitchen")
    assert raised.value.details == {"category_id": "c-k", "products": 1, "children": 0}
    with pytest.raises(CategoryNotEmpty):
        shop.delete_category("c-e")
    assert "c-k" in repo.categories and repo.events[-1][0] == "product_created"


def test_an_empty_category_is_deleted_and_announced(shop, repo):
    shop.delete_category("c-a")
    assert "c-a" not in repo.categories
    assert repo.events == [("category_changed", {"category_id": "c-a", "action": "deleted"})]


def test_sitemap_listings_page_by_id(shop):
    for name in ("A", "B", "C"):
        shop.create_product(lamp(name=name), product_id=f"p-{name.lower()}")
    pages = schemas.dump_slug_pages(shop.product_slug_pages(2))
    assert [(p["after"], p["count"]) for p in pages] == [(None, 2), ("p-b", 1)]
    assert [r["id"] for r in schemas.dump_slugs(shop.product_slugs("p-a", 10, None))] == [
        "p-b",
        "p-c",
    ]
    assert [r["slug"] for r in schemas.dump_slugs(shop.category_slugs())][:2] == [
        "electronics",
        "audio",
    ]


def test_system_is_the_default_actor(shop):
    assert shop.create_product(lamp()).created_by is SYSTEM.user_id
