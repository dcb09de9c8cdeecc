"""The catalog use cases: one class, `Catalog`, over the ports of `domain` (the repository of
products and categories, the product search) and one unit of work, which the service commits.

Pure like the domain (no nameko, SQLAlchemy or redis): unit-tested with the fakes in
`tests/unit/catalog/fakes.py`. Results are records and domain objects; `schemas.dump_*` turn them
into the RPC shapes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.catalog import domain
from services.catalog.domain import (
    CatalogRepository,
    CategoryDetail,
    CategoryNode,
    ProductPage,
    ProductSearch,
    SlugPage,
)
from services.catalog.exceptions import CategoryNotFound, ProductNotFound
from services.common.actor import SYSTEM, Actor
from services.common.clock import utcnow

MAX_PRODUCTS_PER_CALL = 500  # get_products reads at most this many ids


@dataclass
class Catalog:
    """The catalog use cases over one unit of work."""

    repo: CatalogRepository
    search: ProductSearch
    clock: Callable[[], datetime] = utcnow

    # product reads

    def get_product(self, product_id: str) -> Any:
        """The product record, archived ones included; raises ProductNotFound."""
        record = self.repo.get_product(product_id)
        if record is None:
            raise ProductNotFound(f"product {product_id} not found", {"product_id": product_id})
        return record

    def get_product_by_slug(self, slug: str) -> Any:
        """An active product's record; raises ProductNotFound."""
        record = self.repo.get_product_by_slug(slug)
        if record is None:
            raise ProductNotFound(f"product {slug} not found", {"slug": slug})
        return record

    def get_products(self, product_ids: list[str] | None) -> list[Any]:
        """The records of the ids that exist (the first MAX_PRODUCTS_PER_CALL ids)."""
        ids = list(product_ids or [])[:MAX_PRODUCTS_PER_CALL]
        return self.repo.get_products(ids) if ids else []

    def featured(self, limit: Any) -> list[Any]:
        return self.repo.featured(domain.featured_limit(limit))

    def owners(self, product_ids: list[str]) -> dict[str, str | None]:
        return self.repo.owners(product_ids) if product_ids else {}

    def seller_product_ids(self, seller_id: str, limit: int) -> list[str]:
        return self.repo.seller_product_ids(seller_id, limit)

    def list_products(self, query: dict[str, Any], actor: Actor = SYSTEM) -> ProductPage:
        """A page of products matching `query` (a loaded ListQuery), with totals and facets: a
        text search falls back from every word to any word to trigram similarity until one
        finds something (domain.search_with_fallback). A seller sees only their own."""
        query = domain.scoped_to(query, actor)
        text = domain.search_text(query)
        filters = self.search.filters(query, text)
        sort = domain.default_sort(query.get("sort"), text)
        plan = self.search.plan(text) if text else None
        page, limit, facets = query["page"], query["limit"], query.get("facets", True)
        result = domain.search_with_fallback(
            plan,
            text,
            lambda strategy: self.search.page(
                filters, strategy, plan, text, sort, page, limit, facets
            ),
        )
        result.meta["query"] = domain.query_meta(text, plan, sort)
        return result

    # sitemap listings

    def product_slugs(self, after: str | None, limit: int, upto: str | None) -> list[Any]:
        return self.repo.product_slugs(after, limit, upto)

    def product_slug_pages(self, size: int) -> list[SlugPage]:
        return domain.slug_pages(self.repo.product_slug_cuts(size))

    def category_slugs(self) -> list[Any]:
        return self.repo.category_slugs()

    # product writes: `actor` is who asks (SYSTEM: the shop itself); another seller's product
    # is ProductNotFound, exactly as a missing one (its existence is not revealed)

    def create_product(
        self, data: dict[str, Any], actor: Actor = SYSTEM, product_id: str | None = None
    ) -> Any:
        """Create a product owned as `domain.owner_of_new_product` decides; returns its record.
        Raises InvalidProduct, SlugTaken. Event: product_created."""
        fields = dict(data)
        seller_id = domain.owner_of_new_product(actor, fields.pop("seller_id", None))
        self._check_category(fields["category_id"])
        domain.check_compare_at(fields["price"], fields.get("compare_at_price"))
        slug = domain.default_slug(fields.get("slug"), fields["name"])
        self._check_product_slug(slug)
        images = fields.pop("images", [])
        columns = domain.new_product_columns(
            fields, slug, actor, seller_id, product_id or domain.new_id()
        )
        product = self.repo.add_product(columns, images)
        self.repo.flush(slug)
        self.search.remember_words(product.name, product.brand)
        record = self.get_product(product.id)
        self.repo.record_event(
            "product_created", domain.product_announcement(record, actor.user_id)
        )
        return record

    def update_product(
        self, product_id: str, changes: dict[str, Any], actor: Actor = SYSTEM
    ) -> Any:
        """Apply `changes` (a loaded ProductChanges); returns the record. Raises
        ProductNotFound, InvalidProduct, SlugTaken. Event: product_updated when something
        changed; when nothing did, the unit of work is rolled back (`_forget`): the lock and
        the dictionary words written on the way are not kept."""
        product = self._editable(product_id, actor)
        changes = dict(changes)
        if "seller_id" in changes:
            domain.check_owner_change(actor, product.seller_id, changes["seller_id"])
        if "category_id" in changes:
            self._check_category(changes["category_id"])
        if "slug" in changes:
            self._check_product_slug(changes["slug"], product_id)
        domain.check_compare_at(
            changes.get("price", product.price),
            changes.get("compare_at_price", product.compare_at_price),
        )
        images = changes.pop("images", None)
        diff = domain.apply_changes(product, changes)
        if images is not None:
            self.repo.replace_images(product, images)
            diff["images"] = (None, len(images))
        if diff:
            product.updated_at = self.clock()
        self.repo.flush(product.slug)
        self.search.remember_words(product.name, product.brand)
        record = self.get_product(product_id)
        if diff:
            self.repo.record_event(
                "product_updated", domain.update_announcement(record, actor.user_id, diff)
            )
        else:
            self._forget()
        return record

    def archive_product(self, product_id: str, actor: Actor = SYSTEM) -> Any:
        """Hide a product from the storefront (idempotent); returns the record.
        Event: product_archived when it was not archived yet; when it was, the unit of work
        (its lock) is rolled back (`_forget`)."""
        product = self._editable(product_id, actor)
        changed = domain.archive(product, self.clock())
        if changed:
            self.repo.flush()
        record = self.get_product(product_id)
        if changed:
            self.repo.record_event(
                "product_archived", {"product_id": product_id, "user_id": actor.user_id}
            )
        else:
            self._forget()
        return record

    # fed by other services

    def set_rating(self, product_id: str, average: float, count: int) -> bool:
        """True when the rating changed; then event product_updated (changed: rating)."""
        changed = self.repo.set_rating(product_id, average, count)
        if changed:
            self._record_changed(product_id, "rating")
        return changed

    def apply_stock(self, product_id: str, available: int, version: int | None) -> bool:
        """Keep availability denormalised (a list page is one query). True when it changed;
        then event availability_changed. An older or repeated version changes nothing."""
        changed = self.repo.apply_stock(product_id, available, version)
        if changed:
            self.repo.record_event(
                "availability_changed", {"product_id": product_id, "available": available}
            )
        return changed

    def attach_media(self, product_id: str, media: dict[str, Any]) -> bool:
        """Add a processed upload as the product's last image, once per media id: True when it
        was added. Raises ProductNotFound, KeyError without media_id. Event: product_updated."""
        product = self._locked(product_id)
        image = domain.image_of_media(media)
        if self.repo.image(image["id"]) is not None:
            return False
        self.repo.add_image(product_id, image, position=len(product.images))
        product.updated_at = self.clock()
        self.repo.flush()
        self._record_changed(product_id, "images")
        return True

    def detach_media(self, product_id: str, media_id: str) -> None:
        """Remove the product's image of this media id, if it has one. Event: product_updated."""
        image = self.repo.image(media_id)
        if image is None or image.product_id != product_id:
            return
        self.repo.delete_image(image)
        self._record_changed(product_id, "images")

    # categories

    def category_tree(self) -> list[CategoryNode]:
        """The roots with nested children; counts include the descendants'."""
        return domain.build_tree(self.repo.category_nodes())

    def category_detail(self, id_or_slug: str) -> CategoryDetail:
        """A category with its subtree and ancestors; raises CategoryNotFound."""
        root = self._category(id_or_slug)
        node = domain.find_node(self.category_tree(), root.id)
        if node is None:
            raise CategoryNotFound(f"category {id_or_slug} not found", {"category": id_or_slug})
        ancestors = domain.ancestor_ids(root.path)
        names = self.repo.category_names(ancestors) if ancestors else {}
        return CategoryDetail(node, [(a, names.get(a)) for a in ancestors])

    def create_category(self, data: dict[str, Any], category_id: str | None = None) -> str:
        """Create a category; returns its id. Raises CategoryNotFound (parent), SlugTaken.
        Event: category_changed (created)."""
        parent = self._category(data["parent_id"]) if data.get("parent_id") else None
        slug = domain.default_slug(data.get("slug"), data["name"])
        self._check_category_slug(slug)
        new_id = category_id or domain.new_id()
        self.repo.add_category(
            {
                "id": new_id,
                "parent_id": parent.id if parent else None,
                "slug": slug,
                "name": data["name"],
                "description": data.get("description", ""),
                "position": data.get("position", 0),
                "path": domain.category_path(parent.path if parent else None, new_id),
            }
        )
        self.repo.flush(slug)
        self.repo.record_event("category_changed", {"category_id": new_id, "action": "created"})
        return new_id

    def update_category(self, category_id: str, changes: dict[str, Any]) -> str:
        """Rename, reorder or move a category (with its subtree); returns its id. Raises
        CategoryNotFound, SlugTaken, InvalidProduct (moved under itself).
        Event: category_changed (updated)."""
        category = self._category(category_id)
        if "slug" in changes:
            self._check_category_slug(changes["slug"], category.id)
        domain.edit_category(category, changes)
        if "parent_id" in changes and changes["parent_id"] != category.parent_id:
            parent = self._category(changes["parent_id"]) if changes["parent_id"] else None
            parent_path = parent.path if parent else None
            domain.check_category_move(parent_path, category.path)
            self.repo.move_category(
                category,
                parent.id if parent else None,
                domain.category_path(parent_path, category.id),
            )
        self.repo.flush(category.slug)
        self.repo.record_event(
            "category_changed", {"category_id": category.id, "action": "updated"}
        )
        return category.id

    def delete_category(self, category_id: str) -> None:
        """Raises CategoryNotFound, CategoryNotEmpty while it holds products or subcategories.
        Event: category_changed (deleted)."""
        category = self._category(category_id)
        products, children = self.repo.category_contents(category.id)
        domain.check_category_empty(category, products, children)
        self.repo.delete_category(category)
        self.repo.record_event(
            "category_changed", {"category_id": category.id, "action": "deleted"}
        )

    # helpers

    def _locked(self, product_id: str) -> Any:
        product = self.repo.lock_product(product_id)
        if product is None:
            raise ProductNotFound(f"product {product_id} not found", {"product_id": product_id})
        return product

    def _editable(self, product_id: str, actor: Actor) -> Any:
        """The product locked for a change by `actor`; another seller's is ProductNotFound."""
        product = self._locked(product_id)
        if not actor.may_change(product.seller_id):
            raise ProductNotFound(f"product {product_id} not found", {"product_id": product_id})
        return product

    def _category(self, id_or_slug: str) -> Any:
        category = self.repo.category(id_or_slug)
        if category is None:
            raise CategoryNotFound(f"category {id_or_slug} not found", {"category": id_or_slug})
        return category

    def _check_category(self, category_id: str) -> None:
        domain.check_category_known(category_id, self.repo.category_exists(category_id))

    def _check_product_slug(self, slug: str, product_id: str | None = None) -> None:
        domain.check_slug_free(slug, self.repo.product_slug_holder(slug), product_id)

    def _check_category_slug(self, slug: str, category_id: str | None = None) -> None:
        domain.check_slug_free(slug, self.repo.category_slug_holder(slug), category_id)

    def _forget(self) -> None:
        """A change that changed nothing ends in a rollback, as it always has: the service's
        commit that follows finds no transaction and sends nothing. (update_product has written
        the product's words to the dictionary on the way: they go too.)"""
        self.repo.rollback()

    def _record_changed(self, product_id: str, what: str) -> None:
        self.repo.record_event("product_updated", {"product_id": product_id, "changed": [what]})
