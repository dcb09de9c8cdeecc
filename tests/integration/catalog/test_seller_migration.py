"""Migration c0a2 on the real databases: products that existed before sellers owned anything
are assigned, the demo products to the demo seller read from the accounts database."""

import pytest
from alembic import command
from sqlalchemy import text

from scripts.manage import alembic_config
from services.common.demo import demo_user_id
from tests.helpers import engine_for, truncate_tables

DATABASES = ("accounts",)

DEMO_SELLER = "0b0e9a3c-0000-4000-8000-00000000d3e0"  # an old install: a random id, not uuid5
OTHER_SELLER = "0b0e9a3c-0000-4000-8000-0000000000b2"
CUSTOMER = "0b0e9a3c-0000-4000-8000-0000000000c3"


def add_user(config, user_id, email, role):
    with engine_for(config, "accounts").begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, email, password_hash, first_name, last_name, role, "
                "created_at, updated_at) VALUES (:id, :email, 'x', 'A', 'B', :role, now(), now())"
            ),
            {"id": user_id, "email": email, "role": role},
        )


def add_product(conn, product_id, created_by=None):
    conn.execute(
        text(
            "INSERT INTO products (id, slug, name, category_id, price, created_by) "
            "VALUES (:id, :id, :id, 'c-1', 100, :by)"
        ),
        {"id": product_id, "by": created_by},
    )


def owners(config):
    with engine_for(config, "catalog").connect() as conn:
        return dict(conn.execute(text("SELECT id, seller_id FROM products")).all())


@pytest.fixture
def before_sellers(config):
    """The catalog at c0a1 (no seller_id) holding products of an older install."""
    truncate_tables(config, "accounts")
    cfg = alembic_config(config, "catalog")
    command.downgrade(cfg, "c0a1")
    with engine_for(config, "catalog").begin() as conn:
        conn.execute(
            text("INSERT INTO categories (id, slug, name, path) VALUES ('c-1', 'c', 'C', '/c-1/')")
        )
        add_product(conn, "prod-1")
        add_product(conn, "prod-2")
        add_product(conn, "made-by-seller", created_by=OTHER_SELLER)
        add_product(conn, "made-by-a-customer", created_by=CUSTOMER)
        add_product(conn, "made-by-admin", created_by="an-admin")
    yield cfg
    command.upgrade(cfg, "head")
    truncate_tables(config, "accounts")


def test_demo_products_go_to_the_demo_seller_and_a_sellers_products_to_them(config, before_sellers):
    add_user(config, DEMO_SELLER, "Seller@Bazaar.dev", "seller")
    add_user(config, OTHER_SELLER, "other@example.com", "seller")
    add_user(config, CUSTOMER, "customer@example.com", "customer")
    command.upgrade(before_sellers, "c0a2")
    assert owners(config) == {
        "prod-1": DEMO_SELLER,
        "prod-2": DEMO_SELLER,
        "made-by-seller": OTHER_SELLER,
        "made-by-a-customer": None,
        "made-by-admin": None,
    }


def test_a_shop_without_demo_data_keeps_its_products_the_shops(config, before_sellers):
    command.upgrade(before_sellers, "c0a2")
    assert set(owners(config).values()) == {None}


def test_the_seeded_demo_seller_has_the_id_the_catalog_seed_names():
    assert demo_user_id(" Seller@bazaar.dev") == demo_user_id("seller@bazaar.dev")
    assert demo_user_id("seller@bazaar.dev") != demo_user_id("admin@bazaar.dev")
