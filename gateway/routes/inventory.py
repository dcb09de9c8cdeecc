"""Inventory: stock levels and adjustments for sellers and admins (a seller changes the stock of
their own products only: inventory asks the catalog, given the actor)."""

from gateway.api import api
from gateway.schemas.base import page_of
from gateway.schemas.inventory import AdjustStockBody, LowStockQuery, SetStockBody, StockSchema
from services.common.actor import actor_of

TAGS = ("inventory",)
EDITORS = ("seller", "admin")


class InventoryRoutes:
    @api(
        "GET",
        "/api/inventory/low-stock",
        roles=EDITORS,
        query=LowStockQuery,
        response=page_of(StockSchema),
        tags=TAGS,
        summary="Products at or below their threshold (a seller's own products only)",
    )
    def low_stock(self, request, user, query):
        return self.inventory_rpc.low_stock(query["page"], query["limit"], actor_of(user))

    @api(
        "GET",
        "/api/inventory/<product_id>",
        roles=EDITORS,
        response=StockSchema,
        tags=TAGS,
        summary="A product's stock",
    )
    def get_stock(self, request, user, product_id):
        return self.inventory_rpc.get_product_stock(product_id)

    @api(
        "PUT",
        "/api/inventory/<product_id>",
        roles=EDITORS,
        body=SetStockBody,
        response=StockSchema,
        tags=TAGS,
        summary="Set a product's stock on hand",
    )
    def set_stock(self, request, user, body, product_id):
        return self.inventory_rpc.set_stock(
            product_id,
            body["quantity"],
            body["reason"],
            actor_of(user),
            body.get("low_stock_threshold"),
        )

    @api(
        "POST",
        "/api/inventory/<product_id>/adjust",
        roles=EDITORS,
        body=AdjustStockBody,
        response=StockSchema,
        tags=TAGS,
        summary="Add or remove stock, with a reason",
    )
    def adjust_stock(self, request, user, body, product_id):
        return self.inventory_rpc.adjust_stock(
            product_id, body["delta"], body["reason"], actor_of(user)
        )
