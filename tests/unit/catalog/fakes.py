"""Hand-written fakes of the catalog ports: an in-memory repository (a `RecordedTransaction`
whose rollback restores its rows and the dictionary of words as last committed) and product
search, and the use cases as the service runs them, each call in a unit of work of its own."""

from __future__ import annotations

import copy
import inspect
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from services.catalog import domain
from services.catalog.exceptions import SlugTaken
from services.catalog.usecases import Catalog
from tests.unit.fakes import FakeClock, RecordedTransaction


@dataclass(eq=False)
class FakeImage:
    id: str
    product_id: str
    url: str
    thumbnail_url: str | None = None
    medium_url: str | None = None
    large_url: str | None = None
    position: int = 0


@dataclass(eq=False)
class FakeProduct:
    id: str
    slug: str
    name: str
    category_id: str
    price: int
    description: str = ""
    brand: str = ""
    compare_at_price: int | None = None
    currency: str = "USD"
    attributes: dict = field(default_factory=dict)
    featured: bool = False
    status: str = "active"
    rating_average: float = 0.0
    rating_count: int = 0
    available: int = 0
    stock_version: int = 0
    created_by: str | None = None
    seller_id: str | None = None
    created_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    updated_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    images: list[FakeImage] = field(default_factory=list)


@dataclass(eq=False)
class FakeCategory:
    id: str
    slug: str
    name: str
    path: str
    parent_id: str | None = None
    description: str = ""
    position: int = 0
    updated_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)


class FakeRepository(RecordedTransaction, domain.CatalogRepository):
    """Products, categories and the search dictionary (`search_terms`, which FakeSearch writes:
    one database, one transaction). Rows added by the `add_*_row` helpers are committed ones;
    `events` are the committed events (RecordedTransaction)."""

    def __init__(self):
        super().__init__()
        self.products: dict[str, FakeProduct] = {}
        self.categories: dict[str, FakeCategory] = {}
        self.search_terms: set[str] = set()
        self.flushes = 0
        self._snapshot()

    # the transaction: a rollback goes back to the rows as last committed

    def _snapshot(self) -> None:
        self._committed = copy.deepcopy((self.products, self.categories, self.search_terms))

    def _restore(self) -> None:
        self.products, self.categories, self.search_terms = copy.deepcopy(self._committed)

    def add_words(self, words) -> None:
        """Words already in the dictionary (committed)."""
        self.search_terms |= set(words)
        self._snapshot()

    # a record is what the SQL adapter's rows hold: the columns, the category, image dicts
    def record(self, product: FakeProduct) -> SimpleNamespace:
        category = self.categories[product.category_id]
        images = [
            {k: getattr(i, k) for k in ("id", "url", "thumbnail_url", "medium_url", "large_url")}
            | {"position": i.position}
            for i in sorted(product.images, key=lambda i: (i.position, i.id))
        ]
        columns = {k: v for k, v in vars(product).items() if k != "images"}
        return SimpleNamespace(
            **columns, category_slug=category.slug, category_name=category.name, images=images
        )

    def add_category_row(self, category_id, slug, name, parent_id=None, position=0):
        parent_path = self.categories[parent_id].path if parent_id else None
        self.categories[category_id] = FakeCategory(
            category_id,
            slug,
            name,
            domain.category_path(parent_path, category_id),
            parent_id,
            position=position,
        )
        self._snapshot()

    def add_product_row(self, product_id, category_id, **columns) -> FakeProduct:
        columns.setdefault("name", product_id)
        columns.setdefault("slug", product_id)
        columns.setdefault("price", 1000)
        product = FakeProduct(id=product_id, category_id=category_id, **columns)
        self.products[product_id] = product
        self._snapshot()
        return product

    # product reads

    def get_product(self, product_id):
        product = self.products.get(product_id)
        return self.record(product) if product else None

    def get_product_by_slug(self, slug, storefront=True):
        for product in self.products.values():
            if product.slug == slug and (product.status == "active" or not storefront):
                return self.record(product)
        return None

    def get_products(self, product_ids):
        return [self.record(self.products[i]) for i in product_ids if i in self.products]

    def featured(self, limit):
        found = [p for p in self.products.values() if p.featured and p.status == "active"]
        found.sort(key=lambda p: (-p.rating_average, p.id))
        return [self.record(p) for p in found[:limit]]

    def owners(self, product_ids):
        return {i: self.products[i].seller_id for i in product_ids if i in self.products}

    def seller_product_ids(self, seller_id, limit):
        own = [p for p in self.products.values() if p.seller_id == seller_id]
        own.sort(key=lambda p: p.created_at, reverse=True)
        return [p.id for p in own[:limit]]

    def _active_in_id_order(self):
        return sorted(
            (p for p in self.products.values() if p.status == "active"), key=lambda p: p.id
        )

    def product_slugs(self, after, limit, upto):
        found = [
            p
            for p in self._active_in_id_order()
            if (after is None or p.id > after) and (upto is None or p.id <= upto)
        ]
        return found[:limit]

    def product_slug_cuts(self, size):
        active = self._active_in_id_order()
        cuts = []
        for start in range(0, len(active), size):
            page = active[start : start + size]
            cuts.append(
                SimpleNamespace(
                    last=page[-1].id, n=len(page), lastmod=max(p.updated_at for p in page)
                )
            )
        return cuts

    def category_slugs(self):
        return sorted(self.categories.values(), key=lambda c: (c.path, c.id))

    # product writes

    def lock_product(self, product_id):
        return self.products.get(product_id)

    def category_exists(self, category_id):
        return category_id in self.categories

    def product_slug_holder(self, slug):
        return next((p.id for p in self.products.values() if p.slug == slug), None)

    def add_product(self, columns, images):
        product = FakeProduct(**columns)
        self.products[product.id] = product
        self.replace_images(product, images)
        return product

    def replace_images(self, product, images):
        product.images = [
            FakeImage(
                id=image.get("id") or f"{product.id}-image-{position}",
                product_id=product.id,
                url=image["url"],
                thumbnail_url=image.get("thumbnail_url"),
                medium_url=image.get("medium_url"),
                large_url=image.get("large_url"),
                position=position,
            )
            for position, image in enumerate(images)
        ]

    def image(self, image_id):
        for product in self.products.values():
            for image in product.images:
                if image.id == image_id:
                    return image
        return None

    def add_image(self, product_id, image, position):
        self.products[product_id].images.append(
            FakeImage(**image, product_id=product_id, position=position)
        )

    def delete_image(self, image):
        product = self.products[image.product_id]
        product.images = [i for i in product.images if i is not image]

    def apply_stock(self, product_id, available, version):
        product = self.products.get(product_id)
        if product is None:
            return False
        if version is None:
            changed = product.available != available
            product.available = available
            return changed
        if product.stock_version >= version:
            return False
        changed = product.available != available
        product.available, product.stock_version = available, version
        return changed

    def set_rating(self, product_id, average, count):
        product = self.products.get(product_id)
        if product is None or (product.rating_average, product.rating_count) == (average, count):
            return False
        product.rating_average, product.rating_count = average, count
        return True

    def flush(self, slug=None):
        self.flushes += 1
        slugs = [p.slug for p in self.products.values()]
        category_slugs = [c.slug for c in self.categories.values()]
        if slug is not None and (slugs.count(slug) > 1 or category_slugs.count(slug) > 1):
            raise SlugTaken(f"slug {slug} is taken", {"slug": slug})

    # categories

    def category(self, id_or_slug):
        return next(
            (c for c in self.categories.values() if id_or_slug in (c.id, c.slug)),
            None,
        )

    def category_slug_holder(self, slug):
        return next((c.id for c in self.categories.values() if c.slug == slug), None)

    def category_nodes(self):
        counts: dict[str, int] = {}
        for product in self.products.values():
            if product.status == "active":
                counts[product.category_id] = counts.get(product.category_id, 0) + 1
        return [
            domain.CategoryNode(
                c.id, c.parent_id, c.slug, c.name, c.description, c.path, c.position,
                counts.get(c.id, 0),
            )
            for c in self.categories.values()
        ]  # fmt: skip

    def category_names(self, category_ids):
        return {i: self.categories[i].name for i in category_ids if i in self.categories}

    def add_category(self, columns):
        category = FakeCategory(**columns)
        self.categories[category.id] = category

    def move_category(self, category, parent_id, new_path):
        old_path = category.path
        category.parent_id = parent_id
        for other in self.categories.values():
            if other.path.startswith(old_path):
                other.path = new_path + other.path[len(old_path) :]

    def category_contents(self, category_id):
        products = sum(p.category_id == category_id for p in self.products.values())
        children = sum(c.parent_id == category_id for c in self.categories.values())
        return products, children

    def delete_category(self, category):
        del self.categories[category.id]


