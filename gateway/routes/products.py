"""Products: public browse and search (cached), seller/admin create, update and archive (the
catalog decides whose products a seller may change: it gets the actor)."""

from gateway.api import api
from gateway.schemas.catalog import (
    FeaturedQuery,
    ProductBody,
    ProductList,
    ProductPage,
    ProductPatchBody,
    ProductQuery,
    ProductSchema,
)
from services.common.actor import actor_of

TAGS = ("products",)
EDITORS = ("seller", "admin")


class ProductRoutes:
    @api(
        "GET",
        "/api/products",
        query=ProductQuery,
        response=ProductPage,
        cache="catalog",
        tags=TAGS,
        summary="Browse and search products (facets in meta)",
    )
    def list_products(self, request, query):
        return self.catalog_rpc.list_products(query)

    @api(
        "GET",
        "/api/products/search",
        query=ProductQuery,
        response=ProductPage,
        cache="catalog",
        tags=TAGS,
        summary="Search products (same as the list)",
    )
    def search_products(self, request, query):
        return self.catalog_rpc.list_products(query)

    @api(
        "GET",
        "/api/products/featured",
        query=FeaturedQuery,
        response=ProductList,
        cache="catalog",
        tags=TAGS,
        summary="Featured products",
    )
    def featured_products(self, request, query):
        return {"data": self.catalog_rpc.featured(query["limit"])}

    @api(
        "GET",
        "/api/products/slug/<slug>",
        response=ProductSchema,
        cache="catalog",
        tags=TAGS,
        summary="Get a product by slug",
    )
    def get_product_by_slug(self, request, slug):
        return self.catalog_rpc.get_product_by_slug(slug)

    @api(
        "GET",
        "/api/products/<product_id>",
        response=ProductSchema,
        cache="catalog",
        tags=TAGS,
        summary="Get a product (archived ones stay readable)",
    )
    def get_product(self, request, product_id):
        return self.catalog_rpc.get_product(product_id)

    @api(
        "POST",
        "/api/products",
        roles=EDITORS,
        body=ProductBody,
        response=ProductSchema,
        status=201,
        tags=TAGS,
        summary="Create a product",
    )
    def create_product(self, request, user, body):
        return self.catalog_rpc.create_product(body, actor_of(user))

    @api(
        "PUT",
        "/api/products/<product_id>",
        roles=EDITORS,
        body=ProductBody,
        response=ProductSchema,
        tags=TAGS,
        summary="Replace a product's fields",
    )
    def replace_product(self, request, user, body, product_id):
        return self.catalog_rpc.update_product(product_id, body, actor_of(user))

    @api(
        "PATCH",
        "/api/products/<product_id>",
        roles=EDITORS,
        body=ProductPatchBody,
        response=ProductSchema,
        tags=TAGS,
        summary="Change some of a product's fields",
    )
    def update_product(self, request, user, body, product_id):
        return self.catalog_rpc.update_product(product_id, body, actor_of(user))

    @api(
        "DELETE",
        "/api/products/<product_id>",
        roles=EDITORS,
        response=ProductSchema,
        tags=TAGS,
        summary="Archive a product (hidden from the storefront)",
    )
    def archive_product(self, request, user, product_id):
        return self.catalog_rpc.archive_product(product_id, actor_of(user))
