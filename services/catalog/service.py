"""The catalog service: products, the category tree and product search (entrypoints only)."""

from __future__ import annotations

from services.catalog import schemas
from services.catalog.dependencies import CatalogStore
from services.catalog.exceptions import CatalogError
from services.catalog.models import Base
from services.common import outbox as transactional_outbox
from services.common import service as common
from services.common.actor import Actor
from services.common.database import Database
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
    outbox = transactional_outbox.Outbox()

    def _store(self) -> CatalogStore:
        return CatalogStore(self.db.session)

    def _commit(self, *events: tuple[str, dict]) -> None:
        """Write the events to the outbox in the change's transaction, then commit: they are
        published by the relay only once the change is durable."""
        for event_type, payload in events:
            self.outbox.add(self.db.session, event_type, payload)
        self.db.session.commit()

    # -- reads --------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def get_product(self, product_id: str) -> dict:
        """A product by id, archived ones included (order history); raises ProductNotFound."""
        return self._store().get_product(product_id)

    @rpc(expected_exceptions=EXPECTED)
    def get_product_by_slug(self, slug: str) -> dict:
        """An active product by slug; raises ProductNotFound."""
        return self._store().get_product_by_slug(slug)

    @rpc
    def get_products(self, product_ids: list[str]) -> list[dict]:
        """Many products in one call; unknown ids are simply absent."""
        return self._store().get_products(list(product_ids or [])[:500])

    @rpc(expected_exceptions=EXPECTED)
    def list_products(self, query: dict | None = None, actor: dict | None = None) -> dict:
        """Page of active products: q/search, category (with descendants), brand, min/max price,
        in_stock, sort, page, limit, seller_id. meta carries totals and facets. A seller
        `actor` sees only their own products, whatever seller_id says."""
        arguments = load(LIST_QUERY, query or {})
        who = Actor.load(actor)
        if who.is_seller:
            arguments["seller_id"] = who.user_id
        return self._store().list_products(arguments)

    @rpc(expected_exceptions=EXPECTED)
    def search_products(self, query: dict | None = None) -> dict:
        return self.list_products(query)

    @rpc(expected_exceptions=EXPECTED)
    def get_owners(self, product_ids: list[str]) -> dict:
        """{product_id: seller_id or None} for the ids that exist: what inventory and media ask
        before a seller changes a product's stock or images, and orders records per line. One
        indexed read of two columns."""
        query = load(schemas.OwnersQuery(), {"product_ids": product_ids})
        return self._store().owners(query["product_ids"])

    @rpc(expected_exceptions=EXPECTED)
    def list_seller_product_ids(self, seller_id: str) -> list[str]:
        """The ids of a seller's products, any status, newest first (at most SELLER_IDS_CAP):
        what inventory narrows a seller's low-stock page to."""
        query = load(schemas.SellerQuery(), {"seller_id": seller_id})
        return self._store().seller_product_ids(query["seller_id"], SELLER_IDS_CAP)

    @rpc
    def featured(self, limit: int = 8) -> list[dict]:
        return self._store().featured(max(1, min(int(limit), 50)))

    @rpc
    def list_categories(self) -> list[dict]:
        """The category tree: roots with nested children and product counts."""
        return self._store().category_tree()

    @rpc(expected_exceptions=EXPECTED)
    def get_category(self, id_or_slug: str) -> dict:
        return self._store().category_detail(id_or_slug)

    @rpc(expected_exceptions=EXPECTED)
    def list_product_slugs(
        self, after: str | None = None, limit: int = 1000, upto: str | None = None
    ) -> list[dict]:
        """Active products as [{id, slug, updated_at}] in id order after the id `after` and up
        to the id `upto` inclusive (at most `limit`, 1..10000): the sitemap reads the catalog by
        keyset with it. Both bounds are compared by the database, in its own order of ids."""
        query = load(schemas.SlugPageQuery(), {"after": after, "limit": limit, "upto": upto})
        return self._store().list_product_slugs(query["after"], query["limit"], query["upto"])

    @rpc(expected_exceptions=EXPECTED)
    def product_slug_pages(self, page_size: int = 10000) -> list[dict]:
        """The sitemap's pages of active products: [{after, count, lastmod}], `after` being the
        id to pass to list_product_slugs for that page (None for the first)."""
        query = load(schemas.SlugPagesQuery(), {"page_size": page_size})
        return self._store().product_slug_pages(query["page_size"])

    @rpc
    def list_category_slugs(self) -> list[dict]:
        """Every category as [{id, slug, updated_at}], parents first."""
        return self._store().list_category_slugs()

    # -- product writes -----------------------------------------------------------------------

    # `actor` is {user_id, role} of the person asking (services.common.actor); None is the shop
    # itself (shell, seeds). A seller creates products of their own and changes only those:
    # another seller's product is ProductNotFound (404), as if it did not exist.

    @rpc(expected_exceptions=EXPECTED)
    def create_product(self, data: dict, actor: dict | None = None) -> dict:
        """Create a product; SlugTaken (409), ValidationFailed naming the field (400)."""
        who = Actor.load(actor)
        fields = load(schemas.ProductInput(), data or {})
        store = self._store()
        product_id = store.create_product(fields, who)
        product = store.get_product(product_id)
        self._commit(("product_created", _announce(product, who.user_id)))
        return product

    @rpc(expected_exceptions=EXPECTED)
    def update_product(self, product_id: str, changes: dict, actor: dict | None = None) -> dict:
        who = Actor.load(actor)
        fields = load(schemas.ProductChanges(), changes or {})
        store = self._store()
        _, diff = store.update_product(product_id, fields, who)
        product = store.get_product(product_id)
        if diff:
            payload = {**_announce(product, who.user_id), "changed": sorted(diff)}
            if "price" in diff:
                payload["previous_price"] = diff["price"][0]
            self._commit(("product_updated", payload))
        return product

    @rpc(expected_exceptions=EXPECTED)
    def archive_product(self, product_id: str, actor: dict | None = None) -> dict:
        """Hide a product from the storefront; it stays readable by id. Idempotent."""
        who = Actor.load(actor)
        store = self._store()
        changed = store.archive_product(product_id, who)
        product = store.get_product(product_id)
        if changed:
            self._commit(("product_archived", {"product_id": product_id, "user_id": who.user_id}))
        return product

    # -- categories ---------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def create_category(self, data: dict, user_id: str | None = None) -> dict:
        store = self._store()
        category_id = store.create_category(load(schemas.CategoryInput(), data or {}))
        self._commit(("category_changed", {"category_id": category_id, "action": "created"}))
        return store.category_detail(category_id)

    @rpc(expected_exceptions=EXPECTED)
    def update_category(self, category_id: str, changes: dict, user_id: str | None = None) -> dict:
        store = self._store()
        fields = load(schemas.CategoryInput(), changes or {}, partial=True)
        category_id = store.update_category(category_id, fields)
        self._commit(("category_changed", {"category_id": category_id, "action": "updated"}))
        return store.category_detail(category_id)

    @rpc(expected_exceptions=EXPECTED)
    def delete_category(self, category_id: str, user_id: str | None = None) -> None:
        """CategoryNotEmpty (409) while it holds products or subcategories."""
        deleted = self._store().delete_category(category_id)
        self._commit(("category_changed", {"category_id": deleted, "action": "deleted"}))

    # -- fed by other services ----------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def set_rating(self, product_id: str, average: float, count: int) -> None:
        fields = load(
            schemas.RatingInput(), {"product_id": product_id, "average": average, "count": count}
        )
        if self._store().set_rating(fields["product_id"], fields["average"], fields["count"]):
            self._commit(("product_updated", {"product_id": product_id, "changed": ["rating"]}))

    @event_handler("reviews", "rating_changed")
    def handle_rating_changed(self, payload: dict) -> None:
        try:
            self.set_rating(payload.get("product_id"), payload.get("average"), payload.get("count"))
        except CatalogError:
            self.db.session.rollback()

    @event_handler("inventory", "stock_changed")
    def handle_stock_changed(self, payload: dict) -> None:
        """Keep availability denormalised so a list page is one query; a repeated or older event
        (by version) changes nothing."""
        event = load(schemas.StockChanged(), payload)
        product_id, available = event["product_id"], event["available"]
        events = []
        if self._store().apply_stock(product_id, available, event["version"]):
            events.append(
                ("availability_changed", {"product_id": product_id, "available": available})
            )
        # committed even without an event: a newer version with the same availability is kept,
        # or a late older event could bring back a level that is no longer true
        self._commit(*events)

    @rpc(expected_exceptions=EXPECTED)
    def attach_media(self, product_id: str, media: dict) -> dict:
        store = self._store()
        if store.attach_media(product_id, media):
            self._commit(("product_updated", {"product_id": product_id, "changed": ["images"]}))
        return store.get_product(product_id)

    @event_handler("media", "media_processed")
    def handle_media_processed(self, payload: dict) -> None:
        try:
            self.attach_media(payload["product_id"], payload)
        except (CatalogError, KeyError):
            self.db.session.rollback()

    @rpc(expected_exceptions=EXPECTED)
    def detach_media(self, product_id: str, media_id: str) -> None:
        if self._store().detach_media(product_id, media_id):
            self._commit(("product_updated", {"product_id": product_id, "changed": ["images"]}))


def _announce(product: dict, user_id: str | None) -> dict:
    return {
        "product_id": product["id"],
        "slug": product["slug"],
        "name": product["name"],
        "price": product["price"],
        "currency": product["currency"],
        "category_id": product["category_id"],
        "status": product["status"],
        "seller_id": product["seller_id"],
        "user_id": user_id,
    }
