"""The inventory service's dependencies: the catalog as the use cases ask it (an adapter of
`domain.Catalog` over the catalog's RPC proxy)."""

from __future__ import annotations

from collections.abc import Mapping

from services.inventory import domain


class RpcCatalog(domain.Catalog):
    """One catalog RPC per question: `get_owners`, `list_seller_product_ids`."""

    def __init__(self, catalog_rpc):
        self.catalog_rpc = catalog_rpc

    def owners(self, product_ids: list[str]) -> Mapping[str, str | None]:
        return self.catalog_rpc.get_owners(product_ids)

    def seller_product_ids(self, seller_id: str | None) -> list[str]:
        return self.catalog_rpc.list_seller_product_ids(seller_id)
