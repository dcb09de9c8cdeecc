"""Migration a7d2c1e0b5f3 on the real databases: lines of orders placed before lines recorded a
seller get the seller the catalog holds for their product, read once from the catalog database."""

import pytest
from alembic import command
from sqlalchemy import text

from scripts.manage import alembic_config
from tests.helpers import engine_for, truncate_tables

DATABASES = ("catalog",)


@pytest.fixture
def before_line_sellers(config):
    """orders at the revision before (no seller_id on lines) holding an older order; the
    catalog knowing a seller for one of its two products."""
    truncate_tables(config, "catalog")
    cfg = alembic_config(config, "orders")
    command.downgrade(cfg, "0fc70a386656")
    with engine_for(config, "catalog").begin() as catalog:
        catalog.execute(
            text("INSERT INTO categories (id, slug, name, path) VALUES ('c-1', 'c', 'C', '/c-1/')")
        )
        catalog.execute(
            text(
                "INSERT INTO products (id, slug, name, category_id, price, seller_id) VALUES "
                "('mug', 'mug', 'Mug', 'c-1', 500, 'seller-a'), "
                "('house', 'house', 'House Tea', 'c-1', 300, NULL)"
            )
        )
    with engine_for(config, "orders").begin() as orders:
        orders.execute(
            text(
                "INSERT INTO orders (id, user_id, status, subtotal, discount, tax, shipping, "
                "total, currency, shipping_address, payment_method, payment_status, "
                "refunded_amount, created_at, updated_at) VALUES ('o-1', 'buyer', 'confirmed', "
                "800, 0, 0, 0, 800, 'USD', '{}', 'cod', 'unpaid', 0, now(), now())"
            )
        )
        orders.execute(
            text(
                "INSERT INTO order_lines (order_id, position, product_id, name, price, quantity, "
                "line_total) VALUES ('o-1', 0, 'mug', 'Mug', 500, 1, 500), "
                "('o-1', 1, 'house', 'House Tea', 300, 1, 300), "
                "('o-1', 2, 'gone', 'Gone', 0, 1, 0)"
            )
        )
    yield cfg
    command.upgrade(cfg, "head")
    truncate_tables(config, "catalog")


def test_existing_lines_get_their_products_seller_from_the_catalog(config, before_line_sellers):
    command.upgrade(before_line_sellers, "a7d2c1e0b5f3")
    with engine_for(config, "orders").connect() as orders:
        sellers = dict(orders.execute(text("SELECT product_id, seller_id FROM order_lines")).all())
    assert sellers == {"mug": "seller-a", "house": None, "gone": None}
