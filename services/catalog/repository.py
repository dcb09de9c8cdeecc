"""The catalog's SQL adapter: `SqlCatalogRepository`, the `domain.CatalogRepository` port on one
SQLAlchemy session (the service's unit of work commits).

Product reads are one hand-written statement each: a product's columns with its category and its
ordered images as a JSON array (`product_rows`), which search.py reads its pages' rows with too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from services.catalog import domain
from services.catalog.exceptions import SlugTaken
from services.catalog.models import Category, Product, ProductImage
from services.common.database import SqlRepository

PRODUCT_COLUMNS = """
    p.id, p.slug, p.name, p.description, p.brand, p.category_id, p.price, p.compare_at_price,
    p.currency, p.attributes, p.featured, p.status, p.rating_average, p.rating_count,
    p.available, p.seller_id, p.created_at, p.updated_at, c.slug AS category_slug,
    c.name AS category_name
"""

# a product's images as a JSON array, ordered, so a page of products is one statement
IMAGES_SQL = """
    COALESCE((SELECT json_agg(json_build_object(
        'id', i.id, 'url', i.url, 'thumbnail_url', i.thumbnail_url, 'medium_url', i.medium_url,
        'large_url', i.large_url, 'position', i.position) ORDER BY i.position, i.id)
      FROM product_images i WHERE i.product_id = p.id), '[]') AS images
