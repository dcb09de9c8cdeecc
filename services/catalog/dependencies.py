"""The catalog's DependencyProviders: its SQL adapters on the worker's session (the session the
service's `db` is), so the service's unit of work commits what they wrote.

Unit tests inject fakes in their place: `worker_factory(CatalogService, repo=..., search=...)`.
"""

from __future__ import annotations

from services.catalog.repository import SqlCatalogRepository
from services.catalog.search import SqlProductSearch
from services.common.database import Repository
from services.common.outbox import OutboxWriter


class CatalogStorage(Repository):
    """Injects the worker's `SqlCatalogRepository` (products, categories; events to the outbox)."""

    def __init__(self):
        super().__init__(lambda session: SqlCatalogRepository(session, OutboxWriter()))


class ProductSearchIndex(Repository):
    """Injects the worker's `SqlProductSearch` (listings, text search, the word dictionary)."""

    def __init__(self):
        super().__init__(SqlProductSearch)
