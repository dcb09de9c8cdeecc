"""The catalog service validates RPC arguments before touching its database."""

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


def test_a_negative_price_is_refused_naming_the_field(catalog):
    with pytest.raises(ValidationFailed) as raised:
        catalog.create_product({"name": "Lamp", "category_id": "c", "price": -1})
    assert set(raised.value.details["fields"]) == {"price"}


def test_a_product_needs_a_name_a_category_and_a_price(catalog):
    with pytest.raises(ValidationFailed) as raised:
        catalog.create_product({})
    assert {"name", "category_id", "price"} <= set(raised.value.details["fields"])


def test_an_unknown_status_or_sort_is_refused(catalog):
    with pytest.raises(ValidationFailed):
        catalog.update_product("p", {"status": "deleted"})
    with pytest.raises(ValidationFailed) as raised:
        catalog.list_products({"sort": "cheapest"})
    assert "sort" in raised.value.details["fields"]


def test_a_rating_outside_one_to_five_is_refused(catalog):
    with pytest.raises(ValidationFailed):
        catalog.set_rating("p", 7, 3)
