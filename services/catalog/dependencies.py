"""The catalog repository: every SQL statement of the catalog, behind domain verbs.

`CatalogStore(session)` works on one SQLAlchemy session; the service commits. Reads that serve
list pages are hand-written SQL (one query for the page, one for totals and facets, one for the
page's images) so that a page costs the same whether it holds 20 products or the table a million.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.catalog import domain
from services.catalog.exceptions import (
    CategoryNotEmpty,
    CategoryNotFound,
    InvalidProduct,
    ProductNotFound,
    SlugTaken,
)
from services.catalog.models import Category, Product, ProductImage, SearchTerm
from services.common import pagination
from services.common.actor import SYSTEM, Actor
from services.common.clock import iso
from services.common.database import insert

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

COUNT_CAP = 5000  # matches counted exactly (see CatalogStore._page)

SORT_SQL = {
    "relevance": "rank DESC, p.id",
    "price_asc": "p.price ASC, p.id",
    "price_desc": "p.price DESC, p.id",
    "newest": "p.created_at DESC, p.id",
    "rating": "p.rating_average DESC, p.rating_count DESC, p.id",
}

# Resolves every query word against the dictionary in one round trip.
LEXICON_SQL = text(
    """
    WITH t AS (
        SELECT token,
               EXISTS (SELECT 1 FROM search_terms WHERE word = token) AS known,
               EXISTS (SELECT 1 FROM search_terms WHERE word LIKE token || '%') AS has_prefix
        FROM unnest(CAST(:tokens AS text[])) AS token
    )
    SELECT t.token, t.known, t.has_prefix,
           COALESCE(s.words, '{}') AS corrections, COALESCE(s.scores, '{}') AS scores
    FROM t LEFT JOIN LATERAL (
        SELECT array_agg(word ORDER BY sim DESC, word) AS words,
               array_agg(sim ORDER BY sim DESC, word) AS scores
        FROM (SELECT word, similarity(word, t.token) AS sim FROM search_terms
              WHERE NOT t.has_prefix AND length(t.token) >= 4 AND word % t.token
              ORDER BY sim DESC, word LIMIT 3) AS close_words
    ) AS s ON true
    """
)


class LexiconCache:
    """How query words resolved against the dictionary, per process, for `ttl` seconds: most
    searches repeat words, and this saves them a round trip. A word added to the dictionary is
    recognised at the latest `ttl` seconds later."""

    def __init__(self, size: int = 20_000, ttl: float = 60.0):
        self.size, self.ttl = size, ttl
        self.entries: dict[str, tuple[float, tuple]] = {}

    def get(self, token: str) -> tuple | None:
        found = self.entries.get(token)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, token: str, value: tuple) -> tuple:
        if len(self.entries) >= self.size:
            self.entries.clear()
        self.entries[token] = (time.monotonic() + self.ttl, value)
        return value

    def clear(self) -> None:
        self.entries.clear()


LEXICON_CACHE = LexiconCache()


def image_dict(image: Any) -> dict:
    get = image.get if isinstance(image, dict) else lambda key: getattr(image, key)
    return {
        "id": get("id"),
        "url": get("url"),
        "thumbnail_url": get("thumbnail_url") or get("url"),
        "medium_url": get("medium_url") or get("url"),
        "large_url": get("large_url") or get("url"),
        "position": get("position"),
    }


def product_dict(row: Any, images: list[dict]) -> dict:
    """The RPC shape of a product (docs/architecture.md#shapes; gateway/schemas/catalog.py)."""
    return {
        "id": row.id,
        "slug": row.slug,
        "name": row.name,
        "description": row.description,
        "brand": row.brand,
        "category_id": row.category_id,
        "category": {"id": row.category_id, "slug": row.category_slug, "name": row.category_name},
        "price": row.price,
        "compare_at_price": row.compare_at_price,
        "currency": row.currency,
        "attributes": row.attributes or {},
        "images": images,
        "image": images[0]["url"] if images else None,
        "featured": row.featured,
        "status": row.status,
        "rating_average": round(float(row.rating_average or 0), 2),
        "rating_count": row.rating_count,
        "in_stock": row.available > 0,
        "available": row.available,
        "seller_id": row.seller_id,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


class CatalogStore:
    def __init__(self, session: Session):
        self.session = session

    # -- product reads ------------------------------------------------------------------------

    def _rows(self, where: str, params: dict, order: str = "p.id", limit: int | None = None):
        """Full product rows with their category and ordered images, in one statement."""
        sql = f"SELECT {PRODUCT_COLUMNS}, {IMAGES_SQL} FROM products p "  # noqa: S608
        sql += f"JOIN categories c ON c.id = p.category_id WHERE {where} ORDER BY {order}"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self.session.execute(text(sql), params).all()

    def _with_images(self, rows) -> list[dict]:
        return [product_dict(row, [image_dict(i) for i in row.images or []]) for row in rows]

    def get_product(self, product_id: str) -> dict:
        rows = self._rows("p.id = :id", {"id": product_id})
        if not rows:
            raise ProductNotFound(f"product {product_id} not found", {"product_id": product_id})
        return self._with_images(rows)[0]

    def get_product_by_slug(self, slug: str, storefront: bool = True) -> dict:
        where = "p.slug = :slug" + (" AND p.status = 'active'" if storefront else "")
        rows = self._rows(where, {"slug": slug})
        if not rows:
            raise ProductNotFound(f"product {slug} not found", {"slug": slug})
        return self._with_images(rows)[0]

    def get_products(self, product_ids: list[str]) -> list[dict]:
        if not product_ids:
            return []
        rows = self._rows("p.id = ANY(:ids)", {"ids": list(product_ids)})
        return self._with_images(rows)

    def featured(self, limit: int) -> list[dict]:
        rows = self._rows(
            "p.featured AND p.status = 'active'", {}, "p.rating_average DESC, p.id", limit
        )
        return self._with_images(rows)

    def list_products(self, query: dict) -> dict:
        """A page of active products matching `query` (ListQuery), with totals and facets."""
        page, limit = query["page"], query["limit"]
        text_query = (query.get("q") or query.get("search") or "").strip()
        status = query.get("status") or "active"
        where = ["TRUE"] if status == "any" else ["p.status = :status"]
        params: dict[str, Any] = {} if status == "any" else {"status": status}
        if query.get("ids"):
            params["ids"] = list(query["ids"])
            where.append("p.id = ANY(:ids)")
        if query.get("seller_id"):
            params["seller_id"] = query["seller_id"]
            where.append("p.seller_id = :seller_id")
        if query.get("category"):
            params["cats"] = self.descendant_ids(query["category"])
            where.append("p.category_id = ANY(:cats)")
        brand_tsq = None
        if query.get("brand"):
            brands = [b.strip().lower() for b in query["brand"].split(",") if b.strip()]
            params["brands"] = brands
            brand_tsq = domain.brand_tsquery(brands) if text_query else None
            # with a text query the GIN index already narrows by brand (brand_tsq): filtering
            # on a form the brand index cannot serve keeps the planner off a 25k-row bitmap
            brand_expr = "lower(p.brand || '')" if brand_tsq else "lower(p.brand)"
            where.append(f"{brand_expr} = ANY(:brands)")
        if query.get("min_price") is not None:
            params["min_price"] = query["min_price"]
            where.append("p.price >= :min_price")
        if query.get("max_price") is not None:
            params["max_price"] = query["max_price"]
            where.append("p.price <= :max_price")
        if query.get("in_stock"):
            where.append("p.available > 0")
        elif query.get("in_stock") is False:
            where.append("p.available <= 0")
        if query.get("featured") is not None:
            params["featured"] = query["featured"]
            where.append("p.featured = :featured")

        sort = query.get("sort") or ("relevance" if text_query else "newest")
        plan = self.plan_search(text_query) if text_query else None
        attempts: list[tuple[str, str]] = [("none", "0")]
        if plan:
            attempts = [("and", "")]
            if len(plan.terms) > 1:
                attempts.append(("or", ""))
            attempts.append(("trigram", ""))
        elif text_query:
            attempts = [("trigram", "")]

        result: dict = {}
        for mode, _ in attempts:
            match_where, rank, match_params = self._match(mode, plan, text_query, brand_tsq)
            result = self._page(
                where + match_where,
                {**params, **match_params},
                rank,
                sort,
                page,
                limit,
                query.get("facets", True),
            )
            if result["meta"]["total"] > 0:
                break
        result["meta"]["query"] = {
            "text": text_query or None,
            "interpreted": plan.corrected_text() if plan else None,
            "sort": sort,
        }
        return result

    def _match(
        self, mode: str, plan: domain.SearchPlan | None, raw: str, brand_tsq: str | None = None
    ):
        if mode == "none" or (plan is None and mode != "trigram"):
            return [], "0", {}
        if mode == "trigram":
            phrase = plan.corrected_text() if plan else domain.normalise(raw)
            return (
                ["CAST(:phrase AS text) <% p.search_text"],
                "word_similarity(CAST(:phrase AS text), p.search_text)",
                {"phrase": phrase},
            )
        tsq = "to_tsquery('english', CAST(:tsq AS text))"
        return (
            [f"p.search_vector @@ {tsq}"],
            # full-text weights A/B/C: a match in the name counts most, then brand, then
            # description (trigram closeness ranks only the fallback: it costs as much again)
            f"ts_rank(p.search_vector, {tsq})",
            # the brand filter joins the full-text query too (weight B = the brand field), so the
            # GIN index intersects both and only the rows of that brand are fetched
            {"tsq": f"({plan.tsquery(mode)}) & {brand_tsq}" if brand_tsq else plan.tsquery(mode)},
        )

    def _page(self, where, params, rank, sort, page, limit, with_facets) -> dict:
        """The page's ids, the total and the facets in one statement over the matching rows (a
        materialised CTE, read once); then the page's full rows by primary key.

        Like Elasticsearch's default `track_total_hits`, counting stops at COUNT_CAP matches: a
        broader query reports `total_relation: "gte"`, and its facets and relevance ranking cover
        those first matches. Page order for the other sorts is always exact (an index-ordered
        query of its own).
        """
        clause = " AND ".join(where)
        relevance = sort == "relevance" and rank != "0"
        order = SORT_SQL[sort] if relevance or sort != "relevance" else SORT_SQL["newest"]
        if with_facets:
            totals = (
                "m.category_id, m.brand, count(*), min(m.price), max(m.price), "
                "GROUPING(m.category_id), GROUPING(m.brand), "
                "(SELECT c.slug FROM categories c WHERE c.id = m.category_id), "
                "(SELECT c.name FROM categories c WHERE c.id = m.category_id) FROM m "
                "GROUP BY GROUPING SETS ((m.category_id), (m.brand), ())"
            )
        else:  # the total and price range only: GROUPING() needs a grouped column
            totals = "NULL, NULL, count(*), min(m.price), max(m.price), 1, 1, NULL, NULL FROM m"
        if relevance:
            page_sql = (
                f"SELECT p.id, row_number() OVER (ORDER BY {order}) AS n FROM m p "  # noqa: S608
                f"ORDER BY {order} LIMIT :limit OFFSET :offset"
            )
        else:
            page_sql = (
                f"SELECT p.id, row_number() OVER (ORDER BY {order}) AS n FROM products p "  # noqa: S608
                f"WHERE {clause} ORDER BY {order} LIMIT :limit OFFSET :offset"
            )
        sql = (
            "WITH m AS MATERIALIZED ("  # noqa: S608
            "SELECT p.id, p.category_id, p.brand, p.price, "
            f"{rank if relevance else '0'} AS rank FROM products p WHERE {clause} "
            f"LIMIT :cap), pg AS ({page_sql}) "
            "SELECT 0 AS kind, pg.id, NULL AS category_id, NULL AS brand, pg.n AS n, "
            "NULL::bigint AS lo, NULL::bigint AS hi, 0 AS g_cat, 0 AS g_brand, "
            "NULL AS category_slug, NULL AS category_name FROM pg "
            f"UNION ALL SELECT 1, NULL, {totals}"
        )
        params = {
            **params,
            "limit": limit,
            "offset": pagination.offset(page, limit),
            "cap": COUNT_CAP + 1,
        }
        page_ids: list[tuple[int, str]] = []
        total, low, high = 0, None, None
        categories, brands = [], []
        for row in self.session.execute(text(sql), params):
            if row.kind == 0:
                page_ids.append((row.n, row.id))
            elif row.g_cat and row.g_brand:
                total, low, high = row.n, row.lo, row.hi
            elif not row.g_cat:
                categories.append(
                    {
                        "id": row.category_id,
                        "slug": row.category_slug,
                        "name": row.category_name,
                        "count": row.n,
                    }
                )
            else:
                brands.append({"brand": row.brand, "count": row.n})
        ids = [pid for _, pid in sorted(page_ids)]
        rows = {r.id: r for r in self._rows("p.id = ANY(:ids)", {"ids": ids})} if ids else {}
        data = self._with_images([rows[pid] for pid in ids if pid in rows])
        meta = pagination.page_meta(page, limit, min(total, COUNT_CAP))
        meta["total_relation"] = "gte" if total > COUNT_CAP else "eq"
        if with_facets:
            meta["facets"] = self._facets(categories, brands, low, high)
        return {"data": data, "meta": meta}

    @staticmethod
    def _facets(categories: list[dict], brands: list[dict], low, high) -> dict:
        categories.sort(key=lambda f: (-f["count"], f["name"] or ""))
        brands.sort(key=lambda f: (-f["count"], f["brand"]))
        return {
            "categories": categories,
            "brands": brands[:50],
            "price": {"min": low, "max": high},
        }

    def plan_search(self, text_query: str) -> domain.SearchPlan:
        tokens = [w for w in domain.words(text_query) if len(w) >= domain.MIN_TERM_LENGTH]
        tokens = tokens[: domain.MAX_TERMS]
        if not tokens:
            return domain.SearchPlan([])
        entries = {t: LEXICON_CACHE.get(t) for t in tokens}
        missing = [t for t, entry in entries.items() if entry is None]
        if missing:
            for row in self.session.execute(LEXICON_SQL, {"tokens": missing}):
                best = row.scores[0] if row.scores else 0
                close = [
                    w for w, s in zip(row.corrections, row.scores, strict=False) if s >= best - 0.05
                ]
                entries[row.token] = LEXICON_CACHE.put(
                    row.token, (row.known, row.has_prefix, close)
                )
        return domain.plan_search(
            text_query,
            known=lambda t: bool(entries.get(t) and entries[t][0]),
            has_prefix=lambda t: bool(entries.get(t) and entries[t][1]),
            corrections=lambda t: list(entries[t][2]) if entries.get(t) else [],
        )

    # -- product writes -----------------------------------------------------------------------

    def _product(self, product_id: str, lock: bool = False) -> Product:
        stmt = select(Product).where(Product.id == product_id)
        if lock:
            stmt = stmt.with_for_update(of=Product)
        product = self.session.execute(stmt).unique().scalar_one_or_none()
        if product is None:
            raise ProductNotFound(f"product {product_id} not found", {"product_id": product_id})
        return product

    def _editable(self, product_id: str, actor: Actor) -> Product:
        """The product locked for a change by `actor`; another seller's product is
        ProductNotFound, exactly as a missing one (its existence is not revealed)."""
        product = self._product(product_id, lock=True)
        if not actor.may_change(product.seller_id):
            raise ProductNotFound(f"product {product_id} not found", {"product_id": product_id})
        return product

    def seller_product_ids(self, seller_id: str, limit: int) -> list[str]:
        """A seller's product ids, newest first (ix_products_seller_created)."""
        return list(
            self.session.execute(
                select(Product.id)
                .where(Product.seller_id == seller_id)
                .order_by(Product.created_at.desc())
                .limit(limit)
            ).scalars()
        )

    def owners(self, product_ids: list[str]) -> dict[str, str | None]:
        """{product_id: seller_id} of the ids that exist (archived ones included)."""
        if not product_ids:
            return {}
        rows = self.session.execute(
            select(Product.id, Product.seller_id).where(Product.id.in_(list(product_ids)))
        ).all()
        return {row.id: row.seller_id for row in rows}

    def _check_category(self, category_id: str) -> None:
        if self.session.get(Category, category_id) is None:
            raise InvalidProduct(
                "unknown category",
                {"fields": {"category_id": [f"No category has id {category_id}."]}},
            )

    def _check_slug(self, slug: str, product_id: str | None = None) -> None:
        other = self.session.execute(
            select(Product.id).where(Product.slug == slug)
        ).scalar_one_or_none()
        if other is not None and other != product_id:
            raise SlugTaken(f"slug {slug} is taken", {"slug": slug})

    def _check_compare_at(self, price: int, compare_at: int | None) -> None:
        if compare_at is not None and compare_at < price:
            raise InvalidProduct(
                "compare-at price below price",
                {"fields": {"compare_at_price": ["Must be at least the price."]}},
            )

    def _flush(self, slug: str) -> None:
        try:
            self.session.flush()
        except IntegrityError as exc:
            self.session.rollback()
            if "slug" in str(exc.orig):
                raise SlugTaken(f"slug {slug} is taken", {"slug": slug}) from exc
            raise

    def create_product(
        self, data: dict, actor: Actor = SYSTEM, product_id: str | None = None
    ) -> str:
        """Insert a product owned as `domain.owner_of_new_product` decides; returns its id."""
        data = dict(data)
        seller_id = domain.owner_of_new_product(actor, data.pop("seller_id", None))
        self._check_category(data["category_id"])
        self._check_compare_at(data["price"], data.get("compare_at_price"))
        slug = data.get("slug") or domain.slugify(data["name"])
        self._check_slug(slug)
        images = data.pop("images", [])
        product = Product(
            id=product_id or str(uuid.uuid4()),
            **{**data, "slug": slug},
            created_by=actor.user_id,
            seller_id=seller_id,
            available=0,
            stock_version=0,
        )
        self.session.add(product)
        self._replace_images(product, images)
        self._flush(slug)
        self.remember_words(product.name, product.brand)
        return product.id

    def update_product(
        self, product_id: str, changes: dict, actor: Actor = SYSTEM
    ) -> tuple[Product, dict]:
        """Apply changes; returns the product and {field: (old, new)} of what changed.
        ProductNotFound when `actor` may not change it."""
        product = self._editable(product_id, actor)
        if "seller_id" in changes:
            domain.check_owner_change(actor, product.seller_id, changes["seller_id"])
        if "category_id" in changes:
            self._check_category(changes["category_id"])
        if "slug" in changes:
            self._check_slug(changes["slug"], product_id)
        self._check_compare_at(
            changes.get("price", product.price),
            changes.get("compare_at_price", product.compare_at_price),
        )
        diff = {}
        images = changes.pop("images", None)
        for key, value in changes.items():
            old = getattr(product, key)
            if old != value:
                diff[key] = (old, value)
                setattr(product, key, value)
        if images is not None:
            self._replace_images(product, images)
            diff["images"] = (None, len(images))
        if diff:
            product.updated_at = datetime.now(UTC)
        self._flush(product.slug)
        self.remember_words(product.name, product.brand)
        return product, diff

    def archive_product(self, product_id: str, actor: Actor = SYSTEM) -> bool:
        product = self._editable(product_id, actor)
        if product.status == "archived":
            return False
        product.status = "archived"
        product.updated_at = datetime.now(UTC)
        self.session.flush()
        return True

    def _replace_images(self, product: Product, images: list[dict]) -> None:
        product.images = [
            ProductImage(
                id=image.get("id") or str(uuid.uuid4()),
                url=image["url"],
                thumbnail_url=image.get("thumbnail_url"),
                medium_url=image.get("medium_url"),
                large_url=image.get("large_url"),
                position=position,
            )
            for position, image in enumerate(images)
        ]

    def remember_words(self, *texts: str) -> None:
        found = domain.lexicon_words(*texts)
        if found:
            LEXICON_CACHE.clear()  # this process sees its own new words at once
            self.session.execute(
                insert(SearchTerm).on_conflict_do_nothing(),
                [{"word": w[:64]} for w in sorted(found)],
            )

    def apply_stock(self, product_id: str, available: int, version: int | None) -> bool:
        """Record inventory's availability; True when it changed. An older or repeated event
        changes nothing. A newer one that leaves availability as it was (a reservation
        committed: on hand and reserved both fall) records its version only, so that no
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

    def attach_media(self, product_id: str, media: dict) -> bool:
        product = self._product(product_id, lock=True)
        media_id = media["media_id"]
        variants = media.get("variants") or {}
        url = variants.get("large") or variants.get("medium") or media.get("url")
        existing = self.session.get(ProductImage, media_id)
        if existing is not None:
            return False
        position = len(product.images)
        self.session.add(
            ProductImage(
                id=media_id,
                product_id=product_id,
                url=url,
                thumbnail_url=variants.get("thumbnail"),
                medium_url=variants.get("medium"),
                large_url=variants.get("large"),
                position=position,
            )
        )
        product.updated_at = datetime.now(UTC)
        self.session.flush()
        return True

    def detach_media(self, product_id: str, media_id: str) -> bool:
        image = self.session.get(ProductImage, media_id)
        if image is None or image.product_id != product_id:
            return False
        self.session.delete(image)
        self.session.flush()
        return True

    # -- sitemap listings ---------------------------------------------------------------------

    def list_product_slugs(
        self, after: str | None, limit: int, upto: str | None = None
    ) -> list[dict]:
        """Active products' id, slug and last change in id order, after the id `after` and up
        to `upto` inclusive (keyset: the primary key's index serves any page of a million
        products alike). Both bounds are compared here, in the database's collation, the same
        order product_slug_pages cut the pages in: Python's code-point order may differ."""
        where = "status = 'active'"
        if after is not None:
            where += " AND id > :after"
        if upto is not None:
            where += " AND id <= :upto"
        rows = self.session.execute(
            text(
                f"SELECT id, slug, updated_at FROM products WHERE {where} "  # noqa: S608
                "ORDER BY id LIMIT :limit"
            ),
            {"after": after, "upto": upto, "limit": limit},
        ).all()
        return [{"id": r.id, "slug": r.slug, "updated_at": iso(r.updated_at)} for r in rows]

    def product_slug_pages(self, size: int) -> list[dict]:
        """The active products cut into pages of `size` in id order: for each, the id it starts
        after (None for the first), how many it holds and its latest change. One scan of the
        primary key, so a sitemap page can then be read by keyset instead of OFFSET."""
        rows = self.session.execute(
            text(
                "SELECT max(id) AS last, count(*) AS n, max(updated_at) AS lastmod FROM ("
                "  SELECT id, updated_at, (row_number() OVER (ORDER BY id) - 1) / :size AS page"
                "  FROM products WHERE status = 'active') AS numbered "
                "GROUP BY page ORDER BY page"
            ),
            {"size": size},
        ).all()
        pages, after = [], None
        for row in rows:
            pages.append({"after": after, "count": row.n, "lastmod": iso(row.lastmod)})
            after = row.last
        return pages

    def list_category_slugs(self) -> list[dict]:
        """Every category's id, slug and last change, parents before their children."""
        rows = self.session.execute(
            select(Category.id, Category.slug, Category.updated_at).order_by(
                Category.path, Category.id
            )
        ).all()
        return [{"id": r.id, "slug": r.slug, "updated_at": iso(r.updated_at)} for r in rows]

    # -- categories ---------------------------------------------------------------------------

    def category(self, id_or_slug: str) -> Category:
        found = self.session.execute(
            select(Category).where((Category.id == id_or_slug) | (Category.slug == id_or_slug))
        ).scalar_one_or_none()
        if found is None:
            raise CategoryNotFound(f"category {id_or_slug} not found", {"category": id_or_slug})
        return found

    def descendant_ids(self, id_or_slug: str) -> list[str]:
        try:
            root = self.category(id_or_slug)
        except CategoryNotFound:
            return []
        return list(
            self.session.execute(
                select(Category.id).where(Category.path.startswith(root.path))
            ).scalars()
        )

    def category_tree(self) -> list[dict]:
        # maintained by a trigger on products (see the catalog migration)
        counts = dict(
            self.session.execute(text("SELECT category_id, active FROM category_counts")).all()
        )
        nodes = [
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
        return [node.as_dict() for node in domain.build_tree(nodes)]

    def category_detail(self, id_or_slug: str) -> dict:
        root = self.category(id_or_slug)
        for node in self._flatten(self.category_tree()):
            if node["id"] == root.id:
                ancestors = [a for a in root.path.strip("/").split("/")[:-1] if a]
                names = (
                    dict(
                        self.session.execute(
                            select(Category.id, Category.name).where(Category.id.in_(ancestors))
                        ).all()
                    )
                    if ancestors
                    else {}
                )
                node["ancestors"] = [{"id": a, "name": names.get(a)} for a in ancestors]
                return node
        raise CategoryNotFound(f"category {id_or_slug} not found", {"category": id_or_slug})

    @staticmethod
    def _flatten(nodes: list[dict]):
        for node in nodes:
            yield node
            yield from CatalogStore._flatten(node["children"])

    def create_category(self, data: dict, category_id: str | None = None) -> str:
        parent = self.category(data["parent_id"]) if data.get("parent_id") else None
        slug = data.get("slug") or domain.slugify(data["name"])
        self._check_category_slug(slug)
        new_id = category_id or str(uuid.uuid4())
        self.session.add(
            Category(
                id=new_id,
                parent_id=parent.id if parent else None,
                slug=slug,
                name=data["name"],
                description=data.get("description", ""),
                position=data.get("position", 0),
                path=domain.category_path(parent.path if parent else None, new_id),
            )
        )
        self._flush(slug)
        return new_id

    def _check_category_slug(self, slug: str, category_id: str | None = None) -> None:
        other = self.session.execute(
            select(Category.id).where(Category.slug == slug)
        ).scalar_one_or_none()
        if other is not None and other != category_id:
            raise SlugTaken(f"slug {slug} is taken", {"slug": slug})

    def update_category(self, category_id: str, changes: dict) -> str:
        category = self.category(category_id)
        if "slug" in changes:
            self._check_category_slug(changes["slug"], category.id)
        for key in ("name", "slug", "description", "position"):
            if key in changes:
                setattr(category, key, changes[key])
        if "parent_id" in changes and changes["parent_id"] != category.parent_id:
            parent = self.category(changes["parent_id"]) if changes["parent_id"] else None
            if parent is not None and domain.is_descendant_path(parent.path, category.path):
                raise InvalidProduct(
                    "a category cannot move under itself",
                    {"fields": {"parent_id": ["Must not be the category or one of its children."]}},
                )
            old_path = category.path
            new_path = domain.category_path(parent.path if parent else None, category.id)
            category.parent_id = parent.id if parent else None
            self.session.execute(
                text(
                    "UPDATE categories SET path = :new || substr(path, length(:old) + 1) "
                    "WHERE path LIKE :old || '%'"
                ),
                {"new": new_path, "old": old_path},
            )
        self._flush(category.slug)
        return category.id

    def delete_category(self, category_id: str) -> str:
        category = self.category(category_id)
        products = self.session.execute(
            select(func.count()).select_from(Product).where(Product.category_id == category.id)
        ).scalar_one()
        children = self.session.execute(
            select(func.count()).select_from(Category).where(Category.parent_id == category.id)
        ).scalar_one()
        if products or children:
            raise CategoryNotEmpty(
                f"category {category.slug} still holds products or subcategories",
                {"category_id": category.id, "products": products, "children": children},
            )
        self.session.delete(category)
        return category.id
