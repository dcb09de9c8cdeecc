"""Catalog errors, registered for RPC so callers receive them as themselves."""

from services.common.errors import BazaarError, Conflict, NotFound, ValidationFailed


class CatalogError(BazaarError):
    """A catalog operation failed."""


class ProductNotFound(NotFound, CatalogError):
    """No product has this id or slug."""


class CategoryNotFound(NotFound, CatalogError):
    """No category has this id or slug."""


class SlugTaken(Conflict, CatalogError):
    """Another product or category already uses this slug."""


class CategoryNotEmpty(Conflict, CatalogError):
    """The category still holds products or subcategories."""


class InvalidProduct(ValidationFailed, CatalogError):
    """A product field is invalid (e.g. an unknown category); details name the field."""
