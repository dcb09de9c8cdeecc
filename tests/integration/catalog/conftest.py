"""Catalog tests on the real `bazaar_catalog_test` database (search needs PostgreSQL itself)."""

import pytest
from sqlalchemy.orm import Session

from services.catalog import schemas
from services.catalog.repository import SqlCatalogRepository
from services.catalog.search import LEXICON_CACHE, SqlProductSearch
from services.catalog.usecases import Catalog
from services.common.outbox import OutboxWriter
from tests.helpers import engine_for
from tests.helpers import truncate_tables as truncate_once


def truncate_tables(config, service):
    """Empty the tables, retrying when a concurrent process (another stack on the same test
    database, e.g. an e2e run) makes PostgreSQL pick TRUNCATE as a deadlock victim."""
    from sqlalchemy.exc import OperationalError

    for attempt in range(5):
        try:
            return truncate_once(config, service)
        except OperationalError:
            if attempt == 4:
                raise


@pytest.fixture(autouse=True)
def clean_catalog_tables(config):
    LEXICON_CACHE.clear()
    truncate_tables(config, "catalog")
    yield
    truncate_tables(config, "catalog")


@pytest.fixture
def session(config):
    with Session(engine_for(config, "catalog")) as session:
        yield session


class CatalogOnSession:
    """The catalog's use cases on one session, their results dumped as the service dumps them;
    the test commits."""

    def __init__(self, session):
        repo = SqlCatalogRepository(session, OutboxWriter())
        self.catalog = Catalog(repo=repo, search=SqlProductSearch(session))

    def create_category(self, data, category_id=None):
        new_id = self.catalog.create_category(data, category_id)
        return schemas.dump_category(self.catalog.category_detail(new_id))

    def create_product(self, data, product_id=None):
        return schemas.dump_product(self.catalog.create_product(data, product_id=product_id))

    def get_product(self, product_id):
        return schemas.dump_product(self.catalog.get_product(product_id))

    def archive_product(self, product_id):
        return schemas.dump_product(self.catalog.archive_product(product_id))

    def list_products(self, query):
        return schemas.dump_product_page(self.catalog.list_products(query))

    def apply_stock(self, product_id, available, version):
        return self.catalog.apply_stock(product_id, available, version)

    def set_rating(self, product_id, average, count):
        return self.catalog.set_rating(product_id, average, count)

    def list_product_slugs(self, after, limit, upto=None):
        return schemas.dump_slugs(self.catalog.product_slugs(after, limit, upto))

    def product_slug_pages(self, size):
        return schemas.dump_slug_pages(self.catalog.product_slug_pages(size))

    def list_category_slugs(self):
        return schemas.dump_slugs(self.catalog.category_slugs())


@pytest.fixture
def store(session):
    return CatalogOnSession(session)


CATEGORIES = [
    ("electronics", None, "Electronics"),
    ("audio", "electronics", "Audio"),
    ("headphones", "audio", "Headphones"),
    ("speakers", "audio", "Speakers"),
    ("kitchen", None, "Kitchen"),
]

# (id, name, brand, category, price, description, available, rating)
PRODUCTS = [
    (
        "p-sony-nc",
        "Sony WH-1000XM5 Wireless Noise Cancelling Headphones",
        "Sony",
        "headphones",
        34999,
        "Industry leading noise cancelling with a 30 hour battery.",
        12,
        4.8,
    ),
    (
        "p-bose-nc",
        "Bose QuietComfort Noise Cancelling Headphones",
        "Bose",
        "headphones",
        29999,
        "Quiet, comfortable, wireless.",
        0,
        4.6,
    ),
    (
        "p-jbl-buds",
        "JBL Tune Wireless Earbuds",
        "JBL",
        "headphones",
        4999,
        "Small earbuds with deep bass.",
        40,
        4.1,
    ),
    (
        "p-jbl-speaker",
        "JBL Flip Portable Speaker",
        "JBL",
        "speakers",
        9999,
        "Waterproof speaker; pairs well with headphones.",
        7,
        4.7,
    ),
    (
        "p-kettle",
        "Electric Kettle",
        "Breville",
        "kitchen",
        7999,
        "Boils water fast. Quieter than old kettles.",
        3,
        3.9,
    ),
]


@pytest.fixture
def catalog(store, session):
    """Categories and products of the table above, with their availability."""
    for slug, parent, name in CATEGORIES:
        store.create_category(
            {"name": name, "slug": slug, "parent_id": f"c-{parent}" if parent else None},
            category_id=f"c-{slug}",
        )
    for pid, name, brand, category, price, description, available, rating in PRODUCTS:
        store.create_product(
            {
                "name": name,
                "brand": brand,
                "category_id": f"c-{category}",
                "price": price,
                "description": description,
                "currency": "USD",
                "attributes": {},
                "featured": False,
                "status": "active",
                "images": [{"url": f"/media/images/{pid}.webp"}],
            },
            product_id=pid,
        )
        store.apply_stock(pid, available, 1)
        store.set_rating(pid, rating, 10)
    session.commit()
    return store
