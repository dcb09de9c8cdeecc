"""The back office's product list: every status (drafts and archived ones too), never cached."""

from gateway.api import api
from gateway.schemas.catalog import AdminProductQuery, ProductPage

EDITORS = ("seller", "admin")


class AdminProductRoutes:
    @api(
        "GET",
        "/api/admin/products",
        roles=EDITORS,
        query=AdminProductQuery,
        response=ProductPage,
        tags=("admin", "products"),
        summary="Staff: products of any status (`status`), by search or by `ids`",
    )
    def admin_list_products(self, request, user, query):
        # the back office shows no facets: skip their grouping over the matches
        return self.catalog_rpc.list_products({**query, "facets": False})
