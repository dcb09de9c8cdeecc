"""The sitemap's listing RPCs bound what one call may ask for before touching the database."""

import pytest
from nameko.testing.services import worker_factory

from services.catalog.service import CatalogService
from services.common.errors import ValidationFailed


class UntouchableDb:
    @property
    def session(self):
        raise AssertionError("the database must not be used for invalid input")


@pytest.fixture
def catalog():
    return worker_factory(CatalogService, db=UntouchableDb())


@pytest.mark.parametrize("limit", [0, 10001, "many"])
def test_a_listing_page_holds_one_to_ten_thousand_products(catalog, limit):
    with pytest.raises(ValidationFailed) as raised:
        catalog.list_product_slugs(None, limit)
    assert set(raised.value.details["fields"]) == {"limit"}


def test_a_sitemap_page_holds_at_most_fifty_thousand_urls(catalog):
    with pytest.raises(ValidationFailed) as raised:
        catalog.product_slug_pages(50001)
    assert set(raised.value.details["fields"]) == {"page_size"}