class FakeSearch(domain.ProductSearch):
    """Matches products by strategy from `hits` ({strategy: [product ids]}); with no entry for
    a strategy, every product the filters let through. The dictionary is `words`: the
    repository's `search_terms`, rolled back with it."""

    def __init__(self, repo: FakeRepository, words: set[str] | None = None):
        self.repo = repo
        repo.add_words(words or ())
        self.hits: dict[str, list[str]] = {}
        self.tried: list[str] = []
        self.sorts: list[str] = []

    def filters(self, query, text):
        return dict(query)

    def plan(self, text):
        return domain.plan_search(
            text,
            known=lambda t: t in self.words,
            has_prefix=lambda t: any(w.startswith(t) for w in self.words),
            corrections=lambda t: [],
        )

    def page(self, filters, strategy, plan, text, sort, page, limit, facets):
        self.tried.append(strategy)
        self.sorts.append(sort)
        products = [
            p
            for p in self.repo.products.values()
            if (filters.get("status") or "active") in ("any", p.status)
            and (not filters.get("seller_id") or p.seller_id == filters["seller_id"])
        ]
        if strategy in self.hits:
            products = [p for p in products if p.id in self.hits[strategy]]
        meta = {"page": page, "limit": limit, "total": len(products)}
        return domain.ProductPage([self.repo.record(p) for p in products], meta)

    @property
    def words(self) -> set[str]:
        return self.repo.search_terms

    def remember_words(self, *texts):
        self.repo.search_terms |= domain.lexicon_words(*texts)


class InUnitsOfWork:
    """The `Catalog` use cases as the service runs them: each call in a unit of work of its own,
    committed when it returns, rolled back when it raises (services.common.database's
    unit_of_work on the fake's transaction). Other attributes (search, repo) as they are."""

    def __init__(self, use_cases: Catalog):
        self.use_cases = use_cases

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.use_cases, name)
        if name.startswith("_") or not inspect.ismethod(found):
            return found
        repo = self.use_cases.repo

        def in_a_unit_of_work(*args, **kwargs):
            try:
                result = found(*args, **kwargs)
            except BaseException:
                repo.rollback()
                raise
            repo.commit()
            return result

        return in_a_unit_of_work


def catalog(repo: FakeRepository | None = None, words: set[str] | None = None) -> InUnitsOfWork:
    """The use cases over the fakes, a clock that ticks a second per call."""
    repo = repo or FakeRepository()
    clock = FakeClock(tick=timedelta(seconds=1))
    return InUnitsOfWork(Catalog(repo=repo, search=FakeSearch(repo, words), clock=clock))
