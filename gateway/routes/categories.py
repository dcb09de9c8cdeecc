"""Categories: the public tree (cached) and admin changes."""

from gateway.api import api
from gateway.schemas.catalog import CategoryBody, CategoryPatchBody, CategorySchema, CategoryTree

TAGS = ("categories",)


class CategoryRoutes:
    @api(
        "GET",
        "/api/categories",
        response=CategoryTree,
        cache="catalog",
        tags=TAGS,
        summary="The category tree",
    )
    def list_categories(self, request):
        return {"data": self.catalog_rpc.list_categories()}

    @api(
        "GET",
        "/api/categories/<category_id>",
        response=CategorySchema,
        cache="catalog",
        tags=TAGS,
        summary="A category (by id or slug) with its subtree",
    )
    def get_category(self, request, category_id):
        """`category_id` may also be the category's slug."""
        return self.catalog_rpc.get_category(category_id)

    @api(
        "POST",
        "/api/categories",
        roles=("admin",),
        body=CategoryBody,
        response=CategorySchema,
        status=201,
        tags=TAGS,
        summary="Create a category",
    )
    def create_category(self, request, user, body):
        return self.catalog_rpc.create_category(body, user.user_id)

    @api(
        "PUT",
        "/api/categories/<category_id>",
        roles=("admin",),
        body=CategoryPatchBody,
        response=CategorySchema,
        tags=TAGS,
        summary="Change or move a category",
    )
    def update_category(self, request, user, body, category_id):
        return self.catalog_rpc.update_category(category_id, body, user.user_id)

    @api(
        "DELETE",
        "/api/categories/<category_id>",
        roles=("admin",),
        status=204,
        tags=TAGS,
        summary="Delete an empty category (409 while it holds products)",
    )
    def delete_category(self, request, user, category_id):
        self.catalog_rpc.delete_category(category_id, user.user_id)
