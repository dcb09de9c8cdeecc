"""The catalog service: products, the category tree and product search.

Entrypoints only: each RPC or handler loads its arguments, runs one use case of
`usecases.Catalog` in a unit of work on the worker's session, and dumps the result with a
`schemas.dump_*` function (docs/architecture.md#shapes). Events go through the transactional
outbox, published by the `OutboxRelay` timer once the change is committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from services.catalog import schemas
from services.catalog.dependencies import CatalogStorage, ProductSearchIndex
from services.catalog.exceptions import CatalogError
from services.catalog.models import Base
from services.catalog.usecases import Catalog
from services.common import outbox as transactional_outbox
from services.common import service as common
from services.common.actor import Actor
from services.common.database import Database, unit_of_work
from services.common.errors import BazaarError
from services.common.messaging import event_handler
from services.common.rpc import rpc
from services.common.schemas import load

EXPECTED = (BazaarError,)
SELLER_IDS_CAP = 10_000  # a seller's low-stock page covers their newest 10,000 products
LIST_QUERY = schemas.ListQuery()  # marshmallow schemas are reusable; building one costs 0.3 ms


class CatalogService(transactional_outbox.OutboxRelay, common.BazaarService):
    name = "catalog"

    db = Database(Base)
    repo = CatalogStorage()
    search = ProductSearchIndex()

    # _read_back: create/update_category and attach_media commit their change, then read what
    # they return in a unit of work of its own, as they always have, so each request keeps its
    # transactions as well as its statements. (Read inside the change's transaction, the pool
    # opened fewer connections, which reordered concurrent stock_changed handlers.)

    @contextmanager
    def _catalog(self) -> Iterator[Catalog]:
        """The use cases over the worker's adapters, in one unit of work: committed (events
        written to the outbox with the change) or, if the use case raises, rolled back."""
        catalog = Catalog(repo=self.repo, search=self.search)
        with unit_of_work(self.db.session):
            yield catalog

    # -- reads --------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def get_product(self, product_id: str) -> dict:
        """A product by id, archived ones included (order history); raises ProductNotFound."""
        with self._catalog() as catalog:
            result = catalog.get_product(product_id)
        return schemas.dump_product(result)

    @rpc(expected_exceptions=EXPECTED)
    def get_product_by_slug(self, slug: str) -> dict:
        """An active product by slug; raises ProductNotFound."""
        with self._catalog() as catalog:
            result = catalog.get_product_by_slug(slug)
        return schemas.dump_product(result)

    @rpc
    def get_products(self, product_ids: list[str]) -> list[dict]:
        """Many products in one call (at most 500 ids); unknown ids are simply absent."""
        with self._catalog() as catalog:
            result = catalog.get_products(product_ids)
        return schemas.dump_products(result)

    @rpc(expected_exceptions=EXPECTED)
    def list_products(self, query: dict | None = None, actor: dict | None = None) -> dict:
        """Page of active products: q/search, category (with descendants), brand, min/max price,
        in_stock, sort, page, limit, seller_id. meta carries totals and facets. A seller
        `actor` sees only their own products, whatever seller_id says."""
        arguments = load(LIST_QUERY, query or {})
        who = Actor.load(actor)
        with self._catalog() as catalog:
            result = catalog.list_products(arguments, who)
        return schemas.dump_product_page(result)

    @rpc(expected_exceptions=EXPECTED)
    def search_products(self, query: dict | None = None) -> dict:
        return self.list_products(query)

    @rpc(expected_exceptions=EXPECTED)
    def get_owners(self, product_ids: list[str]) -> dict:
        """{product_id: seller_id or None} for the ids that exist: what inventory and media ask
        before a seller changes a product's stock or images, and orders records per line. One
        indexed read of two columns."""
        query = load(schemas.OwnersQuery(), {"product_ids": product_ids})
        with self._catalog() as catalog:
            return catalog.owners(query["product_ids"])

    @rpc(expected_exceptions=EXPECTED)
    def list_seller_product_ids(self, seller_id: str) -> list[str]:
        """The ids of a seller's products, any status, newest first (at most SELLER_IDS_CAP):
        what inventory narrows a seller's low-stock page to."""
        query = load(schemas.SellerQuery(), {"seller_id": seller_id})
        with self._catalog() as catalog:
            return catalog.seller_product_ids(query["seller_id"], SELLER_IDS_CAP)

    @rpc
    def featured(self, limit: int = 8) -> list[dict]:
        """Active featured products, best rated first (1..50 of them)."""
        with self._catalog() as catalog:
            result = catalog.featured(limit)
        return schemas.dump_products(result)

    @rpc
    def list_categories(self) -> list[dict]:
        """The category tree: roots with nested children and product counts."""
        with self._catalog() as catalog:
            result = catalog.category_tree()
        return schemas.dump_category_tree(result)

    @rpc(expected_exceptions=EXPECTED)
    def get_category(self, id_or_slug: str) -> dict:
        with self._catalog() as catalog:
            result = catalog.category_detail(id_or_slug)
        return schemas.dump_category(result)

    @rpc(expected_exceptions=EXPECTED)
    def list_product_slugs(
        self, after: str | None = None, limit: int = 1000, upto: str | None = None
    ) -> list[dict]:
        """Active products as [{id, slug, updated_at}] in id order after the id `after` and up
        to the id `upto` inclusive (at most `limit`, 1..10000): the sitemap reads the catalog by
        keyset with it. Both bounds are compared by the database, in its own order of ids."""
        query = load(schemas.SlugPageQuery(), {"after": after, "limit": limit, "upto": upto})
        with self._catalog() as catalog:
            rows = catalog.product_slugs(query["after"], query["limit"], query["upto"])
        return schemas.dump_slugs(rows)

    @rpc(expected_exceptions=EXPECTED)
    def product_slug_pages(self, page_size: int = 10000) -> list[dict]:
        """The sitemap's pages of active products: [{after, count, lastmod}], `after` being the
        id to pass to list_product_slugs for that page (None for the first)."""
        query = load(schemas.SlugPagesQuery(), {"page_size": page_size})
        with self._catalog() as catalog:
            result = catalog.product_slug_pages(query["page_size"])
        return schemas.dump_slug_pages(result)

    @rpc
    def list_category_slugs(self) -> list[dict]:
        """Every category as [{id, slug, updated_at}], parents first."""
        with self._catalog() as catalog:
            result = catalog.category_slugs()
        return schemas.dump_slugs(result)

    # -- product writes -----------------------------------------------------------------------

    # `actor` is {user_id, role} of the person asking (services.common.actor); None is the shop
    # itself (shell, seeds). A seller creates products of their own and changes only those:
    # another seller's product is ProductNotFound (404), as if it did not exist.

    @rpc(expected_exceptions=EXPECTED)
    def create_product(self, data: dict, actor: dict | None = None) -> dict:
        """Create a product; SlugTaken (409), ValidationFailed naming the field (400)."""
        who = Actor.load(actor)
        fields = load(schemas.ProductInput(), data or {})
        with self._catalog() as catalog:
            result = catalog.create_product(fields, who)
        return schemas.dump_product(result)

    @rpc(expected_exceptions=EXPECTED)
    def update_product(self, product_id: str, changes: dict, actor: dict | None = None) -> dict:
        who = Actor.load(actor)
        fields = load(schemas.ProductChanges(), changes or {})
        with self._catalog() as catalog:
            result = catalog.update_product(product_id, fields, who)
        return schemas.dump_product(result)

    @rpc(expected_exceptions=EXPECTED)
    def archive_product(self, product_id: str, actor: dict | None = None) -> dict:
        """Hide a product from the storefront; it stays readable by id. Idempotent."""
        who = Actor.load(actor)
        with self._catalog() as catalog:
            result = catalog.archive_product(product_id, who)
        return schemas.dump_product(result)

    # -- categories ---------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def create_category(self, data: dict, user_id: str | None = None) -> dict:
        fields = load(schemas.CategoryInput(), data or {})
        with self._catalog() as catalog:
            category_id = catalog.create_category(fields)
        with self._catalog() as catalog:  # read once committed (see _read_back)
            result = catalog.category_detail(category_id)
        return schemas.dump_category(result)

    @rpc(expected_exceptions=EXPECTED)
    def update_category(self, category_id: str, changes: dict, user_id: str | None = None) -> dict:
        fields = load(schemas.CategoryInput(), changes or {}, partial=True)
        with self._catalog() as catalog:
            category_id = catalog.update_category(category_id, fields)
        with self._catalog() as catalog:  # read once committed (see _read_back)
            result = catalog.category_detail(category_id)
        return schemas.dump_category(result)

    @rpc(expected_exceptions=EXPECTED)
    def delete_category(self, category_id: str, user_id: str | None = None) -> None:
        """CategoryNotEmpty (409) while it holds products or subcategories."""
        with self._catalog() as catalog:
            catalog.delete_category(category_id)

    # -- fed by other services ----------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def set_rating(self, product_id: str, average: float, count: int) -> None:
        fields = load(
            schemas.RatingInput(), {"product_id": product_id, "average": average, "count": count}
        )
        with self._catalog() as catalog:
            catalog.set_rating(fields["product_id"], fields["average"], fields["count"])

    @event_handler("reviews", "rating_changed")
    def handle_rating_changed(self, payload: dict) -> None:
        try:
            self.set_rating(payload.get("product_id"), payload.get("average"), payload.get("count"))
        except CatalogError:
            return  # refused: the unit of work rolled it back

    @event_handler("inventory", "stock_changed")
    def handle_stock_changed(self, payload: dict) -> None:
        """Keep availability denormalised so a list page is one query; a repeated or older event
        (by version) changes nothing. Committed even without an event: a newer version with the
        same availability is kept, or a late older event could bring back a level that is no
        longer true."""
        event = load(schemas.StockChanged(), payload)
        with self._catalog() as catalog:
            catalog.apply_stock(event["product_id"], event["available"], event["version"])

    @rpc(expected_exceptions=EXPECTED)
    def attach_media(self, product_id: str, media: dict) -> dict:
        with self._catalog() as catalog:
            catalog.attach_media(product_id, media)
        with self._catalog() as catalog:  # read once committed (see _read_back)
            result = catalog.get_product(product_id)
        return schemas.dump_product(result)

    @event_handler("media", "media_processed")
    def handle_media_processed(self, payload: dict) -> None:
        try:
            self.attach_media(payload["product_id"], payload)
        except (CatalogError, KeyError):
            return  # an unknown product or a payload without media: rolled back

    @rpc(expected_exceptions=EXPECTED)
    def detach_media(self, product_id: str, media_id: str) -> None:
        with self._catalog() as catalog:
            catalog.detach_media(product_id, media_id)
