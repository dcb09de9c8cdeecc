"""Product cards and categories for the recommendations service, copied from the catalog's
database: the demo seed writes the catalog's tables directly and announces no product_created
or category_changed, so without this the service would know no product of the demo shop (their
pages would get no recommendations and their views would be refused as unknown).

The cards are what the service's own handlers store (`domain.card_from_catalog`, upserted by
the service's repository, stock included because the catalog keeps inventory's level). Runs
after the catalog seed, for the demo products (`prod-1`... as the inventory seed; a catalog of
`make seed-large` gets its cards from that script); idempotent, and an existing card's stock and
version are left alone.
No order history: also-bought fills up from real orders (the demo shows similar products until
then), trending from real sales.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from scripts.seed.catalog import PRODUCT_COUNT
from services.catalog.models import Category as CatalogCategory
from services.catalog.models import Product
from services.common.config import db_uri
from services.recommendations import domain
from services.recommendations.repository import SqlRecommendationsRepository


def _card(product: Product) -> domain.ProductCard:
    images = [{"url": i.url, "medium_url": i.medium_url} for i in product.images[:1]]
    return domain.card_from_catalog(
        {
            "id": product.id,
            "slug": product.slug,
            "name": product.name,
            "price": product.price,
            "currency": product.currency,
            "images": images,
            "category_id": product.category_id,
            "brand": product.brand,
            "status": product.status,
            "available": product.available,
            "rating_average": product.rating_average,
            "rating_count": product.rating_count,
        }
    )


def _category(category: CatalogCategory) -> domain.Category:
    # the catalog's materialised path "/root/child/" is this service's "root/child"
    ids = [part for part in category.path.split("/") if part]
    return domain.Category(
        category_id=category.id,
        slug=category.slug,
        parent_id=category.parent_id,
        path="/".join(ids) or category.id,
    )


def seed(config: dict[str, Any]) -> None:
    catalog = create_engine(db_uri(config, "catalog"))
    recommendations = create_engine(db_uri(config, "recommendations"))
    try:
        with Session(catalog) as source, Session(recommendations) as target:
            repo = SqlRecommendationsRepository(target)
            categories = source.scalars(select(CatalogCategory)).all()
            for category in categories:
                repo.upsert_category(_category(category))
            demo = [f"prod-{i}" for i in range(1, PRODUCT_COUNT + 1)]
            products = source.scalars(
                select(Product).where(Product.id.in_(demo)).order_by(Product.id)
            ).all()
            cards = [_card(product) for product in products]
            for start in range(0, len(cards), 500):
                repo.upsert_cards(cards[start : start + 500])
            target.commit()
        print(f"seeded recommendations: {len(cards)} cards, {len(categories)} categories")
    finally:
        catalog.dispose()
        recommendations.dispose()
