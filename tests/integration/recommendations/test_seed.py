"""The demo seed gives the recommendations service a card for every catalog product and the
catalog's categories (the catalog seed writes its tables directly and announces nothing), on the
real databases: the cards are what the handlers would store, and a second run changes nothing,
keeping the stock inventory's events set since."""

from sqlalchemy import text
from sqlalchemy.orm import Session

from scripts.seed import catalog as catalog_seed
from scripts.seed import recommendations as recommendations_seed
from services.common.config import MEDIA
from services.recommendations.repository import SqlRecommendationsRepository
from tests.helpers import engine_for, truncate_tables

DATABASES = ("catalog",)


def cards(config):
    with engine_for(config, "recommendations").connect() as conn:
        return {
            row.product_id: row
            for row in conn.execute(text("SELECT * FROM rec_products ORDER BY product_id"))
        }


def test_every_demo_product_gets_a_card_once_and_keeps_later_stock(config, tmp_path):
    truncate_tables(config, "catalog")
    catalog_seed.seed({**config, MEDIA: {**(config.get(MEDIA) or {}), "root": str(tmp_path)}})
    recommendations_seed.seed(config)

    seeded = cards(config)
    with engine_for(config, "catalog").connect() as conn:
        products = conn.execute(
            text(
                "SELECT p.id, p.slug, p.price, p.brand, p.category_id, p.available, "
                "(SELECT coalesce(medium_url, url) FROM product_images i "
                "WHERE i.product_id = p.id ORDER BY position LIMIT 1) AS image FROM products p"
            )
        ).all()
        category_ids = set(conn.execute(text("SELECT id FROM categories")).scalars())
    assert len(seeded) == len(products) == catalog_seed.PRODUCT_COUNT
    for product in products:
        card = seeded[product.id]
        assert (card.slug, card.price, card.brand, card.category_id, card.image) == (
            product.slug,
            product.price,
            product.brand,
            product.category_id,
            product.image,
        )
        assert card.available == product.available
        assert card.status == "active"
    with engine_for(config, "recommendations").connect() as conn:
        paths = dict(conn.execute(text("SELECT category_id, path FROM rec_categories")).all())
    assert set(paths) == category_ids
    leaf = seeded["prod-1"].category_id
    assert paths[leaf].endswith(f"/{leaf}") and paths[leaf].count("/") == 2  # root/child/leaf

    # inventory's later stock_changed wins over a second seed's copy of the catalog's level
    with Session(engine_for(config, "recommendations")) as session:
        assert SqlRecommendationsRepository(session).apply_stock("prod-1", 0, 99)
        session.commit()
    recommendations_seed.seed(config)
    again = cards(config)
    assert again.keys() == seeded.keys()
    assert (again["prod-1"].available, again["prod-1"].stock_version) == (0, 99)
