"""Catalog tests on the real `bazaar_catalog_test` database (search needs PostgreSQL itself)."""

import pytest
from sqlalchemy.orm import Session

from services.catalog.dependencies import LEXICON_CACHE, CatalogStore
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


@pytest.fixture
def store(session):
    return CatalogStore(session)


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