"""


def product_rows(
    session: Session, where: str, params: dict, order: str = "p.id", limit: int | None = None
) -> Sequence[Any]:
    """Full product records with their category and ordered images, in one statement."""
    sql = f"SELECT {PRODUCT_COLUMNS}, {IMAGES_SQL} FROM products p "  # noqa: S608
    sql += f"JOIN categories c ON c.id = p.category_id WHERE {where} ORDER BY {order}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return session.execute(text(sql), params).all()


def category_by_id_or_slug(session: Session, id_or_slug: str) -> Category | None:
    return session.execute(
        select(Category).where((Category.id == id_or_slug) | (Category.slug == id_or_slug))
    ).scalar_one_or_none()


class SqlCatalogRepository(SqlRepository, domain.CatalogRepository):
    """The port on the worker's session (`SqlRepository`: session, outbox, record_event,
    commit, rollback)."""

    # -- product reads ------------------------------------------------------------------------

    def get_product(self, product_id: str) -> Any | None:
        rows = product_rows(self.session, "p.id = :id", {"id": product_id})
        return rows[0] if rows else None

    def get_product_by_slug(self, slug: str, storefront: bool = True) -> Any | None:
        where = "p.slug = :slug" + (" AND p.status = 'active'" if storefront else "")
        rows = product_rows(self.session, where, {"slug": slug})
        return rows[0] if rows else None

    def get_products(self, product_ids: list[str]) -> Sequence[Any]:
        return product_rows(self.session, "p.id = ANY(:ids)", {"ids": list(product_ids)})

    def featured(self, limit: int) -> Sequence[Any]:
        return product_rows(
            self.session,
            "p.featured AND p.status = 'active'",
            {},
            "p.rating_average DESC, p.id",
            limit,
        )

    def owners(self, product_ids: list[str]) -> dict[str, str | None]:
        rows = self.session.execute(
            select(Product.id, Product.seller_id).where(Product.id.in_(list(product_ids)))
        ).all()
        return {row.id: row.seller_id for row in rows}

    def seller_product_ids(self, seller_id: str, limit: int) -> list[str]:
        """Newest first (ix_products_seller_created)."""
        return list(
            self.session.execute(
                select(Product.id)
                .where(Product.seller_id == seller_id)
                .order_by(Product.created_at.desc())
                .limit(limit)
            ).scalars()
        )

    # -- sitemap listings ---------------------------------------------------------------------

    def product_slugs(self, after: str | None, limit: int, upto: str | None) -> list[Any]:
        """Keyset: the primary key's index serves any page of a million products alike. Both
        bounds are compared here, in the database's collation, the same order
        product_slug_cuts cut the pages in: Python's code-point order may differ."""
        where = "status = 'active'"
        if after is not None:
            where += " AND id > :after"
        if upto is not None:
            where += " AND id <= :upto"
        return list(
            self.session.execute(
                text(
                    f"SELECT id, slug, updated_at FROM products WHERE {where} "  # noqa: S608
                    "ORDER BY id LIMIT :limit"
                ),
                {"after": after, "upto": upto, "limit": limit},
            ).all()
        )

    def product_slug_cuts(self, size: int) -> list[Any]:
        """One scan of the primary key, so a sitemap page can then be read by keyset instead
        of OFFSET."""
        return list(
            self.session.execute(
                text(
                    "SELECT max(id) AS last, count(*) AS n, max(updated_at) AS lastmod FROM ("
                    "  SELECT id, updated_at, (row_number() OVER (ORDER BY id) - 1) / :size AS page"
                    "  FROM products WHERE status = 'active') AS numbered "
                    "GROUP BY page ORDER BY page"
                ),
                {"size": size},
            ).all()
        )

    def category_slugs(self) -> list[Any]:
        return list(
            self.session.execute(
                select(Category.id, Category.slug, Category.updated_at).order_by(
                    Category.path, Category.id
                )
            ).all()
        )

    # -- product writes -----------------------------------------------------------------------

    def lock_product(self, product_id: str) -> Product | None:
        stmt = select(Product).where(Product.id == product_id).with_for_update(of=Product)
        return self.session.execute(stmt).unique().scalar_one_or_none()

    def category_exists(self, category_id: str) -> bool:
        return self.session.get(Category, category_id) is not None

    def product_slug_holder(self, slug: str) -> str | None:
        return self.session.execute(
            select(Product.id).where(Product.slug == slug)
        ).scalar_one_or_none()

    def add_product(self, columns: dict[str, Any], images: list[dict[str, Any]]) -> Product:
        product = Product(**columns)
        self.session.add(product)
        self.replace_images(product, images)
        return product

    def replace_images(self, product: Any, images: list[dict[str, Any]]) -> None:
        product.images = [
            ProductImage(
                id=image.get("id") or domain.new_id(),
                url=image["url"],
                thumbnail_url=image.get("thumbnail_url"),
                medium_url=image.get("medium_url"),
                large_url=image.get("large_url"),
                position=position,
            )
            for position, image in enumerate(images)
        ]

    def image(self, image_id: str) -> ProductImage | None:
        return self.session.get(ProductImage, image_id)

    def add_image(self, product_id: str, image: dict[str, Any], position: int) -> None:
        self.session.add(ProductImage(**image, product_id=product_id, position=position))

    def delete_image(self, image: Any) -> None:
        self.session.delete(image)
        self.session.flush()

    def apply_stock(self, product_id: str, available: int, version: int | None) -> bool:
        """A newer version that leaves availability as it was (a reservation committed: on
        hand and reserved both fall) records its version only, so that no
        `availability_changed` goes out and no cached page is dropped for it."""
        if version is None:
            stmt = text(
                "UPDATE products SET available = :available "
                "WHERE id = :id AND available <> :available RETURNING true"
            )
        else:
            stmt = text(
                "WITH before AS (SELECT id, available FROM products "
                "WHERE id = :id AND stock_version < :version FOR UPDATE) "
                "UPDATE products p SET available = :available, stock_version = :version "
                "FROM before WHERE p.id = before.id RETURNING before.available <> :available"
            )
        changed = self.session.execute(
            stmt, {"id": product_id, "available": available, "version": version}
        ).scalar()
        return bool(changed)

    def set_rating(self, product_id: str, average: float, count: int) -> bool:
        result = self.session.execute(
            text(
                "UPDATE products SET rating_average = :average, rating_count = :count "
                "WHERE id = :id AND (rating_average, rating_count) <> (:average, :count)"
            ),
            {"id": product_id, "average": average, "count": count},
        )
        return result.rowcount > 0

    def flush(self, slug: str | None = None) -> None:
        if slug is None:
            self.session.flush()
            return
        try:
            self.session.flush()
        except IntegrityError as exc:
            self.session.rollback()
            if "slug" in str(exc.orig):
                raise SlugTaken(f"slug {slug} is taken", {"slug": slug}) from exc
            raise

    # -- categories ---------------------------------------------------------------------------

    def category(self, id_or_slug: str) -> Category | None:
        return category_by_id_or_slug(self.session, id_or_slug)

    def category_slug_holder(self, slug: str) -> str | None:
        return self.session.execute(
            select(Category.id).where(Category.slug == slug)
        ).scalar_one_or_none()

    def category_nodes(self) -> list[domain.CategoryNode]:
        # maintained by a trigger on products (see the catalog migration)
        counts = dict(
            self.session.execute(text("SELECT category_id, active FROM category_counts")).all()
        )
        return [
            domain.CategoryNode(
                id=c.id,
                parent_id=c.parent_id,
                slug=c.slug,
                name=c.name,
                description=c.description,
                path=c.path,
                position=c.position,
                product_count=counts.get(c.id, 0),
            )
            for c in self.session.execute(select(Category)).scalars()
        ]

    def category_names(self, category_ids: list[str]) -> dict[str, str]:
        return dict(
            self.session.execute(
                select(Category.id, Category.name).where(Category.id.in_(category_ids))
            ).all()
        )

    def add_category(self, columns: dict[str, Any]) -> None:
        self.session.add(Category(**columns))

    def move_category(self, category: Any, parent_id: str | None, new_path: str) -> None:
        old_path = category.path
        category.parent_id = parent_id
        self.session.execute(
            text(
                "UPDATE categories SET path = :new || substr(path, length(:old) + 1) "
                "WHERE path LIKE :old || '%'"
            ),
            {"new": new_path, "old": old_path},
        )
        # the statement above moved the row itself too: its loaded copy says so, unwritten
        set_committed_value(category, "path", new_path)

    def category_contents(self, category_id: str) -> tuple[int, int]:
        products = self.session.execute(
            select(func.count()).select_from(Product).where(Product.category_id == category_id)
        ).scalar_one()
        children = self.session.execute(
            select(func.count()).select_from(Category).where(Category.parent_id == category_id)
        ).scalar_one()
        return products, children

    def delete_category(self, category: Any) -> None:
        self.session.delete(category)
