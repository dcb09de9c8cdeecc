"""The back office's product list: every status (drafts and archived ones too), never cached; a
seller's list holds their own products only (the catalog filters by the actor)."""

from gateway.api import api
from gateway.schemas.catalog import AdminProductQuery, ProductPage
from services.common.actor import actor_of

EDITORS = ("seller", "admin")


class AdminProductRoutes:
    @api(
        "GET",
        "/api/admin/products",
        roles=EDITORS,
        query=AdminProductQuery,
        response=ProductPage,
        tags=("admin", "products"),
        summary="Staff: products of any status (`status`), by search or by `ids`; a seller's "
        "own products only",
    )
    def admin_list_products(self, request, user, query):
        # the back office shows no facets: skip their grouping over the matches
        return self.catalog_rpc.list_products({**query, "facets": False}, actor_of(user))
